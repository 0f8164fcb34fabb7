// The simulator's catalogue as a pure function: sources without HTTP, large catalogues, localisation,
// and casting of data values by column type.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildLargeSource, buildSources, decomposeColumnId, fieldInfo } from '../../src/simulator/appresponse/catalogue';
import { castRow, castValue, parseEpochNanos, plainValue } from '../../src/appresponse/cast';
import { compileFilter, complete } from '../../src/steelfilter/index';

describe('AppResponse catalogue (pure)', () => {
  it('builds the sources with unique column ids and the documented property types', () => {
    for (const source of buildSources()) {
      const ids = source.columns.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length, source.name);
      for (const c of source.columns) {
        assert.equal(typeof c.label, 'string');
        assert.equal(typeof c.field, 'string');
        assert.equal(typeof c.grouped_by, 'boolean');
        assert.equal(typeof c.top_by!.asc, 'boolean');
        assert.ok(['string', 'boolean', 'number', 'integer', 'ipaddr', 'ether', 'port', 'timestamp', 'duration', 'array'].includes(c.type), c.type);
        if (c.metric) assert.equal(c.grouped_by, false, `${c.id} is a metric`);
      }
    }
  });

  it('derives field, operation, role and direction from the column id', () => {
    assert.deepEqual(decomposeColumnId('avg_tcp.retrans_ratio_c2s'), { field: 'tcp.retrans_ratio_c2s', operation: 'avg', role: undefined, direction: 'c2s' });
    assert.deepEqual(decomposeColumnId('srv_tcp.port'), { field: 'tcp.port', operation: undefined, role: 'srv', direction: undefined });
    assert.deepEqual(decomposeColumnId('host_group.id'), { field: 'host_group.id', operation: undefined, role: undefined, direction: undefined });
  });

  it('emits a large catalogue (≥ 1,000 columns) that the STEELFILTER core accepts and completes from', () => {
    const big = buildLargeSource(1500);
    assert.equal(big.columns.length, 1500);
    assert.equal(new Set(big.columns.map((c) => c.id)).size, 1500);
    const filter = compileFilter("sum_tcp.payload_bytes_c2s > 10 and tcp.ip == '10.0.0.1'", big as never);
    assert.equal(filter({ 'sum_tcp.payload_bytes_c2s': '11', 'tcp.ip': '10.0.0.1' }), true);
    const items = complete('sum_tcp.pay', 11, big as never);
    assert.ok(items.some((i) => i.label === 'sum_tcp.payload_bytes_c2s'));
    assert.equal(buildSources({ extraColumns: 1000 }).find((s) => s.name === 'aggregates')!.columns.length > 1000, true);
  });

  it('labels in zh_CN differ from en_US for the same ids; fields list enum values', () => {
    const en = buildSources().find((s) => s.name === 'flow_ip')!;
    const zh = buildSources({ locale: 'zh_CN' }).find((s) => s.name === 'flow_ip')!;
    assert.deepEqual(zh.columns.map((c) => c.id), en.columns.map((c) => c.id));
    assert.ok(zh.columns.filter((c, i) => c.label !== en.columns[i].label).length > en.columns.length / 2);
    assert.deepEqual(fieldInfo('dns.query.type_name')!.values.slice(0, 2), [{ value: 'A', label: 'A' }, { value: 'AAAA', label: 'AAAA' }]);
    assert.equal(fieldInfo('no.such.field'), undefined);
  });
});

describe('AppResponse data values (casting by column type)', () => {
  it('casts numbers, booleans, arrays, and keeps #N/A, #N/D, NULL apart', () => {
    assert.deepEqual(castValue('2528527700', 'integer'), { kind: 'number', value: 2528527700, text: '2528527700' });
    assert.equal(plainValue(castValue('0.150917102', 'duration')), 0.150917102);
    assert.deepEqual(castValue('#N/A', 'number'), { kind: 'special', value: 'N/A', text: '#N/A' });
    assert.deepEqual(castValue('#N/D', 'string'), { kind: 'special', value: 'N/D', text: '#N/D' });
    assert.equal(castValue(null, 'string').kind, 'special');
    assert.equal(castValue('true', 'boolean').value, true);
    assert.deepEqual(castValue('[1,2]', 'array').value, [1, 2]);
    assert.equal(castValue('10.0.0.1', 'ipaddr').kind, 'string');
    assert.equal(castValue('abc', 'integer').kind, 'string');
    assert.deepEqual(castValue('080', 'port'), { kind: 'string', value: '80', text: '080' });
  });

  it('reads nsamples averages as total|samples', () => {
    const v = castValue('41222|55', 'number');
    assert.equal(v.kind, 'samples');
    assert.ok(Math.abs((v.value as number) - 749.4909090909091) < 1e-9);
  });

  it('casts a row by the columns of the response; timestamps keep nanoseconds apart', () => {
    const types: Record<string, string> = { start_time: 'timestamp', 'host_group.name': 'string', 'sum_traffic.total_bytes': 'integer' };
    const row = castRow(['1522432800', 'Default-Internet', '#N/A'], ['start_time', 'host_group.name', 'sum_traffic.total_bytes'], (id) => types[id]);
    assert.deepEqual(row.map((c) => c.kind), ['number', 'string', 'special']);
    assert.deepEqual(parseEpochNanos('1522772201.123456789'), { seconds: 1522772201, nanos: 123456789 });
    assert.deepEqual(parseEpochNanos('1522772201.1'), { seconds: 1522772201, nanos: 100000000 });
  });
});
