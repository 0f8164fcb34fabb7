// The Markdown link inserted into the analyst's note when a capture finishes.
import * as path from 'node:path';
import type { CaptureSidecar } from './sidecar';
import { formatBytes } from './summary';

/** Relative link target from the note's folder, with `/` separators and unsafe characters escaped. */
export function relativeLinkTarget(noteFile: string, captureFile: string): string {
  const rel = path.relative(path.dirname(noteFile), captureFile).split(path.sep).join('/');
  return rel.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

/** `[name.pcap](rel/name.pcap) (sidecar) - 120 packets, 1.2 MiB, ...` as one line. */
export function captureLinkLine(noteFile: string, captureFile: string, oneLine: string): string {
  const name = path.basename(captureFile).replace(/([\\[\]])/g, '\\$1');
  const target = relativeLinkTarget(noteFile, captureFile);
  return `[${name}](${target}) ([metadata](${target}.json)): ${oneLine.replace(/[\r\n]+/g, ' ')}`;
}

/** "lab-mm, 120 packets, 1.2 MiB, 2026-01-02 03:04:05 to 03:09:05 UTC, expression ip==10.1.2.3" */
export function sidecarOneLine(s: CaptureSidecar): string {
  const parts = [s.device.name, `${s.packetCount} packets`, formatBytes(s.size)];
  if (s.firstPacketTime && s.lastPacketTime) parts.push(`${s.firstPacketTime.replace('T', ' ').slice(0, 19)} to ${s.lastPacketTime.slice(11, 19)} UTC`);
  const q = s.query;
  if (typeof q.expression === 'string' && q.expression) parts.push(`expression ${q.expression}`);
  else if (Array.isArray(q.filters) && q.filters.length) parts.push(`filter ${(q.filters as { value: string }[]).map((f) => f.value).join(' and ')}`);
  else if (typeof q.path === 'string' && s.device.kind === 'appresponse') parts.push(`source ${q.path}`);
  if (s.mode !== 'allegro') parts.push(s.mode);
  if (s.stoppedEarly) parts.push('stopped early by the user');
  if (s.cutShort) parts.push(s.cutShort.text);
  return parts.join(', ');
}
