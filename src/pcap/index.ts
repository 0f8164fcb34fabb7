// Pure capture core: reading, validating, summarizing and safely writing pcap/pcapng files.
export * from './scanner';
export * from './decode';
export * from './summary';
export * from './naming';
export * from './progress';
export * from './sidecar';
export * from './target';
export * from './writer';
export * from './markdown';
export * from './report';
export * from './download';
export * from './shortfall';
export * from './empty';
