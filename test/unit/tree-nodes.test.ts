import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceNode, ErrorNode, TreeNode, urlOf, type ItemSpec, type TreeEnv } from '../../src/views/nodes/base';
import { HttpStatusError } from '../../src/http/errors';

const env = (changes: unknown[] = []): TreeEnv => ({
  http: () => Promise.reject(new Error('no HTTP in this test')),
  settings: () => ({ pageSize: 10, maxConcurrency: 2 }),
  changed: (node) => changes.push(node),
});

class Device extends DeviceNode {
  item(): ItemSpec {
    return { label: this.profile.name, description: this.stateText(), collapsible: 'collapsed' };
  }
}

/** A node whose loads are scripted: each call of `load` takes the next outcome. */
class Scripted extends TreeNode {
  loads = 0;
  constructor(parent: TreeNode, private readonly outcomes: Array<() => Promise<TreeNode[]>>) {
    super(parent);
  }
  get id(): string {
    return `${this.parent!.id}/scripted`;
  }
  get deviceName(): string {
    return this.parent!.deviceName;
  }
  override get expandable(): boolean {
    return true;
  }
  item(): ItemSpec {
    return { label: 'scripted', collapsible: 'collapsed' };
  }
  protected override loadChildren(): Promise<TreeNode[]> {
    return this.outcomes[this.loads++]();
  }
}

const profile = { name: 'lab', kind: 'allegro' as const, url: 'https://10.0.0.5:8443', auth: 'basic' as const, username: 'ana' };

test('children load once, are cached, and two expansions at once share the load', async () => {
  const device = new Device(profile, env());
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const node = new Scripted(device, [async () => { await gate; return []; }]);
  const a = node.children();
  const b = node.children();
  release();
  assert.equal(await a, await b);
  await node.children();
  assert.equal(node.loads, 1);
});

test('a failed load is one error child with Retry; refresh loads again', async () => {
  const changes: unknown[] = [];
  const device = new Device(profile, env(changes));
  const node = new Scripted(device, [
    () => Promise.reject(new HttpStatusError('lab', '/x', 'GET', 401, undefined, undefined, '')),
    async () => [],
  ]);
  const kids = await node.children();
  assert.equal(kids.length, 1);
  assert.ok(kids[0] instanceof ErrorNode);
  assert.match(kids[0].item().label, /401 Unauthorized: lab refused the password of user "ana"/);
  assert.deepEqual(kids[0].item().command?.arguments, [kids[0]]);
  assert.equal(device.connection.state, 'failed');
  assert.ok(changes.includes(device), 'the device is redrawn with its state');
  assert.equal(node.refresh(), node);
  assert.deepEqual(await node.children(), []);
  assert.equal(device.connection.state, 'connected');
});

test('a 404 below a device says nothing about the device\'s connection', async () => {
  const device = new Device(profile, env());
  const node = new Scripted(device, [() => Promise.reject(new HttpStatusError('lab', '/x', 'GET', 404, undefined, undefined, ''))]);
  await node.children();
  assert.equal(device.connection.state, 'unknown');
});

test('URLs for display join base and path and never carry credentials', () => {
  assert.equal(urlOf('https://u:p@10.0.0.5:8443/', '/API/stats', { a: 1, b: [true, 'x y'], c: undefined }), 'https://10.0.0.5:8443/API/stats?a=1&b=true&b=x+y');
  assert.equal(urlOf('https://host/base', 'API/x'), 'https://host/base/API/x');
});
