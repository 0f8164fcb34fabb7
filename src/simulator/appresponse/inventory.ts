// Packet sources of the simulated appliance: virtual interface groups, capture jobs (2.0 and 3.0
// shapes), clips and the npm file system (a few model-backed pcap files plus the files that
// STREAM_TO_FILE exports write). Each source knows its time range and which traffic it holds.
import type { Connection, Direction } from '../model/types';
import type { TrafficModel } from '../model/traffic';
import type { CaptureJob, Clip, FsEntry, Vifg } from '../../appresponse/types';

export interface PacketSource {
  /** e.g. vifgs/1000, jobs/<uuid>, clips/<id>, fs/admin/web.pcap */
  path: string;
  /** Packets from this time (µs, inclusive)... */
  startUs: (nowMs: number) => number;
  /** ...to this time (µs, exclusive); live sources follow the clock. */
  endUs: (nowMs: number) => number;
  /** Which traffic the source holds (a capture job's filter). */
  filter?: (c: Connection, dir: Direction) => boolean;
}

export interface StoredFile {
  path: string;
  owner: string;
  bytes: Buffer;
  packets: number;
  modifiedMs: number;
  startUs: number;
  endUs: number;
  filter?: (c: Connection, dir: Direction) => boolean;
}

const JOB_DEFAULT = 'c69a9a14-fb82-46a7-b7c1-70751b70f69b';
const JOB_VOIP = 'ef3b2a1b-0bd8-47e5-8d2c-ac81bb8766ae';

export class Inventory {
  readonly vifgs: Vifg[];
  readonly files = new Map<string, StoredFile>();
  vifgSettings: Record<string, unknown>;
  private readonly virtualFiles: { path: string; owner: string; minutesAgo: number; seconds: number; filter?: (c: Connection, dir: Direction) => boolean }[];

  constructor(private readonly startedAtSec: number, private readonly model: TrafficModel) {
    this.vifgs = [
      vifg(1000, 'other_vifg', ['mgmt0']),
      vifg(1004, 'my_vifg', ['eth1', 'eth2']),
      vifg(1005, 'voip_vifg', ['eth3']),
    ];
    this.vifgSettings = {
      supported_grouping_types: ['INTERFACE', 'VLAN', 'MPLS', 'VXLAN'],
      autodiscovery: { default: { flow_export: { filter: { type: 'BPF', value: '' }, enabled: false }, dedup: false }, enabled: false },
      grouping_type: 'INTERFACE',
    };
    this.virtualFiles = [
      // Small traces, like files analysts upload: one workstation, a web slice, a call.
      { path: 'admin/web.pcap', owner: 'admin', minutesAgo: 20, seconds: 2, filter: (c) => c.kind === 'web' && c.client.local && c.server.local },
      { path: 'admin/mytrace.pcap', owner: 'admin', minutesAgo: 30, seconds: 10, filter: (c) => c.client.ip === '10.1.2.3' || c.server.ip === '10.1.2.3' },
      { path: 'analyst/voip.pcap', owner: 'analyst', minutesAgo: 15, seconds: 10, filter: (c) => c.kind === 'rtp' },
    ];
  }

  jobIds(): string[] {
    return [JOB_DEFAULT, JOB_VOIP];
  }

  jobs(_version: '2.0' | '3.0', nowMs: number): CaptureJob[] {
    const end = String(Math.floor(nowMs / 1000));
    const start = String(this.startedAtSec);
    const make = (id: string, name: string, vifgs: number[], filter: string, size: number): CaptureJob => {
      const job: CaptureJob = {
        id,
        config: { name, vifgs, enabled: true, filter: { type: 'BPF', value: filter }, retention_rules: { max_data_size: 10_000_000_000 }, indexing: { enabled: true } },
        state: { status: { state: 'RUNNING', packet_start_time: start, packet_end_time: end, capture_size: size } },
      };
      // Public clients read these at item level too.
      job.packet_start_time = start;
      job.packet_end_time = end;
      job.capture_size = size;
      return job;
    };
    const age = Math.max(1, Math.floor(nowMs / 1000) - this.startedAtSec);
    return [
      make(JOB_DEFAULT, 'default_job', [1000, 1004], '', age * 1_200_000),
      make(JOB_VOIP, 'voip_job', [1005], 'udp portrange 16384-32767', age * 40_000),
    ];
  }

  clips(nowMs: number): Clip[] {
    const base = Math.floor(nowMs / 60_000) * 60 - 600;
    return [
      { id: `${JOB_DEFAULT}0004`, config: { job_id: JOB_DEFAULT, start_time: String(base), end_time: String(base + 30), description: 'Slow page loads' }, status: { packets: 0, size: 0 } },
      { id: `${JOB_VOIP}0005`, config: { job_id: JOB_VOIP, start_time: String(base + 120), end_time: String(base + 140), description: 'Choppy call' }, status: { packets: 0, size: 0 } },
    ];
  }

  /** The packet source at `path`, or undefined. */
  source(path: string, nowMs: number): PacketSource | undefined {
    const [kind, ...restParts] = path.replace(/^\/+/, '').split('/');
    const rest = restParts.join('/');
    const liveEnd = (n: number) => n * 1000;
    const started = () => this.startedAtSec * 1e6;
    if (kind === 'vifgs') {
      if (!this.vifgs.some((v) => String(v.id) === rest)) return undefined;
      return { path, startUs: started, endUs: liveEnd };
    }
    if (kind === 'jobs') {
      if (rest === JOB_DEFAULT) return { path, startUs: started, endUs: liveEnd };
      if (rest === JOB_VOIP) return { path, startUs: started, endUs: liveEnd, filter: (c) => c.kind === 'rtp' };
      return undefined;
    }
    if (kind === 'clips') {
      const clip = this.clips(nowMs).find((c) => c.id === rest);
      if (!clip) return undefined;
      const filter = clip.config.job_id === JOB_VOIP ? (c: Connection) => c.kind === 'rtp' : undefined;
      return { path, startUs: () => Number(clip.config.start_time) * 1e6, endUs: () => Number(clip.config.end_time) * 1e6, filter };
    }
    if (kind === 'fs') {
      const stored = this.files.get(rest);
      if (stored) return { path, startUs: () => stored.startUs, endUs: () => stored.endUs, filter: stored.filter };
      const v = this.virtualFiles.find((f) => f.path === rest);
      if (!v) return undefined;
      const start = (Math.floor(nowMs / 60_000) - v.minutesAgo) * 60;
      return { path, startUs: () => start * 1e6, endUs: () => (start + v.seconds) * 1e6, filter: v.filter };
    }
    return undefined;
  }

  /** Every fs entry: model-backed files and exported files. */
  fsEntries(nowMs: number): FsEntry[] {
    const out: FsEntry[] = [];
    for (const v of this.virtualFiles) {
      const start = (Math.floor(nowMs / 60_000) - v.minutesAgo) * 60;
      const { packets, bytes } = this.measure(start, start + v.seconds, v.filter);
      out.push({ id: v.path, type: 'FILE', path: v.path, owner: v.owner, size: 24 + bytes + 16 * packets, packets, modified: String(start + v.seconds), start_time: String(start), end_time: String(start + v.seconds) });
    }
    for (const f of this.files.values()) {
      out.push({ id: f.path, type: 'FILE', path: f.path, owner: f.owner, size: f.bytes.length, packets: f.packets, modified: String(Math.floor(f.modifiedMs / 1000)), start_time: String(Math.floor(f.startUs / 1e6)), end_time: String(Math.ceil(f.endUs / 1e6)) });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Directory tree view of the file system (GET fs, GET fs/<dir>). */
  fsTree(dir: string, nowMs: number): FsEntry | undefined {
    const prefix = dir.replace(/^\/+|\/+$/g, '');
    const entries = this.fsEntries(nowMs);
    const file = entries.find((e) => e.path === prefix);
    if (file) return file;
    const inside = entries.filter((e) => !prefix || e.path.startsWith(`${prefix}/`));
    if (prefix && !inside.length) return undefined;
    const dirs = new Map<string, FsEntry>();
    const files: FsEntry[] = [];
    for (const e of inside) {
      const rel = prefix ? e.path.slice(prefix.length + 1) : e.path;
      const slash = rel.indexOf('/');
      if (slash < 0) files.push(e);
      else {
        const name = rel.slice(0, slash);
        const path = prefix ? `${prefix}/${name}` : name;
        if (!dirs.has(name)) dirs.set(name, { id: path, type: 'DIRECTORY', path });
      }
    }
    return { id: prefix || '/', type: 'DIRECTORY', path: prefix || '/', dirs: [...dirs.values()], files };
  }

  /** Packets and frame bytes a model-backed file holds (the pcap size follows: header + 16 bytes a record). */
  private measure(t0: number, t1: number, filter?: (c: Connection, dir: Direction) => boolean): { packets: number; bytes: number } {
    let packets = 0;
    let bytes = 0;
    for (const c of this.model.connections(t0, t1)) {
      const f = this.model.flowCounters(c, t0, t1);
      if (!filter || filter(c, 'c2s')) { packets += f.c2sPackets; bytes += f.c2sBytes; }
      if (!filter || filter(c, 's2c')) { packets += f.s2cPackets; bytes += f.s2cBytes; }
    }
    return { packets, bytes };
  }

  isVirtualFile(path: string): boolean {
    return this.virtualFiles.some((f) => f.path === path);
  }

  deleteFile(path: string): boolean {
    const i = this.virtualFiles.findIndex((f) => f.path === path);
    if (i >= 0) {
      this.virtualFiles.splice(i, 1);
      return true;
    }
    return this.files.delete(path);
  }
}

function vifg(id: number, name: string, members: string[]): Vifg {
  return {
    id,
    config: {
      name,
      enabled: true,
      description: `${name} (${members.join(', ')})`,
      members,
      filter: { type: 'BPF', value: '' },
      flow_export: { enabled: false, filter: { type: 'BPF', value: '' } },
      dedup: false,
    },
    state: { is_active: true, stats: { packets_total: 0, bytes_total: 0 } },
  };
}
