// Which device and source a document is checked against. Pure (no vscode), so it is unit-tested.
//
// `.steelfilter` files: named `<anything>.<source>.steelfilter` (e.g. `web-servers.aggregates.steelfilter`,
// `cpu.system_metrics.cpu.steelfilter`); the device is the only configured AppResponse, or the one
// whose name is a segment of the file name (`web.Lab AppResponse.aggregates.steelfilter`). With several
// devices and none named, the file is checked against what their catalogues of that source agree on,
// and a note says so and how to name one. Without a source in the name, only the syntax is checked.
// Report files name their device in `"device"` and each data_def its source.
import { closest, validate, type Column, type Diagnostic, type Source } from '../../steelfilter/index';

export interface SteelfilterTarget {
  /** The device the file is for: the only one configured, or the one its name names. */
  device?: string;
  /** Several devices are configured and the name names none of them: all of them. */
  ambiguous?: string[];
  /** Source names the file name may mean, longest first. */
  sourceCandidates: string[];
}

/** Where `device` sits among the dot-separated parts of the name (a device name may hold dots). */
function segmentIndex(parts: string[], device: string, caseless: boolean): number {
  const want = (caseless ? device.toLowerCase() : device).split('.');
  const have = caseless ? parts.map((p) => p.toLowerCase()) : parts;
  for (let i = 0; i + want.length <= have.length; i++) if (want.every((w, k) => have[i + k] === w)) return i;
  return -1;
}

export function steelfilterTarget(fileName: string, devices: string[]): SteelfilterTarget {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.steelfilter$/i, '');
  const parts = base.split('.');
  let device: string | undefined;
  if (devices.length === 1) device = devices[0];
  else {
    // The file's own first part is its name, not a device.
    const named = (caseless: boolean) => devices.filter((d) => segmentIndex(parts.slice(1), d, caseless) >= 0);
    const exact = named(false);
    const loose = exact.length ? exact : named(true);
    // The longest name wins: `lab.eu` over `lab` in `web.lab.eu.aggregates.steelfilter`.
    device = loose.sort((a, b) => b.length - a.length)[0];
  }
  // Longest first: `system_metrics.cpu` before `cpu`.
  const sourceCandidates: string[] = [];
  for (let i = 1; i < parts.length; i++) sourceCandidates.push(parts.slice(i).join('.'));
  const target: SteelfilterTarget = { device, sourceCandidates };
  if (!device) delete target.device;
  if (!device && devices.length > 1) target.ambiguous = [...devices];
  return target;
}

/** The file name that checks the file against `device`: its name put before the source. */
export function fileNameFor(fileName: string, device: string, sourceName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  const suffix = `.${sourceName}.steelfilter`;
  const stem = base.toLowerCase().endsWith(suffix.toLowerCase()) ? base.slice(0, base.length - suffix.length) : base.replace(/\.steelfilter$/i, '');
  return `${stem}.${device}${suffix}`;
}

export interface CatalogueAccess {
  getSource(device: string, name: string): Promise<Source | undefined>;
  /** Source names of a device; without it, every candidate is tried as a source. */
  getSourceNames?(device: string): Promise<string[]>;
}

/** What a `.steelfilter` file is checked against. */
export type SteelfilterContext =
  /** Only the syntax; `unavailable` when a catalogue could not be read (worth trying again later). */
  | { kind: 'syntax'; unavailable?: boolean; note?: string; devices?: string[]; sourceName?: string; /** The file name that would name a source (a misspelt one). */ rename?: string }
  /** One device's catalogue of one source. */
  | { kind: 'device'; device: string; source: Source; unavailable?: false }
  /** Several devices, none named: what their catalogues of `sourceName` agree on. */
  | {
    kind: 'agreed'; devices: string[]; sourceName: string; catalogues: { device: string; source: Source }[];
    /** Devices whose catalogue could not be read, or that have no such source. */
    unreadable: string[]; lacking: string[]; unavailable?: boolean; note: string;
  };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Source names of a device, or the error (an empty list counts as unreadable: a device has sources). */
async function namesOf(access: CatalogueAccess, device: string, candidates: string[]): Promise<string[] | Error> {
  if (!access.getSourceNames) return candidates;
  try {
    const names = await access.getSourceNames(device);
    return names.length ? names : new Error(`${device} listed no report sources`);
  } catch (e) {
    return e instanceof Error ? e : new Error(message(e));
  }
}

const list = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * Reads the catalogue(s) a `.steelfilter` file is checked against. `log` hears why a catalogue could
 * not be read (the context only says that it could not).
 */
export async function resolveSteelfilterContext(fileName: string, devices: string[], access: CatalogueAccess, log?: (what: string) => void): Promise<SteelfilterContext> {
  const target = steelfilterTarget(fileName, devices);
  if (!target.sourceCandidates.length) return { kind: 'syntax' };
  if (target.device) {
    const device = target.device;
    const names = await namesOf(access, device, target.sourceCandidates);
    if (names instanceof Error) {
      log?.(`sources of ${device}: ${names.message}`);
      return { kind: 'syntax', unavailable: true };
    }
    const name = target.sourceCandidates.find((c) => names.includes(c));
    if (!name) return misspeltSource(fileName, device, target.sourceCandidates, names);
    try {
      const source = await access.getSource(device, name);
      if (source) return { kind: 'device', device, source };
      log?.(`source ${name} of ${device}: not found`);
    } catch (e) {
      log?.(`source ${name} of ${device}: ${message(e)}`);
    }
    return { kind: 'syntax', unavailable: true };
  }
  const all = target.ambiguous ?? [];
  if (!all.length) return { kind: 'syntax' };

  const named = await Promise.all(all.map(async (device) => ({ device, names: await namesOf(access, device, target.sourceCandidates) })));
  const unreadable = named.filter((n) => n.names instanceof Error).map((n) => n.device);
  for (const n of named) if (n.names instanceof Error) log?.(`sources of ${n.device}: ${n.names.message}`);
  // The longest candidate some device has is the source the name means.
  const sourceName = target.sourceCandidates.find((c) => named.some((n) => Array.isArray(n.names) && n.names.includes(c)));
  const base = fileName.replace(/^.*[\\/]/, '');
  if (!sourceName) {
    if (!unreadable.length) return { kind: 'syntax' };
    return {
      kind: 'syntax', unavailable: true, devices: all,
      note: `${all.length} AppResponse devices are configured and "${base}" names none of them; the catalogues of ${list(unreadable)} could not be read, so only the syntax is checked for now. Name the device in the file name, e.g. ${fileNameFor(base, all[0], target.sourceCandidates[target.sourceCandidates.length - 1])}.`,
    };
  }
  const lacking: string[] = [];
  const catalogues: { device: string; source: Source }[] = [];
  await Promise.all(named.map(async ({ device, names }) => {
    if (names instanceof Error) return;
    if (!names.includes(sourceName)) { lacking.push(device); return; }
    try {
      const source = await access.getSource(device, sourceName);
      if (source) catalogues.push({ device, source });
      else lacking.push(device);
    } catch (e) {
      log?.(`source ${sourceName} of ${device}: ${message(e)}`);
      unreadable.push(device);
    }
  }));
  // In the order the devices are configured, whatever answered first.
  const order = (a: string, b: string) => all.indexOf(a) - all.indexOf(b);
  catalogues.sort((a, b) => order(a.device, b.device));
  unreadable.sort(order);
  lacking.sort(order);
  const checked = catalogues.map((c) => c.device);
  const example = fileNameFor(base, checked[0] ?? all[0], sourceName);
  const gaps = [
    unreadable.length ? `the catalogue of ${list(unreadable)} could not be read` : '',
    lacking.length ? `${list(lacking)} ${lacking.length === 1 ? 'has' : 'have'} no source "${sourceName}"` : '',
  ].filter(Boolean).join('; ');
  if (!catalogues.length) {
    return {
      kind: 'syntax', unavailable: unreadable.length > 0, devices: all, sourceName,
      note: `${all.length} AppResponse devices are configured and "${base}" names none of them; ${gaps}, so only the syntax is checked. Name the device in the file name, e.g. ${example}.`,
    };
  }
  const against = catalogues.length === 1
    ? `checked against the "${sourceName}" catalogue of ${checked[0]} only`
    : `checked only against what the "${sourceName}" catalogues of ${list(checked)} agree on (a problem that depends on the device is not shown)`;
  return {
    kind: 'agreed', devices: all, sourceName, catalogues, unreadable, lacking, unavailable: unreadable.length > 0 || undefined,
    note: `${all.length} AppResponse devices are configured and "${base}" names none of them: ${against}${gaps ? `; ${gaps}` : ''}. To check against one device, name it in the file name, e.g. ${example}.`,
  };
}

/**
 * A file named for a source its device does not have: when one of the candidates is close to a
 * source (`web.agregates`), say so and give the name to rename it to; else syntax only, silently
 * (a name with dots need not name a source).
 */
function misspeltSource(fileName: string, device: string, candidates: string[], names: string[]): SteelfilterContext {
  // Shortest first: the last part(s) of the name are the source.
  for (const candidate of [...candidates].reverse()) {
    const guess = closest(candidate, names, 1)[0];
    if (!guess) continue;
    const base = fileName.replace(/^.*[\\/]/, '');
    const rename = `${base.slice(0, base.length - `${candidate}.steelfilter`.length)}${guess}.steelfilter`;
    return {
      kind: 'syntax', rename,
      note: `"${base}" names no source of ${device} ("${candidate}"; did you mean "${guess}"?), so only the syntax is checked. Rename it ${rename}.`,
    };
  }
  return { kind: 'syntax' };
}

const sameFix = (a: Diagnostic['fix'], b: Diagnostic['fix']) => (!a && !b) || (!!a && !!b && a.start === b.start && a.end === b.end && a.text === b.text);

/**
 * The diagnostics of a filter in a context: the syntax alone, one catalogue's, or, for several
 * devices, those every catalogue gives (same place, same rule; the fix only when all give the same).
 */
export function checkSteelfilter(text: string, context: SteelfilterContext): Diagnostic[] {
  if (context.kind === 'syntax') return validate(text);
  if (context.kind === 'device') return validate(text, context.source);
  const [first, ...rest] = context.catalogues.map((c) => validate(text, c.source));
  const key = (d: Diagnostic) => `${d.start}:${d.end}:${d.code}`;
  const others = rest.map((ds) => new Map(ds.map((d) => [key(d), d])));
  const out: Diagnostic[] = [];
  for (const d of first) {
    const matches = others.map((m) => m.get(key(d)));
    if (matches.some((m) => !m)) continue;
    if (matches.every((m) => sameFix(m!.fix, d.fix))) out.push(d);
    else {
      const { fix: _dropped, ...rest } = d;
      out.push(rest);
    }
  }
  return out;
}

const agreeingColumn = (a: Column, b: Column) =>
  a.type === b.type && a.grouped_by === b.grouped_by && a.metric === b.metric;

/** For completion and hover: the columns every catalogue has with the same type and role. */
export function agreedSource(context: SteelfilterContext): Source | undefined {
  if (context.kind === 'device') return context.source;
  if (context.kind === 'syntax') return undefined;
  const [first, ...rest] = context.catalogues.map((c) => c.source);
  if (!rest.length) return first;
  const indexes = rest.map((s) => new Map(s.columns.map((c) => [c.id, c])));
  const columns = first.columns.filter((c) => indexes.every((ix) => { const o = ix.get(c.id); return !!o && agreeingColumn(c, o); }));
  const metricFilters = [first, ...rest].every((s) => (s.capabilities?.filters_on_metrics ?? s.capabilities?.filter_on_metrics) === true);
  return { ...first, columns, capabilities: { ...first.capabilities, filters_on_metrics: metricFilters } };
}
