// Response shapes of the Allegro Network Multimeter REST API (allegro-rest-api.txt).

/** rx packets, rx bytes, tx packets, tx bytes, then module-specific values. */
export type Counters = number[];

export interface CounterFields {
  interval: Counters;
  allTime: Counters;
  lastSecond: Counters;
  intervalPerSecond: Counters;
}

export interface HistoryObject {
  rows?: string[];
  timespan?: number;
  dataAge?: number;
  intervalAMM?: { min: number; count: number; avg: number; max: number };
  /** [timestamp ms, values...] per point; absent with skiphistorydata=true. */
  data?: number[][];
}

export interface IpEntry extends CounterFields {
  ip: string;
  hostName?: string;
  mac?: string;
  vlan?: number;
  protocol?: string;
  countryCode?: string;
  countryName?: string;
  firstSeen?: number;
  lastSeen?: number;
  history?: HistoryObject;
  [key: string]: unknown;
}

export interface IpDetails extends IpEntry {
  connections?: number;
  peers?: number;
}

export interface PagedList<T> {
  displayedItems: T[];
  numberOfItems: number;
  numberOfPages: number;
  itemsPerPage: number;
  page?: number;
}

export type SortCriterion = 'bytes' | 'rxbytes' | 'txbytes' | 'bps' | 'rxbps' | 'txbps';

export interface TimeRange {
  /** Epoch seconds (or a Date). */
  starttime?: number | Date;
  endtime?: number | Date;
  skiphistorydata?: boolean;
  /** History resolution in seconds. */
  timespan?: number;
  /** Maximum number of history values. */
  values?: number;
}

export interface ListParams extends TimeRange {
  sort?: SortCriterion;
  /** true = descending. */
  reverse?: boolean;
  page?: number;
  /** Entries per page; the device answers at most 100. */
  count?: number;
  [extra: string]: string | number | boolean | Date | undefined;
}

export interface GlobalConnection {
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  l4ProtocolShortName: string;
  dpiProtocol: string;
  /** Milliseconds since the epoch. */
  connectionStart: number;
  lastActivity: number;
  [key: string]: unknown;
}

export interface AsyncHandle {
  asyncID: number;
  asyncUUID: string;
}

export interface MultideviceEntry {
  id: string;
  host: string;
  name?: string;
  active: boolean;
  [key: string]: unknown;
}

export interface CaptureParams {
  /** Filter expression; build one with the helpers of ./expression. */
  expression?: string;
  /** Microseconds since the epoch (see toMicroseconds), or a Date. */
  startTime?: number | Date;
  /** Microseconds since the epoch, a Date, or 'now' (then `timespan` seconds back). */
  endTime?: number | Date | 'now';
  timespan?: number;
  snapPacketLength?: number;
  fromCaptureBuffer?: boolean;
  captureBufferSlotId?: number;
  captureToMedia?: boolean;
  /** Ask the simulator (and devices that support it) for pcapng. */
  format?: 'pcap' | 'pcapng';
}

/** One line of ips/<ip>/peers_ports?csv=true as the document's server-ports script reads it. */
export interface PeerPortRow {
  peer: string;
  port: number;
  protocol: string;
  /** The peer's role: "client" means the queried IP runs the server port. */
  role: string;
  cells: string[];
}
