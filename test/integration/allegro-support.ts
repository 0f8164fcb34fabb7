// Helpers of the Allegro simulator integration tests: a client through our HTTP core, and
// capinfos / tshark checks of downloaded capture files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createHttpClient } from '../../src/http/index';
import type { Credentials, HttpClientApi } from '../../src/http/types';
import type { AllegroSimulator } from '../../src/simulator/allegro/index';

export function httpFor(sim: AllegroSimulator, credentials?: Credentials, extra: { retries?: number; maxConcurrency?: number } = {}): HttpClientApi {
  return createHttpClient({
    deviceName: 'allegro-sim',
    baseUrl: sim.url,
    tls: { mode: 'pin', fingerprint: sim.fingerprint },
    credentials: credentials ?? { kind: 'basic', username: sim.username, password: sim.password },
    retries: extra.retries ?? 2,
    retryBaseDelayMs: 5,
    maxConcurrency: extra.maxConcurrency,
  });
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function tempDir(): { dir: string; file(name: string, data: Buffer): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'allegro-it-'));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** capinfos: packet count and file type; throws when capinfos refuses the file. */
export function capinfos(file: string): { packets: number; type: string } {
  const out = execFileSync('capinfos', ['-M', '-c', '-t', '-T', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const cells = out.trim().split('\t');
  return { type: cells[1]!, packets: Number(cells[2]) };
}

/** Frames tshark reads (optionally only those matching a display filter); throws if tshark fails. */
export function tsharkCount(file: string, displayFilter?: string): number {
  const args = ['-n', '-r', file, '-T', 'fields', '-e', 'frame.number'];
  if (displayFilter) args.push('-Y', displayFilter);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

/** One field of every frame, as tshark prints it. */
export function tsharkField(file: string, field: string, displayFilter?: string): string[] {
  const args = ['-n', '-r', file, '-T', 'fields', '-e', field];
  if (displayFilter) args.push('-Y', displayFilter);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l.trim() !== '');
}
