// Spec (c): an AppResponse source's columns appear in the Devices tree with their ids and types;
// "New Report from Here" writes a report file and opens the report editor, whose STEELFILTER editor
// completes column ids from the device's catalogue; running the report shows its rows in the
// results view. "Export Packets…" walks its wizard (packet source, time range, STEELFILTER with
// completion, mode LEGACY, review) and saves a pcap into captures/ that capinfos and tshark read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import {
  contextMenu, deviceSession, expand, openProbeExplorer, pickQuickItem, quickInput, readManifest, revealTreeItem, runCommand, step, T, treeItem,
  waitForNotification, waitForQuickInput, waitForTab, webview, webviewWith,
} from './harness';

const session = deviceSession('c-appresponse-report', { name: 'Lab AppResponse', kind: 'appresponse', seed: 11 });

test('AppResponse: source columns with types, New Report from Here writes and opens a report, Run Report shows rows', async () => {
  const s = session();
  const { page } = s;
  const source = await step(s, 'source-columns-with-types', async () => {
    await openProbeExplorer(page);
    await expand(treeItem(page, 'Lab AppResponse'));
    await expand(await revealTreeItem(page, /^Report sources$/, { level: 2 }));
    const src = await revealTreeItem(page, /^aggregates$/, { level: 3 });
    await expand(src);
    await expand(await revealTreeItem(page, /^Keys$/, { level: 4 }));
    // Keys come in categories (level 5) or directly as columns; open the first category when there is one.
    const level5 = s.page.locator('.part.sidebar .monaco-list-row[aria-level="5"]').first();
    await level5.waitFor({ state: 'visible', timeout: T.remote });
    if ((await level5.getAttribute('aria-expanded')) === 'false') await expand(level5);
    const column = page.locator('.part.sidebar .monaco-list-row[aria-level="5"], .part.sidebar .monaco-list-row[aria-level="6"]').filter({ has: page.locator('.label-description', { hasText: ' · ' }) }).first();
    await column.waitFor({ state: 'visible', timeout: T.remote });
    const description = (await column.locator('.label-description').innerText()).trim();
    assert.match(description, /^[a-z_][\w.]* · (string|integer|number|float|ipaddr|boolean|timestamp|duration|mac|\w+)( · .+)?$/);
    return src;
  });
  await step(s, 'new-report-from-here', async () => {
    await contextMenu(page, source, 'New Report from Here');
    await waitForTab(page, 'Lab-AppResponse-aggregates.probe-report.json');
  });
  await step(s, 'report-editor-steelfilter-completion', async () => {
    // The report editor (a webview) opens beside the file; its STEELFILTER editor completes column
    // ids from the device's catalogue.
    const editor = webview(page).locator('.steelfilter-editor .cm-content').first();
    await editor.waitFor({ state: 'visible', timeout: T.remote });
    await editor.click();
    await editor.pressSequentially('host_gr', { delay: 50 });
    const options = webview(page).locator('.cm-tooltip-autocomplete li');
    await options.first().waitFor({ state: 'visible', timeout: T.ui });
    const labels = await options.allInnerTexts();
    assert.ok(labels.some((l) => l.includes('host_group.id')), `completion items: ${JSON.stringify(labels)}`);
    await s.shot('completion-items');
    // Then clear the filter again: the editor writes it into the file, and
    // the report below runs without one.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await webview(page).getByText('No problems: the report is valid for this device.').waitFor({ state: 'visible', timeout: T.ui });
  });
  const reports = path.join(s.workspace, 'reports');
  const file = fs.readdirSync(reports).find((f) => f.endsWith('.probe-report.json'));
  assert.ok(file);
  const report = JSON.parse(fs.readFileSync(path.join(reports, file), 'utf8'));
  assert.equal(report.device, 'Lab AppResponse');
  assert.equal(report.data_defs[0].source.name, 'aggregates');
  await step(s, 'run-report-rows', async () => {
    // Run it from the report file's text editor.
    await (await waitForTab(page, 'Lab-AppResponse-aggregates.probe-report.json')).click();
    await runCommand(page, 'Probe Explorer: Run Report');
    const view = await webviewWith(page, '.vt-row', T.remote * 2);
    // The columns of the report, by their catalogue labels, and one row per group.
    const headers = await view.locator('.vt-hlabel').allInnerTexts();
    assert.ok(headers.length >= report.data_defs[0].columns.length, `headers ${JSON.stringify(headers)}`);
    const rows = (await view.locator('.vt-row').allInnerTexts()).map((r) => r.split('\n'));
    assert.ok(rows.length >= 1 && rows.every((r) => r.length >= 2), `rows ${JSON.stringify(rows.slice(0, 5))}`);
  });

  await step(s, 'open-report-instance-rows', async () => {
    // A report instance someone left on the device: Open shows its rows, not its definition.
    const sim = session.sim();
    const auth = `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`;
    const def = { data_defs: [{ source: { name: 'aggregates' }, time: { duration: 'last 1 hour' }, group_by: ['app.name'], columns: ['app.name', 'sum_traffic.total_bytes'] }] };
    const created = await fetchFromSim(`${sim.url}/api/npm.reports/1.0/instances`, sim.certPem, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(def) });
    const id = (JSON.parse(created) as { id: number }).id;
    const instances = await revealTreeItem(page, /^Report instances$/, { level: 2 });
    if ((await instances.getAttribute('aria-expanded')) === 'true') await contextMenu(page, instances, 'Refresh');
    else await expand(instances);
    const row = await revealTreeItem(page, new RegExp(`^Instance ${id}$`), { level: 3 });
    await contextMenu(page, row, 'Open');
    await waitForTab(page, new RegExp(`^Instance ${id} · Lab AppResponse$`));
    const view = await webviewWith(page, '.vt-row', T.remote);
    const headers = await view.locator('.vt-hlabel').allInnerTexts();
    assert.ok(headers.length === 2 && !headers.includes('id'), `the report's columns by label, not the instance's properties: ${JSON.stringify(headers)}`);
    assert.ok((await view.locator('.vt-row').count()) >= 1);
    // From the keyboard, as in the Explorer: Delete on the selected instance asks, then deletes it.
    await row.click();
    await page.keyboard.press('Delete');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`Delete report instance ${id} on Lab AppResponse?`).waitFor({ state: 'visible', timeout: T.ui });
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await treeItem(page, 'No report instances', undefined, 3).waitFor({ state: 'visible', timeout: T.remote });
  });

  await step(s, 'export-packets-legacy', async () => {
    // From the palette (not runCommand: the command opens its own pick at once).
    await page.keyboard.press('F1');
    await quickInput(page).locator('input.input').fill('>Probe Explorer: Export Packets');
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: 'Export Packets…' }).first().waitFor({ state: 'visible' });
    await quickInput(page).locator('input.input').press('Enter');
    // the device's packet sources; a capture job has the traffic of the last minutes
    await quickInput(page).locator('input[placeholder="Packet source on Lab AppResponse"]').waitFor({ state: 'visible', timeout: T.remote });
    await quickInput(page).locator('input.input').fill('default_job');
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: 'default_job' }).first().waitFor({ state: 'visible' });
    await quickInput(page).locator('input.input').press('Enter');
    await waitForQuickInput(page, /1\/4/);
    await pickQuickItem(page, /^last 5 minutes$/);
    await waitForQuickInput(page, /2\/4/);
    await pickQuickItem(page, /^STEELFILTER…$/);
    await waitForQuickInput(page, /STEELFILTER/);
    await quickInput(page).locator('input.input').fill("ip.addr == '10.1.2.3'");
    await pickQuickItem(page, /Use this filter/);
    await waitForQuickInput(page, /3\/4/);
    await pickQuickItem(page, /^LEGACY$/);
    const review = await waitForQuickInput(page, /4\/4/);
    await s.shot('export-review');
    // The review lists the filter and the mode (each goes back to its step, the choice kept) and
    // the file name with its extension.
    const rows = (await review.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    assert.ok(rows.includes("filter: STEELFILTER ip.addr == '10.1.2.3'"), `the filter is a review row: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => /^file name: .+\.pcap$/.test(r)), `the file name has its extension: ${JSON.stringify(rows)}`);
    await pickQuickItem(page, /^mode: LEGACY$/);
    await waitForQuickInput(page, /3\/4/);
    await quickInput(page).locator('input.input').press('Enter');
    await waitForQuickInput(page, /4\/4/);
    await pickQuickItem(page, /Start export/);
    await waitForNotification(page, /Saved|saved/, T.remote * 2);
    const dir = path.join(s.workspace, 'captures');
    const pcap = fs.readdirSync(dir).find((f) => f.endsWith('.pcap'));
    assert.ok(pcap, `a pcap in captures/: ${JSON.stringify(fs.readdirSync(dir))}`);
    const sidecar = JSON.parse(fs.readFileSync(path.join(dir, `${pcap}.json`), 'utf8'));
    assert.equal(JSON.stringify(sidecar).includes('LEGACY'), true, 'the sidecar records the mode');
    const { capinfos } = readManifest().tshark;
    const tshark = path.join(path.dirname(capinfos), 'tshark'); // installed with capinfos (Debian's tshark package)
    const info = execFileSync(capinfos, ['-M', path.join(dir, pcap)], { encoding: 'utf8' });
    const packets = Number(/Number of packets:\s+(\d+)/.exec(info)?.[1]);
    assert.ok(packets > 0, `capinfos counts packets:\n${info}`);
    // every packet is to or from 10.1.2.3, as the filter said
    const others = execFileSync(tshark, ['-r', path.join(dir, pcap), '-Y', '!(ip.addr == 10.1.2.3)', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(others.trim(), '', `packets that are not to or from 10.1.2.3: ${others.slice(0, 200)}`);
  });
});

/** A request to the simulator from the test itself, trusting the simulator's own certificate. */
function fetchFromSim(url: string, ca: string, options: { method: string; headers: Record<string, string>; body?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method, headers: options.headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(text) : reject(new Error(`${options.method} ${url}: HTTP ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
