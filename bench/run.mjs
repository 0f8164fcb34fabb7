// `npm run bench [-- filter...]`: runs every bench/*.bench.ts (or .bench.mjs) one after the other
// with tsx. Each prints JSON lines {"bench","ours","peer","ratio","unit"}; their stdout passes through.
// Arguments keep only the benchmark files whose name contains one of them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);
const files = fs.readdirSync(path.join(root, 'bench'))
  .filter((name) => /\.bench\.(ts|mjs)$/.test(name))
  .filter((name) => !filters.length || filters.some((f) => name.includes(f)))
  .sort();

if (!files.length) {
  console.error(`bench: no benchmark matches ${filters.join(', ') || '(any)'}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.error(`bench: ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', file)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${file} FAILED (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
