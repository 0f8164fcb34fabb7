// LIVE_STREAM framing: magic 0xF0CA, type DATA/EOF/NODATA/ERROR, 4-byte length, any chunking.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  LiveStreamDecoder, LiveStreamParser, LiveStreamProtocolError, LiveStreamRemoteError, LiveStreamType, encodeLiveStreamFrame,
} from '../../src/appresponse/livestream';

function frames(): Buffer {
  return Buffer.concat([
    encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.from('pcap-header')),
    encodeLiveStreamFrame(LiveStreamType.NODATA),
    encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.alloc(70_000, 7)),
    encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.from('tail')),
    encodeLiveStreamFrame(LiveStreamType.EOF),
  ]);
}

function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function decode(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(new LiveStreamDecoder())) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('LIVE_STREAM framing', () => {
  it('encodes the documented header: magic 0xF0CA, 2-byte type, 4-byte big-endian length', () => {
    const f = encodeLiveStreamFrame(LiveStreamType.ERROR, Buffer.from('oops'));
    assert.deepEqual([...f.subarray(0, 8)], [0xf0, 0xca, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04]);
    assert.equal(f.subarray(8).toString(), 'oops');
  });

  it('parses the same frames whatever the chunking (1 byte, 3 bytes, odd sizes, all at once)', () => {
    const bytes = frames();
    for (const sizes of [[1], [3], [5, 8, 13, 1000], [bytes.length]]) {
      const parser = new LiveStreamParser();
      const got = chunked(bytes, sizes).flatMap((c) => parser.push(c));
      assert.deepEqual(got.map((f) => [f.type, f.data.length]), [[0, 11], [2, 0], [0, 70_000], [0, 4], [1, 0]], String(sizes));
      assert.equal(parser.done, true);
    }
  });

  it('the decoder Transform outputs only the DATA payloads, in order', async () => {
    const out = await decode(chunked(frames(), [7, 4096]));
    assert.equal(out.length, 11 + 70_000 + 4);
    assert.equal(out.subarray(0, 11).toString(), 'pcap-header');
    assert.equal(out.subarray(out.length - 4).toString(), 'tail');
  });

  it('an ERROR frame fails the stream with the device text', async () => {
    const bytes = Buffer.concat([encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.from('x')), encodeLiveStreamFrame(LiveStreamType.ERROR, Buffer.from('disk read error'))]);
    await assert.rejects(decode([bytes]), (e: unknown) => e instanceof LiveStreamRemoteError && e.text === 'disk read error');
  });

  it('a bad magic, an unknown type, or an end without EOF are protocol errors', async () => {
    assert.throws(() => new LiveStreamParser().push(Buffer.from([0xca, 0xf0, 0, 0, 0, 0, 0, 0])), LiveStreamProtocolError);
    assert.throws(() => new LiveStreamParser().push(Buffer.from([0xf0, 0xca, 0, 9, 0, 0, 0, 0])), /unknown frame type 9/);
    assert.throws(() => new LiveStreamParser({ maxFrameBytes: 10 }).push(encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.alloc(11))), /exceeds/);
    await assert.rejects(decode([encodeLiveStreamFrame(LiveStreamType.DATA, Buffer.from('x'))]), /without an EOF/);
  });
});
