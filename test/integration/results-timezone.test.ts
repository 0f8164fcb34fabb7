// The results webview shows times in the analyst's local time while exports are UTC: it says which
// zone (footer, timestamp column headers), so a table time is not mistaken for a device's UTC time.
// The real webview bundle in Chromium running in Asia/Kolkata (UTC+05:30).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chunks, cleanup, ensureBundle, launch, meta, openHarness, post } from '../../bench/results/harness';
import { formatTimestamp, utcOffsetText } from '../../src/results/format';

let browser: Browser;
const dirs: string[] = [];

before(async () => {
  ensureBundle();
  browser = await launch({ ...process.env, TZ: 'Asia/Kolkata' });
});

after(async () => {
  await browser?.close();
  for (const d of dirs) cleanup(d);
});

test('the zone of the local times is said as UTC±hh:mm', () => {
  assert.equal(utcOffsetText(0), 'UTC');
  assert.equal(utcOffsetText(330), 'UTC+05:30');
  assert.equal(utcOffsetText(-300), 'UTC\u221205:00');
  assert.equal(utcOffsetText(60), 'UTC+01:00');
});

test('the footer and the timestamp headers name the local zone of the times shown', async () => {
  const { page, dir } = await openHarness(browser);
  dirs.push(dir);
  const first = 1_795_340_000; // 2026-11-22 09:33:20 UTC = 15:03:20 in Kolkata
  const columns = [{ id: 'ip', label: 'ip', kind: 'ipaddr' as const }, { id: 'firstSeen', label: 'firstSeen', kind: 'timestamp' as const }];
  await post(page,
    { type: 'result', meta: meta({ seq: 1, fetchedAt: first * 1000, tables: [{ id: 'items', title: 'Items', columns, rowCount: 1 }] }) },
    ...chunks(1, 'items', [['10.0.0.1', first]]));
  await page.waitForSelector('.vt-row');
  assert.equal(await page.locator('.vt-row .vt-cell').nth(1).innerText(), '2026-11-22 15:03:20', 'the browser runs in Asia/Kolkata');
  assert.match(await page.locator('.footer').innerText(), /times in local time \(UTC\+05:30\)/);
  const title = await page.locator('.vt-hcell', { hasText: 'firstSeen' }).getAttribute('title');
  assert.match(title ?? '', /Local time \(UTC\+05:30\); CSV and JSON exports are in UTC\./);
  assert.doesNotMatch((await page.locator('.vt-hcell', { hasText: 'ip' }).first().getAttribute('title')) ?? '', /Local time/, 'only timestamp columns');
  assert.equal(formatTimestamp(first, true), '2026-11-22 09:33:20');
  await page.close();
});
