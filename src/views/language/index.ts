// Native editor features from the shared cores: the `steelfilter` language (.steelfilter files)
// and report files (*.probe-report.json, language json). Completion, hover, diagnostics with quick
// fixes, formatting, Run CodeLenses; and the New Report… command that writes a report file.
// Catalogues come from the `getSource` callback, so this module knows no HTTP.
import * as vscode from 'vscode';
import { complete, format, hover, validate, type Source } from '../../steelfilter/index';
import { checkReportFile, completeReport, hoverReport, parseReportFile } from '../../report/index';
import { FixProvider, toCompletionItem, toDiagnostic, toHover } from './convert';
import { steelfilterTarget } from './context';
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
  const quiet = <T>(p: Promise<T>, fallback: T, what: string): Promise<T> => p.catch((e: unknown) => {
    deps.log?.debug(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    return fallback;
  });

  /**
   * The source a .steelfilter file is written for, if its name and the devices say so.
   * `unavailable` is set when the device could not be asked (worth trying again later).
   */
  async function steelfilterSource(doc: vscode.TextDocument): Promise<{ source?: Source; unavailable?: boolean }> {
    const { device, sourceCandidates } = steelfilterTarget(doc.fileName, devices());
    if (!device || !sourceCandidates.length) return {};
    let unavailable = false;
    const names = deps.getSourceNames
      ? await quiet(deps.getSourceNames(device).then((n) => (n.length ? n : Promise.reject(new Error('no sources')))), undefined, `sources of ${device}`)
      : sourceCandidates;
    if (!names) return { unavailable: true };
    const name = sourceCandidates.find((c) => names.includes(c));
    if (!name) return {};
    const source = await quiet(deps.getSource(device, name), undefined, `source ${name} of ${device}`);
    if (!source) unavailable = true;
    return { source, unavailable };
  }

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
      const { source, unavailable } = await steelfilterSource(doc);
      if (unavailable) retryLater(doc);
      out = validate(text, source).map((d) => toDiagnostic(doc, d, 'STEELFILTER', d.fix));
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
        const { source } = await steelfilterSource(doc);
        return complete(doc.getText(), doc.offsetAt(position), source).map((i) => toCompletionItem(doc, i));
      },
    }, ' ', '(', "'", ',', '.'),
    vscode.languages.registerHoverProvider(STEELFILTER_SELECTOR, {
      async provideHover(doc, position) {
        return toHover(doc, hover(doc.getText(), doc.offsetAt(position), (await steelfilterSource(doc)).source));
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
