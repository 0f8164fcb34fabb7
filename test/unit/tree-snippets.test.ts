import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curlSnippet, powerShellSnippet, pythonSnippet, type SnippetRequest } from '../../src/allegro/snippets';

const url = 'https://allegro-mm/API/stats/modules/ip/ips_paged?sort=bytes&reverse=true&page=0&count=10';
const all = (req: SnippetRequest) => [curlSnippet(req), powerShellSnippet(req), pythonSnippet(req)];

test('curl with a password uses the document form with the USER:PASSWORD placeholder', () => {
  assert.equal(
    curlSnippet({ url: 'https://allegro-mm/API/stats', auth: 'basic', tls: { mode: 'insecure' }, method: 'OPTIONS' }),
    "curl --silent -k -u USER:PASSWORD 'https://allegro-mm/API/stats' -X OPTIONS",
  );
});

test('curl with an API token sends the Bearer header with the API_TOKEN placeholder', () => {
  assert.equal(
    curlSnippet({ url: 'https://allegro-mm/API/stats/modules/ip/ips/10.1.2.3', auth: 'token', tls: { mode: 'insecure' } }),
    `curl --silent -k -H "Authorization: Bearer API_TOKEN" 'https://allegro-mm/API/stats/modules/ip/ips/10.1.2.3'`,
  );
});

test('a verified certificate needs no -k; a CA file becomes --cacert', () => {
  assert.doesNotMatch(curlSnippet({ url, auth: 'basic', tls: { mode: 'verify' } }), / -k /);
  assert.match(curlSnippet({ url, auth: 'basic', tls: { mode: 'ca', caFile: '/etc/ca.pem' } }), /--cacert '\/etc\/ca.pem'/);
});

test('PowerShell uses Invoke-RestMethod with the Basic header built from placeholders', () => {
  assert.equal(
    powerShellSnippet({ url: 'https://allegro-mm/API/stats', auth: 'basic', tls: { mode: 'pin', fingerprint: 'AA' } }),
    `Invoke-RestMethod -Uri 'https://allegro-mm/API/stats' -Headers @{Authorization = ("Basic {0}" -f [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes(("{0}:{1}" -f 'USER', 'PASSWORD'))))} -Method 'Get' -SkipCertificateCheck`,
  );
  assert.match(powerShellSnippet({ url, auth: 'token' }), /-Headers @\{Authorization = \("Bearer API_TOKEN"\)\}/);
});

test('Python uses a requests.Session with placeholder auth and the query as params', () => {
  const py = pythonSnippet({ url, auth: 'basic', tls: { mode: 'insecure' } });
  assert.match(py, /session\.auth = \("USER", "PASSWORD"\)/);
  assert.match(py, /session\.verify = False/);
  assert.match(py, /host = "https:\/\/allegro-mm"/);
  assert.match(py, /"reverse": True,/);
  assert.match(py, /"count": 10,/);
  assert.match(py, /with session\.get\(host \+ "\/API\/stats\/modules\/ip\/ips_paged", params=params\) as resp:/);
  assert.match(pythonSnippet({ url, auth: 'token' }), /session\.headers\["Authorization"\] = "Bearer API_TOKEN"/);
});

test('no snippet ever carries a secret, even one smuggled into the URL', () => {
  const secret = 's3cr3t-Passw0rd';
  for (const auth of ['basic', 'token'] as const) {
    for (const text of all({ url: `https://admin:${secret}@allegro-mm/API/stats?x=1`, auth, tls: { mode: 'insecure' } })) {
      assert.ok(!text.includes(secret), text);
      assert.ok(!text.includes('admin'), text);
      assert.ok(text.includes(auth === 'token' ? 'API_TOKEN' : 'PASSWORD'), text);
    }
  }
});

test('quotes cannot break out of the shell quoting', () => {
  assert.match(curlSnippet({ url: "https://h/API/stats/x?expression=a'b", auth: 'basic' }), /'https:\/\/h\/API\/stats\/x\?expression=a%27b'$/);
  assert.match(curlSnippet({ url, auth: 'basic', tls: { mode: 'ca', caFile: "/home/o'neil/ca.pem" } }), /--cacert '\/home\/o'\\''neil\/ca.pem'/);
});
