// Minimal packet header decoding for summaries: link layer -> IPv4/IPv6 -> TCP/UDP/ICMP.
// Works on the first bytes of a packet (the scanner copies only those).

export interface DecodedPacket {
  /** Protocol stack from the outside in, e.g. ['Ethernet', 'IPv4', 'TCP']. */
  stack: string[];
  srcIp?: string;
  dstIp?: string;
  /** IANA protocol number for IPv4/IPv6 payloads. */
  ipProtocol?: number;
  srcPort?: number;
  dstPort?: number;
}

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Names of common link types (tcpdump.org LINKTYPE_ values), as capinfos shows them. */
const LINK_TYPES: Record<number, string> = {
  0: 'BSD loopback', 1: 'Ethernet', 101: 'Raw IP', 105: 'IEEE 802.11 Wireless LAN', 108: 'OpenBSD loopback', 113: 'Linux cooked-mode capture v1',
  127: 'IEEE 802.11 plus radiotap radio header', 228: 'Raw IPv4', 229: 'Raw IPv6', 276: 'Linux cooked-mode capture v2',
};

/** "Ethernet (1)"; an unknown link type by its number. */
export function linkTypeName(linkType: number): string {
  const name = LINK_TYPES[linkType];
  return name ? `${name} (${linkType})` : `link type ${linkType}`;
}

const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 132: 'SCTP' };

export function ipProtocolName(protocol: number): string {
  return IP_PROTOCOLS[protocol] ?? `IP proto ${protocol}`;
}

export function decodePacket(linkType: number, data: Buffer): DecodedPacket {
  const out: DecodedPacket = { stack: [] };
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      out.stack.push('Ethernet');
      if (data.length >= 14) etherPayload(data.readUInt16BE(12), data, 14, out);
      break;
    case LINKTYPE_LINUX_SLL:
      out.stack.push('Linux cooked');
      if (data.length >= 16) etherPayload(data.readUInt16BE(14), data, 16, out);
      break;
    case LINKTYPE_LINUX_SLL2:
      out.stack.push('Linux cooked v2');
      if (data.length >= 20) etherPayload(data.readUInt16BE(0), data, 20, out);
      break;
    case LINKTYPE_RAW:
    case 12:
    case 14:
      out.stack.push('Raw IP');
      if (data.length >= 1) {
        const v = data[0]! >> 4;
        if (v === 4) ipv4(data, 0, out);
        else if (v === 6) ipv6(data, 0, out);
      }
      break;
    case LINKTYPE_IPV4:
      ipv4(data, 0, out);
      break;
    case LINKTYPE_IPV6:
      ipv6(data, 0, out);
      break;
    default:
      out.stack.push(`link type ${linkType}`);
  }
  return out;
}

function etherPayload(etherType: number, data: Buffer, at: number, out: DecodedPacket): void {
  // VLAN tags (802.1Q, 802.1ad, QinQ) may stack.
  while ((etherType === 0x8100 || etherType === 0x88a8 || etherType === 0x9100) && data.length >= at + 4) {
    out.stack.push('VLAN');
    etherType = data.readUInt16BE(at + 2);
    at += 4;
  }
  if (etherType === 0x0800) ipv4(data, at, out);
  else if (etherType === 0x86dd) ipv6(data, at, out);
  else if (etherType === 0x0806) out.stack.push('ARP');
  else if (etherType === 0x88cc) out.stack.push('LLDP');
  else if (etherType < 0x0600) out.stack.push('LLC');
  else out.stack.push(`EtherType 0x${etherType.toString(16).padStart(4, '0')}`);
}

function ipv4(data: Buffer, at: number, out: DecodedPacket): void {
  out.stack.push('IPv4');
  if (data.length < at + 20) return;
  const ihl = (data[at]! & 0x0f) * 4;
  const protocol = data[at + 9]!;
  out.srcIp = `${data[at + 12]}.${data[at + 13]}.${data[at + 14]}.${data[at + 15]}`;
  out.dstIp = `${data[at + 16]}.${data[at + 17]}.${data[at + 18]}.${data[at + 19]}`;
  out.ipProtocol = protocol;
  const fragmentOffset = data.readUInt16BE(at + 6) & 0x1fff;
  transport(protocol, data, at + ihl, fragmentOffset === 0, out);
}

function ipv6(data: Buffer, at: number, out: DecodedPacket): void {
  out.stack.push('IPv6');
  if (data.length < at + 40) return;
  out.srcIp = ipv6Text(data, at + 8);
  out.dstIp = ipv6Text(data, at + 24);
  let next = data[at + 6]!;
  let p = at + 40;
  let firstFragment = true;
  // Skip extension headers: hop-by-hop, routing, fragment, destination options.
  for (let i = 0; i < 8 && (next === 0 || next === 43 || next === 44 || next === 60); i++) {
    if (data.length < p + 8) return;
    if (next === 44) {
      firstFragment = (data.readUInt16BE(p + 2) & 0xfff8) === 0;
      next = data[p]!;
      p += 8;
    } else {
      const len = (data[p + 1]! + 1) * 8;
      next = data[p]!;
      p += len;
    }
  }
  out.ipProtocol = next;
  transport(next, data, p, firstFragment, out);
}

function transport(protocol: number, data: Buffer, at: number, hasHeader: boolean, out: DecodedPacket): void {
  out.stack.push(ipProtocolName(protocol));
  if (!hasHeader) return;
  if ((protocol === 6 || protocol === 17 || protocol === 132) && data.length >= at + 4) {
    out.srcPort = data.readUInt16BE(at);
    out.dstPort = data.readUInt16BE(at + 2);
  }
}

export function ipv6Text(data: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(data.readUInt16BE(at + i * 2));
  // RFC 5952: compress the longest run (length >= 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
