// The sidecar `name.pcap.json` beside every capture: where it came from, how to get it again,
// and what it holds (size, packets, first/last packet time, SHA-256 computed while streaming).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CommittedCapture } from './writer';
import type { CutShort } from './shortfall';

export const SIDECAR_SCHEMA = 'probe-explorer.capture/1';

export type CaptureMode = 'allegro' | 'LEGACY' | 'LIVE_STREAM' | 'BUFFER_STREAM' | 'STREAM_TO_FILE';

/**
 * A live capture the user stopped before its end ("Stop and keep"): every complete packet
 * received until then was kept; the incomplete one at the end was cut off.
 */
export interface StoppedEarly {
  by: 'user';
  /** When the user stopped it, ISO 8601 UTC. */
  at: string;
  /** Bytes received before the cut; `size` is what was kept. */
  receivedBytes: number;
  /** Bytes of the incomplete last packet that were cut off. */
  droppedBytes: number;
}

export interface CaptureSidecar {
  schema: typeof SIDECAR_SCHEMA;
  /** File name of the capture (same folder). */
  file: string;
  device: { name: string; kind: 'allegro' | 'appresponse'; url?: string };
  /** The request as sent: Allegro query parameters or the AppResponse export config. */
  query: Record<string, unknown>;
  /** Requested time range, ISO 8601 UTC; `liveSeconds` for a live capture. */
  timeRange: { start?: string; end?: string; liveSeconds?: number };
  mode: CaptureMode;
  /** PREPARE estimate shown before the mode was picked, if any. */
  estimate?: { bytes?: number; packets?: number };
  format: 'pcap' | 'pcapng';
  size: number;
  packetCount: number;
  firstPacketTime?: string;
  lastPacketTime?: string;
  sha256: string;
  linkTypes: number[];
  /** Present when the user stopped the capture early; the facts above describe what was kept. */
  stoppedEarly?: StoppedEarly;
  /** Present when the capture covers less than was asked (a stop rule cut it, or its packets end well before the asked end). */
  cutShort?: CutShort;
  startedAt: string;
  finishedAt: string;
  /** Everything needed to run the same capture again (the form the user filled in). */
  rerun: { kind: 'allegro' | 'appresponse'; form: Record<string, unknown> };
  /** Made by Re-run Capture: the capture it re-ran (path relative to this file's folder). */
  rerunOf?: { file: string; sha256: string; startedAt: string };
}

/** The capture a re-run started from, as the download functions take it. */
export interface RerunSource {
  /** Absolute path of the original capture. */
  path: string;
  sha256: string;
  startedAt: string;
}

/** `rerunOf` of a new capture at `capturePath`: the original's path relative to the new one's folder. */
export function rerunRecord(capturePath: string, source: RerunSource): NonNullable<CaptureSidecar['rerunOf']> {
  const file = path.relative(path.dirname(capturePath), source.path).split(path.sep).join('/');
  return { file, sha256: source.sha256, startedAt: source.startedAt };
}

/** What the sidecar records of the file itself, the same for every way a capture was made. */
export function captureFacts(c: CommittedCapture): Pick<CaptureSidecar, 'format' | 'size' | 'packetCount' | 'firstPacketTime' | 'lastPacketTime' | 'sha256' | 'linkTypes' | 'stoppedEarly'> {
  return {
    format: c.format,
    size: c.size,
    packetCount: c.packetCount,
    ...(c.firstPacketTime ? { firstPacketTime: c.firstPacketTime } : {}),
    ...(c.lastPacketTime ? { lastPacketTime: c.lastPacketTime } : {}),
    sha256: c.sha256,
    linkTypes: c.linkTypes,
    ...(c.stoppedEarly ? { stoppedEarly: { ...c.stoppedEarly } } : {}),
  };
}

export function sidecarPathOf(capturePath: string): string {
  return `${capturePath}.json`;
}

/** Parses a sidecar; returns undefined with a reason when it is not one of ours. */
export function parseSidecar(text: string): { sidecar?: CaptureSidecar; problem?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  if (!v || typeof v !== 'object') return { problem: 'not an object' };
  const o = v as Record<string, unknown>;
  if (o.schema !== SIDECAR_SCHEMA) return { problem: `schema is not ${SIDECAR_SCHEMA}` };
  for (const key of ['file', 'sha256', 'mode', 'format'] as const) if (typeof o[key] !== 'string') return { problem: `missing ${key}` };
  for (const key of ['size', 'packetCount'] as const) if (typeof o[key] !== 'number') return { problem: `missing ${key}` };
  const d = o.device as Record<string, unknown> | undefined;
  if (!d || typeof d.name !== 'string' || (d.kind !== 'allegro' && d.kind !== 'appresponse')) return { problem: 'missing device' };
  return { sidecar: o as unknown as CaptureSidecar };
}

/**
 * The sidecar of a capture, or why the file beside it is not one (broken JSON after a hand edit,
 * another tool's file): `{}` only when there is no sidecar at all.
 */
export async function readSidecarChecked(capturePath: string): Promise<{ sidecar?: CaptureSidecar; problem?: string }> {
  let text: string;
  try {
    text = await fs.readFile(sidecarPathOf(capturePath), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: (err as Error).message };
  }
  return parseSidecar(text);
}

export async function readSidecar(capturePath: string): Promise<CaptureSidecar | undefined> {
  try {
    return parseSidecar(await fs.readFile(sidecarPathOf(capturePath), 'utf8')).sidecar;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes the sidecar without replacing an existing file. */
export async function writeSidecar(capturePath: string, sidecar: CaptureSidecar): Promise<string> {
  const p = sidecarPathOf(capturePath);
  await fs.writeFile(p, `${JSON.stringify(sidecar, null, 2)}\n`, { flag: 'wx' });
  return p;
}
