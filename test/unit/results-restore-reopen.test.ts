// A capture summary comes back after a window reload: its restore state names the Summarize command
// and the capture's file, and only that (an allow-listed command on a file: URI) is accepted back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reopenOf, requestFromState } from '../../src/panels/resultsRestore';

const uri = 'file:///work/notes/captures/web%20slow.pcap';

test('a static result with a Summarize recipe is restored as a table to make again', () => {
  const restored = requestFromState({ restore: { kind: 'static', title: 'web slow.pcap', reopen: { command: 'probeExplorer.summarizeCapture', uri } } });
  assert.ok(restored);
  assert.equal(restored.lostStatic, true, 'the tables themselves were not kept');
  assert.deepEqual(restored.request, { kind: 'table', title: 'web slow.pcap', tables: [], reopen: { command: 'probeExplorer.summarizeCapture', uri } });
});

test('only an allow-listed command on a file: URI is taken from the webview state', () => {
  assert.equal(reopenOf({ command: 'workbench.action.terminal.sendSequence', uri }), undefined);
  assert.equal(reopenOf({ command: 'probeExplorer.summarizeCapture', uri: 'https://example.com/x.pcap' }), undefined);
  assert.equal(reopenOf({ command: 'probeExplorer.summarizeCapture' }), undefined);
  assert.equal(reopenOf('probeExplorer.summarizeCapture'), undefined);
  const other = requestFromState({ restore: { kind: 'static', title: 'x', reopen: { command: 'vscode.open', uri } } });
  assert.deepEqual(other?.request, { kind: 'json', title: 'x', value: null }, 'anything else stays "not kept"');
});
