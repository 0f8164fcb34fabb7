// Report files (`*.probe-report.json`): parse with positions, validate, map problems to ranges.
import { parseJsonTree, nodeAtPath, toValue, stringOffset, type JsonNode } from './jsonTree';
import { validateReportFile, sourceNamesOf, type ValidateOptions } from './validate';
import type { ReportFile, ReportProblem } from './types';

export const REPORT_FILE_SUFFIX = '.probe-report.json';

export interface LocatedProblem extends ReportProblem {
  /** Offsets in the file text. */
  start: number;
  end: number;
  /** Where a fix's text goes, in the file text. */
  fixStart?: number;
  fixEnd?: number;
}

export interface ParsedReportFile {
  root: JsonNode | undefined;
  /** The file as a value (also when it has JSON errors: what could be read). */
  value: unknown;
  jsonErrors: { start: number; end: number; message: string }[];
  device: string | undefined;
  sourceNames: string[];
}

export function parseReportFile(text: string): ParsedReportFile {
  const { root, errors } = parseJsonTree(text);
  const value = toValue(root);
  const device = typeof (value as Partial<ReportFile> | undefined)?.device === 'string' ? (value as ReportFile).device : undefined;
  return { root, value, jsonErrors: errors, device, sourceNames: sourceNamesOf(value) };
}

/** Text range of a problem: the string's characters for filter problems, the key for unknown properties. */
export function locate(root: JsonNode | undefined, problem: ReportProblem, textLength: number): LocatedProblem {
  const found = nodeAtPath(root, problem.path);
  if (!found) return { ...problem, start: 0, end: Math.min(1, textLength) };
  const { node, exact } = found;
  let start = node.start, end = node.end;
  if (exact && problem.key && node.keyStart !== undefined) {
    start = node.keyStart; end = node.keyEnd!;
  } else if (exact && problem.range && node.type === 'string') {
    start = stringOffset(node, problem.range.start);
    end = Math.max(start, stringOffset(node, problem.range.end));
  } else if (!exact) {
    // A missing property: point at the object's opening brace (or its key) rather than the whole object.
    if (node.keyStart !== undefined) { start = node.keyStart; end = node.keyEnd!; } else { end = Math.min(node.end, node.start + 1); }
  }
  const located: LocatedProblem = { ...problem, start, end };
  if (problem.fix) {
    if (problem.fix.range && node.type === 'string' && exact) {
      located.fixStart = stringOffset(node, problem.fix.range.start);
      located.fixEnd = stringOffset(node, problem.fix.range.end);
      // The text goes inside a JSON string: its quotes and backslashes are written escaped.
      located.fix = { ...problem.fix, text: JSON.stringify(problem.fix.text).slice(1, -1) };
    } else if (exact && problem.key) {
      located.fixStart = node.keyStart; located.fixEnd = node.keyEnd;
    } else if (exact) {
      located.fixStart = node.start; located.fixEnd = node.end;
    }
  }
  return located;
}

/** Validates a report file's text; problems come with their ranges in the text. */
export function checkReportFile(text: string, options: ValidateOptions): { parsed: ParsedReportFile; problems: LocatedProblem[] } {
  const parsed = parseReportFile(text);
  if (!parsed.root) return { parsed, problems: [] };
  const problems = validateReportFile(parsed.value, options).map((p) => locate(parsed.root, p, text.length));
  return { parsed, problems };
}
