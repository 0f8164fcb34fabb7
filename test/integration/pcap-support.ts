// Shared helpers of the capture integration tests: temp folders, capinfos / tshark checks, and a
// loopback TCP relay that resets the connection after N response bytes (a real reset mid-body).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempFolder(t: { after: (fn: () => void) => void }, prefix = 'pcap-it-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function files(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Packet count by capinfos (throws when capinfos refuses the file). */
export function capinfosPackets(file: string): number {
  const out = execFileSync('capinfos', ['-M', '-c', '-T', '-r', file], { encoding: 'utf8' });
  return Number(out.trim().split('\t').pop());
}

/** Packets tshark reads in the file that match a display filter (and the total it reads). */
export function tsharkCount(file: string, displayFilter?: string): number {
  const args = ['-n', '-r', file, '-T', 'fields', '-e', 'frame.number'];
  if (displayFilter) args.push('-Y', displayFilter);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

export function displayFilterForIp(ip: string): string {
  return ip.includes(':') ? `ipv6.addr==${ip}` : `ip.addr==${ip}`;
}

export interface ResetRelay {
  port: number;
  url(original: string): string;
  /** Reset every relayed connection after this many bytes from the server (undefined = never). */
  resetAfterBytes: number | undefined;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:targetPort; TLS passes through untouched (the pin still matches). */
export async function startResetRelay(targetPort: number): Promise<ResetRelay> {
  const sockets = new Set<net.Socket>();
  const relay: ResetRelay = {
    port: 0,
    resetAfterBytes: undefined,
    url: (original) => original.replace(/:\d+$/, `:${relay.port}`).replace(/:\d+\//, `:${relay.port}/`),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let fromServer = 0;
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      fromServer += d.length;
      if (relay.resetAfterBytes !== undefined && fromServer > relay.resetAfterBytes) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as net.AddressInfo).port;
  return relay;
}
