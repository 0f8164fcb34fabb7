import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryString } from '../../src/http/request-parts';

test('blanks in query values are sent as %20, never +, as the Allegro document asks', () => {
  const q = queryString({ expression: 'ip==10.0.0.1 and l4Protocol==TCP' });
  assert.equal(q, '?expression=ip%3D%3D10.0.0.1%20and%20l4Protocol%3D%3DTCP');
  assert.ok(!q.includes('+'));
});

test('a literal + in a value stays distinguishable from a blank', () => {
  assert.equal(new URLSearchParams(queryString({ v: 'a+b c' }).slice(1)).get('v'), 'a+b c');
});

test('undefined and null are left out, arrays repeat the key', () => {
  assert.equal(queryString({ a: undefined, b: null, c: [1, 2], d: true }), '?c=1&c=2&d=true');
  assert.equal(queryString({}), '');
});
