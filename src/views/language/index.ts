// Native editor features from the shared cores: the `steelfilter` language (.steelfilter files)
// and report files (*.probe-report.json, language json). Completion, hover, diagnostics with quick
// fixes, formatting, Run CodeLenses; and the New Report… command that writes a report file.
// Catalogues come from the `getSource` callback, so this module knows no HTTP.
import * as vscode from 'vscode';
import { complete, format, hover, type Source } from '../../steelfilter/index';
import { checkReportFile, completeReport, hoverReport, parseReportFile } from '../../report/index';
import { FixProvider, renameFixes, toCompletionItem, toDiagnostic, toHover } from './convert';
import { agreedSource, checkSteelfilter, fileNameFor, resolveSteelfilterContext, type SteelfilterContext } from './context';
import { registerNewReportCommand } from './newReport';

export interface LanguageFeatureDeps {
  /** The catalogue of source `name` on AppResponse `device` (undefined: no such source). */
  getSource(device: string, name: string): Promise<Source | undefined>;
  /** Source names of a device, for completion and "did you mean". */
  getSourceNames?(device: string): Promise<string[]>;
  /** Names of the configured AppResponse devices. */
  listDevices?(): string[];
  /** Devices or their secrets changed: open documents are checked again. */
  onDidChangeDevices?: vscode.Event<unknown>;
  log?: vscode.LogOutputChannel;
}

/** A document whose catalogue could not be read is checked again after this long. */
const RETRY_MS = 10_000;

export const STEELFILTER_SELECTOR: vscode.DocumentSelector = [{ language: 'steelfilter' }];
export const REPORT_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/*.probe-report.json' },
  { language: 'jsonc', pattern: '**/*.probe-report.json' },
];

const rangeOfNode = (doc: vscode.TextDocument, offset: number) => new vscode.Range(doc.positionAt(offset), doc.positionAt(offset));
const isReport = (doc: vscode.TextDocument) => doc.fileName.endsWith('.probe-report.json') && (doc.languageId === 'json' || doc.languageId === 'jsonc');
const isSteelfilter = (doc: vscode.TextDocument) => doc.languageId === 'steelfilter';

export function registerLanguageFeatures(context: vscode.ExtensionContext, deps: LanguageFeatureDeps): void {
  registerNewReportCommand(context, deps);
  const diagnostics = vscode.languages.createDiagnosticCollection('probe-explorer');
  context.subscriptions.push(diagnostics);
  const devices = () => deps.listDevices?.() ?? [];
  /** What a .steelfilter file is checked against, from its name and the configured devices. */
  const steelfilterContext = (doc: vscode.TextDocument): Promise<SteelfilterContext> =>
    resolveSteelfilterContext(doc.fileName, devices(), deps, (what) => deps.log?.debug(what));

  /** Catalogues a report file needs, fetched before the synchronous validator and assistant run. */
  async function reportCatalogues(text: string): Promise<{ device?: string; known: boolean; sources: Map<string, Source>; names: string[]; offline?: string }> {
    const parsed = parseReportFile(text);
    const device = parsed.device;
    const sources = new Map<string, Source>();
    if (!device || !devices().includes(device)) return { device, known: false, sources, names: [] };
    let offline: string | undefined;
    const names = deps.getSourceNames
      ? await deps.getSourceNames(device).catch((e: unknown) => { offline = e instanceof Error ? e.message : String(e); return [] as string[]; })
      : [];
    if (!offline) {
      await Promise.all(parsed.sourceNames.map(async (n) => {
        try {
          const s = await deps.getSource(device, n);
          if (s) sources.set(n, s);
        } catch (e) {
          offline = e instanceof Error ? e.message : String(e);
        }
      }));
    }
    return { device, known: true, sources, names, offline };
  }

  // ---------- diagnostics ----------
  /**
   * Several devices and a file that names none: the note on the first line says what it was checked
   * against and offers to rename the file for each device.
   */
  const noteOf = (doc: vscode.TextDocument, ctx: SteelfilterContext): vscode.Diagnostic | undefined => {
    if (!('note' in ctx) || !ctx.note) return undefined;
    const firstLine = doc.lineCount ? doc.lineAt(0).range.end : new vscode.Position(0, 0);
    const d = new vscode.Diagnostic(new vscode.Range(new vscode.Position(0, 0), firstLine), ctx.note, vscode.DiagnosticSeverity.Information);
    d.source = 'STEELFILTER';
    d.code = 'device-ambiguous';
    if (ctx.kind === 'syntax' && ctx.rename) {
      // The name misspells a source of the device: one rename fixes it.
      d.code = 'unknown-source';
      renameFixes.set(d, [{ title: `Rename to ${ctx.rename}`, to: vscode.Uri.joinPath(doc.uri, '..', ctx.rename) }]);
      return d;
    }
    const sourceName = ctx.sourceName;
    if (sourceName && ctx.devices) {
      const folder = vscode.Uri.joinPath(doc.uri, '..');
      renameFixes.set(d, ctx.devices.slice(0, 8).map((device) => {
        const name = fileNameFor(doc.fileName, device, sourceName);
        return { title: `Check against ${device}: rename to ${name}`, to: vscode.Uri.joinPath(folder, name) };
      }));
    }
    return d;
  };

  // What the active .steelfilter file is checked against, in the language status (the {} in the status bar).
  const contexts = new Map<string, SteelfilterContext>();
  const status = vscode.languages.createLanguageStatusItem('probeExplorer.steelfilterCatalogue', STEELFILTER_SELECTOR);
  status.name = 'STEELFILTER catalogue';
  context.subscriptions.push(status);
  const showStatus = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const ctx = doc && isSteelfilter(doc) ? contexts.get(doc.uri.toString()) : undefined;
    status.severity = vscode.LanguageStatusSeverity.Information;
    if (!ctx || ctx.kind === 'syntax') {
      status.text = 'STEELFILTER: syntax only';
      status.detail = ctx?.note ?? 'Name the file <name>.<source>.steelfilter to check it against that source of your AppResponse device';
      if (ctx?.note) status.severity = vscode.LanguageStatusSeverity.Warning;
    } else if (ctx.kind === 'device') {
      status.text = `STEELFILTER: ${ctx.device} · ${ctx.source.name}`;
      status.detail = `Checked against the "${ctx.source.name}" catalogue of ${ctx.device}`;
    } else {
      status.text = `STEELFILTER: ${ctx.catalogues.map((c) => c.device).join(' + ')} · ${ctx.sourceName}`;
      status.detail = ctx.note;
      status.severity = vscode.LanguageStatusSeverity.Warning;
    }
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(showStatus));
  showStatus();

  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const retries = new Map<string, ReturnType<typeof setTimeout>>();
  const retryLater = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    if (retries.has(key)) return;
    retries.set(key, setTimeout(() => { retries.delete(key); if (!doc.isClosed) schedule(doc, 0); }, RETRY_MS));
  };
  const check = async (doc: vscode.TextDocument): Promise<void> => {
    const version = doc.version;
    const text = doc.getText();
    let out: vscode.Diagnostic[];
    if (isSteelfilter(doc)) {
      const ctx = await steelfilterContext(doc);
      if (ctx.unavailable) retryLater(doc);
      out = checkSteelfilter(text, ctx).map((d) => toDiagnostic(doc, d, 'STEELFILTER', d.fix));
      const note = noteOf(doc, ctx);
      if (note) out.push(note);
      if (doc.version === version && !doc.isClosed) contexts.set(doc.uri.toString(), ctx);
      showStatus();
    } else if (isReport(doc)) {
      const cat = await reportCatalogues(text);
      if (cat.offline) retryLater(doc);
      const { problems, parsed } = checkReportFile(text, {
        getSource: (n) => cat.sources.get(n), sourceNames: cat.names, offline: !cat.known || cat.offline !== undefined,
      });
      out = problems.map((p) => toDiagnostic(doc, { ...p, code: p.device.id }, 'probe-report',
        p.fix && p.fixStart !== undefined && p.fixEnd !== undefined ? { start: p.fixStart, end: p.fixEnd, text: p.fix.text, title: p.fix.title } : undefined));
      const deviceNode = parsed.root?.children?.find((c) => c.key === 'device');
      if (cat.device && deviceNode) {
        if (!cat.known) {
          out.push(toDiagnostic(doc, { start: deviceNode.start, end: deviceNode.end, severity: 'warning', code: 'unknown-device',
            message: `no AppResponse device named "${cat.device}" is configured (${devices().join(', ') || 'none yet: use Probe Explorer: Add Device…'}); only the structure is checked` }, 'probe-report'));
        } else if (cat.offline) {
          out.push(toDiagnostic(doc, { start: deviceNode.start, end: deviceNode.end, severity: 'info', code: 'catalogue-unavailable',
            message: `the catalogue of "${cat.device}" could not be read (${cat.offline}); only the structure is checked` }, 'probe-report'));
        }
      }
    } else {
      return;
    }
    if (doc.version === version && !doc.isClosed) diagnostics.set(doc.uri, out);
  };
  const schedule = (doc: vscode.TextDocument, delay = 250) => {
    if (!isSteelfilter(doc) && !isReport(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      check(doc).catch((e: unknown) => deps.log?.error(`checking ${doc.uri.fsPath}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    }, delay));
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((doc) => schedule(doc, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(pending.get(doc.uri.toString()));
      pending.delete(doc.uri.toString());
      contexts.delete(doc.uri.toString());
      diagnostics.delete(doc.uri);
    }),
    { dispose: () => { for (const t of [...pending.values(), ...retries.values()]) clearTimeout(t); pending.clear(); retries.clear(); } },
  );
  const checkAll = () => { for (const doc of vscode.workspace.textDocuments) schedule(doc, 0); };
  if (deps.onDidChangeDevices) context.subscriptions.push(deps.onDidChangeDevices(checkAll));
  checkAll();

  // ---------- .steelfilter ----------
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(STEELFILTER_SELECTOR, {
      async provideCompletionItems(doc, position) {
        const source = agreedSource(await steelfilterContext(doc));
        return complete(doc.getText(), doc.offsetAt(position), source).map((i) => toCompletionItem(doc, i));
      },
    }, ' ', '(', "'", ',', '.'),
    vscode.languages.registerHoverProvider(STEELFILTER_SELECTOR, {
      async provideHover(doc, position) {
        return toHover(doc, hover(doc.getText(), doc.offsetAt(position), agreedSource(await steelfilterContext(doc))));
      },
    }),
    vscode.languages.registerDocumentFormattingEditProvider(STEELFILTER_SELECTOR, {
      provideDocumentFormattingEdits(doc) {
        const text = doc.getText();
        const formatted = format(text, { lineWidth: 100 });
        if (formatted === text) return [];
        return [vscode.TextEdit.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), formatted + (text.endsWith('\n') ? '\n' : ''))];
      },
    }),
  );

  // ---------- report files ----------
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(REPORT_SELECTOR, {
      async provideCompletionItems(doc, position) {
        const text = doc.getText();
        const cat = await reportCatalogues(text);
        return completeReport(text, doc.offsetAt(position), { source: (n) => cat.sources.get(n), sourceNames: cat.names, devices: devices() })
          .map((i) => toCompletionItem(doc, i));
      },
    }, '"', ' ', '(', "'", ',', '.'),
    vscode.languages.registerHoverProvider(REPORT_SELECTOR, {
      async provideHover(doc, position) {
        const text = doc.getText();
        const cat = await reportCatalogues(text);
        return toHover(doc, hoverReport(text, doc.offsetAt(position), { source: (n) => cat.sources.get(n), sourceNames: cat.names }));
      },
    }),
  );

  // "Run report" / "Run live" above a report file, once the commands that run reports exist.
  // They receive the report file's URI: probeExplorer.runReport(uri) / probeExplorer.runLiveReport(uri).
  let commandsSeen: { at: number; names: Set<string> } | undefined;
  const available = async (): Promise<Set<string>> => {
    if (!commandsSeen || Date.now() - commandsSeen.at > 5000) {
      commandsSeen = { at: Date.now(), names: new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('probeExplorer.'))) };
    }
    return commandsSeen.names;
  };
  context.subscriptions.push(vscode.languages.registerCodeLensProvider(REPORT_SELECTOR, {
    async provideCodeLenses(doc) {
      const names = await available();
      const parsed = parseReportFile(doc.getText());
      const at = parsed.root?.children?.find((c) => c.key === 'data_defs');
      const range = rangeOfNode(doc, at?.keyStart ?? 0);
      const lenses: vscode.CodeLens[] = [];
      const live = (parsed.value as { live?: unknown } | undefined)?.live === true;
      if (names.has('probeExplorer.runReport') && !live) lenses.push(new vscode.CodeLens(range, { title: '$(run) Run report', command: 'probeExplorer.runReport', arguments: [doc.uri] }));
      if (names.has('probeExplorer.runLiveReport') && (live || parsed.sourceNames.includes('packets'))) {
        lenses.push(new vscode.CodeLens(range, { title: '$(pulse) Run live', command: 'probeExplorer.runLiveReport', arguments: [doc.uri] }));
      }
      return lenses;
    },
  }));

  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider([...STEELFILTER_SELECTOR as vscode.DocumentFilter[], ...REPORT_SELECTOR as vscode.DocumentFilter[]], new FixProvider(), { providedCodeActionKinds: FixProvider.kinds }),
  );
}
