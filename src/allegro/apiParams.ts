// URI content parameters of the Allegro OPTIONS hierarchy (`:ip`, `:mac`, `:port`, `:vlan`, ...):
// what kind of value each one takes, how to validate what a person types, which list endpoint
// lists real values for it, and how to read a value out of a list entry. Pure: no vscode, no network.
import { isIP } from 'node:net';
import { formatBytes } from '../shared/format';

export type ParamKind = 'ip' | 'mac' | 'port' | 'vlan' | 'integer' | 'text';

export interface ParamSpec {
  /** The name without the leading colon, e.g. `ip`. */
  name: string;
  kind: ParamKind;
  /** Fields of a `displayedItems[]` entry that may carry the value, best first. */
  itemFields: string[];
}

export type Validation = { ok: true; value: string } | { ok: false; message: string };

const aliases: Record<Exclude<ParamKind, 'integer' | 'text'>, string[]> = {
  ip: ['ip', 'ipv4', 'ipv6', 'ipaddr', 'ipaddress', 'address', 'peer', 'client', 'server', 'host'],
  mac: ['mac', 'macaddr', 'macaddress', 'ether'],
  port: ['port', 'l4port', 'tcpport', 'udpport', 'serverport', 'clientport'],
  vlan: ['vlan', 'vlanid', 'vid'],
};

const itemFieldsOf: Record<ParamKind, string[]> = {
  ip: ['ip', 'ipAddress', 'address', 'addr'],
  mac: ['mac', 'macAddress', 'address'],
  port: ['port', 'portNumber', 'serverPort'],
  vlan: ['vlan', 'vlanId', 'id'],
  integer: ['id', 'index'],
  text: ['name', 'id'],
};

const integerNames = new Set(['id', 'index', 'slot', 'slotid', 'group', 'groupid', 'interface', 'buffer', 'number']);

/** `:ip` → { name: 'ip', kind: 'ip', ... }; undefined when `segment` is not a parameter. */
export function paramSpecOf(segment: string): ParamSpec | undefined {
  if (!segment.startsWith(':') || segment.length < 2) return undefined;
  const name = segment.slice(1);
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  let kind: ParamKind = 'text';
  for (const [k, names] of Object.entries(aliases) as [ParamKind, string[]][]) {
    if (names.includes(key)) kind = k;
  }
  if (kind === 'text' && integerNames.has(key)) kind = 'integer';
  // e.g. :country → country, countryCode, countryName (the names Allegro lists use)
  const fields = [name, `${name}Code`, `${name}Id`, `${name}Name`, ...itemFieldsOf[kind].filter((f) => f !== name)];
  if (kind !== 'text') fields.push('name');
  return { name, kind, itemFields: [...new Set(fields)] };
}

/** What the "Enter value…" prompt shows as a hint. */
export function placeholderOf(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'ip': return 'IPv4 or IPv6 address, e.g. 10.1.2.3 or fe80::1';
    case 'mac': return 'MAC address, e.g. 00:11:22:aa:bb:cc';
    case 'port': return 'port number 0–65535, e.g. 443';
    case 'vlan': return 'VLAN id 0–4095';
    case 'integer': return 'a whole number';
    default: return `value of :${spec.name}`;
  }
}

function integerIn(raw: string, min: number, max: number, what: string): Validation {
  if (!/^\d+$/.test(raw)) return { ok: false, message: `"${raw}" is not a ${what}: expected a whole number ${min}–${max}` };
  const n = Number(raw);
  if (n < min || n > max) return { ok: false, message: `${what} ${raw} is out of range ${min}–${max}` };
  return { ok: true, value: String(n) };
}

/** Validates (and normalises) a typed value before any request is made. */
export function validateParamValue(spec: ParamSpec, input: string): Validation {
  const raw = input.trim();
  if (!raw) return { ok: false, message: `enter a value for :${spec.name}` };
  switch (spec.kind) {
    case 'ip': {
      const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
      const family = isIP(bare);
      if (family === 4) return { ok: true, value: bare };
      if (family === 6 && !bare.includes('%')) return { ok: true, value: bare.toLowerCase() };
      return { ok: false, message: `"${raw}" is not an IPv4 or IPv6 address` };
    }
    case 'mac': {
      let hex: string | undefined;
      if (/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(raw)) {
        const sep = raw[2];
        if (raw.split(sep).length === 6) hex = raw.replace(/[:-]/g, '');
      } else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(raw)) hex = raw.replace(/\./g, '');
      else if (/^[0-9a-f]{12}$/i.test(raw)) hex = raw;
      if (!hex) return { ok: false, message: `"${raw}" is not a MAC address (expected six hex pairs such as 00:11:22:aa:bb:cc)` };
      return { ok: true, value: hex.toLowerCase().match(/../g)!.join(':') };
    }
    case 'port': return integerIn(raw, 0, 65535, 'port');
    case 'vlan': return integerIn(raw, 0, 4095, 'VLAN id');
    case 'integer': return integerIn(raw, 0, Number.MAX_SAFE_INTEGER, 'number');
    default:
      if (raw.length > 256) return { ok: false, message: 'the value is longer than 256 characters' };
      if (/[\s/?#]/.test(raw)) return { ok: false, message: `"${raw}" may not contain spaces, "/", "?" or "#"` };
      return { ok: true, value: raw };
  }
}

/** Path segment of a value: encoded, but `:` and `.` stay readable as in the document's examples. */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

/**
 * Candidates for the list endpoint that lists values of `spec` under the resource `parentName`,
 * given the names the grandparent `moduleName` offers (its OPTIONS answer). `ips` + `:ip` among
 * [protocol, ips, ips_paged] → `ips_paged`. undefined: list the parent itself (e.g. `peers`).
 */
export function pagedSiblingFor(parentName: string, spec: ParamSpec, siblings: readonly string[], moduleName?: string): string | undefined {
  const paged = siblings.filter((s) => s.endsWith('_paged'));
  if (!paged.length) return undefined;
  const singular = parentName.replace(/e?s$/, '');
  const wanted = [`${parentName}_paged`, `${spec.name}s_paged`, `${spec.name}_paged`, `${singular}_paged`, `${singular}s_paged`];
  // dpi/protocols/:protocol is listed by dpi/dpi_paged: the list named after the module.
  if (moduleName) wanted.push(`${moduleName}_paged`);
  for (const w of wanted) if (paged.includes(w)) return w;
  return undefined;
}

export interface ListedValue {
  value: string;
  /** Short description for the tree, e.g. host name and traffic. */
  description?: string;
  /** The list entry itself (tooltip, capture metadata). */
  item: unknown;
}

/** Bytes of a traffic counter array: [rxPackets, rxBytes, txPackets, txBytes, ...]. */
function counterBytes(counter: unknown): number | undefined {
  if (!Array.isArray(counter) || counter.length < 4) return undefined;
  const rx = Number(counter[1]);
  const tx = Number(counter[3]);
  return Number.isFinite(rx) && Number.isFinite(tx) ? rx + tx : undefined;
}

/** Reads the value of `spec` out of one list entry (string, number or `displayedItems[]` object). */
export function valueOfItem(spec: ParamSpec, item: unknown): ListedValue | undefined {
  if (typeof item === 'string' || typeof item === 'number') return { value: String(item), item };
  if (!item || typeof item !== 'object') return undefined;
  const rec = item as Record<string, unknown>;
  const field = spec.itemFields.find((f) => typeof rec[f] === 'string' || typeof rec[f] === 'number');
  if (!field) return undefined;
  const value = String(rec[field]);
  const parts: string[] = [];
  for (const k of ['hostName', 'name', 'countryName', 'protocol']) {
    if (k !== field && typeof rec[k] === 'string' && rec[k]) {
      parts.push(rec[k] as string);
      break;
    }
  }
  const bytes = counterBytes(rec.interval) ?? counterBytes(rec.allTime);
  if (bytes !== undefined) parts.push(formatBytes(bytes));
  return { value, description: parts.length ? parts.join(' · ') : undefined, item };
}
