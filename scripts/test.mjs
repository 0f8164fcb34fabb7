// `npm test`: type check, build, unit, integration, then end-to-end in real VS Code (code-server).
// `node scripts/test.mjs unit integration` runs only the named stages.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const all = ['typecheck', 'build', 'unit', 'integration', 'e2e'];
const asked = process.argv.slice(2);
const stages = asked.length ? asked : all;

function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

function nodeTests(title, dir, extra = []) {
  const files = testFiles(dir);
  if (!files.length) {
    console.error(`${title}: no test files under ${dir}`);
    process.exit(1);
  }
  run(title, process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files]);
}

// End-to-end specs drive a real code-server in Chromium on 2 shared cores: a spec file that fails
// is run once more, and the first failure stays in the log (as Playwright's `retries` does).
function e2eTests() {
  const files = testFiles('test/e2e');
  if (!files.length) {
    console.error('e2e: no test files under test/e2e');
    process.exit(1);
  }
  const flaky = [];
  for (const file of files) {
    const args = ['--import', 'tsx', '--test', '--test-reporter=spec', file];
    console.log(`\n=== e2e: ${file}`);
    if (spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0) continue;
    console.log(`=== e2e: ${file} FAILED; running it once more`);
    run(`e2e retry ${file}`, process.execPath, args);
    flaky.push(file);
  }
  if (flaky.length) console.log(`=== e2e: passed on retry after a first failure (look at test-output/e2e): ${flaky.join(', ')}`);
}

for (const stage of stages) {
  switch (stage) {
    case 'typecheck': run('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']); break;
    case 'build': run('build', process.execPath, ['esbuild.mjs']); break;
    case 'unit': nodeTests('unit', 'test/unit'); break;
    case 'integration': nodeTests('integration', 'test/integration', ['--test-concurrency=2']); break;
    case 'e2e':
      run('tools', process.execPath, ['scripts/install-tools.mjs']);
      run('package', 'npm', ['run', 'package', '--silent']);
      e2eTests();
      break;
    default: console.error(`unknown stage ${stage}; stages: ${all.join(', ')}`); process.exit(2);
  }
}
