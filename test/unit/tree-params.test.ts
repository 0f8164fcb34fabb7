import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramSpecOf, validateParamValue, pagedSiblingFor, valueOfItem, encodeSegment } from '../../src/allegro/apiParams';

const spec = (s: string) => paramSpecOf(s)!;

test('parameter segments are recognised by their colon and typed by name', () => {
  assert.equal(paramSpecOf('ips'), undefined);
  assert.equal(spec(':ip').kind, 'ip');
  assert.equal(spec(':mac').kind, 'mac');
  assert.equal(spec(':port').kind, 'port');
  assert.equal(spec(':vlan').kind, 'vlan');
  assert.equal(spec(':id').kind, 'integer');
  assert.equal(spec(':protocol').kind, 'text');
});

test('IPv4 and IPv6 addresses pass, malformed ones are refused', () => {
  assert.deepEqual(validateParamValue(spec(':ip'), ' 10.1.2.3 '), { ok: true, value: '10.1.2.3' });
  assert.deepEqual(validateParamValue(spec(':ip'), '[FE80::1]'), { ok: true, value: 'fe80::1' });
  for (const bad of ['10.1.2', '10.1.2.256', 'host.example', 'fe80::1::2', '']) {
    assert.equal(validateParamValue(spec(':ip'), bad).ok, false, bad);
  }
});

test('MAC addresses are normalised to lower-case colon form', () => {
  for (const form of ['00:11:22:AA:BB:CC', '00-11-22-aa-bb-cc', '0011.22aa.bbcc', '001122aabbcc']) {
    assert.deepEqual(validateParamValue(spec(':mac'), form), { ok: true, value: '00:11:22:aa:bb:cc' }, form);
  }
  for (const bad of ['00:11:22:aa:bb', '00:11-22:aa:bb:cc', 'zz:11:22:aa:bb:cc']) {
    assert.equal(validateParamValue(spec(':mac'), bad).ok, false, bad);
  }
});

test('ports are 0–65535 and VLAN ids 0–4095', () => {
  assert.deepEqual(validateParamValue(spec(':port'), '443'), { ok: true, value: '443' });
  assert.equal(validateParamValue(spec(':port'), '65536').ok, false);
  assert.equal(validateParamValue(spec(':port'), '-1').ok, false);
  assert.equal(validateParamValue(spec(':port'), '8o').ok, false);
  assert.deepEqual(validateParamValue(spec(':vlan'), '4095'), { ok: true, value: '4095' });
  assert.equal(validateParamValue(spec(':vlan'), '4096').ok, false);
});

test('free-text values may not smuggle path or query characters', () => {
  assert.equal(validateParamValue(spec(':protocol'), 'http').ok, true);
  for (const bad of ['a/b', 'a?b', 'a#b', 'a b']) assert.equal(validateParamValue(spec(':protocol'), bad).ok, false, bad);
});

test('the list endpoint is the _paged sibling named after the parent or the parameter', () => {
  assert.equal(pagedSiblingFor('ips', spec(':ip'), ['protocol', 'ips', 'ips_paged', 'globalConnections']), 'ips_paged');
  assert.equal(pagedSiblingFor('macs', spec(':mac'), ['macs', 'mac_paged']), 'mac_paged');
  assert.equal(pagedSiblingFor('vlans', spec(':vlan'), ['vlans', 'vlans_paged']), 'vlans_paged');
  assert.equal(pagedSiblingFor('peers', spec(':ip'), ['peers', 'ports']), undefined);
  assert.equal(pagedSiblingFor('peers', spec(':ip'), ['peers', 'dpi_paged']), undefined, 'an unrelated _paged list is not used');
  assert.equal(pagedSiblingFor('protocols', spec(':protocol'), ['protocols', 'dpi_paged'], 'dpi'), 'dpi_paged', 'the list named after the module');
});

test('values are read from list entries with a description of host and traffic', () => {
  const v = valueOfItem(spec(':ip'), { ip: '10.0.0.1', hostName: 'gw', allTime: [1, 1500, 1, 1500] });
  assert.deepEqual({ value: v?.value, description: v?.description }, { value: '10.0.0.1', description: 'gw · 3.00 kB' });
  assert.equal(valueOfItem(spec(':port'), 443)?.value, '443');
  assert.equal(valueOfItem(spec(':ip'), { other: 1 }), undefined);
  assert.deepEqual(valueOfItem(spec(':country'), { countryCode: 'DE', countryName: 'Germany' })?.value, 'DE');
});

test('path segments keep colons readable and encode the rest', () => {
  assert.equal(encodeSegment('ff:ff:ff:ff:ff:ff'), 'ff:ff:ff:ff:ff:ff');
  assert.equal(encodeSegment('a b'), 'a%20b');
});
