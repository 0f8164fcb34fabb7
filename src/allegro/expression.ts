// Building capture filter expressions for /API/data/modules/capture (pure).
//   and(ip('10.1.2.3', 62887), ip('10.1.2.100', 548), l4('TCP'))
//     → "IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP"
import { isIPv6 } from 'node:net';

export type Expression = string;

function endpoint(address: string, port?: number): string {
  if (port === undefined) return address;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port ${port} is not 0..65535`);
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Traffic from or to an address (optionally a port on that address, or a prefix "10.1.0.0/16"). */
export function ip(address: string, port?: number): Expression {
  if (/\s/.test(address) || !address) throw new RangeError(`"${address}" is not an address`);
  return `IP==${endpoint(address, port)}`;
}

export function srcIp(address: string, port?: number): Expression {
  return `srcIp==${endpoint(address, port)}`;
}

export function dstIp(address: string, port?: number): Expression {
  return `dstIp==${endpoint(address, port)}`;
}

export function mac(address: string): Expression {
  return `mac==${address.toLowerCase()}`;
}

export function port(value: number): Expression {
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new RangeError(`port ${value} is not 0..65535`);
  return `port==${value}`;
}

export function vlan(id: number): Expression {
  if (!Number.isInteger(id) || id < 0 || id > 4095) throw new RangeError(`VLAN ${id} is not 0..4095`);
  return `vlan==${id}`;
}

export function l4(protocol: 'TCP' | 'UDP'): Expression {
  return `l4Protocol==${protocol}`;
}

const wrap = (e: Expression) => (/\s(or|and)\s/i.test(e) && !/^\(.*\)$/.test(e) ? `(${e})` : e);

export function and(...parts: (Expression | undefined)[]): Expression {
  const list = parts.filter((p): p is Expression => !!p);
  return list.length === 1 ? list[0]! : list.map(wrap).join(' and ');
}

export function or(...parts: (Expression | undefined)[]): Expression {
  const list = parts.filter((p): p is Expression => !!p);
  return list.length === 1 ? list[0]! : list.map(wrap).join(' or ');
}

export function not(e: Expression): Expression {
  return `not ${/\s/.test(e) ? `(${e})` : e}`;
}

/** The expression of one connection, as the document's global-connections script builds it. */
export function connectionExpression(c: { clientIp: string; clientPort: number; serverIp: string; serverPort: number; l4ProtocolShortName?: string }): Expression {
  const proto = c.l4ProtocolShortName?.toUpperCase();
  return and(ip(c.clientIp, c.clientPort), ip(c.serverIp, c.serverPort), proto === 'TCP' || proto === 'UDP' ? l4(proto) : undefined);
}
