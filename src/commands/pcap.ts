// Commands that save pcaps beside the analyst's notes: Allegro "Download pcap…" and AppResponse
// "Export Packets…" (guided multi-step forms, cancellable progress with bytes / rate / percent /
// time left, a Markdown link in the note), and the Captures view's commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runningJobs } from '../shared/running';
import type { HttpClientApi } from '../http/types';
import type { DeviceProfile } from '../devices/profile';
import {
  defaultForm, downloadAllegroCapture, isoFromMicros, parseTimeToMicros, validateExpression, validateForm,
  type AllegroCaptureForm, type CaptureWindow,
} from '../allegro/capture';
import {
  askedOf, cleanupNotice, cleanupWarningsOf, DOWNLOAD_MODES, estimateIsEmpty, ExportChangeRequested, httpPacketExportTransport, listPacketSources, readPacketSource, runPacketExport, validateExportForm,
  type DownloadMode, type ExportEstimate, type PacketExportForm,
} from '../appresponse/packetExport';
import type { ExportFormat, ExportMode, FilterType } from '../appresponse/types';
import { complete as completeSteelFilter, type Source as FilterSchema } from '../steelfilter';
import { checkPacketFilter, filterRefusalOf } from '../appresponse/packetFilters';
import { AppResponseClient } from '../appresponse/client';
import { captureTargetOf, type CaptureTarget, type PacketSourceRef } from '../pcap/target';
import { sanitizeBaseName } from '../pcap/naming';
import { ProgressMeter } from '../pcap/progress';
import { CaptureDownloadError, EmptyCaptureError, type SavedCapture } from '../pcap/download';
import { noPacketsMessage } from '../pcap/shortfall';
import { formatBytes, oneLineSummary, summarizeFile } from '../pcap/summary';
import { readSidecar, readSidecarChecked, type CaptureSidecar } from '../pcap/sidecar';
import { captureLinkLine, sidecarOneLine } from '../pcap/markdown';
import { summaryMarkdown, summaryTables } from '../pcap/report';
import { CapturesProvider, CAPTURES_VIEW_ID, captureUriOf, type CaptureItem } from '../views/captures';
import type { ResultsService } from '../panels/results';
import { BACK, endOfStep, inputStep, outcome, pickStep, runSteps, type StepResult } from './quickInput';
import { allegroStem, allegroWindowPlan, exportFormAt, exportStem, exportWindowPlan, planRerun } from './rerun';
import { LiveCaptures, type StoppableCapture } from './liveCaptures';
import { exportRangeChoices, initialExportRange, type RangeChoice } from './exportRange';
import { allegroCaptureHint, allegroRefusalOf, cancelText, checkTimeInput, exportPhaseText, failureText, MM_ID_PROMPT, mmIdLabel } from './captureText';
import type { RerunSource } from '../pcap/sidecar';

export interface PcapDeps {
  log: vscode.LogOutputChannel;
  /** The configured devices. */
  devices: () => readonly DeviceProfile[];
  /** The HTTP client of a device, credentials resolved (the device registry's). */
  http: (deviceName: string) => Promise<HttpClientApi>;
  /** The results view, when present: Summarize shows its tables there. */
  results?: Pick<ResultsService, 'open'>;
}

interface Destination {
  folder: string;
  /** The Markdown note the command was started from (a link goes there on success). */
  note?: { uri: vscode.Uri; position: vscode.Position; editor: vscode.TextEditor };
}

function destination(): Destination | undefined {
  const ed = vscode.window.activeTextEditor;
  if (ed && ed.document.languageId === 'markdown' && ed.document.uri.scheme === 'file') {
    return { folder: path.dirname(ed.document.uri.fsPath), note: { uri: ed.document.uri, position: ed.selection.active, editor: ed } };
  }
  const setting = vscode.workspace.getConfiguration('probeExplorer').get<string>('captures.folder', 'captures') || 'captures';
  if (path.isAbsolute(setting)) return { folder: setting };
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws ? { folder: path.join(ws.uri.fsPath, setting) } : undefined;
}

async function chooseFolder(current: string | undefined): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Save captures here',
    ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
  });
  return picked?.[0]?.fsPath;
}

type EditStep = (prompt: string, value: string, validate: (v: string) => string | undefined) => Promise<string | undefined>;
type ReviewItem = vscode.QuickPickItem & { id: string };

/**
 * A wizard's review step: the option picked (or Start) and an `edit` that asks for one value at the
 * same step (undefined when that is cancelled or goes back); 'back' or 'cancel' from the pick itself.
 */
async function reviewPick(title: string, step: number, totalSteps: number, items: ReviewItem[], placeholder?: string): Promise<{ picked: ReviewItem; edit: EditStep } | 'back' | 'cancel'> {
  const picked = await pickStep<ReviewItem>({ title, step, totalSteps, items, placeholder: placeholder || 'Review, change an option, or start', back: true });
  if (picked === undefined) return 'cancel';
  if (picked === BACK) return 'back';
  const edit: EditStep = async (prompt, value, validate) => {
    const r = await inputStep({ title, step, totalSteps, value, prompt, back: true, validate });
    return r === undefined || r === BACK ? undefined : r;
  };
  return { picked, edit };
}

/**
 * Review-step choices both capture wizards share: Start (only with a valid form, and a folder,
 * asked for once), the file name, the folder and whether a capture without packets leaves a file.
 * 'start' to go on, 'done' after any other of these, undefined for a wizard's own choice.
 */
async function sharedReviewChoice(id: string, state: { folder: string; stem?: string; form: { keepEmpty?: boolean } }, stem: string, problems: string[], edit: EditStep): Promise<'start' | 'done' | undefined> {
  switch (id) {
    case 'start':
      if (problems.length) return 'done';
      if (!state.folder) {
        const folder = await chooseFolder(undefined);
        if (!folder) return 'done';
        state.folder = folder;
      }
      state.stem = stem;
      return 'start';
    case 'name': {
      const v = await edit('File name (without extension)', stem, (x) => (x.trim() ? undefined : 'A name'));
      if (v !== undefined) state.stem = sanitizeBaseName(v);
      return 'done';
    }
    case 'folder': {
      const folder = await chooseFolder(state.folder || undefined);
      if (folder) state.folder = folder;
      return 'done';
    }
    case 'empty':
      if (state.form.keepEmpty) delete state.form.keepEmpty;
      else state.form.keepEmpty = true;
      return 'done';
    default:
      return undefined;
  }
}

async function pickDevice(deps: PcapDeps, kind: DeviceProfile['kind'] | undefined, placeholder: string): Promise<DeviceProfile | undefined> {
  const devices = deps.devices().filter((d) => !kind || d.kind === kind);
  if (devices.length === 0) {
    void vscode.window.showWarningMessage(`No ${kind === 'allegro' ? 'Allegro Network Multimeter' : kind === 'appresponse' ? 'AppResponse' : ''} device is configured. Add one in the Devices view.`);
    return undefined;
  }
  if (devices.length === 1) return devices[0];
  const item = await vscode.window.showQuickPick(
    devices.map((d) => ({ label: d.name, description: `${d.kind === 'allegro' ? 'Allegro' : 'AppResponse'} · ${d.url}`, device: d })),
    { placeHolder: placeholder, ignoreFocusOut: true },
  );
  return item?.device;
}

function deviceOf(deps: PcapDeps, name: string): DeviceProfile | undefined {
  return deps.devices().find((d) => d.name === name);
}

// ---------- progress and results ----------

interface RunContext {
  /** Cancel: keep nothing. */
  signal: AbortSignal;
  /** Stop and keep: end the live capture now, keep every complete packet. */
  stop: AbortSignal;
  meter: ProgressMeter;
  phase(text: string | undefined): void;
  /** The download is of live traffic: offer "Stop and keep" beside Cancel from now on. */
  offerStop(label: string): void;
}

/** Live captures running now, each offering "Stop and keep". */
const liveCaptures = new LiveCaptures();

/** The user cancelled (the progress notification's Cancel): what failed then is what the cancel did. */
class CancelledByUser extends Error {
  constructor(readonly original: unknown) {
    super('cancelled by the user');
    this.name = 'CancelledByUser';
  }
}

async function withDownloadProgress<T>(title: string, run: (ctx: RunContext) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
    const stopper = new AbortController();
    let stoppable: StoppableCapture | undefined;
    const meter = new ProgressMeter();
    let phase: string | undefined = 'connecting…';
    let lastPercent = 0;
    const tick = () => {
      const s = meter.snapshot();
      let message = phase ?? s.message;
      // Notification messages render Markdown links; a command link runs the command.
      if (stoppable && !phase) message += ` · [Stop and keep](${stoppable.link} "End the live capture now and keep every complete packet received")`;
      let increment: number | undefined;
      if (s.percent !== undefined && !phase) {
        increment = Math.max(0, s.percent - lastPercent);
        lastPercent = Math.max(lastPercent, s.percent);
      }
      progress.report({ message, ...(increment ? { increment } : {}) });
    };
    const setPhase = (t: string | undefined) => {
      phase = t;
      tick();
    };
    stopper.signal.addEventListener('abort', () => {
      stoppable?.dispose();
      setPhase('stopping: keeping every complete packet received…');
    }, { once: true });
    const timer = setInterval(tick, 500);
    try {
      // Tracked: a window that closes mid-download cancels it (the .part file and any export
      // handle or device file are deleted, as on Cancel).
      return await runningJobs.track(controller, run({
        signal: controller.signal,
        stop: stopper.signal,
        meter,
        phase: setPhase,
        offerStop: (label) => {
          if (stoppable || stopper.signal.aborted) return;
          stoppable = liveCaptures.add(label, stopper);
          tick();
        },
      }));
    } catch (err) {
      if (controller.signal.aborted) throw new CancelledByUser(err);
      throw err;
    } finally {
      clearInterval(timer);
      sub.dispose();
      stoppable?.dispose();
    }
  });
}

async function insertNoteLink(dest: Destination, saved: SavedCapture, deps: PcapDeps): Promise<void> {
  if (!dest.note) return;
  const c = saved.capture;
  const line = captureLinkLine(dest.note.uri.fsPath, c.path, sidecarOneLine(saved.sidecar));
  const doc = dest.note.editor.document;
  const position = doc.isClosed ? dest.note.position : dest.note.editor.selection.active;
  const edit = new vscode.WorkspaceEdit();
  const atLineStart = position.character === 0;
  edit.insert(dest.note.uri, position, `${atLineStart ? '' : '\n'}${line}\n`);
  if (!(await vscode.workspace.applyEdit(edit))) deps.log.warn(`Could not insert the capture link into ${dest.note.uri.fsPath}`);
}

/** What a capture stopped early kept, for the user: packets, size, time span, what was cut off. */
function keptSummary(saved: SavedCapture): string {
  const c = saved.capture;
  const stopped = saved.sidecar.stoppedEarly!;
  const span = c.firstPacketTime && c.lastPacketTime ? `, ${c.firstPacketTime.replace('T', ' ').slice(0, 19)} to ${c.lastPacketTime.slice(11, 19)} UTC` : '';
  const cut = stopped.droppedBytes > 0 ? ` The incomplete last packet (${stopped.droppedBytes} bytes) was cut off.` : '';
  return `Stopped early: kept ${path.basename(c.path)} with ${c.packetCount} complete packets, ${formatBytes(c.size)}${span}.${cut}`;
}

async function reportSuccess(saved: SavedCapture, deps: PcapDeps, provider: CapturesProvider, warnings: string[] = []): Promise<void> {
  provider.refresh();
  const name = path.basename(saved.capture.path);
  deps.log.info(`Saved ${saved.capture.path}: ${saved.capture.packetCount} packets, ${saved.capture.size} bytes, sha256 ${saved.capture.sha256}${saved.sidecar.stoppedEarly ? `; stopped early by the user, ${saved.sidecar.stoppedEarly.droppedBytes} bytes of an incomplete packet cut off` : ''}`);
  for (const w of warnings) deps.log.warn(w);
  const cut = saved.sidecar.cutShort;
  if (cut) deps.log.warn(`${saved.capture.path} covers less than was asked: ${cut.text}`);
  const what = saved.sidecar.stoppedEarly ? keptSummary(saved)
    : `Saved ${name}: ${saved.capture.packetCount} packets, ${formatBytes(saved.capture.size)}${cut ? `, but it ${cut.text.startsWith('stopped') ? 'was ' : ''}${cut.text}` : ''}.`;
  const msg = `${what}${warnings.length ? ` Cleanup: ${warnings.join('; ')}` : ''}`;
  // Cut by a stop rule is not plain success: a warning, with the same choices. Packets that merely
  // end early (a quiet host) are said, without the alarm.
  const alarm = cut !== undefined && (cut.by !== 'early end' || saved.sidecar.query.stop_rule !== undefined);
  const show = alarm ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(msg, 'Summarize', 'Reveal', 'Open Metadata');
  const uri = vscode.Uri.file(saved.capture.path);
  if (choice === 'Summarize') await vscode.commands.executeCommand('probeExplorer.summarizeCapture', uri);
  else if (choice === 'Reveal') await vscode.commands.executeCommand('probeExplorer.revealCapture', uri);
  else if (choice === 'Open Metadata') await vscode.commands.executeCommand('probeExplorer.openSidecar', uri);
}

/**
 * Tells the user what failed, under a title that names the device (the device's name is not
 * repeated after it). A cancel is what the user asked for: said as such and logged as info.
 */
function reportFailure(what: string, err: unknown, deps: PcapDeps, device: string, kind?: 'export' | 'download'): void {
  void reportFailureOrRetry(what, err, deps, device, kind);
}

const TRY_AGAIN = 'Try Again…';

/**
 * reportFailure for a capture run from a wizard: a failure (the network, a busy device, a reset
 * mid-download) also offers "Try Again…", which resolves with a Redo at `retryStep` (the review
 * step, everything typed kept); a cancel or a stop resolves undefined at once.
 */
async function reportFailureOrRetry(what: string, err: unknown, deps: PcapDeps, device: string, kind?: 'export' | 'download', retryStep?: number, hint?: string): Promise<Redo | undefined> {
  if (err instanceof EmptyCaptureError) {
    deps.log.warn(failureText(what, device, err));
    return;
  }
  if (err instanceof CancelledByUser) {
    const text = kind ? cancelText(kind, err.original, cleanupWarningsOf(err.original)) : `${what}: cancelled.`;
    deps.log.info(`${what}: ${text}`);
    void vscode.window.showInformationMessage(text);
    return;
  }
  // Stopped by the user with nothing to keep: a warning, not an error.
  const stopped = err instanceof CaptureDownloadError && err.cancelled;
  const warnings = cleanupWarningsOf(err);
  const text = `${failureText(what, device, err)}${hint ? ` ${hint}` : ''}${warnings.length ? ` Cleanup: ${warnings.join('; ')}` : ''}`;
  if (stopped) {
    deps.log.warn(text);
    void vscode.window.showWarningMessage(text);
  } else {
    deps.log.error(text);
    const choice = await vscode.window.showErrorMessage(text, ...(retryStep !== undefined ? [TRY_AGAIN] : []), 'Show Log');
    if (choice === 'Show Log') deps.log.show();
    if (choice === TRY_AGAIN && retryStep !== undefined) return { step: retryStep };
  }
  return undefined;
}

// ---------- Allegro ----------

interface AllegroState {
  form: AllegroCaptureForm;
  folder: string;
  stem?: string;
}

/** A wizard opened prefilled (Re-run Capture, or back from a run to change something). */
interface Prefilled<S> {
  state: S;
  title: string;
  /** The step it opens at (default: the review step). */
  step?: number;
  /** Why it opens there: the device's refusal of the filter. */
  note?: string;
  /** Re-run Capture: the form is an earlier capture's ("the original" in the wizard's words). */
  rerun?: boolean;
}

/** What a finished run asks of its wizard: open again at this step, the form as it was. */
interface Redo {
  step: number;
  /** The device's refusal of the filter, shown at the filter step. */
  note?: string;
}

/**
 * A capture wizard's loop: the form, then the run; a run that asks for a change (a refused
 * filter, an empty capture, an estimate of 0 packets) opens the form again at that step, filled
 * in as before, until a run ends or the form is cancelled.
 */
async function formUntilDone<S>(title: string, first: Prefilled<S> | undefined, form: (prefilled: Prefilled<S> | undefined) => Promise<S | undefined>, run: (state: S) => Promise<Redo | undefined>): Promise<void> {
  let prefilled = first;
  for (;;) {
    const state = await form(prefilled);
    if (!state) return;
    const redo = await run(state);
    if (!redo) return;
    prefilled = { state, title, step: redo.step, ...(redo.note ? { note: redo.note } : {}), ...(first?.rerun ? { rerun: true } : {}) };
  }
}

/**
 * A capture without one packet: no file was kept. Says why it may be (the explanation) and offers
 * to change what was asked; resolves with a Redo when the user takes that.
 */
async function offerChangeAfterEmpty(what: string, err: EmptyCaptureError, change: string, step: number, deps: PcapDeps): Promise<Redo | undefined> {
  // An export handle or device file left behind is said with it (as reportFailure does).
  const warnings = cleanupWarningsOf(err);
  const text = `${what}: ${err.message}${warnings.length ? ` Cleanup: ${warnings.join('; ')}` : ''}`;
  deps.log.warn(text);
  const choice = await vscode.window.showWarningMessage(text, change);
  return choice === change ? { step } : undefined;
}

/**
 * An export that goes back to its wizard (the user chose to change the time or filter, or the
 * device refused the filter) still says what it left on the device: logged at warn and shown.
 */
function reportCleanup(what: string, err: unknown, deps: PcapDeps): void {
  const notice = cleanupNotice(what, err);
  if (!notice) return;
  deps.log.warn(notice);
  void vscode.window.showWarningMessage(notice);
}

function windowLabel(w: CaptureWindow): string {
  if (w.kind === 'lastMinutes') return `last ${w.minutes} min`;
  if (w.kind === 'live') return `live for ${w.seconds} s`;
  return `${isoFromMicros(w.startUs ?? w.startMs * 1000)} → ${isoFromMicros(w.endUs ?? w.endMs * 1000)}`;
}

/** Checks a typed time as it is typed; an end is refused there when it is not after `startUs`. */
function microsPrompt(startUs?: number): (text: string) => vscode.InputBoxValidationMessage {
  return (text) => {
    const c = checkTimeInput(text, startUs);
    return { message: c.message, severity: c.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Info };
  };
}

/** The End input's first value: now, or a minute after a start that is not before now. */
function defaultEnd(startUs: number, nowMs = Date.now()): string {
  const ms = startUs / 1000 < nowMs ? nowMs : startUs / 1000 + 60_000;
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function allegroForm(target: CaptureTarget, dest: Destination | undefined, prefilled?: Prefilled<AllegroState>): Promise<AllegroState | undefined> {
  const state: AllegroState = prefilled?.state ?? { form: defaultForm(target), folder: dest?.folder ?? '' };
  const title = prefilled?.title ?? `Download pcap from ${target.deviceName}`;
  const total = 3;
  // Back from the device's refusal: its words stay at the step they are about until that changes.
  const refusedExpression = prefilled?.note !== undefined && prefilled.step === 0 ? state.form.expression : undefined;
  const refusedAtReview = prefilled?.note !== undefined && prefilled.step === 2 ? prefilled.note : undefined;
  const expressionStep = async () =>
      outcome(
        await inputStep({
          title, step: 1, totalSteps: total, value: state.form.expression,
          prompt: 'Capture expression (empty = all traffic), e.g. ip==10.1.2.3 or IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP',
          placeholder: 'all traffic',
          validate: (v) => {
            if (refusedExpression !== undefined && v.trim() === refusedExpression) {
              return { message: `${target.deviceName} refused this expression: ${prefilled!.note}`, severity: vscode.InputBoxValidationSeverity.Error };
            }
            const d = validateExpression(v);
            const err = d.find((x) => x.severity === 'error');
            if (err) return { message: `${err.message} (column ${err.start + 1})`, severity: vscode.InputBoxValidationSeverity.Error };
            const warn = d.find((x) => x.severity === 'warning');
            return warn ? { message: warn.message, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
          },
        }),
        (v) => (state.form.expression = v.trim()),
      );
  const windowStep = async (): Promise<'next' | 'back' | 'cancel'> => {
    type W = vscode.QuickPickItem & { make?: () => Promise<CaptureWindow | undefined | typeof BACK> };
    const fixed = (w: CaptureWindow, detail?: string): W => ({ label: windowLabel(w), ...(detail ? { detail } : {}), make: async () => w });
    const items: W[] = [];
    const current = state.form.window;
    const presets = [fixed({ kind: 'lastMinutes', minutes: 5 }), fixed({ kind: 'lastMinutes', minutes: 15 }), fixed({ kind: 'lastMinutes', minutes: 60 })];
    const livePreset = fixed({ kind: 'live', seconds: 30 }, 'live traffic from now on');
    // The window the form holds is listed and selected, so Enter keeps it (the default, a typed
    // N, or the choice before Back or a change after a run) instead of silently taking "last 5 min".
    let active = current.kind === 'absolute' ? undefined : [...presets, livePreset].find((p) => p.label === windowLabel(current));
    if (!active) {
      const detail = current.kind !== 'absolute' ? 'the current choice'
        : prefilled?.rerun ? 'the window of the original capture' : prefilled ? 'the window chosen before' : 'the node\'s own time window, from the capture buffer';
      active = { ...fixed(current, detail), label: `$(history) ${windowLabel(current)}` };
      items.push(active);
    }
    items.push(
      ...presets,
      {
        label: 'last N minutes…',
        make: async () => {
          const r = await inputStep({ title, step: 2, totalSteps: total, value: current.kind === 'lastMinutes' ? String(current.minutes) : '10', prompt: 'Minutes before now (from the capture buffer)', back: true, validate: (v) => (/^\d+(\.\d+)?$/.test(v) && Number(v) > 0 ? undefined : 'A positive number of minutes') });
          return r === undefined || r === BACK ? r : { kind: 'lastMinutes', minutes: Number(r) };
        },
      },
      {
        label: 'absolute start and end…',
        detail: 'local time, ISO 8601 or epoch; microseconds are computed for you',
        make: async () => {
          // An absolute window the form holds is offered for editing (only the end, say), to the microsecond.
          const held = current.kind === 'absolute' ? { startUs: current.startUs ?? current.startMs * 1000, endUs: current.endUs ?? current.endMs * 1000 } : undefined;
          const s = await inputStep({ title, step: 2, totalSteps: total, value: held ? isoFromMicros(held.startUs) : new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), prompt: 'Start time', back: true, validate: microsPrompt() });
          if (s === undefined || s === BACK) return s;
          const startUs = parseTimeToMicros(s)!;
          const e = await inputStep({ title, step: 2, totalSteps: total, value: held && held.endUs > startUs ? isoFromMicros(held.endUs) : defaultEnd(startUs), prompt: `End time (after ${isoFromMicros(startUs)})`, back: true, validate: microsPrompt(startUs) });
          if (e === undefined || e === BACK) return e;
          const endUs = parseTimeToMicros(e)!;
          return { kind: 'absolute', startMs: startUs / 1000, endMs: endUs / 1000, startUs, endUs };
        },
      },
      livePreset,
      {
        label: 'live for N seconds…',
        make: async () => {
          const r = await inputStep({ title, step: 2, totalSteps: total, value: current.kind === 'live' ? String(current.seconds) : '60', prompt: 'Seconds of live traffic to capture', back: true, validate: (v) => (/^\d+$/.test(v) && Number(v) > 0 ? undefined : 'A positive whole number of seconds') });
          return r === undefined || r === BACK ? r : { kind: 'live', seconds: Number(r) };
        },
      },
    );
    for (;;) {
      const picked = await pickStep<W>({ title, step: 2, totalSteps: total, items, active, placeholder: 'Time window', back: true });
      if (picked === undefined) return 'cancel';
      if (picked === BACK) return 'back';
      const w = await picked.make!();
      if (w === undefined) return 'cancel';
      if (w === BACK) continue;
      state.form.window = w;
      if (w.kind === 'live') delete state.form.fromCaptureBuffer;
      return 'next';
    }
  };
  const reviewStep = async (): Promise<'next' | 'back' | 'cancel' | number> => {
    for (;;) {
      const f = state.form;
      const fromBuffer = f.fromCaptureBuffer ?? f.window.kind !== 'live';
      const stem = state.stem ?? allegroStem(target.deviceName, f);
      const problems = validateForm(f);
      const items: ReviewItem[] = [
        { id: 'start', label: problems.length ? '$(error) Cannot start' : '$(cloud-download) Start capture', detail: problems.length ? problems.join('; ') : `${target.deviceName}: ${f.expression || 'all traffic'}, ${windowLabel(f.window)}` },
        { id: 'expression', label: `expression: ${f.expression || 'all traffic'}`, description: 'change the capture filter' },
        { id: 'window', label: `time window: ${windowLabel(f.window)}`, detail: allegroWindowPlan(f.window, Date.now(), prefilled?.rerun === true).text },
        { id: 'buffer', label: `fromCaptureBuffer: ${fromBuffer}`, description: 'packet ring buffer (true) or live traffic (false)' },
        { id: 'slot', label: `captureBufferSlotId: ${f.captureBufferSlotId ?? 'default (0)'}` },
        { id: 'snap', label: `snapPacketLength: ${f.snapPacketLength ?? 'unlimited (65535)'}` },
        { id: 'mmid', label: mmIdLabel(f.mmId), description: '<device name>:<slot id>, e.g. :1 for this device\'s first replay slot' },
        emptyItem(f.keepEmpty),
        { id: 'name', label: `file name: ${sanitizeBaseName(stem)}.pcap` },
        { id: 'folder', label: `folder: ${state.folder || '(choose…)'}` },
      ];
      const review = await reviewPick(title, 3, total, items, refusedAtReview && `${target.deviceName} refused the capture: ${refusedAtReview}. Change an option, or start again`);
      if (typeof review === 'string') return review;
      const { picked, edit } = review;
      const shared = await sharedReviewChoice(picked.id, state, stem, problems, edit);
      if (shared === 'start') return 'next';
      if (shared === 'done') continue;
      switch (picked.id) {
        case 'expression':
          return 0;
        case 'window':
          return 1;
        case 'buffer':
          f.fromCaptureBuffer = !fromBuffer;
          break;
        case 'slot': {
          const v = await edit('Ring buffer id (0 = the first)', String(f.captureBufferSlotId ?? 0), (x) => (/^\d+$/.test(x) ? undefined : 'A whole number from 0'));
          if (v !== undefined) f.captureBufferSlotId = Number(v);
          break;
        }
        case 'snap': {
          const v = await edit('Bytes kept per packet (65535 = unlimited)', String(f.snapPacketLength ?? 65535), (x) => (/^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 65535 ? undefined : '1 to 65535'));
          if (v !== undefined && Number(v) === 65535) delete f.snapPacketLength;
          else if (v !== undefined) f.snapPacketLength = Number(v);
          break;
        }
        case 'mmid': {
          const v = await edit(MM_ID_PROMPT, f.mmId ?? '', (x) => (x === '' || /^[^\s:]*(:\d+)?$/.test(x) ? undefined : '<device name>:<slot id>'));
          if (v !== undefined) {
            if (v) f.mmId = v;
            else delete f.mmId;
          }
          break;
        }
      }
    }
  };
  return (await runSteps([expressionStep, windowStep, reviewStep], prefilled ? (prefilled.step ?? 2) : 0)) ? state : undefined;
}

/** Runs the capture; a Redo when it held no packet and the user chose to change the expression or window. */
async function runAllegro(deps: PcapDeps, provider: CapturesProvider, device: DeviceProfile, state: AllegroState, dest: Destination | undefined, rerunOf?: RerunSource): Promise<Redo | undefined> {
  const stem = state.stem ?? allegroStem(device.name, state.form);
  try {
    const saved = await withDownloadProgress(`Downloading pcap from ${device.name}`, async (ctx) => {
      const http = await deps.http(device.name);
      return downloadAllegroCapture({
        http,
        device: { name: device.name, url: device.url },
        form: state.form,
        writer: { folder: state.folder, stem, extension: 'pcap', onBytes: (n) => ctx.meter.add(n) },
        signal: ctx.signal,
        stop: ctx.stop,
        ...(rerunOf ? { rerunOf } : {}),
        onStart: ({ request, contentLength }) => {
          ctx.meter.setBounds({
            ...(contentLength ? { totalBytes: contentLength } : {}),
            ...(request.liveEndsAtMs ? { endsAtMs: request.liveEndsAtMs, startsAtMs: Date.now() } : {}),
          });
          ctx.phase(undefined);
          // Live traffic cannot be fetched again: what arrived can be kept when stopped early.
          if (request.liveEndsAtMs !== undefined) ctx.offerStop(`${device.name}: ${state.form.expression || 'all traffic'}, ${windowLabel(state.form.window)}`);
        },
      });
    });
    if (dest) await insertNoteLink(dest, saved, deps);
    await reportSuccess(saved, deps, provider);
  } catch (err) {
    if (err instanceof EmptyCaptureError) return offerChangeAfterEmpty(`Download from ${device.name}`, err, 'Change Expression or Window…', 0, deps);
    // The device refused what was asked (the expression, an mm-id): back to the form with its
    // words, everything typed kept.
    const refusal = err instanceof CancelledByUser ? undefined : allegroRefusalOf(err);
    if (refusal) {
      deps.log.warn(`Download from ${device.name}: the device refused the capture: ${refusal.text}`);
      return { step: refusal.step === 'expression' ? 0 : 2, note: refusal.text };
    }
    return reportFailureOrRetry(`Download from ${device.name}`, err, deps, device.name, 'download', 2, allegroCaptureHint(err));
  }
  return undefined;
}

/** The review item that says whether a capture without packets leaves a file. */
function emptyItem(keepEmpty: boolean | undefined): ReviewItem {
  return {
    id: 'empty',
    label: `if no packet matches: ${keepEmpty ? 'keep an empty file' : 'keep no file'}`,
    description: keepEmpty ? 'a pcap header without packets, and its sidecar' : 'you are told why instead',
  };
}

// ---------- AppResponse ----------

interface ExportState {
  form: PacketExportForm;
  folder: string;
  stem?: string;
  /** What the form's range is called in the time step: why it is the default, or where it came from. */
  rangeLabel?: string;
}

const MODE_DETAIL: Record<ExportMode, string> = {
  PREPARE: 'estimate bytes and packets first, then pick how to download',
  LEGACY: 'filter and stream at once (synchronous)',
  LIVE_STREAM: 'synchronous, framed with keepalives: best for slow filters',
  BUFFER_STREAM: 'filter into a buffer on the appliance, then download (needs a size limit)',
  STREAM_TO_FILE: 'write a pcap on the appliance, download it, then delete it there',
};

/** A filter the device refused, with its own words: shown again until the filter is changed. */
interface RefusedFilter {
  type: FilterType;
  value: string;
  message: string;
}

/**
 * The first problem of a filter for its input: an error blocks, a warning is shown. STEELFILTER is
 * checked as the report editor checks it (against the `packets` source once it is loaded);
 * WIRESHARK and BPF for balanced quotes and brackets and operators missing an operand.
 */
function filterProblem(type: FilterType, value: string, schema?: FilterSchema, refused?: RefusedFilter): vscode.InputBoxValidationMessage | undefined {
  if (!value.trim()) return { message: 'Enter a filter, or go back and pick "no filter"', severity: vscode.InputBoxValidationSeverity.Error };
  if (refused && refused.type === type && refused.value === value.trim()) return { message: `The device refused this filter: ${refused.message}`, severity: vscode.InputBoxValidationSeverity.Error };
  const first = checkPacketFilter(type, value, schema)[0];
  if (!first) return undefined;
  const at = type === 'STEELFILTER' ? '' : ` (column ${first.start + 1})`;
  const severity = first.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : first.severity === 'warning' ? vscode.InputBoxValidationSeverity.Warning : vscode.InputBoxValidationSeverity.Info;
  return { message: `${first.message}${at}`, severity };
}

async function pickSource(deps: PcapDeps, deviceName: string): Promise<PacketSourceRef | undefined> {
  const http = await deps.http(deviceName);
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing packet sources of ${deviceName}…` }, () => listPacketSources(http));
  for (const p of listed.problems) deps.log.warn(`Packet sources: ${p}`);
  type S = vscode.QuickPickItem & { source?: PacketSourceRef };
  const icon = { job: '$(record)', vifg: '$(plug)', clip: '$(files)', file: '$(file-binary)' };
  const items: S[] = listed.sources.map((s) => ({ label: `${icon[s.type]} ${s.name ?? s.id}`, description: `${s.type} ${s.id}`, ...(s.startTime && s.endTime ? { detail: `${new Date(s.startTime * 1000).toISOString()} → ${new Date(s.endTime * 1000).toISOString()}` } : {}), source: s }));
  items.push({ label: '$(edit) Enter a path…', description: 'jobs/<id>, vifgs/<id>, clips/<id> or fs/<path>' });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Packet source on ${deviceName}`, ignoreFocusOut: true, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.source) return picked.source;
  const typed = await vscode.window.showInputBox({ prompt: 'Packet source path', placeHolder: 'jobs/ef3b2a1b-…', ignoreFocusOut: true, validateInput: (v) => (/^(jobs|vifgs|clips|fs)\/.+/.test(v) ? undefined : 'jobs/<id>, vifgs/<id>, clips/<id> or fs/<path>') });
  if (!typed) return undefined;
  const [prefix, ...rest] = typed.split('/');
  const type = ({ jobs: 'job', vifgs: 'vifg', clips: 'clip', fs: 'file' } as const)[prefix as 'jobs' | 'vifgs' | 'clips' | 'fs'];
  return { type, id: rest.join('/') };
}

/** The packet source as the device describes it now (its time range, whether it is still capturing). */
async function freshSource(deps: PcapDeps, deviceName: string, ref: PacketSourceRef): Promise<PacketSourceRef> {
  const http = await deps.http(deviceName);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading ${ref.name ?? ref.id} on ${deviceName}…`, cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort(new Error('cancelled by the user')));
      try {
        return await readPacketSource(http, ref, ac.signal);
      } catch (err) {
        throw ac.signal.aborted ? new CancelledByUser(err) : err;
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * STEELFILTER entry with the core's completion: the typed text is the filter, the list offers
 * what may come next (columns of the `packets` source, operators, values, connectives).
 */
function steelFilterInput(o: { title: string; step: number; totalSteps: number; value: string; schema: Promise<FilterSchema | undefined>; refused?: RefusedFilter }): Promise<StepResult<string>> {
  return new Promise((resolve) => {
    type Item = vscode.QuickPickItem & { use?: boolean; insert?: { start: number; end: number; text: string } };
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = `${o.title}: STEELFILTER`;
    pick.step = o.step;
    pick.totalSteps = o.totalSteps;
    pick.placeholder = "e.g. ip.addr == '10.1.2.3' and srv_tcp.port == 443 (Enter on a suggestion inserts it)";
    pick.value = o.value;
    pick.ignoreFocusOut = true;
    pick.buttons = [vscode.QuickInputButtons.Back];
    let schema: FilterSchema | undefined;
    const end = endOfStep(pick, resolve);
    const refresh = () => {
      const text = pick.value;
      const problem = filterProblem('STEELFILTER', text, schema, o.refused);
      const blocked = problem?.severity === vscode.InputBoxValidationSeverity.Error;
      const use: Item = blocked
        ? { label: `$(error) ${problem!.message}`, use: false, alwaysShow: true }
        : { label: '$(check) Use this filter', description: text, ...(problem ? { detail: `$(warning) ${problem.message}` } : {}), use: true, alwaysShow: true };
      const items: Item[] = [use];
      for (const c of completeSteelFilter(text, text.length, schema).slice(0, 60)) {
        items.push({ label: c.label, ...(c.detail ? { description: c.detail } : {}), alwaysShow: true, insert: { start: c.replaceStart, end: c.replaceEnd, text: c.insertText ?? c.label } });
      }
      pick.items = items;
    };
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => {
      const item = pick.activeItems[0];
      if (!item) return;
      if (item.insert) {
        const v = pick.value;
        const next = `${v.slice(0, item.insert.start)}${item.insert.text}${v.slice(item.insert.end)}`;
        pick.value = /\s$/.test(next) ? next : `${next} `;
        refresh();
      } else if (item.use) end.finish(pick.value.trim());
    });
    refresh();
    pick.show();
    void o.schema.then((sc) => {
      schema = sc;
      if (!end.done) refresh();
    });
  });
}

async function exportForm(target: CaptureTarget, source: PacketSourceRef, dest: Destination | undefined, schema: Promise<FilterSchema | undefined>, prefilled?: Prefilled<ExportState>): Promise<ExportState | undefined> {
  const initial = initialExportRange(source, target.timeRange);
  const state: ExportState = prefilled?.state ?? {
    form: { source, ...initial.range, mode: 'PREPARE', ...(target.filter ? { filters: [target.filter] } : target.ip ? { filters: [{ type: 'STEELFILTER', value: `ip.addr == '${target.ip}'` }] } : {}) },
    folder: dest?.folder ?? '',
  };
  state.rangeLabel ??= prefilled?.rerun ? (state.form.lastSeconds !== undefined ? 'the original export\'s range, taken again from now' : 'the original export\'s time range') : initial.label;
  const title = prefilled?.title ?? `Export packets from ${target.deviceName}: ${source.name ?? source.id}`;
  const total = 4;
  const first = state.form.filters?.[0];
  const refused: RefusedFilter | undefined = prefilled?.note && first ? { type: first.type ?? 'STEELFILTER', value: first.value, message: prefilled.note } : undefined;
  // The catalogue once it has loaded: the filter and review steps check STEELFILTER against it.
  let loadedSchema: FilterSchema | undefined;
  void schema.then((sc) => (loadedSchema = sc));

  const timeStep = async (): Promise<'next' | 'back' | 'cancel'> => {
    type T = vscode.QuickPickItem & RangeChoice;
    const t = Math.floor(Date.now() / 1000);
    const items: T[] = exportRangeChoices(state.form, state.rangeLabel!, source, t);
    const picked = await pickStep<T>({ title, step: 1, totalSteps: total, items, placeholder: `Time range of ${source.name ?? source.id}`, ...(items.find((i) => i.active) ? { active: items.find((i) => i.active)! } : {}) });
    if (picked === undefined) return 'cancel';
    if (picked === BACK) return 'back';
    if (picked.keep) return 'next';
    if (picked.range) {
      [state.form.startTime, state.form.endTime] = picked.range;
      // "last N minutes" is relative: the range is taken again when the export starts (and on a re-run).
      if (picked.lastSeconds !== undefined) state.form.lastSeconds = picked.lastSeconds;
      else delete state.form.lastSeconds;
      state.rangeLabel = picked.label;
      return 'next';
    }
    // A fixed range the form holds (entered before, a clip's, the original export's) is offered for editing.
    const held = state.form.lastSeconds === undefined && state.form.startTime !== undefined && state.form.endTime !== undefined
      ? { startUs: Math.round(state.form.startTime * 1e6), endUs: Math.round(state.form.endTime * 1e6) } : undefined;
    const s = await inputStep({ title, step: 1, totalSteps: total, value: held ? isoFromMicros(held.startUs) : new Date((t - 300) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), prompt: 'Start time', back: true, validate: microsPrompt() });
    if (s === undefined) return 'cancel';
    if (s === BACK) return timeStep();
    const startUs = parseTimeToMicros(s)!;
    const e = await inputStep({ title, step: 1, totalSteps: total, value: held && held.endUs > startUs ? isoFromMicros(held.endUs) : defaultEnd(startUs), prompt: `End time (after ${isoFromMicros(startUs)})`, back: true, validate: microsPrompt(startUs) });
    if (e === undefined) return 'cancel';
    if (e === BACK) return timeStep();
    state.form.startTime = startUs / 1e6;
    state.form.endTime = parseTimeToMicros(e)! / 1e6;
    delete state.form.lastSeconds;
    state.rangeLabel = 'the range entered';
    return 'next';
  };

  const filterStep = async (): Promise<'next' | 'back' | 'cancel'> => {
    type F = vscode.QuickPickItem & { type?: FilterType; keep?: boolean };
    const given = state.form.filters?.[0];
    const existing = given ? { type: given.type ?? 'STEELFILTER', value: given.value } : undefined;
    // Back from the device's refusal: the refused filter is offered for editing, not for keeping.
    const refusedNow = refused && existing && existing.type === refused.type && existing.value === refused.value ? refused : undefined;
    const existingProblem = existing ? filterProblem(existing.type, existing.value, loadedSchema) : undefined;
    const items: F[] = [
      ...(refusedNow ? [{ label: `$(error) edit the refused filter: ${existing!.type} ${existing!.value}`, detail: `${target.deviceName}: ${refusedNow.message}`, type: existing!.type }]
        : existing ? [{ label: `$(filter) keep: ${existing.type} ${existing.value}`, ...(existingProblem ? { detail: `${existingProblem.severity === vscode.InputBoxValidationSeverity.Error ? '$(error)' : '$(warning)'} ${existingProblem.message}` } : {}), type: existing.type, keep: existingProblem?.severity !== vscode.InputBoxValidationSeverity.Error }] : []),
      { label: 'no filter' },
      { label: 'STEELFILTER…', description: "e.g. ip.addr == '10.1.2.3' and srv_tcp.port == 443 (only IP filters are optimised)", type: 'STEELFILTER' },
      { label: 'WIRESHARK…', description: 'display filter, e.g. tcp.port == 443', type: 'WIRESHARK' },
      { label: 'BPF…', description: 'capture filter, e.g. host 10.1.2.3 and port 443', type: 'BPF' },
    ];
    const placeholder = refusedNow ? `${target.deviceName} refused the filter: ${refusedNow.message}` : 'Filter';
    const picked = await pickStep<F>({ title, step: 2, totalSteps: total, items, placeholder, back: true });
    if (picked === undefined) return 'cancel';
    if (picked === BACK) return 'back';
    if (!picked.type) {
      delete state.form.filters;
      return 'next';
    }
    if (picked.keep) return 'next';
    const type = picked.type;
    const initial = existing?.type === type ? existing.value : '';
    const r =
      type === 'STEELFILTER'
        ? await steelFilterInput({ title, step: 2, totalSteps: total, value: initial, schema, ...(refusedNow ? { refused: refusedNow } : {}) })
        : await inputStep({ title, step: 2, totalSteps: total, value: initial, prompt: `${type} filter`, back: true, validate: (v) => filterProblem(type, v, undefined, refusedNow) });
    if (r === BACK) return filterStep();
    return outcome(r, (v) => (state.form.filters = [{ type, value: v.trim() }]));
  };

  const modeStep = async (): Promise<'next' | 'back' | 'cancel'> => {
    type M = vscode.QuickPickItem & { mode: ExportMode };
    const modes: ExportMode[] = ['PREPARE', ...DOWNLOAD_MODES];
    const items: M[] = modes.map((m) => ({ label: m, detail: MODE_DETAIL[m], mode: m }));
    const picked = await pickStep<M>({ title, step: 3, totalSteps: total, items, placeholder: 'How to retrieve the packets', active: items.find((i) => i.mode === state.form.mode), back: true });
    return outcome(picked, (m) => (state.form.mode = m.mode));
  };

  const reviewStep = async (): Promise<'next' | 'back' | 'cancel' | number> => {
    for (;;) {
      const f = state.form;
      const stem = state.stem ?? exportStem(target.deviceName, f);
      const problems = validateExportForm(f);
      for (const x of f.filters ?? []) {
        const p = filterProblem(x.type ?? 'STEELFILTER', x.value, loadedSchema, refused);
        if (p?.severity === vscode.InputBoxValidationSeverity.Error) problems.push(`${x.type} filter: ${p.message}`);
      }
      const sr = f.stopRule ?? {};
      const items: ReviewItem[] = [
        { id: 'start', label: problems.length ? '$(error) Cannot start' : '$(cloud-download) Start export', detail: problems.length ? problems.join('; ') : `${target.deviceName}: ${f.mode}, ${f.filters?.map((x) => `${x.type} ${x.value}`).join(' and ') || 'no filter'}` },
        { id: 'time', label: 'time range', detail: exportWindowPlan(f, Date.now(), prefilled?.rerun === true).text },
        { id: 'filter', label: `filter: ${f.filters?.map((x) => `${x.type} ${x.value}`).join(' and ') || 'none'}`, description: 'STEELFILTER, WIRESHARK or BPF' },
        { id: 'mode', label: `mode: ${f.mode}`, description: MODE_DETAIL[f.mode] },
        { id: 'time_limit', label: `stop rule time_limit: ${sr.time_limit ?? 'none'}`, description: 'seconds' },
        { id: 'size_limit', label: `stop rule size_limit: ${sr.size_limit ?? 'none'}`, description: 'bytes (required for BUFFER_STREAM)' },
        { id: 'packet_limit', label: `stop rule packet_limit: ${sr.packet_limit ?? 'none'}`, description: 'packets' },
        { id: 'snap', label: `snap_length: ${f.snapLength ?? 65535}` },
        { id: 'format', label: `output_format: ${f.outputFormat ?? 'PCAP_US'}` },
        emptyItem(f.keepEmpty),
        { id: 'name', label: `file name: ${sanitizeBaseName(stem)}.${f.outputFormat?.startsWith('PCAPNG') ? 'pcapng' : 'pcap'}` },
        { id: 'folder', label: `folder: ${state.folder || '(choose…)'}` },
      ];
      const review = await reviewPick(title, 4, total, items);
      if (typeof review === 'string') return review;
      const { picked, edit } = review;
      const whole = (x: string) => (x === '' || (/^\d+$/.test(x) && Number(x) > 0) ? undefined : 'A positive whole number, or empty for none');
      const shared = await sharedReviewChoice(picked.id, state, stem, problems, edit);
      if (shared === 'start') return 'next';
      if (shared === 'done') continue;
      switch (picked.id) {
        case 'time':
          return 0;
        case 'filter':
          return 1;
        case 'mode':
          return 2;
        case 'time_limit':
        case 'size_limit':
        case 'packet_limit': {
          const key = picked.id;
          const v = await edit(`stop_rule.${key} (empty = none)`, String(sr[key] ?? ''), whole);
          if (v !== undefined) {
            const next = { ...sr };
            if (v === '') delete next[key];
            else next[key] = Number(v);
            if (Object.keys(next).length) f.stopRule = next;
            else delete f.stopRule;
          }
          break;
        }
        case 'snap': {
          const v = await edit('snap_length (bytes per packet)', String(f.snapLength ?? 65535), (x) => (/^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 65535 ? undefined : '1 to 65535'));
          if (v !== undefined) f.snapLength = Number(v);
          break;
        }
        case 'format': {
          const formats: ExportFormat[] = ['PCAP_US', 'PCAP_NS', 'PCAPNG_US', 'PCAPNG_NS'];
          const p = await vscode.window.showQuickPick(formats, { placeHolder: 'output_format' });
          if (p) f.outputFormat = p as ExportFormat;
          break;
        }
      }
    }
  };
  return (await runSteps([timeStep, filterStep, modeStep, reviewStep], prefilled ? (prefilled.step ?? 3) : 0)) ? state : undefined;
}

async function pickModeAfterEstimate(estimate: ExportEstimate, form: PacketExportForm): Promise<DownloadMode | { change: 'time' | 'filter' } | undefined> {
  const what = [
    estimate.bytes !== undefined ? `about ${formatBytes(estimate.bytes)}` : undefined,
    estimate.packets !== undefined ? `${estimate.packets.toLocaleString('en-US')} packets` : undefined,
  ].filter(Boolean).join(', ') || 'no estimate available (the source is not indexed)';
  if (estimateIsEmpty(estimate)) {
    // Nothing to download: offer to change what is asked rather than four ways to fetch nothing.
    type C = vscode.QuickPickItem & { change?: 'time' | 'filter' };
    const asked = askedOf(form);
    const why = noPacketsMessage(asked);
    const items: C[] = [
      { label: '$(calendar) Change the time range…', detail: why.replace(/^No packets: /, ''), change: 'time' },
      { label: '$(filter) Change the filter…', detail: asked.filter ?? 'no filter: every packet of the time range', change: 'filter' },
      { label: '$(cloud-download) Download anyway…', detail: form.keepEmpty ? 'an empty pcap is kept' : 'nothing is kept unless "if no packet matches: keep an empty file" is on' },
    ];
    const c = await vscode.window.showQuickPick(items, { title: `Estimate: ${what}`, placeHolder: why, ignoreFocusOut: true });
    if (!c) return undefined;
    if (c.change) return { change: c.change };
  }
  const picked = await vscode.window.showQuickPick(
    DOWNLOAD_MODES.map((m) => ({ label: m, detail: MODE_DETAIL[m], mode: m })),
    { title: `Estimate: ${what}`, placeHolder: `Estimate: ${what}. Pick how to download (Esc cancels and deletes the export).`, ignoreFocusOut: true },
  );
  return picked?.mode;
}

/** Runs the export; a Redo when the user chose to change the time range or filter instead (0 packets). */
async function runExport(deps: PcapDeps, provider: CapturesProvider, device: DeviceProfile, state: ExportState, dest: Destination | undefined, rerunOf?: RerunSource): Promise<Redo | undefined> {
  const stem = state.stem ?? exportStem(device.name, state.form);
  try {
    const result = await withDownloadProgress(`Exporting packets from ${device.name}`, async (ctx) => {
      const http = await deps.http(device.name);
      const form = exportFormAt(state.form, Date.now());
      // The mode the device works in (a PREPARE export takes the one picked after its estimate).
      let mode: ExportMode = form.mode;
      return runPacketExport({
        transport: httpPacketExportTransport(http),
        device: { name: device.name, url: device.url },
        form,
        writer: { folder: state.folder, stem, onBytes: (n) => ctx.meter.add(n) },
        signal: ctx.signal,
        stop: ctx.stop,
        pickMode: async (estimate) => {
          const picked = await pickModeAfterEstimate(estimate, form);
          if (typeof picked === 'string') mode = picked;
          return picked;
        },
        ...(rerunOf ? { rerunOf } : {}),
        onProgress: (p) => {
          if (p.phase !== 'downloading') ctx.phase(exportPhaseText(p, mode));
        },
        onStart: ({ mode, totalBytes, totalIsEstimate }) => {
          ctx.meter.setBounds(totalBytes ? { totalBytes, totalIsEstimate: totalIsEstimate === true } : {});
          ctx.phase(undefined);
          if (mode === 'LIVE_STREAM') ctx.offerStop(`${device.name}: ${state.form.source.name ?? state.form.source.id}, LIVE_STREAM`);
        },
      });
    });
    if (dest) await insertNoteLink(dest, result, deps);
    await reportSuccess(result, deps, provider, result.warnings);
  } catch (err) {
    if (err instanceof ExportChangeRequested) {
      reportCleanup(`Packet export from ${device.name}`, err, deps);
      return { step: err.step === 'time' ? 0 : 1 };
    }
    // The device refused the filter: back to the filter step with its words, the rest kept.
    const refusal = filterRefusalOf(err);
    if (refusal) {
      deps.log.warn(`Packet export from ${device.name}: the device refused the filter: ${refusal}`);
      reportCleanup(`Packet export from ${device.name}`, err, deps);
      return { step: 1, note: refusal };
    }
    if (err instanceof EmptyCaptureError) return offerChangeAfterEmpty(`Packet export from ${device.name}`, err, 'Change Filter or Time…', 0, deps);
    return reportFailureOrRetry(`Packet export from ${device.name}`, err, deps, device.name, 'export', 3);
  }
  return undefined;
}

// ---------- commands ----------

/** The capture target a command was given (else a device picked now) and its configured device. */
async function targetDevice(deps: PcapDeps, arg: unknown, kind: DeviceProfile['kind'] | undefined, placeholder: string): Promise<{ target: CaptureTarget; device: DeviceProfile } | undefined> {
  let target = captureTargetOf(arg);
  if (!target) {
    const d = await pickDevice(deps, kind, placeholder);
    if (!d) return undefined;
    target = { deviceName: d.name };
  }
  const device = deviceOf(deps, target.deviceName);
  if (!device) {
    void vscode.window.showErrorMessage(`Device "${target.deviceName}" is not configured.`);
    return undefined;
  }
  return { target, device };
}

/** The note a link goes to on success (the one the command started from), with the folder the form chose. */
function noteDestination(dest: Destination | undefined, folder: string): Destination | undefined {
  return dest?.note ? { folder, note: dest.note } : undefined;
}

async function downloadPcap(deps: PcapDeps, provider: CapturesProvider, arg: unknown): Promise<void> {
  const picked = await targetDevice(deps, arg, undefined, 'Device to capture from');
  if (!picked) return;
  const { target, device } = picked;
  if (device.kind === 'appresponse') return exportPackets(deps, provider, target);
  const dest = destination();
  await formUntilDone<AllegroState>(
    `Download pcap from ${target.deviceName}`,
    undefined,
    (prefilled) => allegroForm(target, dest, prefilled),
    (state) => runAllegro(deps, provider, device, state, noteDestination(dest, state.folder)),
  );
}

/**
 * The `packets` source of the device's catalogue, for STEELFILTER completion; the form works
 * without it, so a failed read is logged (at warn) and resolves undefined.
 */
function filterSchema(deps: PcapDeps, deviceName: string): Promise<FilterSchema | undefined> {
  return deps
    .http(deviceName)
    .then((http) => new AppResponseClient(http).source('packets'))
    .then((src) => src as unknown as FilterSchema, (err: unknown) => {
      deps.log.warn(`STEELFILTER completion on ${deviceName} without a catalogue: ${(err as Error).message}`);
      return undefined;
    });
}

async function exportPackets(deps: PcapDeps, provider: CapturesProvider, arg: unknown): Promise<void> {
  const picked = await targetDevice(deps, arg, 'appresponse', 'AppResponse to export packets from');
  if (!picked) return;
  const { target, device } = picked;
  if (device.kind === 'allegro') return downloadPcap(deps, provider, target);
  const dest = destination();
  let source = target.packetSource;
  try {
    // The list was just read; a node's copy of its source may be hours old: read it again.
    source = source ? await freshSource(deps, device.name, source) : await pickSource(deps, device.name);
  } catch (err) {
    reportFailure(target.packetSource ? `Reading ${target.packetSource.name ?? target.packetSource.id} on ${device.name}` : `Listing packet sources of ${device.name}`, err, deps, device.name);
    return;
  }
  if (!source) return;
  const schema = filterSchema(deps, device.name);
  const from = source;
  await formUntilDone<ExportState>(
    `Export packets from ${target.deviceName}: ${from.name ?? from.id}`,
    undefined,
    (prefilled) => exportForm(target, from, dest, schema, prefilled),
    (state) => runExport(deps, provider, device, state, noteDestination(dest, state.folder)),
  );
}

/**
 * Re-run Capture: the capture's wizard opens at its review step, prefilled from the sidecar, and
 * shows what will happen (device, expression or filters, the time window re-evaluated from now or
 * the same absolute one) before anything starts. The new file is named like a fresh capture, its
 * sidecar says which capture it repeats, and a note the command was started from gets its link.
 */
async function rerunCapture(deps: PcapDeps, provider: CapturesProvider, uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) return;
  const name = path.basename(uri.fsPath);
  const { sidecar, problem } = await readSidecarChecked(uri.fsPath);
  if (problem) {
    const choice = await vscode.window.showErrorMessage(`${name} cannot be re-run: its metadata file ${name}.json cannot be read (${problem}). Fix it, or delete it.`, 'Open Metadata');
    if (choice) await vscode.commands.executeCommand('probeExplorer.openSidecar', uri);
    return;
  }
  if (!sidecar) {
    void vscode.window.showWarningMessage(`${name} has no metadata file, so it cannot be re-run.`);
    return;
  }
  const device = deviceOf(deps, sidecar.device.name);
  if (!device || device.kind !== sidecar.rerun.kind) {
    void vscode.window.showErrorMessage(`Device "${sidecar.device.name}" of this capture is not configured any more${device ? ` as an ${sidecar.rerun.kind === 'allegro' ? 'Allegro' : 'AppResponse'} device` : ''}.`);
    return;
  }
  const dest = destination();
  const plan = planRerun(uri.fsPath, sidecar, dest?.note ? { noteFolder: dest.folder } : {});
  const title = `Re-run ${name} on ${device.name}`;
  deps.log.info(`Re-run of ${uri.fsPath}: ${plan.what}; time window ${plan.window.text}`);
  if (plan.kind === 'allegro') {
    await formUntilDone<AllegroState>(
      title,
      { title, state: { form: plan.form, folder: plan.folder, stem: plan.stem }, rerun: true },
      (prefilled) => allegroForm({ deviceName: device.name }, dest, prefilled),
      (state) => runAllegro(deps, provider, device, state, plan.linkNote ? noteDestination(dest, state.folder) : undefined, plan.rerunOf),
    );
  } else {
    // The source's own range ("everything in this source") as the device has it now; the
    // re-run's range is the plan's either way.
    // Cancel on "Reading <source>…" stops the re-run; a source that cannot be read is re-run as recorded.
    let source: PacketSourceRef;
    try {
      source = await freshSource(deps, device.name, plan.form.source);
    } catch (err) {
      if (err instanceof CancelledByUser) {
        deps.log.info(`Re-run of ${uri.fsPath}: cancelled while reading ${plan.form.source.type} ${plan.form.source.id}.`);
        return;
      }
      deps.log.warn(`Re-run of ${uri.fsPath}: could not read ${plan.form.source.type} ${plan.form.source.id} again: ${(err as Error).message}`);
      source = plan.form.source;
    }
    plan.form.source = { ...plan.form.source, ...source };
    const target: CaptureTarget = { deviceName: device.name, packetSource: plan.form.source };
    const schema = filterSchema(deps, device.name);
    await formUntilDone<ExportState>(
      title,
      { title, state: { form: plan.form, folder: plan.folder, stem: plan.stem }, rerun: true },
      (prefilled) => exportForm(target, plan.form.source, dest, schema, prefilled),
      (state) => runExport(deps, provider, device, state, plan.linkNote ? noteDestination(dest, state.folder) : undefined, plan.rerunOf),
    );
  }
}

async function summarizeCapture(deps: PcapDeps, uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) return;
  const name = path.basename(uri.fsPath);
  try {
    const [summary, sidecar] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Summarizing ${name}…`, cancellable: true },
      async (_p, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          return await Promise.all([summarizeFile(uri.fsPath, { signal: ac.signal }), readSidecar(uri.fsPath).catch(() => undefined)]);
        } finally {
          sub.dispose();
        }
      },
    );
    const subtitle = oneLineSummary(summary) + (summary.complete ? '' : ` (incomplete: ${summary.problem})`);
    if (deps.results) {
      deps.results.open({ kind: 'table', title: name, subtitle, tables: summaryTables(summary, sidecar as CaptureSidecar | undefined), raw: summary, reopen: { command: 'probeExplorer.summarizeCapture', uri: uri.toString() } });
    } else {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: summaryMarkdown(name, summary, sidecar as CaptureSidecar | undefined) });
      await vscode.window.showTextDocument(doc, { preview: true });
    }
  } catch (err) {
    deps.log.error(`Summarize ${uri.fsPath}: ${(err as Error).message}`);
    void vscode.window.showErrorMessage(`Cannot summarize ${name}: ${(err as Error).message}`);
  }
}

/** Registers the capture commands and the Captures view. */
export function registerPcap(context: vscode.ExtensionContext, deps: PcapDeps): CapturesProvider {
  const provider = new CapturesProvider(deps.log);
  const view = vscode.window.createTreeView(CAPTURES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false });
  const uriOf = (arg: unknown) => captureUriOf(arg, view);
  const cmd = (id: string, fn: (arg: unknown) => unknown) => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    provider,
    view,
    liveCaptures,
    cmd('probeExplorer.stopCaptureAndKeep', (arg) => liveCaptures.stop(arg)),
    cmd('probeExplorer.downloadPcap', (arg) => downloadPcap(deps, provider, arg)),
    cmd('probeExplorer.exportPackets', (arg) => exportPackets(deps, provider, arg)),
    cmd('probeExplorer.refreshCaptures', () => provider.refresh()),
    cmd('probeExplorer.openSidecar', async (arg) => {
      const uri = uriOf(arg);
      if (!uri) return;
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(`${uri.fsPath}.json`), { preview: true });
      } catch {
        void vscode.window.showWarningMessage(`${path.basename(uri.fsPath)} has no metadata file.`);
      }
    }),
    cmd('probeExplorer.revealCapture', async (arg) => {
      const uri = uriOf(arg);
      if (uri) await vscode.commands.executeCommand('revealInExplorer', uri);
    }),
    cmd('probeExplorer.rerunCapture', (arg) => rerunCapture(deps, provider, uriOf(arg))),
    cmd('probeExplorer.summarizeCapture', (arg) => summarizeCapture(deps, uriOf(arg))),
  );
  return provider;
}

export type { CaptureItem };
