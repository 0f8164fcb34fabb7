// The capture filter language of /API/data/modules/capture?expression=...
//
//   expression := or
//   or         := and (("or" | "||") and)*
//   and        := unary (("and" | "&&") unary)*
//   unary      := ("not" | "!") unary | "(" or ")" | field op value
//   op         := "==" | "!="
//   field      := ip | srcIp | dstIp | mac | srcMac | dstMac | port | srcPort | dstPort | vlan | l4Protocol | app
//   value      := IPv4 / IPv6 ("[v6]:port" with a port) | address:port | address/prefix | MAC | number | TCP | UDP | name
//
// Field names are case-insensitive (`IP==10.1.2.3:62887` is the document's own example).
// A capture keeps a packet when the expression holds for it; every comparison depends only on
// the packet's connection and direction, so the simulator filters whole flows at once.
import { canonicalMac, inPrefix, parseIp } from '../model/ip';
import type { Connection, Direction } from '../model/types';

export class ExpressionError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} (at character ${position + 1})`);
  }
}

export type Predicate = (c: Connection, dir: Direction) => boolean;

interface Token { text: string; pos: number }

const OPERATORS = ['==', '!=', '&&', '||', '(', ')', '!'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) { out.push({ text: op, pos: i }); i += op.length; continue; }
    const start = i;
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw new ExpressionError('unclosed "["', i);
      i = close + 1;
    }
    while (i < text.length && !/\s/.test(text[i]!) && !OPERATORS.some((o) => o !== '!' && text.startsWith(o, i)) && text[i] !== '(' && text[i] !== ')') i++;
    out.push({ text: text.slice(start, i), pos: start });
  }
  return out;
}

/** Compiles an expression into a flow predicate; an empty expression keeps everything. Throws ExpressionError. */
export function compileExpression(expression: string): Predicate {
  const tokens = tokenize(expression);
  if (tokens.length === 0) return () => true;
  let k = 0;
  const peek = () => tokens[k];
  const isWord = (t: Token | undefined, ...words: string[]) => !!t && words.includes(t.text.toLowerCase());
  const endPos = expression.length;

  function parseOr(): Predicate {
    let left = parseAnd();
    while (isWord(peek(), 'or', '||')) {
      k++;
      const a = left;
      const b = parseAnd();
      left = (c, d) => a(c, d) || b(c, d);
    }
    return left;
  }
  function parseAnd(): Predicate {
    let left = parseUnary();
    while (isWord(peek(), 'and', '&&')) {
      k++;
      const a = left;
      const b = parseUnary();
      left = (c, d) => a(c, d) && b(c, d);
    }
    return left;
  }
  function parseUnary(): Predicate {
    const t = peek();
    if (!t) throw new ExpressionError('expression ends where a comparison was expected', endPos);
    if (isWord(t, 'not', '!')) {
      k++;
      const inner = parseUnary();
      return (c, d) => !inner(c, d);
    }
    if (t.text === '(') {
      k++;
      const inner = parseOr();
      if (peek()?.text !== ')') throw new ExpressionError('missing ")"', peek()?.pos ?? endPos);
      k++;
      return inner;
    }
    return parseComparison();
  }
  function parseComparison(): Predicate {
    const field = tokens[k++]!;
    const op = tokens[k++];
    if (!op || (op.text !== '==' && op.text !== '!=')) throw new ExpressionError(`expected "==" or "!=" after "${field.text}"`, op?.pos ?? endPos);
    const value = tokens[k++];
    if (!value || OPERATORS.includes(value.text) || isWord(value, 'and', 'or', 'not')) throw new ExpressionError(`missing value after "${field.text}${op.text}"`, value?.pos ?? endPos);
    const test = comparison(field, value);
    return op.text === '==' ? test : (c, d) => !test(c, d);
  }

  const result = parseOr();
  if (k < tokens.length) throw new ExpressionError(`unexpected "${tokens[k]!.text}"`, tokens[k]!.pos);
  return result;
}

interface Endpoint { ip: Uint8Array; bits: number; port?: number }

function parseEndpoint(t: Token): Endpoint {
  let text = t.text;
  let port: number | undefined;
  const v6Port = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6Port) {
    text = v6Port[1]!;
    if (v6Port[2]) port = Number(v6Port[2]);
  } else {
    const v4Port = /^(\d+\.\d+\.\d+\.\d+(?:\/\d+)?):(\d+)$/.exec(text);
    if (v4Port) { text = v4Port[1]!; port = Number(v4Port[2]); }
  }
  let bits: number | undefined;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    bits = Number(text.slice(slash + 1));
    text = text.slice(0, slash);
  }
  const ip = parseIp(text);
  if (!ip) throw new ExpressionError(`"${t.text}" is not an IP address`, t.pos);
  const max = ip.length * 8;
  if (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > max)) throw new ExpressionError(`bad prefix length in "${t.text}"`, t.pos);
  if (port !== undefined && (!Number.isInteger(port) || port > 65535)) throw new ExpressionError(`bad port in "${t.text}"`, t.pos);
  return { ip, bits: bits ?? max, port };
}

function parsePort(t: Token): number {
  if (!/^\d+$/.test(t.text) || Number(t.text) > 65535) throw new ExpressionError(`"${t.text}" is not a port number`, t.pos);
  return Number(t.text);
}

function comparison(field: Token, value: Token): Predicate {
  const src = (c: Connection, d: Direction) => (d === 'c2s' ? c.client : c.server);
  const dst = (c: Connection, d: Direction) => (d === 'c2s' ? c.server : c.client);
  const srcPort = (c: Connection, d: Direction) => (d === 'c2s' ? c.clientPort : c.serverPort);
  const dstPort = (c: Connection, d: Direction) => (d === 'c2s' ? c.serverPort : c.clientPort);
  const name = field.text.toLowerCase();
  switch (name) {
    case 'ip': case 'srcip': case 'ipsrc': case 'dstip': case 'ipdst': {
      const e = parseEndpoint(value);
      const side = (ip: Uint8Array, port: number) => inPrefix(ip, e.ip, e.bits) && (e.port === undefined || port === e.port);
      if (name === 'ip') return (c, d) => side(src(c, d).ipBytes, srcPort(c, d)) || side(dst(c, d).ipBytes, dstPort(c, d));
      if (name.includes('src')) return (c, d) => side(src(c, d).ipBytes, srcPort(c, d));
      return (c, d) => side(dst(c, d).ipBytes, dstPort(c, d));
    }
    case 'mac': case 'srcmac': case 'dstmac': {
      const mac = canonicalMac(value.text);
      if (!mac) throw new ExpressionError(`"${value.text}" is not a MAC address`, value.pos);
      if (name === 'mac') return (c, d) => src(c, d).mac === mac || dst(c, d).mac === mac;
      return name === 'srcmac' ? (c, d) => src(c, d).mac === mac : (c, d) => dst(c, d).mac === mac;
    }
    case 'port': { const p = parsePort(value); return (c) => c.clientPort === p || c.serverPort === p; }
    case 'srcport': { const p = parsePort(value); return (c, d) => srcPort(c, d) === p; }
    case 'dstport': { const p = parsePort(value); return (c, d) => dstPort(c, d) === p; }
    case 'vlan': {
      if (!/^\d+$/.test(value.text) || Number(value.text) > 4095) throw new ExpressionError(`"${value.text}" is not a VLAN id`, value.pos);
      const v = Number(value.text);
      return (c) => c.vlan === v;
    }
    case 'l4protocol': {
      const v = value.text.toUpperCase();
      const proto = v === 'TCP' || v === '6' ? 'TCP' : v === 'UDP' || v === '17' ? 'UDP' : undefined;
      if (!proto) throw new ExpressionError(`unknown layer 4 protocol "${value.text}" (TCP or UDP)`, value.pos);
      return (c) => c.l4 === proto;
    }
    case 'app': case 'dpi': case 'protocol': {
      const v = value.text.toLowerCase();
      return (c) => c.app.toLowerCase() === v;
    }
    default:
      throw new ExpressionError(`unknown field "${field.text}"`, field.pos);
  }
}
