// One undici dispatcher per device: keep-alive sockets, at most `connections` of them, the device's
// TLS policy enforced on every socket (direct or tunnelled through a proxy). Never global.
import type { Dispatcher, Pool, ProxyAgent, buildConnector } from 'undici';
import { undici } from './undici';
import type { TlsPolicy } from './types';
import type { ProxyRoute } from './proxy';
import { guardConnector, tlsOptionsOf } from './tls';

export interface DispatcherOptions {
  policy: TlsPolicy;
  route: ProxyRoute;
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs?: number;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { policy, route, connections, connectTimeoutMs } = options;
  const { Agent, Pool, ProxyAgent, buildConnector } = undici();
  const common = {
    connections,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: 60_000,
  };
  // No TLS session resumption: a resumed session would skip the certificate we must inspect.
  const deviceTls = { ...tlsOptionsOf(policy), maxCachedSessions: 0, timeout: connectTimeoutMs };
  if (!route.proxyUrl) {
    return new Agent({ ...common, connect: guardConnector(buildConnector(deviceTls), policy) });
  }
  return new ProxyAgent({
    ...common,
    uri: route.proxyUrl,
    requestTls: deviceTls,
    proxyTls: { rejectUnauthorized: route.strictSSL, timeout: connectTimeoutMs },
    // The agent hands each origin pool the tunnelling connector; the policy check wraps it.
    factory: (origin: string | URL, poolOptions: Pool.Options) =>
      new Pool(origin, { ...poolOptions, connect: guardConnector(poolOptions.connect as buildConnector.connector, policy) }),
  } as ProxyAgent.Options);
}
