// Names of the files the results view exports. Pure: the panel checks the folder through VS Code.

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A file name made of the result title and the local time to the second: safe on every platform. */
export function exportFileName(title: string, ext: string, when = new Date()): string {
  const slug = title.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60) || 'result';
  return `${slug}-${stamp(when)}.${ext}`;
}

/**
 * `name`, or `name-2.ext`, `name-3.ext`… : the first that `taken` says is free, so two exports of
 * the same result within one second never overwrite each other.
 */
export async function freeExportName(name: string, taken: (candidate: string) => Promise<boolean>, limit = 1000): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; n <= limit; n++) {
    const candidate = n === 1 ? name : `${base}-${n}${ext}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new Error(`No free file name for ${name} (${limit} taken).`);
}
