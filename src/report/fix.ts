// Applying a problem's quick fix to the report's value (the report editor's "Change to …" buttons),
// where the text editor applies the same fix to the text through its range.
import { splitPath } from './jsonTree';
import type { ReportProblem } from './types';

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * Applies `problem.fix` to `root` in place: the value at `problem.path` is replaced (a key is renamed
 * for problems about a key, a range of a string is replaced for problems inside a filter). False when
 * there is no fix or the path no longer leads to what the problem was about.
 */
export function applyProblemFix(root: unknown, problem: Pick<ReportProblem, 'path' | 'fix' | 'key'>): boolean {
  const fix = problem.fix;
  if (!fix) return false;
  const parts = splitPath(problem.path);
  const last = parts.pop();
  if (last === undefined) return false;
  let parent: unknown = root;
  for (const p of parts) {
    if (!isContainer(parent)) return false;
    parent = (parent as Record<string | number, unknown>)[p];
  }
  if (!isContainer(parent) || !(last in parent)) return false;
  const at = parent as Record<string | number, unknown>;
  let replacement: unknown;
  try {
    replacement = fix.range ? fix.text : JSON.parse(fix.text);
  } catch {
    return false;
  }
  if (problem.key) {
    if (Array.isArray(parent) || typeof replacement !== 'string' || replacement in parent) return false;
    // Rename in place, keeping the order of the properties.
    const entries = Object.entries(parent).map(([k, v]) => [k === last ? replacement as string : k, v] as const);
    for (const k of Object.keys(parent)) delete at[k];
    for (const [k, v] of entries) at[k] = v;
    return true;
  }
  if (fix.range) {
    const current = at[last];
    if (typeof current !== 'string' || fix.range.end > current.length) return false;
    at[last] = current.slice(0, fix.range.start) + fix.text + current.slice(fix.range.end);
    return true;
  }
  at[last] = replacement;
  return true;
}
