import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildCaptureRequest, CaptureFormError, defaultForm, isoFromMicros, parseTimeToMicros, prefillExpression, validateExpression, validateForm, captureSubject,
} from '../../src/allegro/capture';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

test('prefill: IP, MAC, port, connection (as in the document) and device', () => {
  assert.equal(prefillExpression({ deviceName: 'mm', ip: '10.1.2.3' }), 'ip==10.1.2.3');
  assert.equal(prefillExpression({ deviceName: 'mm', mac: 'AA:BB:CC:DD:EE:FF' }), 'mac==aa:bb:cc:dd:ee:ff');
  assert.equal(prefillExpression({ deviceName: 'mm', port: 443, protocol: 'tcp' }), 'port==443 and l4Protocol==TCP');
  assert.equal(
    prefillExpression({ deviceName: 'mm', connection: { clientIp: '10.1.2.3', clientPort: 62887, serverIp: '10.1.2.100', serverPort: 548, l4Protocol: 'TCP' } }),
    'IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP',
  );
  assert.equal(prefillExpression({ deviceName: 'mm', connection: { clientIp: '2001:db8::1', clientPort: 5, serverIp: '2001:db8::2' } }), 'IP==[2001:db8::1]:5 and IP==2001:db8::2');
  assert.equal(prefillExpression({ deviceName: 'mm' }), '');
});

test('every prefilled expression validates without errors', () => {
  for (const e of ['ip==10.1.2.3', 'IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP', 'mac==aa:bb:cc:dd:ee:ff', 'port==443 and l4Protocol==TCP', 'IP==[2001:db8::1]:5', 'ip==10.0.0.0/8', '(ip==1.2.3.4 || ip==5.6.7.8) && !port==22', '']) {
    assert.deepEqual(validateExpression(e).filter((d) => d.severity === 'error'), [], e);
  }
});

test('expression errors name the problem and its position', () => {
  const [bad] = validateExpression('ip==10.1.2.300');
  assert.equal(bad!.severity, 'error');
  assert.match(bad!.message, /not an IPv4 or IPv6 address/);
  assert.deepEqual([bad!.start, bad!.end], [4, 14]);
  assert.match(validateExpression('port==70000')[0]!.message, /not a port/);
  assert.match(validateExpression('ip=10.1.2.3')[0]!.message, /use "=="/);
  assert.match(validateExpression('ip==1.2.3.4 and')[0]!.message, /ends too early/);
  assert.match(validateExpression('(ip==1.2.3.4')[0]!.message, /missing "\)"/);
  assert.match(validateExpression('ip==1.2.3.4 ip==5.6.7.8')[0]!.message, /expected "and" or "or"/);
  assert.match(validateExpression('mac==zz:bb:cc:dd:ee:ff')[0]!.message, /MAC/);
  assert.match(validateExpression('l4Protocol==FOO')[0]!.message, /layer-4/);
  assert.match(validateExpression('port>=1024')[0]!.message, /"==" or "!=" only/);
});

test('unknown fields only warn', () => {
  const d = validateExpression('hostname==foo');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'warning');
});

test('last N minutes: microsecond start/end ending now, from the capture buffer', () => {
  const r = buildCaptureRequest({ expression: 'ip==10.1.2.3', window: { kind: 'lastMinutes', minutes: 60 } }, NOW);
  assert.equal(r.path, '/API/data/modules/capture');
  assert.equal(r.query.endTime, NOW * 1000);
  assert.equal(r.query.startTime, NOW * 1000 - 3_600_000_000);
  assert.equal(r.query.fromCaptureBuffer, true);
  assert.equal(r.query.expression, 'ip==10.1.2.3');
});

test('absolute window in the past comes from the buffer, with captureBufferSlotId, snap length and mm-id', () => {
  const start = Date.UTC(2020, 6, 15, 8, 55);
  const r = buildCaptureRequest({ expression: '', window: { kind: 'absolute', startMs: start, endMs: start + 3_600_000 }, captureBufferSlotId: 1, snapPacketLength: 128, mmId: ':1' }, NOW);
  assert.deepEqual(r.query, { startTime: start * 1000, endTime: (start + 3_600_000) * 1000, fromCaptureBuffer: true, captureBufferSlotId: 1, snapPacketLength: 128, 'mm-id': ':1' });
});

test('live N seconds: no start time, end time N seconds ahead, live traffic', () => {
  const r = buildCaptureRequest({ expression: 'port==53', window: { kind: 'live', seconds: 30 } }, NOW);
  assert.equal(r.query.startTime, undefined);
  assert.equal(r.query.endTime, (NOW + 30_000) * 1000);
  assert.equal(r.query.fromCaptureBuffer, false);
  assert.equal(r.liveEndsAtMs, NOW + 30_000);
});

test('an invalid form is refused before anything is sent', () => {
  assert.throws(() => buildCaptureRequest({ expression: 'ip==1.2.3', window: { kind: 'lastMinutes', minutes: 5 } }, NOW), CaptureFormError);
  assert.deepEqual(validateForm({ expression: '', window: { kind: 'absolute', startMs: 10, endMs: 5 } }, NOW), ['the end time must be after the start time']);
  assert.match(validateForm({ expression: '', window: { kind: 'live', seconds: 0 } }, NOW)[0]!, /positive/);
  assert.match(validateForm({ expression: '', window: { kind: 'lastMinutes', minutes: 1 }, snapPacketLength: 70000 }, NOW)[0]!, /snapPacketLength/);
  assert.match(validateForm({ expression: '', window: { kind: 'lastMinutes', minutes: 1 }, captureBufferSlotId: -1 }, NOW)[0]!, /captureBufferSlotId/);
  assert.match(validateForm({ expression: '', window: { kind: 'lastMinutes', minutes: 1 }, mmId: 'a b' }, NOW)[0]!, /mm-id/);
});

test('times typed by the analyst become microseconds since the epoch', () => {
  assert.equal(parseTimeToMicros('2020-07-15T08:55:00Z'), Date.UTC(2020, 6, 15, 8, 55) * 1000);
  assert.equal(parseTimeToMicros('2020-07-15T08:55:00.123456Z'), Date.UTC(2020, 6, 15, 8, 55) * 1000 + 123456);
  assert.equal(parseTimeToMicros('2020-07-15 10:55:00+02:00'), Date.UTC(2020, 6, 15, 8, 55) * 1000);
  assert.equal(parseTimeToMicros('2020-07-15 08:55', () => 60), Date.UTC(2020, 6, 15, 7, 55) * 1000);
  assert.equal(parseTimeToMicros('1594803300'), 1594803300_000_000);
  assert.equal(parseTimeToMicros('1594803300123'), 1594803300123_000);
  assert.equal(parseTimeToMicros('yesterday'), undefined);
  assert.equal(isoFromMicros(1594803300_000_001), '2020-07-15T08:55:00.000001Z');
});

test('a connection node defaults to its own activity window', () => {
  const f = defaultForm({ deviceName: 'mm', connection: { clientIp: '1.1.1.1', serverIp: '2.2.2.2', startMs: 1000, endMs: 5000 }, mmId: 'local:1' });
  assert.deepEqual(f.window, { kind: 'absolute', startMs: 1000, endMs: 5000 });
  assert.equal(f.mmId, 'local:1');
  assert.equal(captureSubject(f), '1.1.1.1_2.2.2.2');
});

test('the expression goes on the wire with %20 for blanks, never "+"', async () => {
  const { createHttpClient } = await import('../../src/http');
  const r = buildCaptureRequest({ expression: 'IP==10.1.2.3:62887 and l4Protocol==TCP', window: { kind: 'live', seconds: 5 } }, NOW);
  // The URL the HTTP core sends for this request (the same encoding as on the wire).
  const p = createHttpClient({ deviceName: 'mm', baseUrl: 'https://mm.example' }).url(r.path, r.query);
  assert.ok(p.startsWith('https://mm.example/API/data/modules/capture?expression=IP%3D%3D10.1.2.3%3A62887%20and%20l4Protocol%3D%3DTCP&endTime='), p);
  assert.ok(!p.includes('+'));
});

test('the validator agrees with the simulated device on what it accepts', async () => {
  const { compileExpression } = await import('../../src/simulator/allegro/expression');
  const cases = [
    'ip==10.1.2.3', 'IP==10.1.2.3:62887 and IP==10.1.2.100:548 and l4Protocol==TCP', 'mac==aa:bb:cc:dd:ee:ff', 'port==443 and l4Protocol==TCP',
    'IP==[2001:db8::1]:5', 'ip==10.0.0.0/8', '(ip==1.2.3.4 || ip==5.6.7.8) && !port==22', 'not vlan==7', 'ip!=10.1.2.3',
    'ip==10.1.2', 'port==70000', 'ip==1.2.3.4 and', '(ip==1.2.3.4', 'ip==1.2.3.4 ip==5.6.7.8', 'l4Protocol==FOO', 'mac==zz:bb:cc:dd:ee:ff',
  ];
  for (const c of cases) {
    let deviceAccepts = true;
    try {
      compileExpression(c);
    } catch {
      deviceAccepts = false;
    }
    const weAccept = validateExpression(c).every((d) => d.severity !== 'error');
    assert.equal(weAccept, deviceAccepts, c);
  }
});
