// Wire types of the AppResponse 11 REST API, written from the reference document
// (/work/shared/reference/appresponse-rest-api.txt). Shared by the client and the simulator.
import type { DataDef, DeviceMessage, FilterSpec } from '../report/types';

export interface TopByFlags {
  asc: boolean;
  desc: boolean;
}

/** A column of a report source as served by npm.reports.sources. Optional properties are often absent. */
export interface SourceColumn {
  id: string;
  field: string;
  label: string;
  description?: string;
  type: string;
  source_name?: string;
  enum?: boolean;
  minimum?: string | number;
  maximum?: string | number;
  unit?: string;
  rate?: string;
  operation?: string;
  direction?: string;
  role?: string;
  grouped_by?: boolean;
  top_by?: TopByFlags;
  /** Present (false) only for columns that cannot be sorted. */
  sortable?: boolean;
  /** Present (true) only for metric columns. */
  metric?: boolean;
  custom?: boolean;
  custom_id?: string;
  default_if_absent?: string;
  synthesized?: boolean;
  categories?: string[];
  groups?: string[];
}

export interface SourceInfo {
  external_api_access: 'supported' | 'not_supported' | string;
  version: string;
  vendor: string;
  generated_at: string;
}

export interface ReportSource {
  name: string;
  info: SourceInfo;
  columns: SourceColumn[];
  capabilities: { filters_on_metrics: boolean };
  granularities?: string[];
}

export interface FieldEnumValue {
  value: string;
  label: string;
}

export interface FieldInfo {
  id: string;
  type: string;
  unit: string;
  label: string;
  description?: string;
  enum: boolean;
  values: FieldEnumValue[];
}

// The data_def request (source, time, group_by, columns, top_by, sort, limit, filters) and the status
// message are defined once, in the pure report model (src/report/types.ts); these are their wire names.
export type { FilterType, TimeSpec } from '../report/types';
export type DataDefRequest = DataDef;
export type ReportFilter = FilterSpec;

export type DataDefState = 'pending' | 'initializing' | 'executing' | 'completed' | 'collecting' | 'error';

export type StatusMessage = DeviceMessage;

export interface DataDefStatus {
  state: DataDefState;
  progress?: { percent: number; remaining_sec?: number };
  messages?: StatusMessage[];
}

export interface ActualTime {
  time_ranges: { start: string; end: string }[];
}

export interface DataDefResponse extends DataDefRequest {
  id: number;
  status: DataDefStatus;
  actual_time?: ActualTime;
  actual_filters?: ReportFilter[];
  /** Present in sync answers once completed. */
  data?: string[][];
  meta?: DataMeta;
}

export interface InstanceResponse {
  id: number;
  live?: boolean;
  idle_timeout?: string;
  data_defs: DataDefResponse[];
}

export interface DataMeta {
  count: number;
  total: number;
  offset?: number;
  limit?: number;
  sort_by?: string;
  columns?: string;
  start_time?: string;
  end_time?: string;
  resolution?: string;
  nsamples?: boolean;
}

export interface DataResponse {
  meta: DataMeta;
  data?: string[][];
  columns: string[];
}

export interface BulkDataResponse {
  data_defs: (DataResponse & { id: number; datasource_id: string; reference_id: string })[];
}

export interface DataQuery {
  limit?: number;
  offset?: number;
  /** e.g. [{ id: 'host_group.id', direction: 'desc' }] → "host_group.id desc" */
  sortBy?: { id: string; direction: 'asc' | 'desc' }[];
  columns?: string[];
  /** Live data only. */
  resolution?: string;
  startTime?: string;
  endTime?: string;
  nsamples?: boolean;
}

export interface ErrorBody {
  error_id: string;
  error_text: string;
}

// ---- discovery ----

export interface DeviceInfo {
  device_name: string;
  model: string;
  sw_version: string;
  serial: string;
  hw_version: string;
  mgmt_addresses: string[];
}

export interface ServiceEntry {
  id: string;
  versions: string[];
}

export interface AuthInfo {
  supported_methods: string[];
  specify_purpose?: boolean;
  login_banner?: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_at: number;
  token_type?: string;
}

// ---- packet capture inventory ----

export interface Vifg {
  id: number;
  config: {
    name: string;
    enabled: boolean;
    description?: string;
    members?: string[];
    filter?: { type: string; value: string };
    flow_export: { enabled: boolean; filter: { type: string; value: string } };
    [key: string]: unknown;
  };
  state: { [key: string]: unknown };
}

export interface CaptureJob {
  id: string;
  config: { name: string; vifgs?: number[]; enabled?: boolean; filter?: { type: string; value: string }; [key: string]: unknown };
  state: {
    status: { state: string; packet_start_time: string; packet_end_time: string; capture_size?: number; [key: string]: unknown };
    [key: string]: unknown;
  };
  /** 2.0 flattens these at item level too (as public clients read them). */
  packet_start_time?: string;
  packet_end_time?: string;
  capture_size?: number;
}

export interface Clip {
  id: string;
  config: { job_id: string; start_time: string; end_time: string; description?: string; filters?: unknown };
  status?: { packets: number; size: number; [key: string]: unknown };
}

export interface FsEntry {
  id: string;
  type: 'FILE' | 'DIRECTORY';
  path: string;
  size?: number;
  owner?: string;
  modified?: string;
  packets?: number;
  start_time?: string;
  end_time?: string;
  dirs?: FsEntry[];
  files?: FsEntry[];
}

export interface ItemsList<T> {
  items: T[];
  count?: number;
}

// ---- packet export ----

export type ExportMode = 'LEGACY' | 'LIVE_STREAM' | 'BUFFER_STREAM' | 'STREAM_TO_FILE' | 'PREPARE';
export type ExportFormat = 'PCAP_US' | 'PCAP_NS' | 'PCAPNG_US' | 'PCAPNG_NS';
export type ExportState = 'UNINITIALIZED' | 'INITIALIZING' | 'READY' | 'RUNNING' | 'STREAMING' | 'ERRORS' | 'NODATA' | 'DONE';

export interface ExportConfig {
  path: string;
  mode?: ExportMode;
  start_time?: string;
  end_time?: string;
  time_intervals?: { start_time: string; end_time: string }[];
  filters?: ReportFilter[];
  stop_rule?: { time_limit?: number; size_limit?: number; packet_limit?: number };
  snap_length?: number;
  output_format?: ExportFormat;
  output_filename?: string;
  connection_timeout_msec?: number;
  handle_timeout_msec?: number;
}

export interface ExportStats {
  exported_packets: number;
  exported_bytes: number;
  total_bytes: number;
  estimated_bytes?: number;
  estimated_packets?: number;
  processed_packets: number;
  dropped_packets?: number;
  truncated?: boolean;
}

export interface ExportStatus {
  state: ExportState;
  progress: number;
  creation_time: string;
  owner: string;
  stats?: ExportStats;
  error?: { error_id: string; error_text: string; error_metrics?: Record<string, unknown> };
}

export interface ExportHandle {
  id: string;
  config: ExportConfig;
  status: ExportStatus;
}
