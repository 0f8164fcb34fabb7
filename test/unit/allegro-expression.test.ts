// The capture filter language (simulator side) and the client's expression, time and CSV helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, ExpressionError } from '../../src/simulator/allegro/expression';
import { TrafficModel, type Connection } from '../../src/simulator/model/index';
import { AllegroClient, captureExpression as X, fromMicroseconds, parseCsv, parseCsvLine, toEpochSeconds, toMicroseconds } from '../../src/allegro/index';

const model = new TrafficModel({ seed: 5, startedAt: 1_795_000_000 });
const conns = model.connections(1_795_000_000, 1_795_000_600);
const afp = conns.find((c) => c.clientPort === 62887)!;
const both = (e: string, c: Connection) => [compileExpression(e)(c, 'c2s'), compileExpression(e)(c, 's2c')];

test('ip== matches either endpoint; IP==addr:port needs the port on that address', () => {
  assert.deepEqual(both('ip==10.1.2.3', afp), [true, true]);
  assert.deepEqual(both('IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP', afp), [true, true]);
  assert.deepEqual(both('IP==10.1.2.3:548', afp), [false, false]);
  assert.deepEqual(both('ip==10.1.2.0/24', afp), [true, true]);
  assert.deepEqual(both('ip==10.9.0.0/16', afp), [false, false]);
});

test('direction-sensitive fields depend on the packet direction', () => {
  assert.deepEqual(both('srcIp==10.1.2.3', afp), [true, false]);
  assert.deepEqual(both('dstPort==548', afp), [true, false]);
  assert.deepEqual(both(`srcMac==${afp.server.mac}`, afp), [false, true]);
});

test('and binds tighter than or; not, !, parentheses, != and spaces (%20 decoded) work', () => {
  const dns = conns.find((c) => c.app === 'DNS' && c.client.family === 4)!;
  assert.deepEqual(both('port==53 or port==548 and l4Protocol==UDP', afp), [false, false]);
  assert.deepEqual(both('(port==53 or port==548) and l4Protocol==TCP', afp), [true, true]);
  assert.deepEqual(both('not l4Protocol==UDP', afp), [true, true]);
  assert.deepEqual(both('!(l4Protocol==TCP)', dns), [true, true]);
  assert.deepEqual(both('vlan!=100 && l4Protocol==UDP', dns), [true, true]);
  assert.deepEqual(both(decodeURIComponent('ip==10.1.2.3%20and%20port==548'), afp), [true, true]);
  assert.deepEqual(both('app==afp', afp), [true, true]);
});

test('IPv6 addresses with and without ports', () => {
  const v6 = conns.find((c) => c.client.family === 6 && c.l4 === 'TCP')!;
  assert.deepEqual(both(`ip==${v6.server.ip}`, v6), [true, true]);
  assert.deepEqual(both(`IP==[${v6.server.ip}]:${v6.serverPort}`, v6), [true, true]);
  assert.deepEqual(both(`IP==[${v6.server.ip}]:1`, v6), [false, false]);
});

test('the empty expression keeps everything', () => {
  assert.deepEqual(both('', afp), [true, true]);
  assert.deepEqual(both('   ', afp), [true, true]);
});

test('malformed expressions fail with a position', () => {
  const cases: [string, RegExp][] = [
    ['ip==10.1.2.3 and', /ends where a comparison/],
    ['ip=10.1.2.3', /expected "==" or "!="/],
    ['ip==10.1.2.300', /not an IP address/],
    ['foo==1', /unknown field "foo"/],
    ['(ip==10.1.2.3', /missing "\)"/],
    ['l4Protocol==SCTP', /unknown layer 4 protocol/],
    ['port==70000', /not a port/],
    ['ip==10.1.2.3 ip==10.1.2.4', /unexpected "ip"/],
    ['vlan==5000', /not a VLAN/],
    ['mac==zz', /not a MAC/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => compileExpression(text), (e: unknown) => e instanceof ExpressionError && message.test(e.message) && e.position >= 0, text);
  }
});

test('client expression builders produce expressions the simulator accepts', () => {
  const e = X.and(X.ip('10.1.2.3', 62887), X.ip('10.1.2.100', 548), X.l4('TCP'));
  assert.equal(e, 'IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP');
  assert.deepEqual(both(e, afp), [true, true]);
  const nested = X.or(X.and(X.port(53), X.l4('UDP')), X.not(X.vlan(100)));
  assert.equal(nested, '(port==53 and l4Protocol==UDP) or not vlan==100');
  assert.doesNotThrow(() => compileExpression(nested));
  assert.equal(X.ip('fd00::1', 443), 'IP==[fd00::1]:443');
  assert.equal(X.mac('AA:BB:CC:DD:EE:FF'), 'mac==aa:bb:cc:dd:ee:ff');
  assert.throws(() => X.port(70000), RangeError);
  assert.throws(() => X.vlan(4096), RangeError);
  assert.equal(X.connectionExpression({ clientIp: '10.0.0.1', clientPort: 1, serverIp: '10.0.0.2', serverPort: 2, l4ProtocolShortName: 'udp' }), 'IP==10.0.0.1:1 and IP==10.0.0.2:2 and l4Protocol==UDP');
});

test('capture parameters of a connection follow the document\'s script (ms → µs)', () => {
  const p = AllegroClient.connectionCapture({ clientIp: '10.0.0.1', clientPort: 5004, serverIp: '10.0.0.2', serverPort: 5006, l4ProtocolShortName: 'UDP', dpiProtocol: 'RTP', connectionStart: 1_700_000_000_123, lastActivity: 1_700_000_060_456 });
  assert.equal(p.startTime, 1_700_000_000_123_000);
  assert.equal(p.endTime, 1_700_000_060_456_000);
  assert.equal(p.fromCaptureBuffer, true);
  assert.equal(p.captureBufferSlotId, 0);
});

test('time helpers: microseconds and epoch seconds', () => {
  const d = new Date(Date.UTC(2020, 6, 15, 8, 55, 0));
  assert.equal(toMicroseconds(d), 1_594_803_300_000_000);
  assert.equal(toEpochSeconds(d), 1_594_803_300);
  assert.equal(fromMicroseconds(1_594_803_300_000_999).getTime(), d.getTime());
});

test('CSV parsing handles quotes, commas and CRLF', () => {
  assert.deepEqual(parseCsvLine('a,"b,c","d ""e"""'), ['a', 'b,c', 'd "e"']);
  assert.deepEqual(parseCsv('h1,h2\r\n1,2\r\n\r\n3,4\n'), [['h1', 'h2'], ['1', '2'], ['3', '4']]);
});
