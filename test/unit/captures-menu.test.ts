// The Captures view offers "Open Capture Metadata" only on captures that have a sidecar (a capture
// downloaded with curl has none: the entry only said "has no metadata file").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; when?: string }[]> };
};

test('Open Capture Metadata is in the context menu of captures with a sidecar only', () => {
  const entry = manifest.contributes.menus['view/item/context'].find((m) => m.command === 'probeExplorer.openSidecar');
  assert.ok(entry?.when, 'the entry has a when clause');
  const matches = (contextValue: string): boolean => {
    const m = /viewItem =~ \/(.+)\//.exec(entry.when!);
    assert.ok(m, entry.when);
    return new RegExp(m[1]).test(contextValue);
  };
  // src/views/captures.ts: 'capture sidecar' with a sidecar, 'capture' without.
  assert.equal(matches('capture sidecar'), true);
  assert.equal(matches('capture'), false);
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'views', 'captures.ts'), 'utf8');
  assert.match(source, /contextValue = item\.sidecar \? 'capture sidecar' : 'capture'/);
});
