import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeScope, isDefaultScope, mmIdProblem, scopeKey, scopeOfQuery, scopeQuery } from '../../src/allegro/scope';

test('a scope is named the way an analyst says it, and sent as mm-id / group', () => {
  assert.equal(describeScope({}), 'Live traffic');
  assert.equal(describeScope({ mmId: ':1' }), 'Slot 1');
  assert.equal(describeScope({ mmId: 'local:2' }), 'Slot 2');
  assert.equal(describeScope({ mmId: 'branch1' }), 'branch1');
  assert.equal(describeScope({ mmId: 'branch1:2' }), 'branch1 · slot 2');
  assert.equal(describeScope({ group: 1 }), 'Link group 1');
  assert.equal(describeScope({ mmId: 'branch1', group: 3 }), 'branch1 · link group 3');
  assert.deepEqual(scopeQuery({ mmId: ' :1 ', group: 0 }), { 'mm-id': ':1' });
  assert.deepEqual(scopeQuery({ group: 2 }), { group: 2 });
  assert.deepEqual(scopeQuery({ mmId: '' }), {});
  assert.ok(isDefaultScope({ mmId: ' ', group: 0 }));
  assert.equal(scopeKey({ mmId: ':1' }), scopeKey({ mmId: ':1 ', group: 0 }));
  assert.notEqual(scopeKey({ mmId: ':1' }), scopeKey({ mmId: ':1', group: 1 }));
  // slot 0 is the live traffic: ":0", "local:0" are this device, "name:0" is the member itself
  assert.ok(isDefaultScope({ mmId: ':0' }) && isDefaultScope({ mmId: 'local:0' }) && isDefaultScope({ mmId: 'local' }));
  assert.equal(scopeKey({ mmId: 'b1:0' }), scopeKey({ mmId: 'b1' }));
  assert.equal(scopeKey({ mmId: 'local:2' }), scopeKey({ mmId: ':2' }));
  assert.deepEqual(scopeOfQuery({ 'mm-id': 'local:1', group: '2', count: 5 }), { mmId: ':1', group: 2 });
  assert.deepEqual(scopeOfQuery(undefined), {});
});

test('mm-id is checked as the document writes it: <device name>:<slot id>, the name may be left out', () => {
  for (const ok of ['', ':1', 'local:1', 'branch1', 'branch-1.example:12']) assert.equal(mmIdProblem(ok), undefined, ok);
  for (const bad of ['a b', ':x', 'a:1:2', 'branch1:']) assert.match(mmIdProblem(bad) ?? '', /must look like <device name>:<slot id>/, bad);
});
