// Incremental pcap / pcapng scanner. Bytes are pushed in arbitrary chunks (as they arrive from
// the network); the scanner validates the framing, counts packets and remembers the first and
// last timestamps without copying packet data, so it can sit in a 2 GB download at full speed.
// A consumer that wants packet contents (the summarizer) asks for the first `captureBytes` of
// each packet, which are the only packet bytes ever copied.

export type CaptureFormat = 'pcap' | 'pcapng';

export class CaptureFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CaptureFormatError';
  }
}

export interface PacketInfo {
  /** Packet number, starting at 1. */
  index: number;
  /** Nanoseconds since the Unix epoch (pcapng SPB packets carry no time: undefined). */
  timestampNs: bigint | undefined;
  capturedLength: number;
  originalLength: number;
  linkType: number;
  /** The first min(capturedLength, captureBytes) bytes of the packet. */
  data: Buffer;
}

export interface ScanResult {
  format: CaptureFormat | undefined;
  /** A valid file header (pcap global header or pcapng section header) was seen. */
  headerValid: boolean;
  /** The input ended exactly at a record/block boundary after a valid header. */
  complete: boolean;
  /** Why the capture is not complete (when complete is false). */
  problem?: string;
  /** The framing is impossible (not a capture, or corrupt), as opposed to merely cut short. */
  corrupt: boolean;
  /**
   * Bytes up to the end of the last complete packet record or block after a valid header (0
   * before one): the input cut there is a complete capture. What a download stopped early keeps.
   */
  completeBytes: number;
  bytes: number;
  packetCount: number;
  linkTypes: number[];
  /** pcap: nanosecond timestamps; pcapng: resolution of the first interface. */
  nanosecond: boolean;
  snapLength: number | undefined;
  firstTimestampNs: bigint | undefined;
  lastTimestampNs: bigint | undefined;
}

export interface ScannerOptions {
  /** Copy this many leading bytes of each packet into PacketInfo.data (0: no callback data). */
  captureBytes?: number;
  onPacket?: (packet: PacketInfo) => void;
  /** Largest captured length accepted before the framing is declared corrupt (default 256 MiB). */
  maxPacketLength?: number;
  /** Largest pcapng non-packet block accepted (default 16 MiB). */
  maxBlockLength?: number;
}

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const EMPTY = Buffer.alloc(0);

type State =
  | 'fileStart' // first 4 bytes: magic
  | 'pcapHeader' // remaining 20 bytes of the pcap global header
  | 'pcapRecord' // 16-byte record header
  | 'ngBlockStart' // 8 bytes: type + length
  | 'ngShbRest' // byte-order magic (4) -> then remainder of SHB
  | 'ngBlockBody' // whole body of a small block (minus the 8 bytes already read)
  | 'ngPacketFixed' // fixed part of an EPB / PB after type + length
  | 'ngTrailer'; // trailing block length (after skipping packet data + options)

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second as (mul, div) to nanoseconds: ns = ts * mul / div. */
  mul: bigint;
  div: bigint;
}

export class CaptureScanner {
  private state: State = 'fileStart';
  private need = 4;
  private have = 0;
  private header = Buffer.alloc(64);
  private skip = 0;
  private captureLeft = 0;
  private packetData: Buffer = EMPTY;
  private packetFill = 0;
  private pendingPacket: Omit<PacketInfo, 'data'> | undefined;
  private offset = 0;
  /** Offset just after the last complete record or block (see ScanResult.completeBytes). */
  private boundary = 0;
  private failed: CaptureFormatError | undefined;

  private format: CaptureFormat | undefined;
  private headerValid = false;
  private little = true;
  private nanosecond = false;
  private snapLength: number | undefined;
  private pcapLinkType = 0;
  private interfaces: Interface[] = [];
  private linkTypes = new Set<number>();
  private packetCount = 0;
  // First/last raw timestamps are kept raw and converted once at the end (cheap per packet).
  private firstA = 0;
  private firstB = 0;
  private firstIf = 0;
  private lastA = 0;
  private lastB = 0;
  private lastIf = 0;
  private blockType = 0;
  private blockLength = 0;

  private readonly captureBytes: number;
  private readonly onPacket: ((packet: PacketInfo) => void) | undefined;
  private readonly maxPacketLength: number;
  private readonly maxBlockLength: number;

  constructor(options: ScannerOptions = {}) {
    this.captureBytes = options.captureBytes ?? 0;
    this.onPacket = options.onPacket;
    this.maxPacketLength = options.maxPacketLength ?? 256 * 1024 * 1024;
    this.maxBlockLength = options.maxBlockLength ?? 16 * 1024 * 1024;
  }

  /** Feeds bytes. Throws CaptureFormatError as soon as the framing is impossible. */
  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    try {
      while (off < buf.length) {
        if (this.state === 'pcapRecord' && this.skip === 0 && this.have === 0 && !this.onPacket) {
          off = this.fastPcapRecords(buf, off);
          if (off >= buf.length) break;
        }
        if (this.skip > 0) {
          const n = Math.min(this.skip, buf.length - off);
          if (this.captureLeft > 0) {
            const c = Math.min(this.captureLeft, n);
            buf.copy(this.packetData, this.packetFill, off, off + c);
            this.packetFill += c;
            this.captureLeft -= c;
          }
          this.skip -= n;
          off += n;
          this.offset += n;
          if (this.skip === 0) this.afterSkip();
          continue;
        }
        const missing = this.need - this.have;
        const n = Math.min(missing, buf.length - off);
        let view: Buffer;
        if (this.have === 0 && n === missing) {
          view = buf.subarray(off, off + n);
        } else {
          if (this.header.length < this.need) {
            const bigger = Buffer.alloc(this.need);
            this.header.copy(bigger, 0, 0, this.have);
            this.header = bigger;
          }
          buf.copy(this.header, this.have, off, off + n);
          this.have += n;
          if (this.have < this.need) {
            off += n;
            this.offset += n;
            continue;
          }
          view = this.header.subarray(0, this.need);
        }
        off += n;
        this.offset += n;
        this.have = 0;
        this.onHeader(view);
      }
    } catch (err) {
      this.failed = err instanceof CaptureFormatError ? err : new CaptureFormatError(String(err), this.offset);
      throw this.failed;
    }
  }

  /**
   * Hot path for plain pcap without a packet callback: walks whole record headers inside the
   * chunk with no allocation. Stops at anything unusual and leaves it to the general path.
   */
  private fastPcapRecords(buf: Buffer, off: number): number {
    const le = this.little;
    const fracMax = this.nanosecond ? 1e9 : 1e6;
    const max = this.maxPacketLength;
    const end = buf.length;
    while (off + 16 <= end) {
      const sec = le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
      const frac = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
      const capLen = le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
      if (capLen > max || frac >= fracMax) break; // the general path reports it
      if (this.packetCount === 0) {
        this.firstA = sec;
        this.firstB = frac;
      }
      this.packetCount++;
      this.lastA = sec;
      this.lastB = frac;
      const avail = end - off - 16;
      if (capLen <= avail) {
        off += 16 + capLen;
        this.offset += 16 + capLen;
      } else {
        this.boundary = this.offset;
        this.offset += 16 + avail;
        this.skip = capLen - avail;
        return end;
      }
    }
    this.boundary = this.offset;
    return off;
  }

  /** Declares the end of input and reports what was seen. */
  end(): ScanResult {
    let problem: string | undefined;
    if (this.failed) problem = this.failed.message;
    else if (!this.headerValid) problem = this.offset === 0 ? 'empty: no pcap header' : 'truncated before the end of the file header';
    else if (this.skip > 0 || this.have > 0 || !this.atBoundary()) problem = `truncated: the last ${this.format === 'pcapng' ? 'block' : 'packet record'} is incomplete`;
    return {
      format: this.format,
      headerValid: this.headerValid,
      complete: problem === undefined,
      ...(problem !== undefined ? { problem } : {}),
      corrupt: this.failed !== undefined,
      completeBytes: this.headerValid ? this.boundary : 0,
      bytes: this.offset,
      packetCount: this.packetCount,
      linkTypes: [...this.linkTypes],
      nanosecond: this.nanosecond,
      snapLength: this.snapLength,
      firstTimestampNs: this.packetCount > 0 ? this.rawToNs(this.firstA, this.firstB, this.firstIf) : undefined,
      lastTimestampNs: this.packetCount > 0 ? this.rawToNs(this.lastA, this.lastB, this.lastIf) : undefined,
    };
  }

  /** Bytes pushed so far. */
  get bytesSeen(): number {
    return this.offset;
  }

  get packetsSeen(): number {
    return this.packetCount;
  }

  private atBoundary(): boolean {
    return this.state === 'pcapRecord' || this.state === 'ngBlockStart';
  }

  private u32(b: Buffer, at: number): number {
    return this.little ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  private u16(b: Buffer, at: number): number {
    return this.little ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private fail(message: string): never {
    throw new CaptureFormatError(message, this.offset);
  }

  private expect(state: State, need: number): void {
    this.state = state;
    this.need = need;
  }

  private onHeader(b: Buffer): void {
    switch (this.state) {
      case 'fileStart': {
        const be = b.readUInt32BE(0);
        if (be === PCAPNG_SHB) {
          this.format = 'pcapng';
          this.blockType = PCAPNG_SHB;
          this.expect('ngShbRest', 8); // length (4, endianness unknown yet) + byte-order magic (4)
          return;
        }
        const le = b.readUInt32LE(0);
        if (le === 0xa1b2c3d4 || le === 0xa1b23c4d) this.little = true;
        else if (be === 0xa1b2c3d4 || be === 0xa1b23c4d) this.little = false;
        else if (le === 0xa1b2cd34 || be === 0xa1b2cd34) this.fail('modified (Kuznetzov) pcap is not supported');
        else this.fail(`not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`);
        this.format = 'pcap';
        this.nanosecond = (this.little ? le : be) === 0xa1b23c4d;
        this.expect('pcapHeader', 20);
        return;
      }
      case 'pcapHeader': {
        const major = this.u16(b, 0);
        const minor = this.u16(b, 2);
        if (major !== 2) this.fail(`unsupported pcap version ${major}.${minor}`);
        this.snapLength = this.u32(b, 12);
        // The upper bits of the link-type field may carry FCS information; the type is the low 16 bits.
        this.pcapLinkType = this.u32(b, 16) & 0xffff;
        this.linkTypes.add(this.pcapLinkType);
        this.headerValid = true;
        this.expect('pcapRecord', 16);
        this.boundary = this.offset;
        return;
      }
      case 'pcapRecord': {
        const sec = this.u32(b, 0);
        const frac = this.u32(b, 4);
        const capLen = this.u32(b, 8);
        const origLen = this.u32(b, 12);
        if (capLen > this.maxPacketLength) this.fail(`packet record ${this.packetCount + 1} claims ${capLen} captured bytes: the file is corrupt`);
        if (frac >= (this.nanosecond ? 1e9 : 1e6)) this.fail(`packet record ${this.packetCount + 1} has an invalid sub-second timestamp ${frac}`);
        this.packet(sec, frac, 0, capLen, origLen, this.pcapLinkType);
        this.beginSkip(capLen);
        this.expect('pcapRecord', 16);
        if (this.skip === 0) this.afterSkip();
        return;
      }
      case 'ngShbRest': {
        const bom = b.readUInt32LE(4);
        if (bom === PCAPNG_BOM) this.little = true;
        else if (b.readUInt32BE(4) === PCAPNG_BOM) this.little = false;
        else this.fail('pcapng section header has no valid byte-order magic');
        const len = this.u32(b, 0);
        if (len < 28 || len % 4 !== 0 || len > this.maxBlockLength) this.fail(`pcapng section header has an invalid length ${len}`);
        this.blockLength = len;
        this.interfaces = []; // a new section starts a new interface list
        this.expect('ngBlockBody', len - 12);
        return;
      }
      case 'ngBlockStart': {
        const type = this.u32(b, 0);
        if (b.readUInt32BE(0) === PCAPNG_SHB) {
          this.blockType = PCAPNG_SHB;
          this.expect('ngShbRest', 8);
          // The 4 type bytes are consumed; re-read length together with the byte-order magic.
          this.reinject(b.subarray(4, 8));
          return;
        }
        const len = this.u32(b, 4);
        if (len < 12 || len % 4 !== 0) this.fail(`pcapng block of type ${type} has an invalid length ${len}`);
        this.blockType = type;
        this.blockLength = len;
        if (type === 6) {
          if (len < 32) this.fail(`pcapng enhanced packet block too short (${len})`);
          this.expect('ngPacketFixed', 20);
        } else if (type === 2) {
          if (len < 32) this.fail(`pcapng packet block too short (${len})`);
          this.expect('ngPacketFixed', 20);
        } else if (type === 3) {
          if (len < 16) this.fail(`pcapng simple packet block too short (${len})`);
          this.expect('ngPacketFixed', 4);
        } else {
          if (len > this.maxBlockLength) this.fail(`pcapng block of type ${type} is too large (${len} bytes)`);
          this.expect('ngBlockBody', len - 8);
        }
        return;
      }
      case 'ngBlockBody': {
        // Body without the leading 8 (or 12 for SHB) bytes, including the trailing length.
        const trailer = this.u32(b, b.length - 4);
        if (trailer !== this.blockLength) this.fail(`pcapng block trailer length ${trailer} does not match ${this.blockLength}`);
        if (this.blockType === PCAPNG_SHB) {
          const major = this.u16(b, 0);
          if (major !== 1) this.fail(`unsupported pcapng version ${major}`);
          this.headerValid = true;
        } else if (this.blockType === 1) {
          this.interfaceBlock(b.subarray(0, b.length - 4));
        }
        this.expect('ngBlockStart', 8);
        this.boundary = this.offset;
        return;
      }
      case 'ngPacketFixed': {
        if (!this.headerValid) this.fail('pcapng packet before a section header');
        if (this.blockType === 3) {
          const iface = this.iface(0);
          const origLen = this.u32(b, 0);
          const room = this.blockLength - 16;
          const capLen = Math.min(origLen, iface.snapLength || origLen, room);
          this.packet(-1, 0, 0, capLen, origLen, iface.linkType);
          this.beginSkip(room);
        } else {
          const ifId = this.blockType === 6 ? this.u32(b, 0) : this.u16(b, 0);
          const iface = this.iface(ifId);
          const hi = this.u32(b, 4);
          const lo = this.u32(b, 8);
          const capLen = this.u32(b, 12);
          const origLen = this.u32(b, 16);
          const room = this.blockLength - 32;
          if (capLen > room) this.fail(`pcapng packet ${this.packetCount + 1} claims ${capLen} captured bytes in a block of ${this.blockLength}`);
          this.packet(hi, lo, ifId, capLen, origLen, iface.linkType);
          this.beginSkip(room);
        }
        this.expect('ngTrailer', 4);
        if (this.skip === 0) this.afterSkip();
        return;
      }
      case 'ngTrailer': {
        const trailer = this.u32(b, 0);
        if (trailer !== this.blockLength) this.fail(`pcapng block trailer length ${trailer} does not match ${this.blockLength}`);
        this.expect('ngBlockStart', 8);
        this.boundary = this.offset;
        return;
      }
    }
  }

  /** Puts bytes back in front of the header accumulator (used when a block turns out to be an SHB). */
  private reinject(bytes: Buffer): void {
    bytes.copy(this.header, 0);
    this.have = bytes.length;
  }

  private iface(id: number): Interface {
    const iface = this.interfaces[id];
    if (!iface) this.fail(`pcapng packet refers to interface ${id}, which was not described`);
    return iface;
  }

  private interfaceBlock(body: Buffer): void {
    const linkType = this.u16(body, 0);
    const snapLength = this.u32(body, 4);
    let mul = 1000n;
    let div = 1n;
    let nanos = false;
    // Options: code (2) + length (2) + value padded to 4.
    let at = 8;
    while (at + 4 <= body.length) {
      const code = this.u16(body, at);
      const len = this.u16(body, at + 2);
      if (code === 0) break;
      if (at + 4 + len > body.length) this.fail('pcapng interface option overruns its block');
      if (code === 9 && len >= 1) {
        const v = body[at + 4]!;
        if (v & 0x80) {
          mul = 1_000_000_000n;
          div = 1n << BigInt(v & 0x7f);
        } else if (v <= 9) {
          mul = 10n ** BigInt(9 - v);
          div = 1n;
        } else {
          mul = 1n;
          div = 10n ** BigInt(v - 9);
        }
        nanos = !(v & 0x80) && v >= 9;
      }
      at += 4 + ((len + 3) & ~3);
    }
    if (this.interfaces.length === 0) {
      this.nanosecond = nanos;
      this.snapLength = snapLength;
    }
    this.interfaces.push({ linkType, snapLength, mul, div });
    this.linkTypes.add(linkType);
  }

  private packet(a: number, b: number, ifId: number, capLen: number, origLen: number, linkType: number): void {
    if (this.packetCount === 0) {
      this.firstA = a;
      this.firstB = b;
      this.firstIf = ifId;
    }
    this.packetCount++;
    this.lastA = a;
    this.lastB = b;
    this.lastIf = ifId;
    if (this.onPacket) {
      const want = Math.min(this.captureBytes, capLen);
      this.packetData = want > 0 ? Buffer.allocUnsafe(want) : EMPTY;
      this.packetFill = 0;
      this.captureLeft = want;
      this.pendingPacket = {
        index: this.packetCount,
        timestampNs: this.rawToNs(a, b, ifId),
        capturedLength: capLen,
        originalLength: origLen,
        linkType,
      };
    }
  }

  /** Skips the packet data (and pcapng padding/options); the packet's head is captured on the way. */
  private beginSkip(total: number): void {
    this.skip = total;
  }

  private afterSkip(): void {
    if (this.state === 'pcapRecord') this.boundary = this.offset; // a pcap record ends with its data
    if (this.pendingPacket && this.onPacket) {
      const info: PacketInfo = { ...this.pendingPacket, data: this.packetData.subarray(0, this.packetFill) };
      this.pendingPacket = undefined;
      this.captureLeft = 0;
      this.onPacket(info);
    }
  }

  private rawToNs(a: number, b: number, ifId: number): bigint | undefined {
    if (this.format === 'pcap') return BigInt(a) * 1_000_000_000n + BigInt(b) * (this.nanosecond ? 1n : 1000n);
    if (a < 0) return undefined;
    const iface = this.interfaces[ifId];
    if (!iface) return undefined;
    const ticks = (BigInt(a) << 32n) | BigInt(b);
    return (ticks * iface.mul) / iface.div;
  }
}

/** Scans a complete buffer (tests, small files). */
export function scanBuffer(bytes: Uint8Array, options?: ScannerOptions): ScanResult {
  const scanner = new CaptureScanner(options);
  try {
    scanner.push(bytes);
  } catch {
    // reported by end()
  }
  return scanner.end();
}
