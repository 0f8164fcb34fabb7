// Small pure helpers that turn RequestOptions into what goes on the wire.
import { Readable } from 'node:stream';
import type { QueryValue, RequestOptions } from './types';

export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  // Percent-encoding as RFC 3986 (a blank is %20): URLSearchParams would send "+", which the
  // Allegro document forbids in capture expressions.
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values: QueryValue[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined || item === null) continue;
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export interface EncodedBody {
  body?: string | Uint8Array | Readable;
  contentType?: string;
  /** A stream can be sent only once: such a request is never retried. */
  replayable: boolean;
}

export function encodeBody(body: RequestOptions['body']): EncodedBody {
  if (body === undefined || body === null) return { replayable: true };
  if (typeof body === 'string') return { body, replayable: true };
  if (body instanceof Uint8Array) return { body, contentType: 'application/octet-stream', replayable: true };
  if (body instanceof Readable) return { body, contentType: 'application/octet-stream', replayable: false };
  // Exactly application/json: some AppResponse releases answer 415 to a charset parameter.
  return { body: JSON.stringify(body), contentType: 'application/json', replayable: true };
}

/** Lower-cased header names, later sources winning. */
export function mergeHeaders(...sources: Array<Record<string, string> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined) out[name.toLowerCase()] = value;
    }
  }
  return out;
}

/** undici's header object (values may be arrays) as a flat record. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
