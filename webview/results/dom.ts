// DOM helpers of the results webview. Device data only ever reaches the page through
// `textContent` and properties such as `title`; nothing here accepts HTML.

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with classes, attributes (set as attributes, never HTML) and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, attrs?: Attrs): HTMLElementTagNameMap[K];
export function el(tag: string, className?: string, text?: string, attrs?: Attrs): HTMLElement;
export function el(tag: string, className?: string, text?: string, attrs?: Attrs): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === false) continue;
      if (/^on/i.test(k) || k === 'style' || k === 'srcdoc') throw new Error(`refusing attribute ${k}`);
      node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  return node;
}

export function icon(name: string, className = ''): HTMLSpanElement {
  return el('span', `codicon codicon-${name} ${className}`.trim(), undefined, { 'aria-hidden': 'true' });
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Reads a CSS custom property of the body (theme colours). */
export function themeVar(name: string, fallback = ''): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}
