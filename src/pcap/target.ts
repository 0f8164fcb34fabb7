// What a capture command is started from. The Devices tree fills a CaptureTarget on its nodes
// (IP, MAC, connection, port, device, AppResponse packet source, report row); the commands
// read only these fields, so the tree and the capture code never import each other.

export type PacketSourceType = 'job' | 'vifg' | 'clip' | 'file';

/** An AppResponse packet source as the export `config.path` names it. */
export interface PacketSourceRef {
  type: PacketSourceType;
  /** Job / clip UUID, VIFG number, or file path below `fs/` (e.g. `admin/trace.pcap`). */
  id: string;
  /** Display name (job `config.name`, clip description, file name). */
  name?: string;
  /** Packets available from / to, seconds since the epoch (job `packet_start_time` / `packet_end_time`). */
  startTime?: number;
  endTime?: number;
  /** Still capturing (a RUNNING job, a VIFG): its data reaches now; `endTime` is when it was read. */
  live?: boolean;
}

/** A connection between two endpoints (Allegro `globalConnections` row, AppResponse report row). */
export interface ConnectionRef {
  clientIp: string;
  clientPort?: number;
  serverIp: string;
  serverPort?: number;
  /** `TCP`, `UDP`, ... (Allegro `l4ProtocolShortName`). */
  l4Protocol?: string;
  /** First / last activity, milliseconds since the epoch (Allegro `connectionStart` / `lastActivity`). */
  startMs?: number;
  endMs?: number;
}

/**
 * Filled by the tree helper on nodes with the `capturable` or `packetSource` context tag.
 * Only `deviceName` is required; a device node carries nothing else.
 */
export interface CaptureTarget {
  deviceName: string;
  ip?: string;
  mac?: string;
  connection?: ConnectionRef;
  /** A layer-4 port, optionally with its protocol. */
  port?: number;
  protocol?: string;
  /** AppResponse packet source (job, vifg, clip, file). */
  packetSource?: PacketSourceRef;
  /** A filter taken from a report row (e.g. `cli_tcp.ip == '10.1.2.3'`). */
  filter?: { type: 'STEELFILTER' | 'WIRESHARK' | 'BPF'; value: string };
  /** A time range taken from the node (seconds since the epoch). */
  timeRange?: { start: number; end: number };
  /** Allegro `mm-id` the node lives in (parallel pcap analysis slot, multi-device name). */
  mmId?: string;
}

const SOURCE_TYPES: readonly string[] = ['job', 'vifg', 'clip', 'file'];

/**
 * Reads a CaptureTarget from whatever a command receives: a tree node carrying the fields
 * directly, a node with a `target` property, or a packet source node `{ deviceName, type, id }`.
 * Returns undefined for anything without a device name (then the command asks for a device).
 */
export function captureTargetOf(arg: unknown): CaptureTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as Record<string, unknown>;
  if (o.target && typeof o.target === 'object') {
    const inner = captureTargetOf(o.target);
    if (inner) return inner;
  }
  const deviceName = typeof o.deviceName === 'string' ? o.deviceName : undefined;
  if (!deviceName) return undefined;
  const t: CaptureTarget = { deviceName };
  if (typeof o.ip === 'string') t.ip = o.ip;
  if (typeof o.mac === 'string') t.mac = o.mac;
  if (typeof o.port === 'number') t.port = o.port;
  else if (typeof o.port === 'string' && /^\d+$/.test(o.port)) t.port = Number(o.port);
  if (typeof o.protocol === 'string') t.protocol = o.protocol;
  if (typeof o.mmId === 'string') t.mmId = o.mmId;
  const c = o.connection as Record<string, unknown> | undefined;
  if (c && typeof c === 'object' && typeof c.clientIp === 'string' && typeof c.serverIp === 'string') {
    t.connection = { clientIp: c.clientIp, serverIp: c.serverIp };
    if (typeof c.clientPort === 'number') t.connection.clientPort = c.clientPort;
    if (typeof c.serverPort === 'number') t.connection.serverPort = c.serverPort;
    if (typeof c.l4Protocol === 'string') t.connection.l4Protocol = c.l4Protocol;
    if (typeof c.startMs === 'number') t.connection.startMs = c.startMs;
    if (typeof c.endMs === 'number') t.connection.endMs = c.endMs;
  }
  const ps = (o.packetSource ?? (typeof o.type === 'string' && SOURCE_TYPES.includes(o.type) ? o : undefined)) as Record<string, unknown> | undefined;
  if (ps && typeof ps === 'object' && typeof ps.type === 'string' && SOURCE_TYPES.includes(ps.type) && (typeof ps.id === 'string' || typeof ps.id === 'number')) {
    t.packetSource = { type: ps.type as PacketSourceType, id: String(ps.id) };
    if (typeof ps.name === 'string') t.packetSource.name = ps.name;
    if (typeof ps.startTime === 'number') t.packetSource.startTime = ps.startTime;
    if (typeof ps.endTime === 'number') t.packetSource.endTime = ps.endTime;
    if (ps.live === true) t.packetSource.live = true;
  }
  const f = o.filter as Record<string, unknown> | undefined;
  if (f && typeof f === 'object' && typeof f.value === 'string' && (f.type === 'STEELFILTER' || f.type === 'WIRESHARK' || f.type === 'BPF')) {
    t.filter = { type: f.type, value: f.value };
  }
  const tr = o.timeRange as Record<string, unknown> | undefined;
  if (tr && typeof tr.start === 'number' && typeof tr.end === 'number') t.timeRange = { start: tr.start, end: tr.end };
  return t;
}

/** `config.path` of an AppResponse export for a packet source. */
export function packetSourcePath(source: PacketSourceRef): string {
  const prefix = { job: 'jobs', vifg: 'vifgs', clip: 'clips', file: 'fs' }[source.type];
  const id = source.type === 'file' ? source.id.replace(/^\/+/, '').replace(/^fs\//, '') : source.id;
  return `${prefix}/${id}`;
}
