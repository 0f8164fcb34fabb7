// Values STEELFILTER compares with: IPv4/IPv6 addresses, fully qualified CIDRs, trailing wildcards,
// DNS names, numbers, MAC addresses. Pure parsing and matching, shared by the validator and evaluator.

export type IpPattern =
  | { kind: 'address'; version: 4 | 6; value: bigint }
  | { kind: 'cidr'; version: 4 | 6; network: bigint; prefix: number }
  /** A wildcard is stored as a prefix match: the leading `bits` bits must equal `network`'s. */
  | { kind: 'wildcard'; version: 4 | 6; network: bigint; prefix: number }
  | { kind: 'dns'; name: string };

export type IpParse = IpPattern | { kind: 'invalid'; reason: string };

export function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return BigInt(n);
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  const parts = s.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    out.push(parseInt(p, 16));
  }
  return out;
}

export function parseIPv6(s: string): bigint | undefined {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const dbl = s.indexOf('::');
  let groups: number[] | undefined;
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parseGroups(s);
    if (!groups || groups.length !== 8) return undefined;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

export function parseAddress(s: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { version: 4, value: v4 };
  if (s.includes(':')) {
    const v6 = parseIPv6(s);
    if (v6 !== undefined) return { version: 6, value: v6 };
  }
  return undefined;
}

const DNS_NAME = /^(?=.{1,253}\.?$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;

/** A DNS name needs at least two labels and an alphabetic top-level label, so `abc` or `10.1` are not names. */
export function isDnsName(s: string): boolean {
  return DNS_NAME.test(s);
}

function bits(version: 4 | 6): number { return version === 4 ? 32 : 128; }

function mask(version: 4 | 6, prefix: number): bigint {
  const total = bits(version);
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(total - prefix);
}

function parseWildcardV4(s: string): IpParse | undefined {
  if (!s.includes('*') && !s.endsWith('.')) return undefined;
  const parts = s.split('.');
  if (parts.length > 4) return { kind: 'invalid', reason: `"${s}" has more than four octets` };
  let fixed = 0;
  while (fixed < parts.length && /^\d{1,3}$/.test(parts[fixed])) {
    if (Number(parts[fixed]) > 255) return { kind: 'invalid', reason: `octet ${parts[fixed]} of "${s}" is above 255` };
    fixed++;
  }
  const rest = parts.slice(fixed);
  if (rest.some((p) => p !== '*' && p !== '')) {
    return { kind: 'invalid', reason: `"${s}": wildcards are allowed only at the end of the address (like 10.91.*)` };
  }
  if (fixed === 0) return { kind: 'invalid', reason: `"${s}": a wildcard needs at least the first octet` };
  let network = 0n;
  for (let i = 0; i < 4; i++) network = (network << 8n) | BigInt(i < fixed ? Number(parts[i]) : 0);
  return { kind: 'wildcard', version: 4, network, prefix: fixed * 8 };
}

function parseWildcardV6(s: string): IpParse | undefined {
  if (!s.includes('*')) return undefined;
  const parts = s.split(':');
  if (parts.length > 8) return { kind: 'invalid', reason: `"${s}" has more than eight groups` };
  let fixed = 0;
  while (fixed < parts.length && /^[0-9a-fA-F]{1,4}$/.test(parts[fixed])) fixed++;
  const rest = parts.slice(fixed);
  if (rest.some((p) => p !== '*')) {
    return { kind: 'invalid', reason: `"${s}": wildcards are allowed only at the end of the address (like 2001:db8:*)` };
  }
  if (fixed === 0) return { kind: 'invalid', reason: `"${s}": a wildcard needs at least the first group` };
  let network = 0n;
  for (let i = 0; i < 8; i++) network = (network << 16n) | BigInt(i < fixed ? parseInt(parts[i], 16) : 0);
  return { kind: 'wildcard', version: 6, network, prefix: fixed * 16 };
}

function ipv4Problem(s: string): string {
  const parts = s.split('.');
  const big = parts.find((p) => Number(p) > 255);
  if (big !== undefined) return `"${s}" is not an IP address: octet ${big} is above 255`;
  if (parts.length !== 4) return `"${s}" is not an IP address: an IPv4 address has four octets (use 10.1.* for a wildcard)`;
  return `"${s}" is not an IP address`;
}

/** Classifies a value compared with an ipaddr column. */
export function parseIpPattern(raw: string): IpParse {
  const s = raw.trim();
  if (s === '') return { kind: 'invalid', reason: 'an empty value is not an IP address' };
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const addr = parseAddress(s.slice(0, slash));
    const p = s.slice(slash + 1);
    if (!addr) return { kind: 'invalid', reason: `"${s}" is not a CIDR: "${s.slice(0, slash)}" is not a full IPv4 or IPv6 address` };
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits(addr.version)) {
      return { kind: 'invalid', reason: `"${s}": the prefix length must be 0 to ${bits(addr.version)}` };
    }
    const prefix = Number(p);
    return { kind: 'cidr', version: addr.version, network: addr.value & mask(addr.version, prefix), prefix };
  }
  const addr = parseAddress(s);
  if (addr) return { kind: 'address', version: addr.version, value: addr.value };
  if (s.includes(':')) return parseWildcardV6(s) ?? { kind: 'invalid', reason: `"${s}" is not an IPv6 address` };
  if (/^[\d.*]+$/.test(s)) return parseWildcardV4(s) ?? { kind: 'invalid', reason: ipv4Problem(s) };
  if (isDnsName(s)) return { kind: 'dns', name: s.toLowerCase().replace(/\.$/, '') };
  return { kind: 'invalid', reason: `"${s}" is not an IP address, CIDR, wildcard or DNS name` };
}

/** Does an address (from a data row) match the pattern? DNS patterns need a resolver. */
export function ipMatches(pattern: IpPattern, address: { version: 4 | 6; value: bigint }): boolean {
  switch (pattern.kind) {
    case 'address': return pattern.version === address.version && pattern.value === address.value;
    case 'cidr':
    case 'wildcard':
      return pattern.version === address.version && (address.value & mask(pattern.version, pattern.prefix)) === pattern.network;
    case 'dns': return false;
  }
}

export function describeIpPattern(p: IpPattern): string {
  switch (p.kind) {
    case 'address': return `IPv${p.version} address`;
    case 'cidr': return `IPv${p.version} network /${p.prefix} (${cidrSize(p.version, p.prefix)} addresses)`;
    case 'wildcard': return `IPv${p.version} wildcard: addresses whose first ${p.version === 4 ? p.prefix / 8 + ' octet(s)' : p.prefix / 16 + ' group(s)'} match`;
    case 'dns': return 'DNS name: the device filters on the first address of its forward resolution (see actual_filters)';
  }
}

function cidrSize(version: 4 | 6, prefix: number): string {
  const n = 1n << BigInt(bits(version) - prefix);
  return n > 1_000_000_000_000n ? `2^${bits(version) - prefix}` : n.toString();
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export function isNumeric(s: string): boolean {
  return DECIMAL.test(s.trim());
}
export function isInteger(s: string): boolean {
  return /^[+-]?\d+$/.test(s.trim());
}

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/**
 * Compares two numeric strings. Plain decimals (timestamps with nanoseconds) are compared exactly,
 * anything else as doubles. Returns negative, zero or positive.
 */
export function compareNumeric(a: string, b: string): number {
  const ma = PLAIN_DECIMAL.exec(a);
  const mb = PLAIN_DECIMAL.exec(b);
  if (ma && mb) {
    const na = ma[1] === '-', nb = mb[1] === '-';
    const ia = ma[2].replace(/^0+(?=\d)/, ''), ib = mb[2].replace(/^0+(?=\d)/, '');
    const fa = (ma[3] ?? '').replace(/0+$/, ''), fb = (mb[3] ?? '').replace(/0+$/, '');
    const zeroA = /^0*$/.test(ia) && fa === '', zeroB = /^0*$/.test(ib) && fb === '';
    const signA = zeroA ? 0 : na ? -1 : 1, signB = zeroB ? 0 : nb ? -1 : 1;
    if (signA !== signB) return signA - signB;
    if (signA === 0) return 0;
    let mag = ia.length !== ib.length ? ia.length - ib.length : ia < ib ? -1 : ia > ib ? 1 : 0;
    if (mag === 0) mag = fa < fb ? -1 : fa > fb ? 1 : 0;
    return signA * Math.sign(mag);
  }
  const x = Number(a), y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const MAC = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;
export function normalizeMac(s: string): string | undefined {
  const t = s.trim();
  if (MAC.test(t)) return t.toLowerCase().replace(/-/g, ':');
  if (/^[0-9a-fA-F]{12}$/.test(t)) return t.toLowerCase().replace(/(..)(?!$)/g, '$1:');
  if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(t)) return normalizeMac(t.replace(/\./g, ''));
  return undefined;
}

export function parseBoolean(s: string): boolean | undefined {
  const t = s.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  return undefined;
}
