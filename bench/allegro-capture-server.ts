// Child process of bench/allegro-capture.bench.ts: serves either the Allegro simulator
// (`sim`) or a static file over a plain Node https server (`static <file>`), prints one JSON
// line with the URL, and runs until it is killed. Kept apart from curl's and the bench's event loop.
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startAllegroSimulator } from '../src/simulator/allegro/index';
import { generateCertificate } from '../src/simulator/shared/cert';

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if (mode === 'sim') {
    const sim = await startAllegroSimulator({ seed: 1 });
    process.stdout.write(`${JSON.stringify({ url: sim.url, username: sim.username, password: sim.password })}\n`);
    return;
  }
  if (mode === 'static' && file) {
    const cert = await generateCertificate();
    const size = fs.statSync(file).size;
    const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) });
      fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`));
    return;
  }
  throw new Error('usage: allegro-capture-server.ts sim | static <file>');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
