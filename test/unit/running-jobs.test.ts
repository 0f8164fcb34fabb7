// RunningJobs: what deactivate cancels when the window closes. It aborts every job it tracks, waits
// for their cleanup within a time limit, and forgets jobs once they settle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningJobs } from '../../src/shared/running';

/** A job that, once aborted, takes `cleanupMs` to finish its cleanup and then rejects. */
function job(controller: AbortController, cleanupMs: number): Promise<string> {
  return new Promise((_, reject) => {
    controller.signal.addEventListener('abort', () => setTimeout(() => reject(controller.signal.reason), cleanupMs), { once: true });
  });
}

test('abortAll aborts every tracked job with the reason and waits for their cleanup', async () => {
  const jobs = new RunningJobs();
  const a = new AbortController();
  const b = new AbortController();
  const runs = [jobs.track(a, job(a, 30)), jobs.track(b, job(b, 60))].map((p) => p.catch((e: Error) => e.message));
  assert.equal(jobs.size, 2);
  const started = Date.now();
  const outcome = await jobs.abortAll(new Error('the window closed'), 2000);
  assert.deepEqual(outcome, { aborted: 2, unfinished: 0 });
  assert.ok(Date.now() - started >= 55, 'waited for the slower cleanup');
  assert.deepEqual(await Promise.all(runs), ['the window closed', 'the window closed']);
  assert.equal(jobs.size, 0);
});

test('abortAll gives up after its time limit and says how many were still cleaning up', async () => {
  const jobs = new RunningJobs();
  const slow = new AbortController();
  const quick = new AbortController();
  const slowRun = jobs.track(slow, job(slow, 500)).catch(() => undefined);
  void jobs.track(quick, job(quick, 5)).catch(() => undefined);
  const started = Date.now();
  const outcome = await jobs.abortAll(new Error('closing'), 100);
  assert.ok(Date.now() - started < 400, 'did not wait for the slow one');
  assert.deepEqual(outcome, { aborted: 2, unfinished: 1 });
  await slowRun;
});

test('a job that ended is forgotten and not aborted later; nothing running resolves at once', async () => {
  const jobs = new RunningJobs();
  const done = new AbortController();
  assert.equal(await jobs.track(done, Promise.resolve('saved')), 'saved');
  await new Promise((r) => setImmediate(r));
  assert.equal(jobs.size, 0);
  assert.deepEqual(await jobs.abortAll(new Error('closing'), 1000), { aborted: 0, unfinished: 0 });
  assert.equal(done.signal.aborted, false);
});
