// Runs an Allegro query for the results view, including "all pages" of a paged list. Pure: the
// request function is injected (the panel passes the real client; tests pass the simulator's).
import { ALLEGRO_MAX_COUNT, type AllegroQuery } from './query';

export type RunAllegroFn = (device: string, path: string, query: AllegroQuery, signal: AbortSignal) => Promise<unknown>;

/** Upper bound of pages fetched by "all pages" (100 items each). */
export const MAX_ALL_PAGES = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fetches every page of a paged list (page 0, 1, … numberOfPages-1 with the maximum count) and
 * returns the first answer with all displayedItems concatenated. Pages are fetched two at a time.
 * A live list ranked by counters can reorder between two page requests (on the device as in the
 * document's own pagination script), so an item may come twice: it is kept once, where it ranked first.
 */
export async function fetchAllPages(run: RunAllegroFn, device: string, path: string, query: AllegroQuery, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<unknown> {
  const base: AllegroQuery = { ...query, count: ALLEGRO_MAX_COUNT };
  const first = await run(device, path, { ...base, page: 0 }, signal);
  if (!isObject(first) || !Array.isArray(first.displayedItems)) return first;
  const pages = Math.min(MAX_ALL_PAGES, typeof first.numberOfPages === 'number' ? first.numberOfPages : 1);
  const all: unknown[][] = new Array(pages);
  all[0] = first.displayedItems;
  let next = 1;
  let done = 1;
  onProgress?.(done, pages);
  const worker = async (): Promise<void> => {
    while (next < pages) {
      const page = next++;
      signal.throwIfAborted();
      const answer = await run(device, path, { ...base, page }, signal);
      all[page] = isObject(answer) && Array.isArray(answer.displayedItems) ? answer.displayedItems : [];
      onProgress?.(++done, pages);
    }
  };
  await Promise.all([worker(), worker()]);
  return { ...first, displayedItems: withoutRepeats(all.flat()), page: 0, allPages: true };
}

/**
 * Items in order, each entity once. An entity is named by its text fields (ip, mac, name, …):
 * counters are numbers or arrays and change between two pages, the names do not.
 */
export function withoutRepeats(items: unknown[]): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (!isObject(item)) return true;
    const name = Object.entries(item)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => `${k}=${v as string}`)
      .join('\u0000');
    if (!name) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** One query, or all pages of it. */
export function fetchAllegro(run: RunAllegroFn, device: string, path: string, query: AllegroQuery, allPages: boolean, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<unknown> {
  return allPages ? fetchAllPages(run, device, path, query, signal, onProgress) : run(device, path, query, signal);
}
