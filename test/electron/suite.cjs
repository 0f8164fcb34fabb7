// Smoke suite run inside desktop VS Code's extension host by scripts/test-electron.mjs.
// Plain CommonJS without a test framework: @vscode/test-electron calls run(); a throw fails the run.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const manifest = require(path.join(__dirname, '..', '..', 'package.json'));
const extensionId = `${manifest.publisher}.${manifest.name}`;

const tests = [
  ['the extension is installed under development', async () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `${extensionId} not found`);
  }],
  ['it activates without throwing', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    await ext.activate();
    assert.equal(ext.isActive, true);
  }],
  ['every command contributed in package.json is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  }],
  ['the Devices view can be focused', async () => {
    await vscode.commands.executeCommand('probeExplorer.devices.focus');
  }],
  ['the log command runs', async () => {
    await vscode.commands.executeCommand('probeExplorer.showLog');
  }],
];

exports.run = async function run() {
  let failed = 0;
  for (const [name, fn] of tests) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (e) {
      failed += 1;
      console.error(`not ok - ${name}\n  ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${tests.length - failed}/${tests.length} passed`);
  if (failed) throw new Error(`${failed} electron smoke test(s) failed`);
};
