// Reads the restore state a results webview kept (window reload) back into a request. Pure (no
// vscode import) so it is unit-tested; the state comes from the webview and is checked field by field.
import type { ResultsReopen, ResultsRestoreState, ResultsWebviewState } from '../shared/protocol';
import { queryBarOf, type AllegroQuery, type AllegroQueryBar } from '../results/query';
import type { AllegroResultsRequest, ResultsRequest } from './results';

function cleanQuery(q: unknown): AllegroQuery {
  const out: AllegroQuery = {};
  if (!q || typeof q !== 'object' || Array.isArray(q)) return out;
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

/**
 * What an Allegro result keeps for a reload: its request and the query bar as the user left it.
 * A time preset stays a preset (it is relative to now), so the panel resolves it again when it
 * re-runs the query after the reload.
 */
export function allegroRestoreState(request: AllegroResultsRequest, bar: AllegroQueryBar | undefined): ResultsRestoreState {
  const state: ResultsRestoreState = { kind: 'allegro', device: request.device, path: request.path, query: { ...(request.query ?? {}) }, allPages: bar?.allPages ?? request.allPages ?? false };
  if (bar) state.bar = { ...bar };
  if (request.title) state.title = request.title;
  return state;
}

/** Commands a restored panel may run to make its result again (the state comes from the webview). */
const REOPEN_COMMANDS: readonly string[] = ['probeExplorer.summarizeCapture'];

/** A reopen recipe, only for an allowed command on a file: URI. */
export function reopenOf(value: unknown): ResultsReopen | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { command, uri } = value as Record<string, unknown>;
  if (typeof command !== 'string' || !REOPEN_COMMANDS.includes(command)) return undefined;
  if (typeof uri !== 'string' || !/^file:\/\//.test(uri)) return undefined;
  return { command: command as ResultsReopen['command'], uri };
}

/** Reads a restore state defensively: it comes back from the webview. */
export function requestFromState(state: unknown): { request: ResultsRequest; lostStatic: boolean } | undefined {
  const restore = (state as ResultsWebviewState | undefined)?.restore as ResultsRestoreState | undefined;
  if (!restore || typeof restore !== 'object') return undefined;
  switch (restore.kind) {
    case 'allegro': {
      if (typeof restore.device !== 'string' || typeof restore.path !== 'string') return undefined;
      const bar = queryBarOf(restore.bar);
      return {
        request: { kind: 'allegro', device: restore.device, path: restore.path, query: cleanQuery(restore.query), ...(restore.title ? { title: restore.title } : {}), allPages: restore.allPages === true, ...(bar ? { bar } : {}) },
        lostStatic: false,
      };
    }
    case 'report':
      if (typeof restore.device !== 'string') return undefined;
      return { request: { kind: 'report', device: restore.device, title: String(restore.title ?? 'Report'), dataDefs: [], ...(restore.spec !== undefined ? { spec: restore.spec } : {}) }, lostStatic: false };
    case 'static': {
      const title = String(restore.title ?? 'Result');
      const reopen = reopenOf(restore.reopen);
      // A capture summary is made again from its file; anything else was not kept.
      if (reopen) return { request: { kind: 'table', title, tables: [], reopen }, lostStatic: true };
      return { request: { kind: 'json', title, value: null }, lostStatic: true };
    }
    default:
      return undefined;
  }
}

/** The auto-refresh interval a restored panel keeps (a whole number of seconds, at most a day), if its state has one. */
export function autoRefreshFromState(state: unknown): number | undefined {
  const v = (state as ResultsWebviewState | undefined)?.autoRefreshSeconds;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 86_400 ? v : undefined;
}
