// Deterministic sample answers shaped like the reference documents, for screenshots, tests and
// benchmarks of the results webview.
import type { ReportColumnMeta, ReportDataDefResult } from '../../src/results/appresponseTypes';
import type { CellValue, ColumnSpec } from '../../src/results/model';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An Allegro ips_paged answer: displayedItems with counters and a history object each. */
export function allegroIpsPaged(count = 25, seed = 7, extraItem?: Record<string, unknown>): Record<string, unknown> {
  const r = rng(seed);
  const now = 1_763_770_000;
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const rxb = Math.floor(r() * 5e9 / (i + 1));
    const txb = Math.floor(r() * 3e9 / (i + 1));
    const rxp = Math.floor(rxb / 800);
    const txp = Math.floor(txb / 700);
    const per = (x: number): number => Math.floor(x / 3600);
    items.push({
      ip: `10.${(i * 7) % 255}.${(i * 13) % 255}.${(i * 31) % 254 + 1}`,
      hostName: i % 3 === 0 ? `host-${i}.lab.example` : '',
      mac: `00:1b:21:${(i % 256).toString(16).padStart(2, '0')}:4c:${(i * 3 % 256).toString(16).padStart(2, '0')}`,
      countryCode: ['DE', 'US', 'FR', 'JP'][i % 4],
      interval: [rxp, rxb, txp, txb, Math.floor(r() * 100)],
      allTime: [rxp * 24, rxb * 24, txp * 24, txb * 24, Math.floor(r() * 2400)],
      lastSecond: [per(rxp), per(rxb), per(txp), per(txb), 0],
      intervalPerSecond: [per(rxp), per(rxb), per(txp), per(txb), 0],
      history: {
        dataAge: 1,
        intervalAMM: { min: 0, count: 60, avg: per(rxb + txb), max: per(rxb + txb) * 2 },
        data: Array.from({ length: 60 }, (_, k) => {
          const f = 0.6 + 0.4 * Math.sin((k + i * 5) / 6) + r() * 0.2;
          return [(now - (59 - k) * 60) * 1000, Math.floor(per(rxp) * 60 * f), Math.floor(per(rxb) * 60 * f), Math.floor(per(txp) * 60 * f), Math.floor(per(txb) * 60 * f)];
        }),
      },
    });
  }
  if (extraItem) items.unshift(extraItem);
  return { numberOfItems: 1234, numberOfPages: 50, itemsPerPage: count, displayedItems: items };
}

/** An AppResponse time series by host group, with #N/A and #N/D values. */
export function appResponseSeries(): { dataDefs: ReportDataDefResult[]; catalogue: ReportColumnMeta[] } {
  const catalogue: ReportColumnMeta[] = [
    { id: 'start_time', label: 'Start Time', type: 'timestamp', unit: 'seconds', grouped_by: true },
    { id: 'host_group.id', label: 'Host Group ID', type: 'integer', grouped_by: true },
    { id: 'host_group.name', label: 'Host Group', type: 'string', grouped_by: true },
    { id: 'srv_tcp.ip', label: 'Server IP', type: 'ipaddr', grouped_by: true },
    { id: 'sum_traffic.total_bytes', label: 'Total Bytes', type: 'integer', unit: 'bytes', metric: true },
    { id: 'avg_traffic.total_bytes_ps', label: 'Throughput', type: 'number', unit: 'bytes', rate: 'ps', metric: true },
    { id: 'avg_tcp.srv_response_time', label: 'Server Response Time', type: 'duration', unit: 'seconds', metric: true },
    { id: 'dns.query.name', label: 'DNS Name', type: 'string' },
  ];
  const r = rng(3);
  const groups = [['1', 'Default-10.x.x.x', '10.1.1.10'], ['2', 'Default-Internet', '93.184.216.34'], ['4', 'Default-192.168.x.x', '192.168.1.20']];
  const data: string[][] = [];
  const t0 = 1_763_766_400;
  for (let k = 0; k < 48; k++) {
    for (const [gi, g] of groups.entries()) {
      const bytes = Math.floor((2e8 + 1.5e8 * Math.sin(k / 5 + gi)) * (1 + r() * 0.2) / (gi + 1));
      data.push([
        String(t0 + k * 300),
        g[0],
        g[1],
        g[2],
        String(bytes),
        (bytes / 300).toFixed(3),
        gi === 1 && k % 7 === 3 ? '#N/A' : (0.004 + r() * 0.05).toFixed(6),
        gi === 2 ? '#N/D' : `srv${gi}.corp.example`,
      ]);
    }
  }
  return { dataDefs: [{ id: 1, title: 'Throughput by host group', columns: catalogue.map((c) => c.id), data }], catalogue };
}

/** n rows × 8 typed columns for the table benchmark. */
export function benchTable(n: number): { columns: ColumnSpec[]; rows: CellValue[][] } {
  const columns: ColumnSpec[] = [
    { id: 'ip', label: 'ip', kind: 'ipaddr' },
    { id: 'name', label: 'hostName', kind: 'string' },
    { id: 'rxp', label: 'rx packets', kind: 'integer' },
    { id: 'rxb', label: 'rx bytes', kind: 'bytes' },
    { id: 'txp', label: 'tx packets', kind: 'integer' },
    { id: 'txb', label: 'tx bytes', kind: 'bytes' },
    { id: 'rate', label: 'bit rate', kind: 'bitrate' },
    { id: 'seen', label: 'last seen', kind: 'timestamp' },
  ];
  const r = rng(11);
  const rows: CellValue[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const rxb = Math.floor(r() * 1e10);
    rows[i] = [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `host-${i}.example`, Math.floor(rxb / 900), rxb, Math.floor(rxb / 1100), Math.floor(rxb * 0.7), Math.floor(r() * 1e9), 1_763_770_000 + i];
  }
  return { columns, rows };
}
