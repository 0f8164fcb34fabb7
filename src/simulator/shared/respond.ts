// Sending responses of a simulated appliance with the faults planned for the request:
// slow bodies, resets mid-body, malformed JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from './faults';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Writes a chunk and resolves once it has been handed on (its buffer may then be reused). */
export function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/** Sends a whole body, applying the plan's body faults. */
export async function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, plan: FaultPlan): Promise<void> {
  let bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (plan.malformedJson && /json/.test(headers['Content-Type'] ?? '')) {
    bytes = Buffer.concat([bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), Buffer.from('<<not json')]);
  }
  const fullLength = bytes.length;
  res.writeHead(status, { ...headers, 'Content-Length': String(fullLength) });
  if (plan.resetMidBody) {
    await writeChunk(res, bytes.subarray(0, Math.floor(fullLength / 2))).catch(() => undefined);
    res.socket?.resetAndDestroy?.();
    res.destroy();
    return;
  }
  if (plan.slowBodyBytesPerSecond > 0) {
    const step = Math.max(1, Math.floor(plan.slowBodyBytesPerSecond / 10));
    for (let o = 0; o < fullLength; o += step) {
      if (res.destroyed) return;
      await writeChunk(res, bytes.subarray(o, o + step)).catch(() => undefined);
      if (o + step < fullLength) await sleep(100);
    }
    res.end();
    return;
  }
  res.end(bytes);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, plan: FaultPlan, extraHeaders: Record<string, string> = {}): Promise<void> {
  return sendBody(res, status, { 'Content-Type': 'application/json', ...extraHeaders }, JSON.stringify(value), plan);
}

/** Reads a request body (up to `limit` bytes). */
export async function readBody(req: IncomingMessage, limit = 1 << 30): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses multipart/form-data (RFC 7578). Throws when the body does not match the boundary. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('multipart body without boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]!.trim()}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(boundary);
  if (at < 0) throw new Error('multipart boundary not found');
  for (;;) {
    at += boundary.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break; // closing --
    at += 2; // CRLF
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Error('malformed multipart part');
    const headers = body.subarray(at, headerEnd).toString('latin1');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
    if (next < 0) throw new Error('unterminated multipart part');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
    parts.push({ name, filename, contentType: type, data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
  return parts;
}
