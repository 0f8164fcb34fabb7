// Time-series charts with uPlot: lines per series, legend with live hover values, drag to zoom
// (double-click resets), theme colours from the --vscode-* variables, PNG export.
import uPlot from 'uplot';
import { formatBitrate, formatByterate, formatBytes, formatDuration, formatNumber, formatTimestamp } from '../../src/results/format';
import type { ResultChart } from '../../src/results/model';
import { timeAxisRange, valueAxisSize } from './axis';
import { el, themeVar } from './dom';

const PALETTE_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
  '--vscode-terminal-ansiBrightBlue',
  '--vscode-terminal-ansiBrightGreen',
  '--vscode-terminal-ansiBrightYellow',
  '--vscode-terminal-ansiBrightRed',
];

export function valueFormatter(kind: ResultChart['kind']): (v: number) => string {
  switch (kind) {
    case 'bytes': return formatBytes;
    case 'byterate': return formatByterate;
    case 'bitrate': return formatBitrate;
    case 'duration': return formatDuration;
    default: return formatNumber;
  }
}

export class ChartView {
  readonly root: HTMLDivElement;
  private plot?: uPlot;
  private readonly plotHost: HTMLDivElement;
  private readonly resize: ResizeObserver;

  constructor(
    readonly chart: ResultChart,
    onExportPng: (view: ChartView) => void,
  ) {
    this.root = el('div', 'chart-card');
    const head = el('div', 'chart-head');
    head.append(el('span', 'chart-title', chart.title));
    const info = el('span', 'chart-info', `${chart.series.length} series · ${chart.x.length} point${chart.x.length === 1 ? '' : 's'} · drag to zoom, double-click to reset`);
    const png = el('vscode-button', 'chart-png', 'PNG', { secondary: true, icon: 'device-camera', title: 'Export this chart as PNG into the workspace' });
    png.addEventListener('click', () => onExportPng(this));
    head.append(info, png);
    this.plotHost = el('div', 'chart-plot');
    this.root.append(head, this.plotHost);
    this.resize = new ResizeObserver(() => this.fit());
  }

  /** Draws (once visible: uPlot needs a width). */
  show(): void {
    if (!this.plot) this.create();
    this.resize.observe(this.plotHost);
    this.fit();
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
  }

  private fit(): void {
    const width = Math.max(200, this.plotHost.clientWidth);
    if (this.plot && Math.abs(this.plot.width - width) > 1) this.plot.setSize({ width, height: 260 });
  }

  private create(): void {
    const fmt = valueFormatter(this.chart.kind);
    const fg = themeVar('--vscode-descriptionForeground', themeVar('--vscode-foreground'));
    const grid = themeVar('--vscode-editorWidget-border', themeVar('--vscode-panel-border'));
    const font = `${themeVar('--vscode-font-size', '12px')} ${themeVar('--vscode-font-family', 'sans-serif')}`;
    const colours = PALETTE_VARS.map((v) => themeVar(v)).filter(Boolean);
    const colour = (i: number): string => colours[i % Math.max(1, colours.length)] || themeVar('--vscode-foreground');
    // Labels are measured in the axis font (CSS px), so the value axis is as wide as its widest label.
    const measureCtx = document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = font;
    const measure = (label: string): number => (measureCtx ? measureCtx.measureText(label).width : label.length * 8);
    const axis = (values?: uPlot.Axis['values'], size?: uPlot.Axis['size']): uPlot.Axis => ({
      stroke: fg,
      font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      ...(values ? { values } : {}),
      ...(size ? { size } : {}),
    });
    const opts: uPlot.Options = {
      width: Math.max(200, this.plotHost.clientWidth),
      height: 260,
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true, range: (u, min, max) => timeAxisRange(u.data[0], min, max) } },
      axes: [axis(), axis((_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))), (_u, labels) => valueAxisSize(labels, measure))],
      legend: { show: true, live: true },
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '—' : formatTimestamp(v)) },
        ...this.chart.series.map((s, i): uPlot.Series => ({
          label: s.label,
          stroke: colour(i),
          width: 1.5,
          spanGaps: false,
          points: { show: this.chart.x.length < 60 },
          value: (_u, v) => (v === null || v === undefined ? '—' : fmt(v)),
        })),
      ],
    };
    const data: uPlot.AlignedData = [this.chart.x, ...this.chart.series.map((s) => s.values)];
    this.plot = new uPlot(opts, data, this.plotHost);
  }

  /** PNG of the chart on the editor background, with its title and a legend. */
  toPng(): string {
    if (!this.plot) this.create();
    const plot = this.plot!;
    const src = plot.ctx.canvas;
    const dpr = src.width / Math.max(1, plot.width);
    const pad = 12 * dpr;
    const titleH = 24 * dpr;
    const legendH = 20 * dpr * Math.ceil(this.chart.series.length / 4);
    const out = document.createElement('canvas');
    out.width = src.width + 2 * pad;
    out.height = src.height + titleH + legendH + 2 * pad;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = themeVar('--vscode-editor-background', themeVar('--vscode-sideBar-background'));
    ctx.fillRect(0, 0, out.width, out.height);
    const fg = themeVar('--vscode-foreground');
    const family = themeVar('--vscode-font-family', 'sans-serif');
    ctx.fillStyle = fg;
    ctx.font = `600 ${13 * dpr}px ${family}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.chart.title, pad, pad + titleH / 2);
    ctx.drawImage(src, pad, pad + titleH);
    ctx.font = `${12 * dpr}px ${family}`;
    const colW = (out.width - 2 * pad) / 4;
    plot.series.slice(1).forEach((s, i) => {
      const x = pad + (i % 4) * colW;
      const y = pad + titleH + src.height + 10 * dpr + Math.floor(i / 4) * 20 * dpr;
      ctx.fillStyle = typeof s.stroke === 'function' ? s.stroke(plot, i + 1) as string : String(s.stroke ?? fg);
      ctx.fillRect(x, y - 5 * dpr, 10 * dpr, 10 * dpr);
      ctx.fillStyle = fg;
      ctx.fillText(String(s.label ?? ''), x + 16 * dpr, y, colW - 20 * dpr);
    });
    return out.toDataURL('image/png');
  }
}
