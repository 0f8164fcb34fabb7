// Real Ethernet / 802.1Q / IPv4 / IPv6 / TCP / UDP (+ DNS, NTP, RTP, DHCP, QUIC payload) frames
// with correct lengths and checksums. A frame template leaves the per-packet fields (TCP sequence
// and acknowledgement numbers, RTP sequence number and timestamp) to be patched later; its
// checksum is then finished from a precomputed partial sum, so patching costs a few operations.
import type { Connection, Direction, Host } from './types';
import { frameLength } from './traffic';

/** How a template's per-packet fields are filled in. */
export const enum PatchKind {
  None = 0,
  /** u32 seq at l4+4, u32 ack at l4+8, checksum at l4+16. */
  Tcp = 1,
  /** u16 RTP sequence at l4+10, u32 RTP timestamp at l4+12, UDP checksum at l4+6. */
  Rtp = 2,
}

export interface FrameTemplate {
  /** The whole frame as sent (orig length), patched fields zero. */
  bytes: Buffer;
  l4Offset: number;
  patch: PatchKind;
  /** Ones' complement sum (folded to 16 bits) of the checksum domain with patched fields and checksum zero. */
  checksumBase: number;
}

/** Folds a 32-bit-or-more ones' complement accumulator to 16 bits. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Sums 16-bit big-endian words of buf[from, to) (odd tail padded with zero). */
export function sum16(buf: Uint8Array, from: number, to: number, acc = 0): number {
  let i = from;
  for (; i + 1 < to; i += 2) acc += (buf[i]! << 8) | buf[i + 1]!;
  if (i < to) acc += buf[i]! << 8;
  return acc;
}

/** Final checksum value from a partial sum plus the patched 32-bit / 16-bit values. */
export function finishChecksum(base: number, words32: number[], words16: number[] = [], udp = false): number {
  let s = base;
  for (const w of words32) s += (w >>> 16) + (w & 0xffff);
  for (const w of words16) s += w & 0xffff;
  const c = ~fold(s) & 0xffff;
  return udp && c === 0 ? 0xffff : c;
}

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.replace(/:/g, ''), 'hex');
}

const cache = new WeakMap<Connection, Map<string, FrameTemplate>>();

/**
 * The frame template of packet `index` (within a second) of one direction of a connection.
 * Templates depend only on the payload size, so they are cached per connection and shared;
 * treat the result as read-only.
 */
export function frameTemplate(c: Connection, dir: Direction, index: number): FrameTemplate {
  let perConnection = cache.get(c);
  if (!perConnection) cache.set(c, (perConnection = new Map()));
  const key = `${dir}${c[dir].payloads[index]}`;
  let t = perConnection.get(key);
  if (!t) perConnection.set(key, (t = buildTemplate(c, dir, index)));
  return t;
}

function buildTemplate(c: Connection, dir: Direction, index: number): FrameTemplate {
  const src = dir === 'c2s' ? c.client : c.server;
  const dst = dir === 'c2s' ? c.server : c.client;
  const profile = c[dir];
  const payloadLen = profile.payloads[index]!;
  const family = c.client.family;
  const total = frameLength(family, c.l4, c.vlan, payloadLen);
  const f = Buffer.alloc(total);
  macBytes(dst.mac).copy(f, 0);
  macBytes(src.mac).copy(f, 6);
  let o = 12;
  if (c.vlan) {
    f.writeUInt16BE(0x8100, o);
    f.writeUInt16BE((c.kind === 'rtp' ? 5 << 13 : 0) | c.vlan, o + 2);
    o += 4;
  }
  f.writeUInt16BE(family === 4 ? 0x0800 : 0x86dd, o);
  o += 2;
  const l3 = o;
  const l4Len = (c.l4 === 'TCP' ? 20 : 8) + payloadLen;
  const proto = c.l4 === 'TCP' ? 6 : 17;
  if (family === 4) {
    f[l3] = 0x45;
    f[l3 + 1] = c.kind === 'rtp' ? 0xb8 : 0;
    f.writeUInt16BE(20 + l4Len, l3 + 2);
    f.writeUInt16BE(c.kind === 'dhcp' ? 0 : 0x4000, l3 + 6); // DF
    f[l3 + 8] = ttl(src);
    f[l3 + 9] = proto;
    src.ipBytes.copy(f, l3 + 12);
    dst.ipBytes.copy(f, l3 + 16);
    f.writeUInt16BE(~fold(sum16(f, l3, l3 + 20)) & 0xffff, l3 + 10);
  } else {
    f.writeUInt32BE(0x60000000, l3);
    f.writeUInt16BE(l4Len, l3 + 4);
    f[l3 + 6] = proto;
    f[l3 + 7] = ttl(src);
    src.ipBytes.copy(f, l3 + 8);
    dst.ipBytes.copy(f, l3 + 24);
  }
  const l4 = l3 + (family === 4 ? 20 : 40);
  const srcPort = dir === 'c2s' ? c.clientPort : c.serverPort;
  const dstPort = dir === 'c2s' ? c.serverPort : c.clientPort;
  f.writeUInt16BE(srcPort, l4);
  f.writeUInt16BE(dstPort, l4 + 2);
  const payloadAt = l4 + (c.l4 === 'TCP' ? 20 : 8);
  let patch = PatchKind.None;
  if (c.l4 === 'TCP') {
    f[l4 + 12] = 5 << 4;
    f[l4 + 13] = payloadLen > 0 ? 0x18 : 0x10; // PSH+ACK / ACK
    f.writeUInt16BE(dir === 'c2s' ? 1026 : 501, l4 + 14);
    patch = PatchKind.Tcp;
  } else {
    f.writeUInt16BE(l4Len, l4 + 4);
    if (c.kind === 'rtp') patch = PatchKind.Rtp;
  }
  writePayload(f, payloadAt, payloadLen, c, dir);
  // pseudo header + L4 (checksum field is still zero)
  let s = family === 4 ? sum16(f, l3 + 12, l3 + 20) : sum16(f, l3 + 8, l3 + 40);
  s += proto + l4Len;
  s = sum16(f, l4, l4 + l4Len, s);
  const checksumBase = fold(s);
  if (patch === PatchKind.None) f.writeUInt16BE(finishChecksum(checksumBase, [], [], true), l4 + 6);
  return { bytes: f, l4Offset: l4, patch, checksumBase };
}

function ttl(h: Host): number {
  return h.local ? 64 : 54;
}

function writePayload(f: Buffer, at: number, len: number, c: Connection, dir: Direction): void {
  if (len === 0) return;
  if (c.app === 'HTTP' && len >= 100) return writeHttp(f, at, len, c, dir);
  switch (c.kind) {
    case 'dns': return writeDns(f, at, c, dir);
    case 'ntp':
      f[at] = dir === 'c2s' ? 0x23 : 0x24; // v4, client / server mode
      if (dir === 's2c') { f[at + 1] = 2; f[at + 2] = 6; f[at + 3] = 0xe9; f.write('GPS\0', at + 12, 'latin1'); }
      return;
    case 'rtp':
      f[at] = 0x80; // v2, PT 0 (PCMU)
      f[at + 1] = 0;
      f.writeUInt32BE(dir === 'c2s' ? c.ssrc : (c.ssrc ^ 0x5a5a5a5a) >>> 0, at + 8);
      f.fill(0xff, at + 12, at + len); // mu-law silence
      return;
    case 'dhcp':
      f[at] = 1; f[at + 1] = 1; f[at + 2] = 6;
      f.writeUInt32BE(c.ssrc, at + 4);
      f.writeUInt16BE(0x8000, at + 10);
      macBytes(c.client.mac).copy(f, at + 28);
      f.writeUInt32BE(0x63825363, at + 236);
      f[at + 240] = 53; f[at + 241] = 1; f[at + 242] = 1; f[at + 243] = 255;
      return;
    case 'quic':
      f[at] = 0x40 | (c.id & 0x3f);
      for (let i = 1; i < len; i++) f[at + i] = (i * 167 + c.id) & 0xff;
      return;
    default:
      for (let i = 0; i < len; i++) f[at + i] = (i * 31 + c.id) & 0xff;
  }
}

/** A complete HTTP/1.1 request or response of exactly `len` bytes (padding in a header or the body). */
function writeHttp(f: Buffer, at: number, len: number, c: Connection, dir: Direction): void {
  let text: string;
  if (dir === 'c2s') {
    const head = `GET /app/${c.id}/resource HTTP/1.1\r\nHost: ${c.server.hostName}\r\nX-Pad: `;
    text = head + 'p'.repeat(Math.max(0, len - head.length - 4)) + '\r\n\r\n';
  } else {
    const headFor = (n: number) => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${n}\r\n\r\n`;
    let body = len - headFor(len).length;
    body = len - headFor(body).length;
    text = headFor(body) + 'x'.repeat(Math.max(0, body));
  }
  f.write(text.slice(0, len), at, 'latin1');
}

function writeDns(f: Buffer, at: number, c: Connection, dir: Direction): void {
  const name = c.server.hostName;
  const aaaa = c.client.family === 6;
  f.writeUInt16BE(c.ssrc & 0xffff, at);
  f.writeUInt16BE(dir === 'c2s' ? 0x0100 : 0x8180, at + 2);
  f.writeUInt16BE(1, at + 4);
  f.writeUInt16BE(dir === 'c2s' ? 0 : 1, at + 6);
  let o = at + 12;
  for (const label of name.split('.')) {
    f[o++] = label.length;
    o += f.write(label, o, 'latin1');
  }
  f[o++] = 0;
  f.writeUInt16BE(aaaa ? 28 : 1, o); f.writeUInt16BE(1, o + 2); o += 4;
  if (dir === 'c2s') return;
  f.writeUInt16BE(0xc00c, o); f.writeUInt16BE(aaaa ? 28 : 1, o + 2); f.writeUInt16BE(1, o + 4);
  f.writeUInt32BE(300, o + 6); f.writeUInt16BE(aaaa ? 16 : 4, o + 10);
  c.server.ipBytes.copy(f, o + 12);
}
