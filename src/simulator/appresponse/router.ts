// A tiny router and request context for the simulated AppResponse: JSON in and out, the documented
// error body {error_id, error_text}, auth and rights per route, statistics and fault injection hooks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Right, SimUser } from './auth';
import { localeOf, type Locale } from './catalogue';

export class ApiError extends Error {
  constructor(readonly status: number, readonly errorId: string, readonly errorText: string) {
    super(errorText);
  }
}

export const badRequest = (text: string) => new ApiError(400, 'REQUEST_INVALID_INPUT', text);
export const notFound = (what: string) => new ApiError(404, 'RESOURCE_NOT_FOUND', `Resource not found: ${what}`);

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  user?: SimUser;
  locale: Locale;
  /** Raw body, read once. */
  rawBody(): Promise<Buffer>;
  /** JSON body; malformed JSON → 400 REQUEST_INVALID_INPUT with line, column and position. */
  jsonBody<T = unknown>(): Promise<T>;
}

export type Handler = (ctx: Ctx) => unknown | Promise<unknown>;

/** `none`: no credentials; `any`: any authenticated user; a Right: users holding it. */
export type Access = 'none' | 'any' | Right;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  pattern: string;
  handler: Handler;
  access: Access;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, access: Access, handler: Handler): void {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          const rest = part.endsWith('*');
          names.push(rest ? part.slice(1, -1) : part.slice(1));
          return rest ? '(.+)' : '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}/?$`), names, pattern, handler, access });
  }

  /** The route for a request, or why there is none (404 unknown path, 405 known path with another method). */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { status: 404 | 405 } {
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { route, params };
    }
    return { status: pathKnown ? 405 : 404 };
  }
}

export type { Route };

export function parseJsonWithPosition<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const message = (error as Error).message;
    const m = /position (\d+)/.exec(message);
    const position = m ? Number(m[1]) : text.length;
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - (before.lastIndexOf('\n') + 1);
    const what = position >= text.length ? 'Unexpected end of input' : 'Invalid characters';
    throw badRequest(`Request parsing error: parsing failed: ${what} at line ${line}, column ${column}, processed ${position}`);
  }
}

export function makeCtx(req: IncomingMessage, res: ServerResponse, url: URL, maxBodyBytes: number): Ctx {
  let bodyPromise: Promise<Buffer> | undefined;
  const rawBody = () =>
    (bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBodyBytes) {
          reject(new ApiError(413, 'REQUEST_TOO_LARGE', `Request body exceeds ${maxBodyBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    }));
  return {
    req,
    res,
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    params: {},
    locale: localeOf(req.headers['accept-language']),
    rawBody,
    async jsonBody<T>() {
      const text = (await rawBody()).toString('utf8');
      if (!text.trim()) throw badRequest('Request parsing error: empty request body');
      return parseJsonWithPosition<T>(text);
    },
  };
}
