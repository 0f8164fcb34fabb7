// A capture summary as tables (for the results view) and as Markdown (fallback, notes).
import { formatBitrate, formatBytes as formatTrafficBytes } from '../shared/format';
import { formatBytes, formatDuration, type CaptureSummary, type Counter } from './summary';
import type { CaptureSidecar } from './sidecar';
import { linkTypeName } from './decode';

/** A typed column: the results view formats bytes with units and sorts the share as a number. */
export interface SummaryColumn {
  id: string;
  label: string;
  kind: 'string' | 'integer' | 'bytes' | 'number';
}

export interface SummaryTable {
  title: string;
  columns: (string | SummaryColumn)[];
  rows: (string | number)[][];
}

function counterColumns(first: string): SummaryColumn[] {
  return [
    { id: first, label: first, kind: 'string' },
    { id: 'packets', label: 'packets', kind: 'integer' },
    { id: 'bytes', label: 'bytes', kind: 'bytes' },
    { id: 'share', label: 'share %', kind: 'number' },
  ];
}

function counterRows(list: Counter[], total: number): (string | number)[][] {
  return list.map((c) => [c.name, c.packets, c.bytes, total > 0 ? Math.round((c.bytes / total) * 1000) / 10 : '']);
}

function labelOf(c: string | SummaryColumn): string {
  return typeof c === 'string' ? c : c.label;
}

export function overviewRows(s: CaptureSummary, sidecar?: CaptureSidecar): (string | number)[][] {
  const rows: (string | number)[][] = [
    ['format', s.format ?? 'unknown'],
    ['complete', s.complete ? 'yes' : `no: ${s.problem ?? ''}`],
    ['file size', `${formatBytes(s.fileBytes)} (${s.fileBytes} bytes)`],
    ['packets', s.packetCount],
    ['bytes on the wire', `${formatTrafficBytes(s.wireBytes)} (${s.wireBytes} bytes)`],
  ];
  if (s.startTime) rows.push(['start', s.startTime]);
  if (s.endTime) rows.push(['end', s.endTime]);
  if (s.durationSeconds !== undefined) rows.push(['duration', formatDuration(s.durationSeconds)]);
  // As capinfos says it (data bit rate and byte rate, decimal units) and as rates read everywhere else here.
  if (s.durationSeconds) rows.push(['average rate', `${formatBitrate((s.wireBytes * 8) / s.durationSeconds)} (${formatTrafficBytes(s.wireBytes / s.durationSeconds)}/s)`]);
  rows.push(['link types', s.linkTypes.map(linkTypeName).join(', ')]);
  if (sidecar) {
    rows.push(['device', `${sidecar.device.name} (${sidecar.device.kind})`], ['mode', sidecar.mode], ['sha256', sidecar.sha256]);
    if (sidecar.stoppedEarly) rows.push(['stopped early', `by the user at ${sidecar.stoppedEarly.at}; ${sidecar.stoppedEarly.droppedBytes} bytes of an incomplete last packet cut off`]);
    if (sidecar.cutShort) rows.push(['cut short', sidecar.cutShort.text]);
    const q = sidecar.query as Record<string, unknown>;
    if (typeof q.expression === 'string') rows.push(['expression', q.expression]);
    if (Array.isArray(q.filters)) rows.push(['filters', (q.filters as { type: string; value: string }[]).map((f) => `${f.type}: ${f.value}`).join('; ')]);
  }
  return rows;
}

export function summaryTables(s: CaptureSummary, sidecar?: CaptureSidecar): SummaryTable[] {
  return [
    { title: 'Overview', columns: ['property', 'value'], rows: overviewRows(s, sidecar) },
    { title: 'Top talkers', columns: counterColumns('address'), rows: counterRows(s.topTalkers, s.wireBytes) },
    { title: 'Top conversations', columns: counterColumns('conversation'), rows: counterRows(s.topConversations, s.wireBytes) },
    { title: 'Protocols', columns: counterColumns('protocol'), rows: counterRows(s.protocols, s.wireBytes) },
    { title: 'Top ports', columns: counterColumns('name'), rows: counterRows(s.topPorts, s.wireBytes) },
  ];
}

function cell(v: string | number): string {
  return String(v).replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function summaryMarkdown(fileName: string, s: CaptureSummary, sidecar?: CaptureSidecar): string {
  const out = [`# Summary of ${fileName}`, ''];
  for (const t of summaryTables(s, sidecar)) {
    out.push(`## ${t.title}`, '', `| ${t.columns.map(labelOf).join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`);
    for (const r of t.rows) out.push(`| ${r.map(cell).join(' | ')} |`);
    if (!t.rows.length) out.push(`| ${t.columns.map(() => '').join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}
