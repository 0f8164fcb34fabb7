#!/usr/bin/env node
// `npm start`: the one-command demo. From a fresh clone it
//   1. installs what is missing (npm ci when node_modules is absent; tools via install-tools.mjs),
//   2. builds and packages the extension (dist/probe-explorer.vsix),
//   3. starts both simulated appliances (`npm run sim` contract: one JSON line on stdout),
//   4. writes demo-workspace/ (git-ignored): devices pinned to the simulators' certificate
//      fingerprints, a sample note, a sample report file, and a one-shot secrets bootstrap file,
//   5. installs the vsix into an isolated extensions dir and starts code-server on 127.0.0.1,
//   6. prints the URL. Ctrl-C stops everything it started.
//
// Flags:
//   --desktop        open desktop VS Code (`code` on PATH) instead of code-server
//   --port N         code-server port (default: a free one)
//   --no-package     reuse dist/probe-explorer.vsix as is
//   --seed S         simulator seed (default 1)
//   --workspace DIR  demo workspace folder (default demo-workspace/; the e2e spec uses a temp folder)
//
// Secrets: SecretStorage cannot be written from outside VS Code, so the demo writes
// demo-workspace/.vscode/probe-explorer.secrets.json (mode 0600, git-ignored with the folder). On
// activation the extension imports each entry into SecretStorage under the device's key and deletes
// the file (src/devices/secretsBootstrap.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { toolPaths, root } from './install-tools.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const desktop = flag('--desktop');
const seed = option('--seed', '1');
const started = Date.now();
const say = (msg) => console.log(`[start] ${msg}`);
const children = [];
let stopping = false;

function die(msg) {
  console.error(`[start] FAILED: ${msg}`);
  stopAll().then(() => process.exit(1));
}

function runOrDie(title, cmd, cmdArgs, opts = {}) {
  say(`${title}: ${cmd} ${cmdArgs.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${title} failed (exit ${r.status ?? r.signal})`);
  say(`${title}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function track(child, name) {
  children.push({ child, name });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited unexpectedly (${code ?? signal}); stopping`);
      stopAll().then(() => process.exit(1));
    }
  });
  return child;
}

async function stopAll() {
  stopping = true;
  await Promise.all(children.map(({ child }) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    try { process.kill(-child.pid, 'SIGTERM'); } catch { try { child.kill('SIGTERM'); } catch { resolve(); } }
    setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000).unref();
  })));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** SHA-256 fingerprint (upper-case hex with colons) of the certificate a TLS server presents. */
function fingerprintOfServer(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port || 443), servername: u.hostname === '127.0.0.1' ? undefined : u.hostname, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert?.raw) return reject(new Error(`${url} presented no certificate`));
      resolve(createHash('sha256').update(cert.raw).digest('hex').toUpperCase().match(/../g).join(':'));
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`TLS handshake with ${url} timed out`)));
    socket.on('error', reject);
  });
}

/** Starts `npm run sim`'s program and resolves with its one JSON line. */
function startSimulators() {
  const built = path.join(root, 'dist', 'simulator.js');
  const simArgs = ['--allegro-port', '0', '--appresponse-port', '0', '--seed', seed];
  const [cmd, cmdArgs] = fs.existsSync(built)
    ? [process.execPath, [built, ...simArgs]]
    : [process.execPath, ['--import', 'tsx', path.join(root, 'src', 'simulator', 'cli.ts'), ...simArgs]];
  if (!fs.existsSync(built) && !fs.existsSync(path.join(root, 'src', 'simulator', 'cli.ts'))) {
    throw new Error('no simulator: neither dist/simulator.js nor src/simulator/cli.ts exists');
  }
  say(`starting the simulated appliances: ${path.relative(root, cmdArgs[0]) || cmdArgs[0]} ${simArgs.join(' ')}`);
  const child = track(spawn(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true }), 'simulator');
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the simulator printed no JSON line within 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      try { resolve(JSON.parse(line)); } catch { reject(new Error(`simulator printed something that is not JSON: ${line.slice(0, 200)}`)); }
    });
  });
}

export const DEMO_DEVICES = { allegro: 'Demo Allegro', appresponse: 'Demo AppResponse' };

const sampleNote = `# Demo notes

Analyst notes live beside the captures they explain.

1. Open the **Probe Explorer** view in the activity bar: two simulated appliances are configured.
2. Expand **Demo Allegro → modules → ip → ips → :ip**, pick an address and open it to see its counters.
3. With this note active, run **Download pcap…** on an IP: the pcap lands beside this note with a
   \`.pcap.json\` sidecar and a link is added here.
4. Open \`sample.probe-report.json\` and run it (**Probe Explorer: Run Report**) against Demo AppResponse.

## Captures
`;

const sampleReport = {
  device: DEMO_DEVICES.appresponse,
  data_defs: [
    {
      reference: 'Top 10 IPs by traffic',
      source: { name: 'aggregates' },
      group_by: ['tcp.ip'],
      time: { duration: '1 hour' },
      limit: 10,
      top_by: [{ id: 'sum_traffic.total_bytes', direction: 'desc' }],
      columns: ['tcp.ip', 'tcp.dns', 'sum_traffic.total_bytes'],
    },
  ],
};

/** Writes the demo workspace and its one-shot secrets bootstrap file; returns its path. */
export function writeDemoWorkspace(dir, sim, fingerprints) {
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const devices = [
    { name: DEMO_DEVICES.allegro, kind: 'allegro', url: sim.allegro.url, auth: 'basic', username: sim.allegro.username, tls: { mode: 'pin', fingerprint: fingerprints.allegro } },
    { name: DEMO_DEVICES.appresponse, kind: 'appresponse', url: sim.appresponse.url, auth: 'token', username: sim.appresponse.username, tls: { mode: 'pin', fingerprint: fingerprints.appresponse } },
  ];
  const settingsFile = path.join(dir, '.vscode', 'settings.json');
  let settings = {};
  try { settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* fresh */ }
  settings['probeExplorer.devices'] = devices;
  fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  const secrets = [
    { device: DEMO_DEVICES.allegro, kind: 'password', value: sim.allegro.password },
    { device: DEMO_DEVICES.appresponse, kind: 'password', value: sim.appresponse.password },
  ];
  if (sim.allegro.token) secrets.push({ device: DEMO_DEVICES.allegro, kind: 'token', value: sim.allegro.token });
  writeSecretsBootstrap(dir, secrets);
  const note = path.join(dir, 'notes.md');
  if (!fs.existsSync(note)) fs.writeFileSync(note, sampleNote);
  fs.writeFileSync(path.join(dir, 'sample.probe-report.json'), `${JSON.stringify(sampleReport, null, 2)}\n`);
  return { devices, settingsFile };
}

/**
 * The one-shot secrets file the extension imports into SecretStorage at activation, then deletes.
 * Shape: { "version": 1, "secrets": [{ "device": name, "kind": "password" | "token", "value": "…" }] }.
 */
export function writeSecretsBootstrap(workspace, secrets) {
  const file = path.join(workspace, '.vscode', 'probe-explorer.secrets.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${JSON.stringify({ version: 1, secrets }, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('code-server exited');
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function main() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (stopping) return;
      say(`${sig}: stopping everything started by npm start…`);
      stopAll().then(() => { say('stopped'); process.exit(0); });
    });
  }
  // 1. tools (in the background: a first install takes minutes) and dependencies
  const tools = desktop ? Promise.resolve(0) : new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'install-tools.mjs'), '--no-playwright'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push({ child, name: 'install-tools' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    runOrDie('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
  } else {
    say('node_modules present: skipping npm ci');
  }
  // 2. build and package
  const vsix = path.join(root, 'dist', 'probe-explorer.vsix');
  if (flag('--no-package') && fs.existsSync(vsix)) say('reusing dist/probe-explorer.vsix (--no-package)');
  else runOrDie('package', 'npm', ['run', 'package', '--silent']);

  // 3. simulators
  const sim = await startSimulators();
  const fingerprints = {
    allegro: sim.allegro.fingerprint ?? await fingerprintOfServer(sim.allegro.url),
    appresponse: sim.appresponse.fingerprint ?? await fingerprintOfServer(sim.appresponse.url),
  };
  say(`Allegro simulator     ${sim.allegro.url} (user ${sim.allegro.username}, certificate ${fingerprints.allegro.slice(0, 23)}…)`);
  say(`AppResponse simulator ${sim.appresponse.url} (user ${sim.appresponse.username}, certificate ${fingerprints.appresponse.slice(0, 23)}…)`);

  // 4. demo workspace
  const workspace = path.resolve(option('--workspace', path.join(root, 'demo-workspace')));
  writeDemoWorkspace(workspace, sim, fingerprints);
  say(`demo workspace: ${workspace} (devices pinned to the simulators' certificates; secrets in a one-shot 0600 file the extension imports and deletes)`);

  // 5. VS Code
  const extensionsDir = path.join(workspace, '.vscode-demo', 'extensions');
  const userDataDir = path.join(workspace, '.vscode-demo', 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const userSettings = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(userSettings)) {
    fs.writeFileSync(userSettings, `${JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'files.exclude': { '.vscode-demo': true },
    }, null, 2)}\n`);
  }

  if (desktop) {
    const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
    if (!code) throw new Error('--desktop: `code` is not on the PATH (drop --desktop to use code-server in the browser)');
    runOrDie('install extension', code, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force']);
    const child = track(spawn(code, ['--wait', '--new-window', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, workspace], { stdio: 'inherit', detached: true }), 'VS Code');
    say(`desktop VS Code started on ${workspace} after ${((Date.now() - started) / 1000).toFixed(0)} s. Close its window or press Ctrl-C to stop the simulators.`);
    child.removeAllListeners('exit');
    child.on('exit', () => { if (!stopping) { say('VS Code closed; stopping'); stopAll().then(() => process.exit(0)); } });
    return;
  }

  say('waiting for the tools…');
  if ((await tools) !== 0) throw new Error('tools are not ready (see [tools] messages above)');
  const toolsPaths = toolPaths();
  // code-server's own config and logs stay in the demo folder, not in ~/.config or ~/.local/share.
  const csHome = path.join(workspace, '.vscode-demo', 'code-server');
  fs.mkdirSync(csHome, { recursive: true });
  const csConfig = path.join(csHome, 'config.yaml');
  fs.writeFileSync(csConfig, 'auth: none\ncert: false\n');
  const csEnv = { ...process.env, XDG_DATA_HOME: csHome };
  runOrDie('install extension', toolsPaths.node, [toolsPaths.codeServerEntry, '--config', csConfig, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], { stdio: ['ignore', 'inherit', 'inherit'], env: csEnv });
  const port = Number(option('--port', 0)) || await freePort();
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  say(`starting code-server ${toolsPaths.codeServerDir} on 127.0.0.1:${port}`);
  const logFile = path.join(workspace, '.vscode-demo', 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const cs = track(spawn(toolsPaths.node, [
    toolsPaths.codeServerEntry,
    '--config', csConfig,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    workspace,
  ], { cwd: root, stdio: ['ignore', out, out], detached: true, env: csEnv }), 'code-server');
  fs.closeSync(out);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 90_000, cs);
  console.log('');
  console.log(`  Probe Explorer demo is ready (${((Date.now() - started) / 1000).toFixed(0)} s):`);
  console.log('');
  console.log(`    ${url}`);
  console.log('');
  console.log(`  Open it in a browser; the Probe Explorer activity-bar icon shows "${DEMO_DEVICES.allegro}" and "${DEMO_DEVICES.appresponse}".`);
  console.log(`  code-server log: ${path.relative(root, logFile)}. Press Ctrl-C to stop code-server and the simulators.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => die(e instanceof Error ? e.message : String(e)));
}
