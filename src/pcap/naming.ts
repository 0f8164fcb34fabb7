// Safe capture file names: whatever a device or a user supplies, the file lands inside the
// target folder, with a portable name, and never replaces an existing file (name, name-1, ...).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_BASE_LENGTH = 120;

/**
 * Reduces any text (a device path such as `fs/admin/../x.pcap`, an expression, a user's input)
 * to one portable file-name stem: no separators, no control or reserved characters, no leading
 * dots, not a Windows device name, at most 120 characters.
 */
export function sanitizeBaseName(raw: string, fallback = 'capture'): string {
  let s = raw.normalize('NFC');
  // Keep only the last path segment, whichever separator the device uses.
  s = s.split(/[\\/]/).filter((p) => p !== '' && p !== '.' && p !== '..').pop() ?? '';
  s = s.replace(/\.(pcapng|pcap|cap|json|part)$/i, '');
  s = s.replace(/[^\p{L}\p{N}._-]+/gu, '_');
  s = s.replace(/_+/g, '_').replace(/^[._-]+/, '').replace(/[._ -]+$/, '');
  if (s.length > MAX_BASE_LENGTH) s = s.slice(0, MAX_BASE_LENGTH).replace(/[._ -]+$/, '');
  if (!s) s = fallback;
  if (WINDOWS_RESERVED.test(s.split('.')[0]!)) s = `_${s}`;
  return s;
}

/** A readable default stem: device, what was captured, when. */
export function defaultBaseName(parts: { device: string; subject?: string; time?: Date }): string {
  const t = (parts.time ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '').replace('T', '-');
  return sanitizeBaseName([parts.device, parts.subject, t].filter(Boolean).join('_'));
}

/** Resolves `name` inside `folder`; throws when the result would leave the folder. */
export function insideFolder(folder: string, name: string): string {
  const root = path.resolve(folder);
  const full = path.resolve(root, name);
  const rel = path.relative(root, full);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel) || rel.includes(path.sep)) {
    throw new Error(`refusing file name ${JSON.stringify(name)}: it is not a plain name inside ${root}`);
  }
  return full;
}

/** Candidate names in order: stem.ext, stem-1.ext, stem-2.ext, ... */
export function candidateName(stem: string, ext: string, n: number): string {
  return n === 0 ? `${stem}.${ext}` : `${stem}-${n}.${ext}`;
}

/** Whether anything (file, folder, link) is at `p`; other errors than ENOENT are thrown. */
export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** True when neither the capture, its sidecar nor its partial download exists. */
export async function nameIsFree(full: string): Promise<boolean> {
  return !(await exists(full)) && !(await exists(`${full}.json`)) && !(await exists(`${full}.part`));
}

/** First free name for stem.ext in folder (see nameIsFree). */
export async function firstFreeName(folder: string, stem: string, ext: string, limit = 10_000): Promise<string> {
  const safeStem = sanitizeBaseName(stem);
  for (let n = 0; n < limit; n++) {
    const full = insideFolder(folder, candidateName(safeStem, ext, n));
    if (await nameIsFree(full)) return full;
  }
  throw new Error(`no free file name for ${safeStem}.${ext} in ${folder}`);
}

/** Splits `/x/y/name-3.pcap` into stem `name-3` and extension `pcap`. */
export function splitName(full: string): { folder: string; stem: string; ext: string } {
  const base = path.basename(full);
  const dot = base.lastIndexOf('.');
  return { folder: path.dirname(full), stem: dot > 0 ? base.slice(0, dot) : base, ext: dot > 0 ? base.slice(dot + 1) : '' };
}
