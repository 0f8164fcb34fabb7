// Source catalogues of AppResponse devices for the language features: one fetch per device and
// source, shared by concurrent callers, kept for a few minutes, with the values of enum columns
// (the fields API) filled in so completion and validation can offer and check them.
import type { HttpClientApi } from '../../http/types';
import { HttpStatusError } from '../../http/errors';
import { AppResponseClient } from '../../appresponse/client';
import type { Source } from '../../steelfilter/index';

export interface CatalogueProvider {
  getSource(device: string, name: string): Promise<Source | undefined>;
  getSourceNames(device: string): Promise<string[]>;
  /** Forget what was read (all devices, or one). */
  invalidate(device?: string): void;
}

export interface CatalogueDeps {
  http(device: string): Promise<HttpClientApi>;
  /** How long a catalogue is reused, in ms (default five minutes). */
  ttlMs?: number;
  /** At most this many enum columns get their values fetched per source (default 64). */
  maxEnumFields?: number;
  now?: () => number;
}

interface Entry<T> { at: number; value: Promise<T> }

/** Sources served by npm.probe.reports.sources rather than npm.reports.sources. */
const isProbeSource = (name: string) => name === 'packets';

export function createCatalogueProvider(deps: CatalogueDeps): CatalogueProvider {
  const ttl = deps.ttlMs ?? 5 * 60_000;
  const now = deps.now ?? Date.now;
  const names = new Map<string, Entry<string[]>>();
  const sources = new Map<string, Entry<Source | undefined>>();

  const cached = <T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    const hit = map.get(key);
    if (hit && now() - hit.at < ttl) return hit.value;
    const value = load();
    map.set(key, { at: now(), value });
    // A failure is not kept: the next keystroke tries again.
    value.catch(() => { if (map.get(key)?.value === value) map.delete(key); });
    return value;
  };

  const client = async (device: string) => new AppResponseClient(await deps.http(device));

  return {
    getSourceNames(device) {
      return cached(names, device, async () => {
        const c = await client(device);
        const [reports, probe] = await Promise.allSettled([c.sources(), c.sources({ probe: true })]);
        // A device may lack one of the two services, but when neither answers (a refused password,
        // the device down) that is the answer: an empty list would look like a device with no sources.
        if (reports.status === 'rejected' && probe.status === 'rejected') throw reports.reason;
        const listed = [reports, probe].flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
        return [...new Set(listed.map((s) => s.name))].sort();
      });
    },
    getSource(device, name) {
      return cached(sources, `${device}\u0000${name}`, async () => {
        const c = await client(device);
        const probe = isProbeSource(name);
        let source: Source;
        try {
          source = (await c.source(name, { probe })) as unknown as Source;
        } catch (error) {
          if (error instanceof HttpStatusError && error.status === 404) return undefined;
          throw error;
        }
        const enumColumns = source.columns.filter((col) => col.enum === true && !col.enum_values).slice(0, deps.maxEnumFields ?? 64);
        await Promise.all(enumColumns.map(async (col) => {
          try {
            const field = await c.field(col.field ?? col.id, { probe });
            if (Array.isArray(field.values)) col.enum_values = field.values.map((v) => ({ value: String(v.value), label: v.label }));
          } catch {
            // Without its values the column is still usable; only value checks are skipped.
          }
        }));
        return source;
      });
    },
    invalidate(device) {
      if (device === undefined) { names.clear(); sources.clear(); return; }
      names.delete(device);
      for (const key of [...sources.keys()]) if (key.startsWith(`${device}\u0000`)) sources.delete(key);
    },
  };
}
