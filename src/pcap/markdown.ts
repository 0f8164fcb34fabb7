// The Markdown link inserted into the analyst's note when a capture finishes.
import * as path from 'node:path';

/** Relative link target from the note's folder, with `/` separators and unsafe characters escaped. */
export function relativeLinkTarget(noteFile: string, captureFile: string): string {
  const rel = path.relative(path.dirname(noteFile), captureFile).split(path.sep).join('/');
  return rel.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

/** `[name.pcap](rel/name.pcap) (sidecar) - 120 packets, 1.2 MiB, ...` as one line. */
export function captureLinkLine(noteFile: string, captureFile: string, oneLine: string): string {
  const name = path.basename(captureFile).replace(/([\\[\]])/g, '\\$1');
  const target = relativeLinkTarget(noteFile, captureFile);
  return `[${name}](${target}) ([metadata](${target}.json)): ${oneLine.replace(/[\r\n]+/g, ' ')}`;
}
