// Packet filters of packet export and packet data_defs: BPF and WIRESHARK display filters for
// host / net / port / protocol, and STEELFILTER on IP addresses (through the project's STEELFILTER core).
// They test one packet direction, described by a PacketTuple.
import { compileFilter } from '../../steelfilter/index';
import { canonicalIp, inPrefix, parseIp } from '../model/ip';
import { portNameOf } from './traffic-view';

export interface PacketTuple {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  l4: 'TCP' | 'UDP';
  app: string;
}

export type PacketPredicate = (t: PacketTuple) => boolean;

export function compilePacketFilter(type: 'STEELFILTER' | 'WIRESHARK' | 'BPF' | string, text: string, resolveName?: (name: string) => string | undefined): PacketPredicate {
  if (!text.trim()) return () => true;
  if (type === 'BPF') return new FilterParser(text, 'bpf').parse();
  if (type === 'WIRESHARK') return new FilterParser(text, 'wireshark').parse();
  return compileSteelFilterForPackets(text, resolveName);
}

function compileSteelFilterForPackets(text: string, resolveName?: (name: string) => string | undefined): PacketPredicate {
  const predicate = compileFilter(text, undefined, { resolveName });
  return (t) => {
    const base = {
      'src_ip.addr': t.srcIp, 'dst_ip.addr': t.dstIp, 'ip.protocol.type_name': t.l4, 'app.name': t.app,
      'tcp.port': String(t.dstPort), 'srv_tcp.port': String(t.dstPort), 'cli_tcp.port': String(t.srcPort),
      'srv_tcp.port_name': portNameOf(t.dstPort, t.l4),
    };
    // Host columns hold either end of the packet: the filter holds when it holds for one of them.
    for (const ip of [t.srcIp, t.dstIp]) {
      if (predicate({ ...base, 'ip.addr': ip, 'tcp.ip': ip, 'cli_tcp.ip': t.srcIp, 'srv_tcp.ip': t.dstIp })) return true;
    }
    return false;
  };
}

// ---- BPF / Wireshark subset ----

type Tok = { kind: 'word' | 'op' | 'lp' | 'rp'; text: string; at: number };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\(|\))|(==|!=|>=|<=|&&|\|\||[<>!])|([^\s()=!<>&|]+))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[1]) out.push({ kind: m[1] === '(' ? 'lp' : 'rp', text: m[1], at });
    else if (m[2]) out.push({ kind: 'op', text: m[2], at });
    else if (m[3]) out.push({ kind: 'word', text: m[3], at });
    if (!m[0].length) break;
  }
  if (text.slice(re.lastIndex).trim()) throw new Error(`unexpected character at ${re.lastIndex}`);
  return out;
}

const PROTOCOLS: Record<string, (t: PacketTuple) => boolean> = {
  ip: (t) => t.srcIp.includes('.'),
  ip6: (t) => t.srcIp.includes(':'),
  ipv6: (t) => t.srcIp.includes(':'),
  tcp: (t) => t.l4 === 'TCP',
  udp: (t) => t.l4 === 'UDP',
  icmp: () => false,
  dns: (t) => t.app === 'DNS',
  http: (t) => t.app === 'HTTP',
  tls: (t) => t.app === 'TLS',
  ssl: (t) => t.app === 'TLS',
  ssh: (t) => t.app === 'SSH',
  ntp: (t) => t.app === 'NTP',
  rtp: (t) => t.app === 'RTP',
  quic: (t) => t.app === 'QUIC',
  dhcp: (t) => t.app === 'DHCP',
  bootp: (t) => t.app === 'DHCP',
  smb: (t) => t.app === 'SMB',
  mysql: (t) => t.app === 'MySQL',
  ldap: (t) => t.app === 'LDAP',
  afp: (t) => t.app === 'AFP',
};

function ipMatcher(value: string): (ip: string) => boolean {
  const [addr, bitsText] = value.split('/');
  const bytes = parseIp(addr);
  if (!bytes) throw new Error(`not an IP address: ${value}`);
  if (bitsText === undefined) {
    const canonical = canonicalIp(addr);
    return (ip) => ip === canonical;
  }
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > bytes.length * 8) throw new Error(`bad prefix length in ${value}`);
  return (ip) => {
    const b = parseIp(ip);
    return !!b && inPrefix(b, bytes, bits);
  };
}

function portOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a port: ${text}`);
  return n;
}

class FilterParser {
  private readonly toks: Tok[];
  private i = 0;

  constructor(text: string, private readonly dialect: 'bpf' | 'wireshark') {
    this.toks = tokenize(text);
  }

  parse(): PacketPredicate {
    const p = this.or();
    if (this.i < this.toks.length) throw new Error(`unexpected '${this.toks[this.i].text}' at ${this.toks[this.i].at}`);
    return p;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private next(what: string): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error(`${what} expected at end of filter`);
    return t;
  }

  private isWord(...words: string[]): boolean {
    const t = this.peek();
    return !!t && (t.kind === 'word' || t.kind === 'op') && words.includes(t.text.toLowerCase());
  }

  private or(): PacketPredicate {
    let left = this.and();
    while (this.isWord('or', '||')) {
      this.i++;
      const l = left;
      const r = this.and();
      left = (t) => l(t) || r(t);
    }
    return left;
  }

  private and(): PacketPredicate {
    let left = this.not();
    while (this.isWord('and', '&&')) {
      this.i++;
      const l = left;
      const r = this.not();
      left = (t) => l(t) && r(t);
    }
    return left;
  }

  private not(): PacketPredicate {
    if (this.isWord('not', '!')) {
      this.i++;
      const inner = this.not();
      return (t) => !inner(t);
    }
    return this.primary();
  }

  private primary(): PacketPredicate {
    const t = this.peek();
    if (!t) throw new Error('filter ends too early');
    if (t.kind === 'lp') {
      this.i++;
      const inner = this.or();
      const close = this.next("')'");
      if (close.kind !== 'rp') throw new Error(`')' expected at ${close.at}`);
      return inner;
    }
    return this.dialect === 'bpf' ? this.bpfPrimitive() : this.wiresharkPrimitive();
  }

  private bpfPrimitive(): PacketPredicate {
    let proto: ((t: PacketTuple) => boolean) | undefined;
    let word = this.next('primitive').text.toLowerCase();
    if (PROTOCOLS[word] && (word === 'tcp' || word === 'udp' || word === 'ip' || word === 'ip6')) {
      proto = PROTOCOLS[word];
      const after = this.peek();
      if (!after || after.kind !== 'word' || !['src', 'dst', 'host', 'net', 'port', 'portrange'].includes(after.text.toLowerCase())) return proto;
      word = this.next('primitive').text.toLowerCase();
    } else if (PROTOCOLS[word]) {
      return PROTOCOLS[word];
    }
    let dir: 'src' | 'dst' | 'either' = 'either';
    if (word === 'src' || word === 'dst') {
      dir = word;
      if (this.isWord('or', 'and')) {
        // "src or dst host x" / "src and dst host x"
        const conj = this.next('or').text.toLowerCase();
        const other = this.next('dst').text.toLowerCase();
        if (other !== 'src' && other !== 'dst') throw new Error(`'src' or 'dst' expected after '${conj}'`);
        if (conj === 'and') dir = 'either';
        word = this.next('host, net or port').text.toLowerCase();
        if (conj === 'and') return this.bpfQualified(word, 'both', proto);
      } else {
        word = this.next('host, net or port').text.toLowerCase();
      }
    }
    return this.bpfQualified(word, dir, proto);
  }

  private bpfQualified(word: string, dir: 'src' | 'dst' | 'either' | 'both', proto?: (t: PacketTuple) => boolean): PacketPredicate {
    let test: (ip: string, port: number) => boolean;
    if (word === 'host' || word === 'net') {
      const value = this.next('address').text;
      const m = ipMatcher(word === 'host' ? value.split('/')[0] : value);
      test = (ip) => m(ip);
    } else if (word === 'port') {
      const port = portOf(this.next('port').text);
      test = (_ip, p) => p === port;
    } else if (word === 'portrange') {
      const [a, b] = this.next('port range').text.split('-').map(portOf);
      test = (_ip, p) => p >= a && p <= b;
    } else {
      // A bare address is a host.
      const m = ipMatcher(word);
      test = (ip) => m(ip);
    }
    const side = (t: PacketTuple, s: 'src' | 'dst') => (s === 'src' ? test(t.srcIp, t.srcPort) : test(t.dstIp, t.dstPort));
    const base: PacketPredicate =
      dir === 'src' ? (t) => side(t, 'src') : dir === 'dst' ? (t) => side(t, 'dst') : dir === 'both' ? (t) => side(t, 'src') && side(t, 'dst') : (t) => side(t, 'src') || side(t, 'dst');
    return proto ? (t) => proto(t) && base(t) : base;
  }

  private wiresharkPrimitive(): PacketPredicate {
    const field = this.next('field').text.toLowerCase();
    const opTok = this.peek();
    const ops = ['==', '!=', '>', '<', '>=', '<=', 'eq', 'ne', 'gt', 'lt', 'ge', 'le'];
    if (!opTok || !ops.includes(opTok.text.toLowerCase())) {
      const proto = PROTOCOLS[field];
      if (!proto) throw new Error(`unknown protocol or field '${field}'`);
      return proto;
    }
    this.i++;
    const op = ({ eq: '==', ne: '!=', gt: '>', lt: '<', ge: '>=', le: '<=' } as Record<string, string>)[opTok.text.toLowerCase()] ?? opTok.text;
    const raw = this.next('value').text.replace(/^"(.*)"$/, '$1');
    const negate = op === '!=';
    const ipField = /^(ip|ipv6)\.(addr|src|dst|host)$/.exec(field);
    if (ipField) {
      if (op !== '==' && op !== '!=') throw new Error(`operator ${op} is not supported on ${field}`);
      const m = ipMatcher(raw);
      const which = ipField[2];
      const fam = ipField[1] === 'ip' ? (ip: string) => ip.includes('.') : (ip: string) => ip.includes(':');
      if (which === 'src') return (t) => fam(t.srcIp) && m(t.srcIp) !== negate;
      if (which === 'dst') return (t) => fam(t.dstIp) && m(t.dstIp) !== negate;
      // Wireshark: "ip.addr != x" is true when either address differs.
      return (t) => fam(t.srcIp) && (negate ? !m(t.srcIp) || !m(t.dstIp) : m(t.srcIp) || m(t.dstIp));
    }
    const portField = /^(tcp|udp)\.(port|srcport|dstport)$/.exec(field);
    if (portField) {
      const port = portOf(raw);
      const l4 = portField[1].toUpperCase();
      const cmp = (p: number) => (op === '==' ? p === port : op === '!=' ? p !== port : op === '>' ? p > port : op === '<' ? p < port : op === '>=' ? p >= port : p <= port);
      if (portField[2] === 'srcport') return (t) => t.l4 === l4 && cmp(t.srcPort);
      if (portField[2] === 'dstport') return (t) => t.l4 === l4 && cmp(t.dstPort);
      return (t) => t.l4 === l4 && (op === '!=' ? cmp(t.srcPort) && cmp(t.dstPort) : cmp(t.srcPort) || cmp(t.dstPort));
    }
    if (field === 'ip.proto') {
      const n = Number(raw);
      const want = n === 6 ? 'TCP' : n === 17 ? 'UDP' : '';
      return (t) => (t.l4 === want) !== negate;
    }
    throw new Error(`unsupported field '${field}'`);
  }
}

/** Throws with a readable message when the filter is not understood (used to validate at POST). */
export function checkPacketFilter(type: string, text: string): void {
  compilePacketFilter(type, text);
}
