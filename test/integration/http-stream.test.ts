import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, HttpStatusError, ProbeError, TimeoutError } from '../../src/http';
import { startHttpsServer, sendJson } from './http-support';

test('no more than maxConcurrency requests are in flight at the device', async () => {
  const server = await startHttpsServer(async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    sendJson(res, 200, {});
  });
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, maxConcurrency: 3 });
  try {
    await Promise.all(Array.from({ length: 20 }, (_, i) => http.json({ path: `/r${i}` })));
    assert.equal(server.requests.length, 20);
    assert.equal(server.maxInFlight, 3);
  } finally {
    await http.close();
    await server.close();
  }
});

test('sequential requests reuse one kept-alive connection', async () => {
  const server = await startHttpsServer((_req, res) => sendJson(res, 200, {}));
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    for (let i = 0; i < 5; i++) {
      await http.json({ path: '/x' });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(server.connections, 1);
  } finally {
    await http.close();
    await server.close();
  }
});

test('an open stream holds its slot until its body ends', async () => {
  const server = await startHttpsServer((req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(1000));
      return; // ended later by the test
    }
    sendJson(res, 200, {});
  });
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, maxConcurrency: 1 });
  try {
    const stream = await http.stream({ path: '/stream' });
    let second = false;
    const pending = http.json({ path: '/other' }).then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(second, false, 'the second request waits for the stream');
    stream.body.destroy();
    await pending;
    assert.equal(second, true);
  } finally {
    await http.close();
    await server.close();
  }
});

test('stream() hands the body through with backpressure: the server is held back by a slow reader', async () => {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const total = 64 * 1024 * 1024; // 64 MiB offered, far more than socket and stream buffers hold
  let written = 0;
  let paused = 0;
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.tcpdump.pcap' });
    const pump = () => {
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          paused++;
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/API/data/modules/capture' });
    assert.equal(response.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nobody reads
    assert.ok(written < 8 * 1024 * 1024, `server wrote ${written} bytes while nobody read`);
    assert.ok(paused >= 1);
    let received = 0;
    for await (const part of response.body) received += (part as Buffer).length;
    assert.equal(received, total);
  } finally {
    await http.close();
    await server.close();
  }
});

test('stream() throws HttpStatusError for an error status; a stalled stream fails with a typed timeout', async () => {
  const server = await startHttpsServer((req, res) => {
    if (req.url === '/missing') return sendJson(res, 404, { error: 'no such capture' });
    res.writeHead(200);
    res.write('abc');
  });
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, timeouts: { bodyIdleMs: 200 } });
  try {
    await assert.rejects(http.stream({ path: '/missing' }), (e: unknown) => e instanceof HttpStatusError && e.errorText === 'no such capture');
    const response = await http.stream({ path: '/stall' });
    const error = await (async () => {
      for await (const _ of response.body) void _;
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.phase, 'body');
  } finally {
    await http.close();
    await server.close();
  }
});

test('a body that fails before anyone reads it still fails with a typed error naming device and path', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(1000, 1));
    setTimeout(() => res.socket?.destroy(), 30); // connection reset mid-body
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/capture' });
    await new Promise((r) => setTimeout(r, 300)); // e.g. the capture file is still being created
    const failure = await (async () => {
      for await (const _ of response.body) void _;
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(failure instanceof ProbeError, `typed error, got ${String(failure)}`);
    assert.equal(failure.kind, 'network');
    assert.match(failure.message, /^dev: \/capture: /);
  } finally {
    await http.close();
    await server.close();
  }
});

// ---- pipeTo: the body handed to a sink straight from the parser (large downloads) ----

/** A body of `size` bytes whose byte i is i*7 mod 251, written in pieces of odd sizes. */
function patterned(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7) % 251;
  return b;
}

test('pipeTo hands every byte to the sink in order, honours its waits, resolves at the end and frees the slot', async () => {
  const data = patterned(3 * 1024 * 1024 + 13);
  const server = await startHttpsServer((req, res) => {
    if (req.url !== '/capture') return sendJson(res, 200, {});
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(data.length) });
    let off = 0;
    const next = () => {
      while (off < data.length) {
        const piece = data.subarray(off, off + 40_001);
        off += piece.length;
        if (!res.write(piece)) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  });
  const http = createHttpClient({ deviceName: 'mm', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint }, maxConcurrency: 1 });
  try {
    const response = await http.stream({ path: '/capture' });
    assert.ok(response.pipeTo, 'the HTTP core offers pipeTo');
    await new Promise((r) => setTimeout(r, 100)); // the Readable buffers meanwhile: those bytes come first
    const got: Buffer[] = [];
    let waits = 0;
    let waiting = false;
    let received = 0;
    await response.pipeTo({
      write(chunk) {
        assert.equal(waiting, false, 'no chunk arrives while the sink waits');
        got.push(Buffer.from(chunk));
        received += chunk.length;
        return received % (512 * 1024) > 256 * 1024 || received < 100_000; // ask to wait now and then
      },
      wait(resume) {
        waits++;
        waiting = true;
        setTimeout(() => {
          waiting = false;
          resume();
        }, 2);
      },
    });
    assert.ok(waits > 0, 'the sink asked to wait');
    assert.ok(Buffer.concat(got).equals(data), 'every byte, in order');
    // The slot is free again (maxConcurrency 1): the next request goes through.
    await http.json({ path: '/other' });
  } finally {
    await http.close();
    await server.close();
  }
});

test('pipeTo rejects with a typed error naming device and path when the connection resets mid-body', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(200_000, 1));
    setTimeout(() => res.socket?.destroy(), 50);
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/capture' });
    let bytes = 0;
    const failure = await response.pipeTo!({ write: (c) => ((bytes += c.length), true), wait: () => assert.fail('no wait asked') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(failure instanceof ProbeError, `typed error, got ${String(failure)}`);
    assert.equal(failure.kind, 'network');
    assert.match(failure.message, /^dev: \/capture: /);
    assert.equal(bytes, 200_000);
  } finally {
    await http.close();
    await server.close();
  }
});

test('destroying the body aborts a piped transfer: the device sees the connection close and pipeTo rejects', async () => {
  let closed!: () => void;
  const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const timer = setInterval(() => res.write(Buffer.alloc(10_000)), 5);
    res.on('close', () => {
      clearInterval(timer);
      closed();
    });
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/live' });
    let bytes = 0;
    const piped = response.pipeTo!({ write: (c) => ((bytes += c.length), true), wait: () => undefined });
    await new Promise((r) => setTimeout(r, 100));
    response.body.destroy(new Error('disk full'));
    await assert.rejects(piped, /disk full/);
    await serverSawClose;
    assert.ok(bytes > 0);
  } finally {
    await http.close();
    await server.close();
  }
});

test('a sink that throws aborts the transfer with its own error', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.alloc(300_000));
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/capture' });
    await assert.rejects(
      response.pipeTo!({
        write: () => {
          throw new Error('ENOSPC: no space left on device');
        },
        wait: () => undefined,
      }),
      /ENOSPC/,
    );
  } finally {
    await http.close();
    await server.close();
  }
});

test('a sink that throws mid-transfer fails pipeTo with its own error, not a network error', async () => {
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const timer = setInterval(() => res.write(Buffer.alloc(10_000)), 5); // still arriving
    res.on('close', () => clearInterval(timer));
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/capture' });
    await new Promise((r) => setTimeout(r, 50));
    const disk = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const failure = await response.pipeTo!({
      write: () => {
        throw disk;
      },
      wait: () => undefined,
    }).catch((e: unknown) => e);
    assert.equal(failure, disk, `got ${(failure as Error).constructor.name}: ${(failure as Error).message}`);
  } finally {
    await http.close();
    await server.close();
  }
});

test('chunks that arrive while the sink waits are held and handed over in order once it resumes', async () => {
  const data = patterned(2 * 1024 * 1024 + 5);
  const server = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(data);
  });
  const http = createHttpClient({ deviceName: 'dev', baseUrl: server.url, tls: { mode: 'pin', fingerprint: server.certificate.fingerprint } });
  try {
    const response = await http.stream({ path: '/capture' });
    const got: Buffer[] = [];
    let waiting = false;
    // A sink that always asks to wait and resumes on a later turn: any chunk the parser still
    // delivers meanwhile must be held by the body, never given to the waiting sink.
    await response.pipeTo!({
      write(chunk) {
        assert.equal(waiting, false, 'no chunk while the sink waits');
        got.push(Buffer.from(chunk));
        return false;
      },
      wait(resume) {
        waiting = true;
        setImmediate(() => {
          waiting = false;
          resume();
        });
      },
    });
    assert.ok(Buffer.concat(got).equals(data));
  } finally {
    await http.close();
    await server.close();
  }
});
