// `npm run sim`: both appliances start, ONE JSON line names them, and SIGTERM stops the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHttpClient } from '../../src/http/index';

test('the sim command prints one JSON line with both appliances and exits cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', '--seed', '4', '--latency-ms', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => reject(new Error('the simulator exited before printing')));
    });
    const info = JSON.parse(line) as { allegro: Record<string, string>; appresponse: Record<string, string> };
    assert.deepEqual(Object.keys(info).sort(), ['allegro', 'appresponse']);
    assert.deepEqual(Object.keys(info.allegro).sort(), ['password', 'token', 'url', 'username']);
    assert.deepEqual(Object.keys(info.appresponse).sort(), ['password', 'url', 'username']);
    assert.match(info.allegro.url!, /^https:\/\/127\.0\.0\.1:\d+$/);
    const http = createHttpClient({ deviceName: 'cli', baseUrl: info.allegro.url!, tls: { mode: 'insecure' }, credentials: { kind: 'bearer', token: info.allegro.token! } });
    try {
      const res = await http.json<{ subResources: string[] }>({ method: 'OPTIONS', path: '/API/stats' });
      assert.ok(res.body.subResources.includes('modules'));
    } finally {
      await http.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
