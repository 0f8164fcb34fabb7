// Which proxy, if any, a device URL goes through: VS Code's `http.proxy` / `http.noProxy` /
// `http.proxyStrictSSL` first, then the standard environment variables. Pure; no sockets.
import net from 'node:net';
import type { ProxySettings } from './types';

export interface ProxyRoute {
  /** Proxy URL to tunnel through, or undefined for a direct connection. */
  proxyUrl?: string;
  /** Verify the proxy's own certificate (https proxies). */
  strictSSL: boolean;
  source: 'settings' | 'environment' | 'direct' | 'noProxy';
}

export function proxyFor(target: URL, settings: ProxySettings | undefined, env: NodeJS.ProcessEnv = process.env): ProxyRoute {
  const strictSSL = settings?.strictSSL ?? true;
  const fromSettings = settings?.url?.trim();
  const fromEnv = target.protocol === 'https:'
    ? env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
    : env.HTTP_PROXY || env.http_proxy;
  const proxyUrl = fromSettings || fromEnv?.trim();
  if (!proxyUrl) return { strictSSL, source: 'direct' };
  const noProxy = [...(settings?.noProxy ?? []), ...splitList(env.NO_PROXY || env.no_proxy || '')];
  if (bypassesProxy(target, noProxy)) return { strictSSL, source: 'noProxy' };
  return { proxyUrl: withScheme(proxyUrl), strictSSL, source: fromSettings ? 'settings' : 'environment' };
}

function splitList(value: string): string[] {
  return value.split(/[,\s]+/).filter(Boolean);
}

function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

/**
 * noProxy entries: `*` (everything), a host name (`probe.lan`, also matching its subdomains),
 * a domain (`.lan` or `*.lan`), an IP address, a CIDR block (`10.0.0.0/8`), each optionally with `:port`.
 */
export function bypassesProxy(target: URL, noProxy: string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy.some((raw) => matches(raw.trim().toLowerCase(), host, port));
}

function matches(entry: string, host: string, port: string): boolean {
  if (!entry) return false;
  if (entry === '*') return true;
  let pattern = entry;
  let entryPort: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed) {
    pattern = bracketed[1];
    entryPort = bracketed[2];
  } else if (!net.isIPv6(pattern) && !pattern.includes('/') && /:\d+$/.test(pattern)) {
    entryPort = pattern.slice(pattern.lastIndexOf(':') + 1);
    pattern = pattern.slice(0, pattern.lastIndexOf(':'));
  }
  if (entryPort && entryPort !== port) return false;
  if (pattern.includes('/')) return inCidr(host, pattern);
  if (net.isIP(pattern)) return net.isIP(host) !== 0 && sameAddress(host, pattern);
  const domain = pattern.replace(/^\*?\./, '');
  return host === domain || host.endsWith(`.${domain}`);
}

function sameAddress(a: string, b: string): boolean {
  const list = new net.BlockList();
  list.addAddress(b, net.isIPv6(b) ? 'ipv6' : 'ipv4');
  return list.check(a, net.isIPv6(a) ? 'ipv6' : 'ipv4');
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = net.isIPv6(network) ? 'ipv6' : net.isIPv4(network) ? 'ipv4' : undefined;
  const hostFamily = net.isIPv6(host) ? 'ipv6' : net.isIPv4(host) ? 'ipv4' : undefined;
  if (!family || !hostFamily || !/^\d+$/.test(bits ?? '')) return false;
  const list = new net.BlockList();
  list.addSubnet(network, Number(bits), family);
  return list.check(host, hostFamily);
}
