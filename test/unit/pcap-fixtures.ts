// Synthetic pcap / pcapng bytes for the capture tests (not a test file itself).

export interface FixturePacket {
  /** Microseconds since the epoch. */
  tsUs: bigint;
  src: string;
  dst: string;
  proto: 'TCP' | 'UDP' | 'ICMP';
  sport?: number;
  dport?: number;
  payload?: number;
  vlan?: number;
}

function ipBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i += 2) sum += (buf[i]! << 8) + (buf[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/** An Ethernet frame carrying IPv4 + TCP/UDP/ICMP. */
export function ethernetFrame(p: FixturePacket): Buffer {
  const payload = Buffer.alloc(p.payload ?? 16, 0x61);
  let l4: Buffer;
  let protoNum: number;
  if (p.proto === 'TCP') {
    l4 = Buffer.alloc(20);
    l4.writeUInt16BE(p.sport ?? 40000, 0);
    l4.writeUInt16BE(p.dport ?? 80, 2);
    l4.writeUInt32BE(1, 4);
    l4[12] = 5 << 4;
    l4[13] = 0x18;
    l4.writeUInt16BE(65535, 14);
    protoNum = 6;
  } else if (p.proto === 'UDP') {
    l4 = Buffer.alloc(8);
    l4.writeUInt16BE(p.sport ?? 40000, 0);
    l4.writeUInt16BE(p.dport ?? 53, 2);
    l4.writeUInt16BE(8 + payload.length, 4);
    protoNum = 17;
  } else {
    l4 = Buffer.from([8, 0, 0, 0, 0, 1, 0, 1]);
    protoNum = 1;
  }
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + l4.length + payload.length, 2);
  ip[8] = 64;
  ip[9] = protoNum;
  Buffer.from(ipBytes(p.src)).copy(ip, 12);
  Buffer.from(ipBytes(p.dst)).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  const eth = Buffer.from([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6]);
  const vlan = p.vlan !== undefined ? Buffer.from([0x81, 0x00, (p.vlan >> 8) & 0x0f, p.vlan & 0xff]) : Buffer.alloc(0);
  return Buffer.concat([eth, vlan, Buffer.from([0x08, 0x00]), ip, l4, payload]);
}

export function pcapBytes(packets: FixturePacket[], options: { bigEndian?: boolean; nanosecond?: boolean; snap?: number } = {}): Buffer {
  const be = options.bigEndian === true;
  const u32 = (b: Buffer, v: number, at: number) => (be ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (be ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  const header = Buffer.alloc(24);
  u32(header, options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, options.snap ?? 65535, 16);
  u32(header, 1, 20);
  const parts: Buffer[] = [header];
  for (const p of packets) {
    const frame = ethernetFrame(p);
    const rec = Buffer.alloc(16);
    u32(rec, Number(p.tsUs / 1_000_000n), 0);
    u32(rec, Number(p.tsUs % 1_000_000n) * (options.nanosecond ? 1000 : 1), 4);
    u32(rec, frame.length, 8);
    u32(rec, frame.length, 12);
    parts.push(rec, frame);
  }
  return Buffer.concat(parts);
}

function pad4(b: Buffer): Buffer {
  const rem = b.length % 4;
  return rem ? Buffer.concat([b, Buffer.alloc(4 - rem)]) : b;
}

function block(type: number, body: Buffer): Buffer {
  const padded = pad4(body);
  const len = 12 + padded.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  padded.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

/** Little-endian pcapng: SHB, one Ethernet IDB (optional if_tsresol), EPBs. */
export function pcapngBytes(packets: FixturePacket[], options: { tsresol?: number } = {}): Buffer {
  const shbBody = Buffer.alloc(16);
  shbBody.writeUInt32LE(0x1a2b3c4d, 0);
  shbBody.writeUInt16LE(1, 4);
  shbBody.writeUInt16LE(0, 6);
  shbBody.writeBigInt64LE(-1n, 8);
  const shb = block(0x0a0d0d0a, shbBody);
  const idbParts = [Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0, 0])];
  if (options.tsresol !== undefined) idbParts.push(Buffer.from([9, 0, 1, 0, options.tsresol, 0, 0, 0]), Buffer.from([0, 0, 0, 0]));
  const idb = block(1, Buffer.concat(idbParts));
  const res = options.tsresol ?? 6;
  const parts: Buffer[] = [shb, idb];
  for (const p of packets) {
    const frame = ethernetFrame(p);
    const ticks = res >= 6 ? p.tsUs * 10n ** BigInt(res - 6) : p.tsUs / 10n ** BigInt(6 - res);
    const fixed = Buffer.alloc(20);
    fixed.writeUInt32LE(0, 0);
    fixed.writeUInt32LE(Number(ticks >> 32n), 4);
    fixed.writeUInt32LE(Number(ticks & 0xffffffffn), 8);
    fixed.writeUInt32LE(frame.length, 12);
    fixed.writeUInt32LE(frame.length, 16);
    parts.push(block(6, Buffer.concat([fixed, frame])));
  }
  return Buffer.concat(parts);
}

/** A small mixed trace: TCP 10.1.2.3 <-> 10.1.2.100:443, UDP DNS, ICMP. */
export function samplePackets(count = 30, startUs = 1_700_000_000_000_000n): FixturePacket[] {
  const out: FixturePacket[] = [];
  for (let i = 0; i < count; i++) {
    const tsUs = startUs + BigInt(i) * 100_000n;
    if (i % 3 === 0) out.push({ tsUs, src: '10.1.2.3', dst: '10.1.2.100', proto: 'TCP', sport: 51000, dport: 443, payload: 200 });
    else if (i % 3 === 1) out.push({ tsUs, src: '10.1.2.100', dst: '10.1.2.3', proto: 'TCP', sport: 443, dport: 51000, payload: 1000 });
    else out.push({ tsUs, src: '10.9.9.9', dst: '8.8.8.8', proto: i % 2 ? 'ICMP' : 'UDP', sport: 5353, dport: 53, payload: 40 });
  }
  return out;
}
