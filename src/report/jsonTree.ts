// A tolerant JSON parser that keeps offsets, so validator paths (`data_defs[0].filters[1].value`)
// map back to ranges in the report file and the cursor maps to the property it is in.
// It accepts comments and trailing commas (VS Code's `json` mode shows those as its own errors).

export interface JsonNode {
  type: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  /** Offset of the first character of the value. */
  start: number;
  /** Offset after the value; for an unterminated container, the end of the text. */
  end: number;
  parent?: JsonNode;
  /** The property name when this node is an object member's value. */
  key?: string;
  /** Offsets of the key string (with quotes) for members. */
  keyStart?: number;
  keyEnd?: number;
  /** Index in the parent array. */
  index?: number;
  children?: JsonNode[];
  /** Scalars: the decoded value. */
  value?: string | number | boolean | null;
  /** Strings: for each character of the decoded value, its offset in the text (escapes make them differ). */
  offsets?: number[];
}

export interface JsonParse {
  root: JsonNode | undefined;
  errors: { start: number; end: number; message: string }[];
}

export function parseJsonTree(text: string): JsonParse {
  let i = 0;
  const errors: JsonParse['errors'] = [];
  const ws = () => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; }
      else if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 2; }
      else return;
    }
  };
  const str = (): JsonNode => {
    const start = i++;
    let value = '';
    const offsets: number[] = [];
    while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
      if (text[i] === '\\') {
        const at = i;
        const e = text[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; }
        else if (e !== undefined && e in simple) { value += simple[e]; i += 2; }
        else { value += e ?? ''; i += 2; }
        offsets.push(at);
        continue;
      }
      offsets.push(i);
      value += text[i++];
    }
    offsets.push(i); // the offset just after the last character (the closing quote's position)
    if (text[i] === '"') i++;
    else errors.push({ start, end: i, message: 'unterminated string' });
    return { type: 'string', start, end: i, value, offsets };
  };
  const value = (depth: number): JsonNode | undefined => {
    ws();
    const c = text[i];
    if (c === undefined) return undefined;
    if (depth > 200) { errors.push({ start: i, end: i + 1, message: 'nested too deeply' }); i = text.length; return undefined; }
    if (c === '{') {
      const node: JsonNode = { type: 'object', start: i++, end: i, children: [] };
      for (;;) {
        ws();
        if (text[i] === '}') { i++; break; }
        if (i >= text.length) { errors.push({ start: node.start, end: i, message: 'unclosed object' }); break; }
        if (text[i] === ',') { i++; continue; }
        if (text[i] !== '"') { errors.push({ start: i, end: i + 1, message: 'expected a property name' }); i++; continue; }
        const k = str();
        ws();
        if (text[i] === ':') i++;
        else errors.push({ start: i, end: i + 1, message: 'expected ":"' });
        const v = value(depth + 1) ?? { type: 'null', start: i, end: i, value: null };
        v.key = String(k.value);
        v.keyStart = k.start;
        v.keyEnd = k.end;
        v.parent = node;
        node.children!.push(v);
      }
      node.end = i;
      return node;
    }
    if (c === '[') {
      const node: JsonNode = { type: 'array', start: i++, end: i, children: [] };
      for (;;) {
        ws();
        if (text[i] === ']') { i++; break; }
        if (i >= text.length) { errors.push({ start: node.start, end: i, message: 'unclosed array' }); break; }
        if (text[i] === ',') { i++; continue; }
        const before = i;
        const v = value(depth + 1);
        if (!v || i === before) { errors.push({ start: before, end: before + 1, message: 'unexpected character' }); i = Math.max(i, before + 1); continue; }
        v.parent = node;
        v.index = node.children!.length;
        node.children!.push(v);
      }
      node.end = i;
      return node;
    }
    if (c === '"') return str();
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (m) {
      const start = i;
      i += m[0].length;
      const v = m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
      return { type: v === null ? 'null' : typeof v === 'boolean' ? 'boolean' : 'number', start, end: i, value: v };
    }
    errors.push({ start: i, end: i + 1, message: `unexpected "${c}"` });
    i++;
    return undefined;
  };
  const root = value(0);
  return { root, errors };
}

/** `data_defs[0].filters[1].value` → ['data_defs', 0, 'filters', 1, 'value']. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

export function pathOf(node: JsonNode): string {
  const parts: string[] = [];
  for (let n: JsonNode | undefined = node; n?.parent; n = n.parent) {
    parts.unshift(n.key !== undefined ? `.${n.key}` : `[${n.index}]`);
  }
  return parts.join('').replace(/^\./, '');
}

/** The deepest node at a path that exists (a missing property maps to its closest ancestor). */
export function nodeAtPath(root: JsonNode | undefined, path: string): { node: JsonNode; exact: boolean } | undefined {
  if (!root) return undefined;
  let node = root;
  for (const part of splitPath(path)) {
    const next = typeof part === 'number'
      ? (node.type === 'array' ? node.children!.find((c) => c.index === part) : undefined)
      : (node.type === 'object' ? [...node.children!].reverse().find((c) => c.key === part) : undefined);
    if (!next) return { node, exact: false };
    node = next;
  }
  return { node, exact: true };
}

/** The innermost node containing the offset (strings count up to their closing quote). */
export function nodeAtOffset(root: JsonNode | undefined, offset: number): JsonNode | undefined {
  if (!root || offset < root.start || offset > root.end) return undefined;
  let node = root;
  for (;;) {
    const child = node.children?.find((c) => c.start <= offset && offset <= c.end && !(c.end === offset && c.type !== 'string' && c.type !== 'number'));
    if (!child) return node;
    node = child;
  }
}

/** Plain JavaScript value of a node. */
export function toValue(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const c of node.children!) o[c.key!] = toValue(c);
      return o;
    }
    case 'array': return node.children!.map(toValue);
    default: return node.value;
  }
}

/** Text offset of character `index` of a string node's decoded value (index may equal the length). */
export function stringOffset(node: JsonNode, index: number): number {
  const offs = node.offsets ?? [];
  return offs[Math.max(0, Math.min(index, offs.length - 1))] ?? node.start + 1 + index;
}

/** Index in the decoded value of a text offset inside a string node. */
export function stringIndexAt(node: JsonNode, offset: number): number {
  const offs = node.offsets ?? [];
  let i = 0;
  while (i < offs.length - 1 && offs[i] < offset) i++;
  return i;
}
