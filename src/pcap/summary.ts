// Capture summaries from our own reader: packet count, time span, top talkers, protocols.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CaptureScanner, type CaptureFormat, type PacketInfo } from './scanner';
import { decodePacket } from './decode';
import { formatBytes as formatSize, formatDuration } from '../shared/format';

export { formatDuration };

export interface Counter {
  name: string;
  packets: number;
  bytes: number;
}

export interface CaptureSummary {
  format: CaptureFormat | undefined;
  complete: boolean;
  problem?: string;
  fileBytes: number;
  packetCount: number;
  /** Sum of original (on-the-wire) packet lengths. */
  wireBytes: number;
  linkTypes: number[];
  /** ISO 8601 with microseconds, UTC. */
  firstPacketTime?: string;
  lastPacketTime?: string;
  /** Earliest and latest timestamps (files are not always in time order). */
  startTime?: string;
  endTime?: string;
  durationSeconds?: number;
  topTalkers: Counter[];
  topConversations: Counter[];
  /** Every protocol seen at any layer, e.g. Ethernet, VLAN, IPv4, TCP, with packets and bytes. */
  protocols: Counter[];
  topPorts: Counter[];
}

const HEAD_BYTES = 128;

export class CaptureSummarizer {
  private readonly scanner: CaptureScanner;
  private wireBytes = 0;
  private min: bigint | undefined;
  private max: bigint | undefined;
  private readonly talkers = new Map<string, Counter>();
  private readonly conversations = new Map<string, Counter>();
  private readonly protocols = new Map<string, Counter>();
  private readonly ports = new Map<string, Counter>();

  constructor(private readonly top = 10) {
    this.scanner = new CaptureScanner({ captureBytes: HEAD_BYTES, onPacket: (p) => this.onPacket(p) });
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  end(): CaptureSummary {
    const r = this.scanner.end();
    const sorted = (m: Map<string, Counter>) => [...m.values()].sort((a, b) => b.bytes - a.bytes || b.packets - a.packets || a.name.localeCompare(b.name));
    const summary: CaptureSummary = {
      format: r.format,
      complete: r.complete,
      ...(r.problem ? { problem: r.problem } : {}),
      fileBytes: r.bytes,
      packetCount: r.packetCount,
      wireBytes: this.wireBytes,
      linkTypes: r.linkTypes,
      topTalkers: sorted(this.talkers).slice(0, this.top),
      topConversations: sorted(this.conversations).slice(0, this.top),
      protocols: sorted(this.protocols),
      topPorts: sorted(this.ports).slice(0, this.top),
    };
    if (r.firstTimestampNs !== undefined) summary.firstPacketTime = isoFromNs(r.firstTimestampNs);
    if (r.lastTimestampNs !== undefined) summary.lastPacketTime = isoFromNs(r.lastTimestampNs);
    if (this.min !== undefined && this.max !== undefined) {
      summary.startTime = isoFromNs(this.min);
      summary.endTime = isoFromNs(this.max);
      summary.durationSeconds = Number(this.max - this.min) / 1e9;
    }
    return summary;
  }

  private onPacket(p: PacketInfo): void {
    const len = p.originalLength;
    this.wireBytes += len;
    if (p.timestampNs !== undefined) {
      if (this.min === undefined || p.timestampNs < this.min) this.min = p.timestampNs;
      if (this.max === undefined || p.timestampNs > this.max) this.max = p.timestampNs;
    }
    const d = decodePacket(p.linkType, p.data);
    for (const name of new Set(d.stack)) add(this.protocols, name, len);
    if (d.srcIp && d.dstIp) {
      add(this.talkers, d.srcIp, len);
      if (d.dstIp !== d.srcIp) add(this.talkers, d.dstIp, len);
      const [a, b] = d.srcIp < d.dstIp ? [d.srcIp, d.dstIp] : [d.dstIp, d.srcIp];
      add(this.conversations, `${a} ↔ ${b}`, len);
    }
    if (d.dstPort !== undefined && d.srcPort !== undefined) {
      const proto = d.stack[d.stack.length - 1];
      // The lower port is usually the service.
      add(this.ports, `${proto}/${Math.min(d.srcPort, d.dstPort)}`, len);
    }
  }
}

function add(map: Map<string, Counter>, name: string, bytes: number): void {
  let c = map.get(name);
  if (!c) {
    c = { name, packets: 0, bytes: 0 };
    map.set(name, c);
  }
  c.packets++;
  c.bytes += bytes;
}

/** ISO 8601 UTC with microseconds (nanoseconds are rounded down). */
export function isoFromNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const micros = Number((ns / 1000n) % 1_000_000n);
  const base = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.mmmZ
  return `${base.slice(0, 19)}.${String(micros < 0 ? micros + 1_000_000 : micros).padStart(6, '0')}Z`;
}

export async function summarizeFile(path: string, options: { top?: number; signal?: AbortSignal } = {}): Promise<CaptureSummary> {
  const summarizer = new CaptureSummarizer(options.top);
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    for await (const chunk of stream) summarizer.push(chunk as Buffer);
  } catch (err) {
    if ((err as Error).name !== 'CaptureFormatError') throw err;
  }
  const summary = summarizer.end();
  // Reading stops where the framing fails: the file's size is the file's, not what was read of it.
  summary.fileBytes = Math.max(summary.fileBytes, (await stat(path)).size);
  return summary;
}

/** Capture files on disk in binary units (KiB, MiB), as file tools show them. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, { binary: true });
}

/** One line for a Markdown note or a tooltip. */
export function oneLineSummary(s: Pick<CaptureSummary, 'packetCount' | 'fileBytes' | 'startTime' | 'endTime' | 'durationSeconds' | 'topTalkers' | 'protocols'>): string {
  const parts = [`${s.packetCount} packets`, formatBytes(s.fileBytes)];
  if (s.startTime && s.endTime) parts.push(`${s.startTime.replace('T', ' ').slice(0, 19)} to ${s.endTime.replace('T', ' ').slice(11, 19)} UTC (${formatDuration(s.durationSeconds ?? 0)})`);
  const top = s.topTalkers.slice(0, 2).map((t) => t.name);
  if (top.length) parts.push(`top: ${top.join(', ')}`);
  const l4 = s.protocols.filter((p) => ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'ARP'].includes(p.name)).map((p) => p.name);
  if (l4.length) parts.push(l4.join('/'));
  return parts.join(', ');
}
