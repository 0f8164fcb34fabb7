// The capture digest worker: scans and hashes the batches a CaptureFileWriter has written, so
// the thread receiving the download does not spend its time on SHA-256. See digest.ts.
import { parentPort } from 'node:worker_threads';
import { CaptureFormatError } from './scanner';
import { DigestCore, type FromWorker, type ToWorker } from './digest';

const port = parentPort;
if (!port) throw new Error('digestWorker.ts runs as a worker thread');

const open = new Map<number, { core: DigestCore; memory: SharedArrayBuffer; formatError: boolean }>();
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  switch (message.t) {
    case 'open':
      open.set(message.id, { core: new DigestCore(), memory: message.memory, formatError: false });
      return;
    case 'data': {
      const entry = open.get(message.id);
      if (!entry) return;
      if (!entry.formatError) {
        try {
          entry.core.update(new Uint8Array(entry.memory, message.offset, message.length));
        } catch (err) {
          entry.formatError = true;
          const e = err instanceof CaptureFormatError ? err : new CaptureFormatError(String(err), entry.core.bytes);
          send({ t: 'format', id: message.id, message: e.message, offset: e.offset });
        }
      }
      send({ t: 'ack', id: message.id, bytes: entry.core.bytes, packets: entry.core.packets });
      return;
    }
    case 'end': {
      const entry = open.get(message.id);
      if (!entry) return;
      open.delete(message.id);
      try {
        send({ t: 'done', id: message.id, result: entry.core.finish() });
      } catch (err) {
        send({ t: 'failed', id: message.id, message: (err as Error).message });
      }
      return;
    }
    case 'abort':
      open.delete(message.id);
      return;
  }
});

send({ t: 'ready' });
