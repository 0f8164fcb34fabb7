// Opening an Allegro node: a GET whose answer may be an asynchronous job handle
// ({asyncID, asyncUUID}, e.g. ip/globalConnections). The analyst wants the result, not the handle.
import { AllegroClient } from './client';
import { isDefaultScope, scopeOfQuery } from './scope';
import type { AsyncHandle } from './types';

export function isAsyncHandle(body: unknown): body is AsyncHandle {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return (typeof b.asyncID === 'number' || typeof b.asyncID === 'string') && typeof b.asyncUUID === 'string' && Object.keys(b).length <= 3;
}

/**
 * GET the node; when the device answers with an asynchronous job, wait for its result. A job started
 * in a slot, member or link group (`mm-id` / `group` in the query) is polled there too, as the
 * document's script does (`{"uuid": …, "mm-id": "local:1"}`).
 */
export async function fetchNode(client: AllegroClient, path: string, query: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<unknown> {
  const body = await client.get(path, query, { signal });
  if (!isAsyncHandle(body)) return body;
  const scope = scopeOfQuery(query);
  const poller = isDefaultScope(scope) ? client : new AllegroClient(client.http, { ...client.scope, ...scope });
  return poller.awaitAsync(body, { signal, intervalMs: 250 });
}
