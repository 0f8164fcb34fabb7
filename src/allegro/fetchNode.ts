// Opening an Allegro node: a GET whose answer may be an asynchronous job handle
// ({asyncID, asyncUUID}, e.g. ip/globalConnections). The analyst wants the result, not the handle.
import type { AllegroClient } from './client';
import type { AsyncHandle } from './types';

export function isAsyncHandle(body: unknown): body is AsyncHandle {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return (typeof b.asyncID === 'number' || typeof b.asyncID === 'string') && typeof b.asyncUUID === 'string' && Object.keys(b).length <= 3;
}

/** GET the node; when the device answers with an asynchronous job, wait for its result. */
export async function fetchNode(client: AllegroClient, path: string, query: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<unknown> {
  const body = await client.get(path, query, { signal });
  return isAsyncHandle(body) ? client.awaitAsync(body, { signal, intervalMs: 250 }) : body;
}
