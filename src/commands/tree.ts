// Commands of the Devices tree: Open / Open raw JSON, Copy path / URL / as curl / PowerShell /
// Python, Refresh, Enter value, Load more, Retry, Find in API Tree, Export API map, report
// instance deletion and "New report from here" (probeExplorer.newReport with { device, source,
// column? } from a source or column, { device, source: 'packets', path } from a packet source).
import * as vscode from 'vscode';
import { apiMapMarkdown, apiMapOf } from '../allegro/apiMap';
import { placeholderOf, validateParamValue } from '../allegro/apiParams';
import type { AllegroApiTree, ApiNode } from '../allegro/apiTree';
import { curlSnippet, powerShellSnippet, pythonSnippet, type SnippetRequest } from '../allegro/snippets';
import type { Logger } from '../http/types';
import type { ResultsService } from '../panels/results';
import type { DevicesRegistry, DevicesTreeProvider } from '../views/devicesTree';
import { AllegroApiNodeView, AllegroDeviceNode, AllegroScopeNode, AllegroScopesNode } from '../views/nodes/allegro';
import { groupProblem, isDefaultScope, mmIdProblem, normalizeScope, scopeKey, type AllegroScope } from '../allegro/scope';
import { ColumnNode, InstanceNode, InstancesNode, PacketSourceNode, SourceNode } from '../views/nodes/appresponse';
import { ErrorNode, urlOf, type NodeRequest, type TreeNode } from '../views/nodes/base';

export interface TreeCommandDeps {
  provider: DevicesTreeProvider;
  view: vscode.TreeView<TreeNode>;
  registry: DevicesRegistry;
  /** The results view; until it is wired, Open shows the JSON in an untitled editor. */
  results?: ResultsService;
  log?: Logger;
}

const NEW_REPORT_COMMAND = 'probeExplorer.newReport';

export function registerTreeCommands(context: vscode.ExtensionContext, deps: TreeCommandDeps): void {
  const { provider, view, registry, log } = deps;

  const command = (id: string, run: (arg: unknown) => unknown) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      try {
        return await run(arg);
      } catch (err) {
        if ((err as { kind?: string })?.kind === 'aborted') return undefined;
        const message = err instanceof Error ? err.message : String(err);
        log?.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    });

  const selected = (arg: unknown): TreeNode | undefined => (isNode(arg) ? arg : view.selection[0]);
  const requestOf = (arg: unknown): NodeRequest => {
    const node = selected(arg);
    const req = node?.request();
    if (!req) throw new Error('This node has no request to open or copy.');
    return req;
  };

  const fetchJson = (req: NodeRequest) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `GET ${req.path}` }, async () =>
      (await registry.http(req.device)).json({ method: 'GET', path: req.path, query: req.query }),
    );

  const openJsonEditor = async (value: unknown) => {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(value, null, 2) });
    await vscode.window.showTextDocument(doc, { preview: true });
  };

  const openNode = async (node: TreeNode) => {
    const req = node.request();
    if (!req) return;
    if (deps.results && req.deviceKind === 'allegro') {
      deps.results.open({ kind: 'allegro', device: req.device, path: req.path, ...(req.query ? { query: req.query as Record<string, string | number | boolean> } : {}), title: req.title });
      return;
    }
    // A report instance opens as its answer (the rows of each data definition), not its definition.
    if (deps.results && node instanceof InstanceNode) {
      const { title, dataDefs, catalogue, raw } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `GET ${req.path}/data` }, () => node.report());
      deps.results.open({ kind: 'report', device: req.device, title, dataDefs, catalogue, raw });
      return;
    }
    const res = await fetchJson(req);
    if (deps.results) deps.results.open({ kind: 'json', title: req.title, value: res.body });
    else await openJsonEditor(res.body);
  };

  const snippetOf = (req: NodeRequest): SnippetRequest => {
    const profile = registry.get(req.device);
    if (!profile) throw new Error(`No device named "${req.device}" is configured`);
    return {
      url: urlOf(profile.url, req.path, req.query),
      method: req.method,
      // AppResponse calls carry the OAuth access token; Allegro uses the device's own scheme.
      auth: profile.kind === 'appresponse' ? 'token' : profile.auth,
      tls: profile.tls,
    };
  };

  const copy = async (text: string, what: string) => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${what}`, 3000);
  };

  context.subscriptions.push(
    command('probeExplorer.openNode', (arg) => {
      const node = selected(arg);
      if (node) return openNode(node);
    }),
    command('probeExplorer.openRawJson', async (arg) => openJsonEditor((await fetchJson(requestOf(arg))).body)),
    command('probeExplorer.copyPath', (arg) => copy(requestOf(arg).displayPath, 'path')),
    command('probeExplorer.copyUrl', (arg) => {
      const req = requestOf(arg);
      const profile = registry.get(req.device);
      if (!profile) throw new Error(`No device named "${req.device}" is configured`);
      return copy(urlOf(profile.url, req.path, req.query), 'URL');
    }),
    command('probeExplorer.copyAsCurl', (arg) => copy(curlSnippet(snippetOf(requestOf(arg))), 'curl command')),
    command('probeExplorer.copyAsPowerShell', (arg) => copy(powerShellSnippet(snippetOf(requestOf(arg))), 'PowerShell command')),
    command('probeExplorer.copyAsPython', (arg) => copy(pythonSnippet(snippetOf(requestOf(arg))), 'Python script')),
    command('probeExplorer.refreshNode', (arg) => {
      const node = selected(arg);
      if (node) provider.refresh(node);
    }),
    command('probeExplorer.refreshDevices', () => provider.refreshAll()),
    command('probeExplorer.retryNode', (arg) => {
      const node = selected(arg);
      if (!node) return;
      provider.refresh(node instanceof ErrorNode ? node.parent! : node);
    }),
    command('probeExplorer.loadMore', async (arg) => {
      const node = selected(arg);
      if (!(node instanceof AllegroApiNodeView)) return;
      const tree = await node.host.apiTree();
      const param = await tree.loadMore(node.core);
      provider.changed(node.host.wrap(param));
    }),
    command('probeExplorer.enterValue', async (arg) => {
      const node = selected(arg);
      if (!(node instanceof AllegroApiNodeView)) return undefined;
      const param = node.core.paramNode;
      if (!param?.spec) return undefined;
      const spec = param.spec;
      const input = await vscode.window.showInputBox({
        title: `${param.templatePath}`,
        prompt: `Value of ${param.name}`,
        placeHolder: placeholderOf(spec),
        validateInput: (text) => {
          const checked = validateParamValue(spec, text);
          return checked.ok ? undefined : checked.message;
        },
      });
      if (input === undefined) return undefined;
      const tree = await node.host.apiTree();
      const entered = tree.enterValue(param, input);
      if (!entered.ok) throw new Error(entered.message);
      provider.changed(node.host.wrap(param));
      const valueView = node.host.wrap(entered.node);
      await view.reveal(valueView, { select: true, focus: true, expand: true });
      await openNode(valueView);
      return valueView;
    }),
    command('probeExplorer.addAllegroScope', async (arg) => {
      const device = await pickAllegroDevice(provider, arg instanceof AllegroScopesNode ? arg.owner : arg);
      if (!device) return undefined;
      const asked = await askScope(device.profile.name);
      if (!asked) return undefined;
      const scope = normalizeScope(asked);
      if (isDefaultScope(scope)) {
        void vscode.window.showInformationMessage(`${asked.mmId ?? ''} is the live traffic of ${device.profile.name} itself, shown directly below it.`);
        return undefined;
      }
      const key = scopeKey(scope);
      // The registry's change redraws the device's scopes folder (the device keeps its trees).
      await registry.editScopes(device.profile.name, (scopes) => (scopes.some((s) => scopeKey(s) === key) ? scopes : [...scopes, scope]));
      const node = provider.deviceNode(device.profile.name);
      if (!(node instanceof AllegroDeviceNode)) return undefined;
      const kids = await node.scopes.children();
      const added = kids.find((k): k is AllegroScopeNode => k instanceof AllegroScopeNode && scopeKey(k.scope) === key);
      if (added) await view.reveal(added, { select: true, focus: true, expand: true });
      return added;
    }),
    command('probeExplorer.removeAllegroScope', async (arg) => {
      const node = selected(arg);
      if (!(node instanceof AllegroScopeNode) || !node.configured) return;
      const key = scopeKey(node.scope);
      await registry.editScopes(node.deviceName, (scopes) => scopes.filter((s) => scopeKey(s) !== key));
    }),
    command('probeExplorer.findInTree', async (arg) => {
      const device = await pickAllegroDevice(provider, arg);
      const query = (arg as { query?: unknown } | undefined)?.query;
      if (device) return findInTree(device, view, typeof query === 'string' ? query : '');
      return undefined;
    }),
    command('probeExplorer.exportApiMap', async (arg) => {
      const device = await pickAllegroDevice(provider, arg);
      if (device) return exportApiMap(device, provider);
      return undefined;
    }),
    command('probeExplorer.deleteReportInstance', async (arg) => {
      const node = selected(arg);
      if (!(node instanceof InstanceNode)) return;
      const answer = await vscode.window.showWarningMessage(`Delete report instance ${node.instanceId} on ${node.deviceName}?`, { modal: true }, 'Delete');
      if (answer !== 'Delete') return;
      await node.delete();
      provider.refresh(node.parent!);
    }),
    command('probeExplorer.deleteMyReportInstances', async (arg) => {
      const node = selected(arg);
      const group = node instanceof InstancesNode ? node : node instanceof InstanceNode ? (node.parent as InstancesNode) : undefined;
      if (!group) return;
      group.refresh();
      const mine = (await group.listed()).filter((i) => i.entry.mine);
      const user = group.device.profile.username ?? '?';
      if (!mine.length) {
        provider.changed(group);
        void vscode.window.showInformationMessage(`No report instances of user "${user}" on ${group.deviceName}.`);
        return;
      }
      const answer = await vscode.window.showWarningMessage(
        `Delete ${mine.length} report instance${mine.length === 1 ? '' : 's'} of user "${user}" on ${group.deviceName}?`,
        { modal: true, detail: mine.map((i) => `${i.entry.label} ${i.entry.description}`).join('\n') },
        'Delete',
      );
      if (answer !== 'Delete') {
        provider.changed(group);
        return;
      }
      const results = await Promise.allSettled(mine.map((i) => i.delete()));
      provider.refresh(group);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) throw new Error(`${failed.length} of ${mine.length} deletions failed: ${String(failed[0].reason?.message ?? failed[0].reason)}`);
      vscode.window.setStatusBarMessage(`Deleted ${mine.length} report instance(s)`, 4000);
    }),
    command('probeExplorer.newReportFromHere', async (arg) => {
      const node = selected(arg);
      const payload = node instanceof SourceNode
        ? { device: node.deviceName, source: node.sourceName }
        : node instanceof ColumnNode
          ? { device: node.deviceName, source: node.sourceName, column: node.columnId }
          : node instanceof PacketSourceNode
            ? { device: node.deviceName, source: 'packets', path: node.sourcePath }
            : undefined;
      if (!payload) return undefined;
      const known = await vscode.commands.getCommands(true);
      if (!known.includes(NEW_REPORT_COMMAND)) {
        void vscode.window.showInformationMessage('Report authoring is not available in this build yet.');
        return undefined;
      }
      return vscode.commands.executeCommand(NEW_REPORT_COMMAND, payload);
    }),
  );
}

function isNode(arg: unknown): arg is TreeNode {
  return !!arg && typeof arg === 'object' && typeof (arg as TreeNode).item === 'function' && typeof (arg as TreeNode).children === 'function';
}

/** The Allegro device of the node, the only Allegro device, or the one the user picks. */
async function pickAllegroDevice(provider: DevicesTreeProvider, arg: unknown): Promise<AllegroDeviceNode | undefined> {
  const named = arg as { deviceName?: unknown; device?: unknown } | undefined;
  const name = typeof arg === 'string' ? arg : named?.deviceName ?? named?.device;
  const devices = provider.deviceNodes().filter((d): d is AllegroDeviceNode => d instanceof AllegroDeviceNode);
  if (typeof name === 'string') {
    const device = devices.find((d) => d.deviceName === name);
    if (!device) throw new Error(`"${name}" is not an Allegro device: the API tree exists only for Allegro devices.`);
    return device;
  }
  if (!devices.length) {
    void vscode.window.showInformationMessage('No Allegro device is configured.');
    return undefined;
  }
  if (devices.length === 1) return devices[0];
  const pick = await vscode.window.showQuickPick(devices.map((d) => ({ label: d.deviceName, description: d.host, device: d })), { title: 'Which Allegro device?' });
  return pick?.device;
}

interface FoundItem extends vscode.QuickPickItem {
  /** Absent on the "nothing matches" line. */
  node?: ApiNode;
}

/** The characters of `query` appear in `name` in order: the loosest match a quick pick makes. */
function couldMatch(query: string, name: string): boolean {
  let i = 0;
  for (let j = 0; j < name.length && i < query.length; j++) if (name[j] === query[i]) i++;
  return i === query.length;
}

/**
 * A quick pick filled while the hierarchy is walked (bounded concurrency, cancellable from the
 * progress notification or by closing the pick); choosing an item reveals its node in the tree.
 */
async function findInTree(device: AllegroDeviceNode, view: vscode.TreeView<TreeNode>, initialQuery: string): Promise<void> {
  const tree: AllegroApiTree = await device.apiTree();
  const controller = new AbortController();
  const pick = vscode.window.createQuickPick<FoundItem>();
  pick.title = `Find in API tree of ${device.deviceName}`;
  pick.placeholder = 'Type part of a name (e.g. peers, :ip, dns)';
  // Names are matched; the path is shown beside each name.
  pick.matchOnDescription = false;
  pick.busy = true;
  pick.value = initialQuery;
  const items: FoundItem[] = [];
  const seen = new Set<string>();
  let dirty = false;
  let walking = true;
  const add = (node: ApiNode) => {
    if ((node.kind !== 'resource' && node.kind !== 'parameter') || node === tree.root || seen.has(node.templatePath)) return;
    seen.add(node.templatePath);
    items.push({ label: node.name, description: node.templatePath, node });
    dirty = true;
  };
  // A query that no name can match gets a line saying so (an empty list looks like a hang).
  const noMatch = (): FoundItem[] => {
    const query = pick.value.trim();
    const q = query.toLowerCase().replace(/\s+/g, '');
    if (!q || items.some((i) => couldMatch(q, i.label.toLowerCase()))) return [];
    return [{ label: `No name in the API tree matches “${query}”`, description: walking ? 'still walking the tree…' : `${items.length} names searched`, alwaysShow: true }];
  };
  const show = () => {
    pick.items = [...items.sort((a, b) => a.description!.localeCompare(b.description!)), ...noMatch()];
  };
  pick.onDidChangeValue(() => show());
  const flush = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    show();
  }, 150);

  const chosen = new Promise<FoundItem | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (item && !item.node) return; // the "nothing matches" line
      resolve(item);
      pick.hide();
    });
    pick.onDidHide(() => {
      controller.abort();
      resolve(undefined);
    });
  });
  pick.show();

  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Walking the API tree of ${device.deviceName}`, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      let last = 0;
      try {
        const result = await tree.walk(tree.root, {
          signal: controller.signal,
          onNode: add,
          onProgress: (p) => {
            const done = p.visited / Math.max(1, p.visited + p.pending);
            const increment = Math.max(0, done * 100 - last);
            last += increment;
            progress.report({ message: `${p.visited} levels loaded, ${p.pending} to go, ${items.length} names`, increment });
          },
        });
        pick.title = `Find in API tree of ${device.deviceName}: ${items.length} names${result.failed ? `, ${result.failed} levels failed` : ''}${result.truncated ? ' (truncated)' : ''}`;
      } catch (err) {
        if ((err as { kind?: string })?.kind !== 'aborted') throw err;
        pick.title = `Find in API tree of ${device.deviceName}: cancelled, ${items.length} names`;
      } finally {
        clearInterval(flush);
        walking = false;
        show();
        pick.busy = false;
        // No change event here: it would race with the reveal of the chosen node. Levels the walk
        // loaded show up from the cache when their parents are expanded.
      }
    },
  );

  const found = await chosen;
  pick.dispose();
  if (found?.node) await view.reveal(device.wrap(found.node), { select: true, focus: true, expand: false });
}

/** Walks the whole hierarchy (cancellable) and writes api-maps/<device>.md and .json into the workspace. */
async function exportApiMap(device: AllegroDeviceNode, provider: DevicesTreeProvider): Promise<vscode.Uri | undefined> {
  const tree = await device.apiTree();
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Walking the API tree of ${device.deviceName}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      try {
        return await tree.walk(tree.root, {
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: `${p.visited} levels loaded, ${p.pending} to go` }),
        });
      } catch (err) {
        if ((err as { kind?: string })?.kind === 'aborted') return undefined;
        throw err;
      }
    },
  );
  provider.changed(device);
  if (!outcome) return undefined;
  const map = apiMapOf(tree, { baseUrl: device.profile.url });
  const base = safeFileName(device.deviceName);
  let mdUri: vscode.Uri | undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const dir = vscode.Uri.joinPath(folder.uri, 'api-maps');
    await vscode.workspace.fs.createDirectory(dir);
    mdUri = vscode.Uri.joinPath(dir, `${base}.md`);
  } else {
    mdUri = await vscode.window.showSaveDialog({ saveLabel: 'Export API map', filters: { Markdown: ['md'] }, defaultUri: vscode.Uri.file(`${base}.md`) });
    if (!mdUri) return undefined;
  }
  const jsonUri = mdUri.with({ path: mdUri.path.replace(/\.md$/i, '') + '.json' });
  await vscode.workspace.fs.writeFile(mdUri, Buffer.from(apiMapMarkdown(map), 'utf8'));
  await vscode.workspace.fs.writeFile(jsonUri, Buffer.from(`${JSON.stringify(map, null, 2)}\n`, 'utf8'));
  await vscode.window.showTextDocument(mdUri, { preview: false });
  vscode.window.setStatusBarMessage(`API map of ${device.deviceName}: ${map.paths} paths${outcome.failed ? `, ${outcome.failed} levels failed` : ''}`, 5000);
  return mdUri;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'device';
}

/** Asks what to add: an analysis slot, a multi-device member (and slot), a link group. */
async function askScope(deviceName: string): Promise<AllegroScope | undefined> {
  const kinds = [
    { label: '$(layers) Parallel pcap analysis slot', description: 'mm-id=:N', what: 'slot' as const },
    { label: '$(vm) Device of a multi-device setup', description: 'mm-id=<name> or <name>:<slot>', what: 'member' as const },
    { label: '$(type-hierarchy) Virtual link group', description: 'group=N', what: 'group' as const },
  ];
  const pick = await vscode.window.showQuickPick(kinds, { title: `Add to ${deviceName}`, placeHolder: 'What should the tree show beside the live traffic?' });
  if (!pick) return undefined;
  if (pick.what === 'slot') {
    const slot = await vscode.window.showInputBox({
      title: 'Parallel pcap analysis slot', prompt: 'Slot number (1 is the first replay/analysis slot; 0 is the live traffic)', value: '1',
      validateInput: (x) => (/^\d+$/.test(x.trim()) && Number(x) >= 1 ? undefined : 'A slot number from 1'),
    });
    return slot === undefined ? undefined : { mmId: `:${Number(slot.trim())}` };
  }
  if (pick.what === 'member') {
    const mmId = await vscode.window.showInputBox({
      title: 'Multi-device member', prompt: 'The name configured in the multi-device settings, optionally with a slot: branch1 or branch1:1', placeHolder: 'branch1',
      validateInput: (x) => (!x.trim() ? 'Enter the device name' : mmIdProblem(x.trim())),
    });
    return mmId === undefined ? undefined : { mmId: mmId.trim() };
  }
  const group = await vscode.window.showInputBox({
    title: 'Virtual link group', prompt: 'Link group index (0 is the default group, shown as the live traffic)', value: '1',
    validateInput: (x) => (!/^\d+$/.test(x.trim()) || Number(x) === 0 ? 'A link group index from 1' : groupProblem(Number(x))),
  });
  return group === undefined ? undefined : { group: Number(group.trim()) };
}
