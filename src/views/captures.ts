// The Captures view (probeExplorer.captures): every pcap/pcapng in the workspace with the
// metadata of its sidecar (device, query, packets, time range). Items carry the `capture` tag.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSidecarChecked, type CaptureSidecar } from '../pcap/sidecar';
import { formatBytes } from '../pcap/summary';

export const CAPTURES_VIEW_ID = 'probeExplorer.captures';
const PATTERN = '**/*.{pcap,pcapng,cap}';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.tools/**}';

export class CaptureItem {
  constructor(
    readonly uri: vscode.Uri,
    readonly sidecar: CaptureSidecar | undefined,
    readonly size: number | undefined,
    /** Why the metadata file beside the capture cannot be used (it exists but is not a sidecar). */
    readonly sidecarProblem?: string,
  ) {}

  get fsPath(): string {
    return this.uri.fsPath;
  }

  get sidecarUri(): vscode.Uri {
    return vscode.Uri.file(`${this.uri.fsPath}.json`);
  }
}

export function describeSidecar(s: CaptureSidecar): string {
  const q = s.query as Record<string, unknown>;
  const what =
    typeof q.expression === 'string' ? q.expression
    : Array.isArray(q.filters) && q.filters.length ? (q.filters as { value: string }[]).map((f) => f.value).join(' and ')
    : typeof q.path === 'string' && s.device.kind === 'appresponse' ? q.path
    : 'all traffic';
  return `${s.device.name} · ${what} · ${s.packetCount} packets${s.stoppedEarly ? ' · stopped early' : ''}`;
}

export function sidecarTooltip(item: CaptureItem, workspaceRelative: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${path.basename(item.fsPath)}**  \n`);
  md.appendText(`${workspaceRelative}\n`);
  const s = item.sidecar;
  if (!s) {
    const size = item.size !== undefined ? `${formatBytes(item.size)}, ` : '';
    if (item.sidecarProblem) {
      md.appendMarkdown(`\n${size}its metadata file cannot be read: `);
      md.appendText(`${path.basename(item.fsPath)}.json: ${item.sidecarProblem}. Click to open it; fix or delete it.`);
    } else {
      md.appendMarkdown(`\n${size}no metadata file (not downloaded by Probe Explorer).`);
    }
    return md;
  }
  const rows: [string, string][] = [
    ['Device', `${s.device.name} (${s.device.kind})`],
    ['Mode', s.mode],
    ['Query', JSON.stringify(s.query)],
    ['Time range', [s.timeRange.start, s.timeRange.end].filter(Boolean).join(' → ') + (s.timeRange.liveSeconds ? ` (live ${s.timeRange.liveSeconds} s)` : '')],
    ['Packets', String(s.packetCount)],
    ['Size', formatBytes(s.size)],
    ['First packet', s.firstPacketTime ?? '—'],
    ['Last packet', s.lastPacketTime ?? '—'],
    ['SHA-256', s.sha256],
  ];
  if (s.rerunOf) rows.push(['Re-run of', `${s.rerunOf.file} (started ${s.rerunOf.startedAt})`]);
  if (s.stoppedEarly) rows.push(['Stopped early', `by the user at ${s.stoppedEarly.at}: ${formatBytes(s.stoppedEarly.receivedBytes)} received, ${s.stoppedEarly.droppedBytes} bytes of an incomplete last packet cut off`]);
  md.appendMarkdown('\n| | |\n|---|---|\n');
  for (const [k, v] of rows) md.appendMarkdown(`| ${k} | ${v.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')} |\n`);
  return md;
}

export class CapturesProvider implements vscode.TreeDataProvider<CaptureItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CaptureItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly log?: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.{pcap,pcapng,cap,pcap.json,pcapng.json,cap.json}');
    const soon = () => {
      if (this.pending) clearTimeout(this.pending);
      this.pending = setTimeout(() => this.refresh(), 300);
    };
    this.watcher.onDidCreate(soon);
    this.watcher.onDidDelete(soon);
    this.watcher.onDidChange(soon);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.watcher.dispose();
    this.changed.dispose();
  }

  async getChildren(element?: CaptureItem): Promise<CaptureItem[]> {
    if (element) return [];
    const uris = await vscode.workspace.findFiles(PATTERN, EXCLUDE, 5000);
    const items = await Promise.all(
      uris.map(async (uri) => {
        const { sidecar, problem } = await readSidecarChecked(uri.fsPath);
        if (problem) this.log?.warn(`Captures: cannot read the metadata of ${uri.fsPath}: ${problem}`);
        let size: number | undefined;
        try {
          size = (await vscode.workspace.fs.stat(uri)).size;
        } catch {
          // vanished meanwhile
        }
        return new CaptureItem(uri, sidecar, size, problem);
      }),
    );
    return items.sort((a, b) => (b.sidecar?.finishedAt ?? '').localeCompare(a.sidecar?.finishedAt ?? '') || a.fsPath.localeCompare(b.fsPath));
  }

  getTreeItem(item: CaptureItem): vscode.TreeItem {
    const t = new vscode.TreeItem(path.basename(item.fsPath), vscode.TreeItemCollapsibleState.None);
    const rel = vscode.workspace.asRelativePath(item.uri, true);
    t.resourceUri = item.uri;
    t.id = item.uri.toString();
    t.description = item.sidecar ? describeSidecar(item.sidecar)
      : `${path.dirname(rel)}${item.size !== undefined ? ` · ${formatBytes(item.size)}` : ''}${item.sidecarProblem ? ' · metadata file unreadable' : ''}`;
    t.tooltip = sidecarTooltip(item, rel);
    t.contextValue = item.sidecar ? 'capture sidecar' : 'capture';
    t.iconPath = new vscode.ThemeIcon(item.sidecar ? 'file-binary' : item.sidecarProblem ? 'warning' : 'file');
    // A broken metadata file opens on click, so it can be fixed.
    t.command = item.sidecar || item.sidecarProblem
      ? { command: 'probeExplorer.openSidecar', title: 'Open Capture Metadata', arguments: [item] }
      : { command: 'probeExplorer.revealCapture', title: 'Reveal', arguments: [item] };
    return t;
  }
}

/** The capture a view command was given (a CaptureItem, a Uri from the explorer, or the selection). */
export function captureUriOf(arg: unknown, view?: vscode.TreeView<CaptureItem>): vscode.Uri | undefined {
  if (arg instanceof CaptureItem) return arg.uri;
  if (arg instanceof vscode.Uri) return arg;
  return view?.selection[0]?.uri;
}
