#!/usr/bin/env node
// `npm run test:electron`: a smoke suite in desktop VS Code (Electron) through @vscode/test-electron.
// Not part of `npm test` (CI drives code-server, see test/e2e); for machines with desktop VS Code.
//
//   VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron
//   VSCODE_EXECUTABLE="/Applications/Visual Studio Code.app/Contents/MacOS/Electron" npm run test:electron
//
// It builds the extension, then starts that VS Code with the extension under development
// (--extensionDevelopmentPath), a throwaway user-data-dir, extensions-dir and workspace, and runs
// test/electron/suite.cjs inside its extension host. @vscode/test-electron is never asked to
// download VS Code (this machine has no internet access).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exe = process.env.VSCODE_EXECUTABLE;
if (!exe) {
  console.error([
    'test:electron needs desktop VS Code: set VSCODE_EXECUTABLE to its executable, e.g.',
    '  VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron            (Linux, .deb/.rpm)',
    '  VSCODE_EXECUTABLE="$HOME/VSCode-linux-x64/code" npm run test:electron   (Linux, tarball)',
    '  VSCODE_EXECUTABLE="/Applications/Visual Studio Code.app/Contents/MacOS/Electron" npm run test:electron',
    'It runs test/electron/suite.cjs (activation, every contributed command registered) in that VS Code.',
    'CI does not use it: `npm test` runs the end-to-end specs in code-server (test/e2e).',
  ].join('\n'));
  process.exit(2);
}
if (!fs.existsSync(exe)) {
  console.error(`VSCODE_EXECUTABLE=${exe} does not exist`);
  process.exit(2);
}

const build = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const { runTests } = await import('@vscode/test-electron');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pe-electron-'));
const workspace = path.join(tmp, 'workspace');
fs.mkdirSync(workspace, { recursive: true });
try {
  const code = await runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test', 'electron', 'suite.cjs'),
    launchArgs: [
      workspace,
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
    ],
    extensionTestsEnv: { PROBE_EXPLORER_ELECTRON_TEST: '1' },
  });
  process.exitCode = code;
} catch (e) {
  console.error(`test:electron failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
