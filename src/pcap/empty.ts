// The bytes of a valid capture without one packet: what an export that matched nothing is kept
// as when the user asked for an empty file (a device with nothing to send sends no header either).

export interface EmptyCaptureOptions {
  /** pcap (default) or pcapng. */
  format?: 'pcap' | 'pcapng';
  /** Nanosecond timestamps (pcap magic a1b23c4d, pcapng if_tsresol 9). */
  nanosecond?: boolean;
  /** Link type (default 1, Ethernet). */
  linkType?: number;
  /** Snap length (default 65535). */
  snapLength?: number;
}

/** A little-endian pcap global header, or a pcapng section header and one interface description. */
export function emptyCaptureBytes(options: EmptyCaptureOptions = {}): Buffer {
  const linkType = options.linkType ?? 1;
  const snap = options.snapLength ?? 65535;
  if (options.format !== 'pcapng') {
    const b = Buffer.alloc(24);
    b.writeUInt32LE(options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(snap, 16);
    b.writeUInt32LE(linkType, 20);
    return b;
  }
  // Section header block: type, length, byte-order magic, version 1.0, section length unknown.
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeUInt16LE(0, 14);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  // Interface description block, with if_tsresol (9) when nanosecond, then opt_endofopt.
  const options9 = options.nanosecond ? Buffer.from([9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  const idbLen = 20 + options9.length;
  const idb = Buffer.alloc(idbLen);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(idbLen, 4);
  idb.writeUInt16LE(linkType, 8);
  idb.writeUInt16LE(0, 10);
  idb.writeUInt32LE(snap, 12);
  options9.copy(idb, 16);
  idb.writeUInt32LE(idbLen, idbLen - 4);
  return Buffer.concat([shb, idb]);
}
