// Running AppResponse reports (vscode-free): the three workflows of the reference document over
// AppResponseClient, with our own validator in front.
//
// - async: POST instances, poll the status of every data_def with a backoff that starts fast (50 ms,
//   doubling to a cap) and never sleeps past the device's own `remaining_sec` estimate, and fetch a
//   data_def's rows as soon as IT is completed (the others keep being polled).
// - sync: POST instances/sync, then re-attach (GET items/<id>/sync) while the answer is unfinished.
// - live: POST a live instance (npm.probe.reports), wait for `collecting`, then poll the data_defs'
//   `actual_time` and fetch each newer [lastEnd, end) increment with start_time/end_time, until the
//   signal aborts (stopping a live report is not an error).
//
// A data_def in `error` state is reported with the device's `messages` while the others still
// deliver rows. The instance is ALWAYS deleted afterwards: on success, on error and on cancel.
// A report our validator refuses is never sent (ReportInvalidError with the validator's message).
import type { AppResponseClient, InstanceRef } from './client';
import type { DataDefResponse, DataDefState, InstanceResponse, StatusMessage } from './types';
import { validateReportRequest, type DataDef, type ReportProblem, type ValidateOptions } from '../report/index';

export type RunMode = 'async' | 'sync' | 'live';

export interface DataDefProgress {
  id: number;
  state: DataDefState;
  percent?: number;
  remainingSec?: number;
}

export interface RunProgress {
  mode: RunMode;
  instanceId?: number;
  dataDefs: DataDefProgress[];
  /** Mean percent over the data_defs (0..100). */
  percent: number;
  /** The longest remaining_sec the device announced, if any. */
  remainingSec?: number;
  /** Data_defs whose rows (or error) were delivered. */
  done: number;
}

/** One data_def's outcome: its rows, or the device's messages. */
export interface DataDefOutcome {
  /** The device's data_def id (1-based, in request order). */
  id: number;
  /** Index in the request's data_defs. */
  index: number;
  request: DataDef;
  state: 'completed' | 'error';
  columns: string[];
  data: string[][];
  messages?: StatusMessage[];
  actualTime?: { start: string; end: string }[];
  /** ms since the run started when the rows (or the error) were available. */
  atMs: number;
}

/** A live increment: the rows of [start, end) of one data_def. */
export interface LiveIncrement {
  id: number;
  index: number;
  columns: string[];
  rows: string[][];
  start: string;
  end: string;
}

export interface RunResult {
  mode: RunMode;
  instanceId: number;
  outcomes: DataDefOutcome[];
  /** Live: every increment's rows concatenated per data_def (same order as outcomes). */
  elapsedMs: number;
}

export interface PollOptions {
  /** First poll delay (default 50 ms). */
  initialMs?: number;
  /** Growth per poll (default 2). */
  factor?: number;
  /** Longest delay between polls (default 1000 ms). */
  maxMs?: number;
  /** Never sleeps less than this (default 10 ms). */
  minMs?: number;
}

export interface ReportRunOptions {
  mode?: RunMode;
  signal?: AbortSignal;
  /** Catalogues for the validator (run before anything is sent). */
  validation: Pick<ValidateOptions, 'getSource' | 'sourceNames' | 'offline' | 'now'>;
  poll?: PollOptions;
  /** Give up (and delete) after this long waiting for the data_defs (default 10 min; live: until aborted). */
  timeoutMs?: number;
  /** Live: seconds of idle time before the device drops the instance (idle_timeout). */
  idleTimeoutSec?: number;
  /** Live: time between actual_time polls once collecting (default 1000 ms). */
  livePollMs?: number;
  /** Live: the first increment starts at most this many seconds before the available end (default: all retained data). */
  liveBackfillSec?: number;
  onProgress?(progress: RunProgress): void;
  /** A data_def finished: rows or its error messages. Called as soon as each one is known. */
  onDataDef?(outcome: DataDefOutcome): void;
  onLiveData?(increment: LiveIncrement): void;
  /** Something that did not fail the run (e.g. the DELETE afterwards failed). */
  onWarning?(message: string): void;
}

/** Our validator refused the report; nothing was sent. */
export class ReportInvalidError extends Error {
  constructor(readonly problems: ReportProblem[]) {
    super(problems.length === 1 ? `${problems[0].path}: ${problems[0].message}` : `${problems.length} problems; first: ${problems[0].path}: ${problems[0].message}`);
    this.name = 'ReportInvalidError';
  }
}

export class ReportCancelledError extends Error {
  constructor() {
    super('The report was cancelled');
    this.name = 'ReportCancelledError';
  }
}

export class ReportTimeoutError extends Error {
  constructor(afterMs: number) {
    super(`The report did not complete within ${Math.round(afterMs / 1000)} s`);
    this.name = 'ReportTimeoutError';
  }
}

const DONE = new Set<DataDefState>(['completed', 'error', 'collecting']);

/** The request exactly as it will be sent, checked by our validator first. */
export function checkReport(dataDefs: DataDef[], options: ReportRunOptions): ReportProblem[] {
  const live = options.mode === 'live';
  const request: Record<string, unknown> = { data_defs: dataDefs };
  if (live) request.live = true;
  return validateReportRequest(request, options.validation).filter((p) => p.severity === 'error');
}

/** Delays of the status polls: initial, ×factor, capped; never later than the device's estimate. */
export class Backoff {
  private next: number;
  private readonly factor: number;
  private readonly maxMs: number;
  private readonly minMs: number;
  constructor(options: PollOptions = {}) {
    this.next = options.initialMs ?? 50;
    this.factor = options.factor ?? 2;
    this.maxMs = options.maxMs ?? 1000;
    this.minMs = options.minMs ?? 10;
  }
  /** The delay before the next poll; `remainingMs` is the device's shortest estimate of pending work. */
  delay(remainingMs?: number): number {
    let d = this.next;
    this.next = Math.min(this.maxMs, this.next * this.factor);
    // The device said when it expects to finish: wake up just after that instead of oversleeping.
    if (remainingMs !== undefined && Number.isFinite(remainingMs) && remainingMs >= 0) d = Math.min(d, remainingMs + 5);
    return Math.max(this.minMs, Math.round(d));
  }
}

export class ReportRunner {
  constructor(private readonly client: AppResponseClient) {}

  /** Validates, runs in the chosen workflow, always deletes the instance. */
  async run(dataDefs: DataDef[], options: ReportRunOptions): Promise<RunResult> {
    const mode = options.mode ?? 'async';
    const problems = checkReport(dataDefs, { ...options, mode });
    if (problems.length) throw new ReportInvalidError(problems);
    throwIfAborted(options.signal, mode);
    const started = Date.now();
    const ctx: RunContext = { dataDefs, options, mode, started, outcomes: new Map(), statuses: new Map() };
    if (mode === 'sync') return this.runSync(ctx);
    if (mode === 'live') return this.runLive(ctx);
    return this.runAsync(ctx);
  }

  // ---------- async ----------

  private async runAsync(ctx: RunContext): Promise<RunResult> {
    const { options } = ctx;
    const { ref, instance } = await this.client.createInstance(ctx.dataDefs, { signal: options.signal });
    ctx.instanceId = ref.id;
    try {
      const fetches = new Map<number, Promise<void>>();
      const backoff = new Backoff(options.poll);
      const timeout = options.timeoutMs ?? 600_000;
      let statuses = instance.data_defs.map((d) => ({ id: d.id, status: d.status }));
      for (;;) {
        this.noteStatuses(ctx, statuses);
        for (const s of statuses) {
          if (fetches.has(s.id)) continue;
          if (s.status.state === 'completed') fetches.set(s.id, this.fetchRows(ctx, ref, s.id));
          else if (s.status.state === 'error') {
            fetches.set(s.id, Promise.resolve());
            this.deliver(ctx, { id: s.id, state: 'error', columns: this.requestOf(ctx, s.id)?.columns ?? [], data: [], messages: s.status.messages ?? [] });
          }
        }
        if (fetches.size >= ctx.dataDefs.length) break;
        if (Date.now() - ctx.started > timeout) throw new ReportTimeoutError(timeout);
        const pending = statuses.filter((s) => !fetches.has(s.id));
        const remaining = Math.min(...pending.map((s) => (s.status.progress?.remaining_sec ?? Number.POSITIVE_INFINITY) * 1000));
        await sleep(backoff.delay(Number.isFinite(remaining) ? remaining : undefined), options.signal, ctx.mode);
        statuses = await this.client.statusAll(ref, { signal: options.signal });
      }
      await Promise.all(fetches.values());
      return this.result(ctx);
    } catch (error) {
      throw mapAbort(error, options.signal, ctx.mode);
    } finally {
      await this.remove(ctx, ref);
    }
  }

  private async fetchRows(ctx: RunContext, ref: InstanceRef, id: number): Promise<void> {
    const r = await this.client.data(ref, id, {}, { signal: ctx.options.signal });
    this.deliver(ctx, { id, state: 'completed', columns: r.columns, data: r.data ?? [] });
  }

  // ---------- sync ----------

  private async runSync(ctx: RunContext): Promise<RunResult> {
    const { options } = ctx;
    // If the first (blocking) call is cancelled, its Location never arrives: remember what existed
    // before, to find and delete the instance the device made for us.
    const before = new Set((await this.client.listInstances({ signal: options.signal }).catch(() => [] as InstanceResponse[])).map((i) => i.id));
    let ref: InstanceRef | undefined;
    try {
      const first = await this.client.createSync(ctx.dataDefs, { signal: options.signal });
      ref = first.ref;
      ctx.instanceId = ref.id;
      let instance = first.instance;
      let done = first.done;
      const timeout = options.timeoutMs ?? 600_000;
      for (;;) {
        this.noteStatuses(ctx, instance.data_defs.map((d) => ({ id: d.id, status: d.status })));
        for (const d of instance.data_defs) this.deliverSync(ctx, d);
        if (done) break;
        if (Date.now() - ctx.started > timeout) throw new ReportTimeoutError(timeout);
        ({ instance, done } = await this.client.reattach(ref, { signal: options.signal }));
      }
      return this.result(ctx);
    } catch (error) {
      if (!ref && options.signal?.aborted) await this.removeOrphans(ctx, before);
      throw mapAbort(error, options.signal, ctx.mode);
    } finally {
      if (ref) await this.remove(ctx, ref);
    }
  }

  private deliverSync(ctx: RunContext, d: DataDefResponse): void {
    if (ctx.outcomes.has(d.id)) return;
    if (d.status.state === 'completed') {
      this.deliver(ctx, { id: d.id, state: 'completed', columns: d.columns, data: d.data ?? [], actualTime: d.actual_time?.time_ranges });
    } else if (d.status.state === 'error') {
      this.deliver(ctx, { id: d.id, state: 'error', columns: d.columns ?? [], data: [], messages: d.status.messages ?? [] });
    }
  }

  /** After a cancelled sync POST: delete the new instances of the same request that appeared meanwhile. */
  private async removeOrphans(ctx: RunContext, before: Set<number>): Promise<void> {
    const want = JSON.stringify(ctx.dataDefs.map(fingerprint));
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = await this.client.listInstances().catch(() => [] as InstanceResponse[]);
      const mine = now.filter((i) => !before.has(i.id) && JSON.stringify(i.data_defs.map(fingerprint)) === want);
      if (mine.length) {
        for (const i of mine) await this.remove(ctx, i.id);
        return;
      }
      // The POST may still be on its way to the device.
      await sleep(100 * (attempt + 1), undefined, ctx.mode);
    }
  }

  // ---------- live ----------

  private async runLive(ctx: RunContext): Promise<RunResult> {
    const { options } = ctx;
    const { ref, instance } = await this.client.createLive(ctx.dataDefs, { signal: options.signal, idleTimeoutSec: options.idleTimeoutSec });
    ctx.instanceId = ref.id;
    const rows = new Map<number, string[][]>();
    const columns = new Map<number, string[]>();
    try {
      const backoff = new Backoff(options.poll);
      const lastEnd = new Map<number, string>();
      let defs: { id: number; status: DataDefResponse['status']; actual_time?: DataDefResponse['actual_time'] }[] = instance.data_defs;
      // Step 2: until every data_def collects (or failed).
      while (!defs.every((d) => DONE.has(d.status.state))) {
        this.noteStatuses(ctx, defs);
        const pending = defs.filter((d) => !DONE.has(d.status.state));
        const remaining = Math.min(...pending.map((d) => (d.status.progress?.remaining_sec ?? Number.POSITIVE_INFINITY) * 1000));
        await sleep(backoff.delay(Number.isFinite(remaining) ? remaining : undefined), options.signal, ctx.mode);
        defs = await this.client.statusAll(ref, { signal: options.signal });
      }
      // Steps 3 and 4, until aborted.
      for (;;) {
        this.noteStatuses(ctx, defs);
        for (const d of defs) {
          if (d.status.state === 'error' && !ctx.outcomes.has(d.id)) {
            this.deliver(ctx, { id: d.id, state: 'error', columns: this.requestOf(ctx, d.id)?.columns ?? [], data: [], messages: d.status.messages ?? [] });
          }
        }
        const full = await this.client.dataDefs(ref, { signal: options.signal });
        await Promise.all(full.filter((d) => d.status.state === 'collecting').map(async (d) => {
          const ranges = d.actual_time?.time_ranges ?? [];
          if (!ranges.length) return;
          const end = ranges[ranges.length - 1].end;
          const previous = lastEnd.get(d.id);
          if (previous !== undefined && !(Number(end) > Number(previous))) return;
          let start = previous ?? ranges[0].start;
          if (previous === undefined && options.liveBackfillSec !== undefined) {
            const floor = Number(end) - options.liveBackfillSec;
            if (floor > Number(start)) start = String(floor);
          }
          const r = await this.client.data(ref, d.id, { startTime: start, endTime: end }, { signal: options.signal });
          lastEnd.set(d.id, end);
          columns.set(d.id, r.columns);
          const list = rows.get(d.id) ?? [];
          list.push(...(r.data ?? []));
          rows.set(d.id, list);
          options.onLiveData?.({ id: d.id, index: d.id - 1, columns: r.columns, rows: r.data ?? [], start, end });
        }));
        await sleep(options.livePollMs ?? 1000, options.signal, ctx.mode);
        defs = full;
      }
    } catch (error) {
      if (!(options.signal?.aborted)) throw mapAbort(error, options.signal, ctx.mode);
      // Stopping a live report is its normal end: what arrived is the result.
      for (const [id, data] of rows) {
        if (!ctx.outcomes.has(id)) this.deliver(ctx, { id, state: 'completed', columns: columns.get(id) ?? [], data });
      }
      return this.result(ctx);
    } finally {
      await this.remove(ctx, ref);
    }
  }

  // ---------- shared ----------

  private requestOf(ctx: RunContext, id: number): DataDef | undefined {
    return ctx.dataDefs[id - 1];
  }

  private deliver(ctx: RunContext, o: Omit<DataDefOutcome, 'index' | 'request' | 'atMs'>): void {
    const outcome: DataDefOutcome = { ...o, index: o.id - 1, request: ctx.dataDefs[o.id - 1], atMs: Date.now() - ctx.started };
    ctx.outcomes.set(o.id, outcome);
    ctx.options.onDataDef?.(outcome);
    this.progress(ctx);
  }

  private noteStatuses(ctx: RunContext, statuses: { id: number; status: DataDefResponse['status'] }[]): void {
    for (const s of statuses) {
      ctx.statuses.set(s.id, { id: s.id, state: s.status.state, percent: s.status.progress?.percent, remainingSec: s.status.progress?.remaining_sec });
    }
    this.progress(ctx);
  }

  private progress(ctx: RunContext): void {
    if (!ctx.options.onProgress) return;
    const dataDefs = [...ctx.statuses.values()];
    const percent = dataDefs.length ? dataDefs.reduce((s, d) => s + (d.percent ?? (DONE.has(d.state) ? 100 : 0)), 0) / dataDefs.length : 0;
    const remaining = dataDefs.map((d) => d.remainingSec).filter((x): x is number => typeof x === 'number');
    ctx.options.onProgress({ mode: ctx.mode, instanceId: ctx.instanceId, dataDefs, percent, remainingSec: remaining.length ? Math.max(...remaining) : undefined, done: ctx.outcomes.size });
  }

  private result(ctx: RunContext): RunResult {
    const outcomes = [...ctx.outcomes.values()].sort((a, b) => a.id - b.id);
    return { mode: ctx.mode, instanceId: ctx.instanceId ?? 0, outcomes, elapsedMs: Date.now() - ctx.started };
  }

  /** DELETE, never with the run's (maybe aborted) signal; a failure is a warning, not the run's error. */
  private async remove(ctx: RunContext, ref: InstanceRef | number): Promise<void> {
    try {
      await this.client.deleteInstance(ref, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      ctx.options.onWarning?.(`Could not delete report instance ${typeof ref === 'number' ? ref : ref.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

interface RunContext {
  dataDefs: DataDef[];
  options: ReportRunOptions;
  mode: RunMode;
  started: number;
  instanceId?: number;
  outcomes: Map<number, DataDefOutcome>;
  statuses: Map<number, DataDefProgress>;
}

function fingerprint(d: Pick<DataDef, 'source' | 'columns' | 'group_by'>): unknown {
  return [d.source?.name, d.source?.path ?? null, d.columns ?? [], d.group_by ?? []];
}

function throwIfAborted(signal: AbortSignal | undefined, _mode: RunMode): void {
  if (signal?.aborted) throw new ReportCancelledError();
}

function mapAbort(error: unknown, signal: AbortSignal | undefined, _mode: RunMode): unknown {
  return signal?.aborted ? new ReportCancelledError() : error;
}

function sleep(ms: number, signal: AbortSignal | undefined, _mode: RunMode): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ReportCancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(t);
      reject(new ReportCancelledError());
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
