// The report request of the AppResponse document (npm.reports / npm.probe.reports), and our report
// file format. The one definition of the data_def request: the AppResponse client, the report runner
// and the simulator import it (src/appresponse/types.ts re-exports it under its wire names).
//
// Report file (`*.probe-report.json`):
//   {
//     "$schema": "…",                 optional, for editors
//     "device": "lab-appresponse",    the name of a configured device (probeExplorer.devices)
//     "live": false,                  optional: a live report (packet sources, npm.probe.reports)
//     "idle_timeout": "86400",        optional, live reports: auto-delete after this idle time (s)
//     "data_defs": [ DataDef, … ]     what POST …/instances sends, one entry per question
//   }

export type FilterType = 'STEELFILTER' | 'WIRESHARK' | 'BPF';
export type SourceType = 'INDEX' | 'PACKETS';
export type TopByDirection = 'asc' | 'desc';

export interface DataDefSource {
  /** Data source name from npm.reports.sources (`aggregates`, `packets`, …). */
  name: string;
  /** Packet sources: `fs/<user>/file.pcap`, `jobs/<id>`, `vifgs/<id>`, `clips/<id>`. */
  path?: string;
  type?: SourceType;
}

export interface TimeSpec {
  /** Epoch seconds as a string, up to nanosecond precision; inclusive. */
  start?: string;
  /** Epoch seconds as a string, up to nanosecond precision; exclusive. */
  end?: string;
  /** "last 5 days", "previous 1 month", "this week", "12 min", "2 quarters", … */
  duration?: string;
  /** Seconds as a string; "0" or absent: chosen by the device. */
  granularity?: string;
  /** Seconds as a string; a multiple of the granularity. */
  resolution?: string;
  /** Live reports: how long collected bins are kept, in seconds. */
  retention_time?: string;
}

export interface FilterSpec {
  /** Defaults to STEELFILTER. WIRESHARK and BPF only on packet sources. */
  type?: FilterType;
  value: string;
}

export interface TopBy {
  id: string;
  direction: TopByDirection;
}

export interface DataDef {
  source: DataDefSource;
  columns: string[];
  group_by?: string[];
  top_by?: TopBy[];
  limit?: number;
  time?: TimeSpec;
  filters?: FilterSpec[];
  /** Returned untouched by the device; connects results to their widget. */
  reference?: string;
  reference_id?: string;
  /** Listed among the request properties by the document, not described; the shape of top_by (the
   *  ranking when top_by is absent, as the simulator reads it). */
  sort?: TopBy[];
}

export interface ReportInstanceRequest {
  live?: boolean;
  /** Seconds, live reports. */
  idle_timeout?: string;
  data_defs: DataDef[];
}

export interface ReportFile extends ReportInstanceRequest {
  $schema?: string;
  /** Name of the configured device the report runs on. */
  device: string;
}

/** A message in the shape of the device's `status.messages[]` entries. */
export interface DeviceMessage {
  module_id: string;
  id: string;
  text: string;
  details?: Record<string, string>;
}

export interface ReportProblem {
  /** JSON path into the checked object, e.g. `data_defs[1].time.duration`. */
  path: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** How the device words the same refusal. */
  device: DeviceMessage;
  /** The problem is the property name at `path` (an unknown property), not its value. */
  key?: boolean;
  /** For problems inside a string (a STEELFILTER filter): the offsets within that string's value. */
  range?: { start: number; end: number };
  fix?: { text: string; title: string; range?: { start: number; end: number } };
}
