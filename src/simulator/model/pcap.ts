// Capture file framing: classic pcap (microsecond, little-endian) and pcapng (one section, one
// Ethernet interface, microsecond resolution), plus a reader for uploaded files.

export type CaptureFormat = 'pcap' | 'pcapng';
export const LINKTYPE_ETHERNET = 1;

/** Bytes before the first packet record. */
export function fileHeader(format: CaptureFormat, snapLength: number): Buffer {
  if (format === 'pcap') {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(snapLength, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    return h;
  }
  const h = Buffer.alloc(28 + 20);
  h.writeUInt32LE(0x0a0d0d0a, 0);
  h.writeUInt32LE(28, 4);
  h.writeUInt32LE(0x1a2b3c4d, 8);
  h.writeUInt16LE(1, 12);
  h.writeUInt16LE(0, 14);
  h.writeInt32LE(-1, 16); // section length unknown (streamed)
  h.writeInt32LE(-1, 20);
  h.writeUInt32LE(28, 24);
  h.writeUInt32LE(1, 28); // interface description block
  h.writeUInt32LE(20, 32);
  h.writeUInt16LE(LINKTYPE_ETHERNET, 36);
  h.writeUInt32LE(snapLength, 40);
  h.writeUInt32LE(20, 44);
  return h;
}

/** Size of a record carrying `capLen` bytes. */
export function recordSize(format: CaptureFormat, capLen: number): number {
  return format === 'pcap' ? 16 + capLen : 32 + ((capLen + 3) & ~3);
}

/** Offset of the packet data inside a record. */
export function recordDataOffset(format: CaptureFormat): number {
  return format === 'pcap' ? 16 : 28;
}

/** Writes a record header (and pcapng trailer) for a packet at `timeUs`; the data goes at recordDataOffset. */
export function writeRecordHeader(format: CaptureFormat, out: Buffer, at: number, timeUs: number, capLen: number, origLen: number): void {
  if (format === 'pcap') {
    out.writeUInt32LE(Math.floor(timeUs / 1e6), at);
    out.writeUInt32LE(timeUs % 1e6, at + 4);
    out.writeUInt32LE(capLen, at + 8);
    out.writeUInt32LE(origLen, at + 12);
    return;
  }
  const size = recordSize(format, capLen);
  out.writeUInt32LE(6, at);
  out.writeUInt32LE(size, at + 4);
  out.writeUInt32LE(0, at + 8);
  out.writeUInt32LE(Math.floor(timeUs / 0x100000000), at + 12);
  out.writeUInt32LE(timeUs % 0x100000000, at + 16);
  out.writeUInt32LE(capLen, at + 20);
  out.writeUInt32LE(origLen, at + 24);
  out.fill(0, at + 28 + capLen, at + size - 4);
  out.writeUInt32LE(size, at + size - 4);
}

/** One packet of a capture file. */
export interface CapturedPacket {
  timeUs: number;
  data: Buffer;
  origLen: number;
}

/** Reads Ethernet packets of a pcap (either byte order, µs or ns) or pcapng file. Throws on a malformed file. */
export function readCaptureFile(file: Buffer): CapturedPacket[] {
  if (file.length < 24) throw new Error('not a pcap or pcapng file: too short');
  const magicLE = file.readUInt32LE(0);
  if (magicLE === 0x0a0d0d0a) return readPcapng(file);
  const variants: Record<number, [le: boolean, nano: boolean]> = {
    0xa1b2c3d4: [true, false], 0xd4c3b2a1: [false, false], 0xa1b23c4d: [true, true], 0x4d3cb2a1: [false, true],
  };
  const v = variants[magicLE];
  if (!v) throw new Error('not a pcap or pcapng file: unknown magic number');
  const [le, nano] = v;
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const out: CapturedPacket[] = [];
  for (let o = 24; o + 16 <= file.length; ) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const capLen = u32(o + 8);
    const origLen = u32(o + 12);
    if (o + 16 + capLen > file.length) throw new Error(`truncated packet record at byte ${o}`);
    out.push({ timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), data: file.subarray(o + 16, o + 16 + capLen), origLen });
    o += 16 + capLen;
  }
  return out;
}

function readPcapng(file: Buffer): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  let le = true;
  const resolutions: number[] = [];
  for (let o = 0; o + 12 <= file.length; ) {
    if (file.readUInt32LE(o) === 0x0a0d0d0a) le = file.readUInt32LE(o + 8) === 0x1a2b3c4d;
    const u32 = (p: number) => (le ? file.readUInt32LE(p) : file.readUInt32BE(p));
    const type = u32(o);
    const len = u32(o + 4);
    if (len < 12 || o + len > file.length) throw new Error(`malformed pcapng block at byte ${o}`);
    if (type === 0x0a0d0d0a) resolutions.length = 0;
    else if (type === 1) resolutions.push(interfaceResolution(file, o, len, le));
    else if (type === 6) {
      const iface = u32(o + 8);
      const ticks = u32(o + 12) * 0x100000000 + u32(o + 16);
      const capLen = u32(o + 20);
      const origLen = u32(o + 24);
      const perSecond = resolutions[iface] ?? 1e6;
      out.push({ timeUs: Math.floor((ticks / perSecond) * 1e6), data: file.subarray(o + 28, o + 28 + capLen), origLen });
    } else if (type === 3) {
      const origLen = u32(o + 8);
      out.push({ timeUs: 0, data: file.subarray(o + 12, o + 12 + Math.min(origLen, len - 16)), origLen });
    }
    o += len;
  }
  return out;
}

function interfaceResolution(file: Buffer, o: number, len: number, le: boolean): number {
  for (let p = o + 16; p + 4 <= o + len - 4; ) {
    const code = le ? file.readUInt16LE(p) : file.readUInt16BE(p);
    const olen = le ? file.readUInt16LE(p + 2) : file.readUInt16BE(p + 2);
    if (code === 0) break;
    if (code === 9 && olen >= 1) {
      const v = file[p + 4]!;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
    }
    p += 4 + ((olen + 3) & ~3);
  }
  return 1e6;
}
