import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bypassesProxy, proxyFor } from '../../src/http/proxy';

const url = (text: string) => new URL(text);

test('noProxy matches hosts, their subdomains, domains, IPs, CIDR blocks, ports and *', () => {
  assert.ok(bypassesProxy(url('https://probe.lan'), ['probe.lan']));
  assert.ok(bypassesProxy(url('https://mm1.probe.lan'), ['probe.lan']));
  assert.ok(bypassesProxy(url('https://mm1.probe.lan'), ['.probe.lan']));
  assert.ok(bypassesProxy(url('https://mm1.probe.lan'), ['*.probe.lan']));
  assert.ok(!bypassesProxy(url('https://notprobe.lan'), ['probe.lan']));
  assert.ok(bypassesProxy(url('https://10.1.2.3'), ['10.1.2.3']));
  assert.ok(bypassesProxy(url('https://10.1.2.3'), ['10.0.0.0/8']));
  assert.ok(!bypassesProxy(url('https://11.1.2.3'), ['10.0.0.0/8']));
  assert.ok(bypassesProxy(url('https://[::1]:8443'), ['::1']));
  assert.ok(bypassesProxy(url('https://[::1]:8443'), ['[::1]:8443']));
  assert.ok(bypassesProxy(url('https://host:8443'), ['host:8443']));
  assert.ok(!bypassesProxy(url('https://host:8443'), ['host:9443']));
  assert.ok(bypassesProxy(url('https://host'), ['host:443']));
  assert.ok(bypassesProxy(url('https://anything.example'), ['*']));
  assert.ok(!bypassesProxy(url('https://anything.example'), []));
});

test('settings win over the environment; https uses HTTPS_PROXY then HTTP_PROXY', () => {
  assert.deepEqual(proxyFor(url('https://d'), { url: 'http://set:1' }, { HTTPS_PROXY: 'http://env:2' }), { proxyUrl: 'http://set:1', strictSSL: true, source: 'settings' });
  assert.equal(proxyFor(url('https://d'), undefined, { HTTPS_PROXY: 'http://env:2' }).proxyUrl, 'http://env:2');
  assert.equal(proxyFor(url('https://d'), undefined, { https_proxy: 'http://lower:2' }).proxyUrl, 'http://lower:2');
  assert.equal(proxyFor(url('https://d'), undefined, { HTTP_PROXY: 'http://plain:3' }).proxyUrl, 'http://plain:3');
  assert.equal(proxyFor(url('http://d'), undefined, { HTTPS_PROXY: 'http://env:2' }).proxyUrl, undefined);
  assert.equal(proxyFor(url('https://d'), { url: '' }, {}).source, 'direct');
});

test('a proxy without scheme gets http://, strictSSL follows the setting, NO_PROXY joins http.noProxy', () => {
  assert.equal(proxyFor(url('https://d'), { url: 'proxy.lan:3128', strictSSL: false }, {}).proxyUrl, 'http://proxy.lan:3128');
  assert.equal(proxyFor(url('https://d'), { url: 'proxy.lan:3128', strictSSL: false }, {}).strictSSL, false);
  assert.equal(proxyFor(url('https://d.lan'), { url: 'http://p:1' }, { NO_PROXY: 'x.org, .lan' }).source, 'noProxy');
  assert.equal(proxyFor(url('https://d.lan'), { url: 'http://p:1', noProxy: ['d.lan'] }, {}).source, 'noProxy');
});
