// The Allegro Network Multimeter client: typed requests over the HTTP core, plus pure helpers.
export { AllegroClient, AllegroAsyncError, AllegroAsyncTimeoutError, MAX_PAGE_SIZE, parseCsv, parseCsvLine, type AllegroClientOptions, type CallOptions, type PollOptions } from './client';
export * as captureExpression from './expression';
export { toMicroseconds, toEpochSeconds, fromMicroseconds, captureTime } from './time';
export type * from './types';
