// Checksums of a captured Ethernet frame, computed independently of the simulator's code, for the
// tests of the traffic model and of the Allegro simulator's captures.

function onesComplement(buf: Uint8Array, from: number, to: number, acc = 0): number {
  for (let i = from; i < to; i += 2) acc += (buf[i]! << 8) | (i + 1 < to ? buf[i + 1]! : 0);
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return acc;
}

/** Verifies IPv4 header and TCP/UDP checksums of an untruncated frame, independently of the model's code. */
export function checksumsValid(f: Buffer): boolean {
  let o = 12;
  if (f.readUInt16BE(o) === 0x8100) o += 4;
  const type = f.readUInt16BE(o);
  o += 2;
  let proto: number, l4: number, l4Len: number, pseudo: number;
  if (type === 0x0800) {
    if (onesComplement(f, o, o + 20) !== 0xffff) return false;
    proto = f[o + 9]!;
    l4 = o + 20;
    l4Len = f.readUInt16BE(o + 2) - 20;
    pseudo = onesComplement(f, o + 12, o + 20, proto + l4Len);
  } else {
    proto = f[o + 6]!;
    l4 = o + 40;
    l4Len = f.readUInt16BE(o + 4);
    pseudo = onesComplement(f, o + 8, o + 40, proto + l4Len);
  }
  if (proto === 17 && f.readUInt16BE(l4 + 6) === 0 && type === 0x0800) return true;
  return onesComplement(f, l4, l4 + l4Len, pseudo) === 0xffff;
}
