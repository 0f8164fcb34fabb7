// The Devices view (`probeExplorer.devices`): one top-level node per configured device, Allegro
// API hierarchy and AppResponse catalogue below. The nodes (src/views/nodes) are vscode-free;
// this provider turns their ItemSpecs into TreeItems and fires change events per node.
import * as vscode from 'vscode';
import { withoutScopes, type DeviceProfile } from '../devices/profile';
import type { HttpClientApi, Logger } from '../http/types';
import { AllegroDeviceNode } from './nodes/allegro';
import { AppResponseDeviceNode } from './nodes/appresponse';
import { DeviceNode, TreeNode, type ItemSpec, type TreeEnv } from './nodes/base';
import { registerTreeCommands, type TreeCommandDeps } from '../commands/tree';

export const DEVICES_VIEW_ID = 'probeExplorer.devices';

/** What the tree needs of the DeviceRegistry (src/devices/registry.ts). */
export interface DevicesRegistry {
  list(): DeviceProfile[];
  get(name: string): DeviceProfile | undefined;
  http(name: string): Promise<HttpClientApi>;
  editScopes(name: string, edit: (current: NonNullable<DeviceProfile['scopes']>) => NonNullable<DeviceProfile['scopes']>): Promise<void>;
  onDidChangeDevices: vscode.Event<unknown>;
}

export class DevicesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private devices = new Map<string, { key: string; node: DeviceNode }>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  readonly env: TreeEnv;

  constructor(private readonly registry: DevicesRegistry, log?: Logger) {
    this.env = {
      http: (name) => registry.http(name),
      settings: () => {
        const config = vscode.workspace.getConfiguration('probeExplorer');
        return { pageSize: config.get<number>('tree.pageSize', 50), maxConcurrency: config.get<number>('maxConcurrentRequests', 6) };
      },
      changed: (node) => this.emitter.fire(node),
      log,
    };
    this.sync();
    this.disposables.push(registry.onDidChangeDevices(() => this.onDevicesChanged()));
  }

  /** Device nodes in settings order. */
  deviceNodes(): DeviceNode[] {
    return [...this.devices.values()].map((d) => d.node);
  }

  deviceNode(name: string): DeviceNode | undefined {
    return this.devices.get(name)?.node;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node.item(), node.id);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.deviceNodes();
    try {
      return await node.children();
    } catch (err) {
      // Only a cancellation reaches here; the tree shows nothing rather than a stale list.
      this.env.log?.debug(`Devices tree: load of ${node.id} cancelled: ${String(err)}`);
      return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    const text = node.resolveTooltip();
    if (text !== undefined) {
      const md = new vscode.MarkdownString();
      md.appendCodeblock(text, 'yaml');
      item.tooltip = md;
    }
    return item;
  }

  /** Reloads `node` on its next expansion and redraws only it. */
  refresh(node: TreeNode): TreeNode {
    const changed = node.refresh();
    this.emitter.fire(changed);
    return changed;
  }

  /** Everything: device list again, every device's cache dropped. */
  refreshAll(): void {
    for (const d of this.deviceNodes()) d.refresh();
    this.sync();
    this.emitter.fire(undefined);
  }

  /** Fires the change event of `node` (e.g. after Load more or Enter value). */
  changed(node: TreeNode | undefined): void {
    this.emitter.fire(node);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private onDevicesChanged(): void {
    const structural = this.sync();
    if (structural) {
      this.emitter.fire(undefined);
      return;
    }
    // Same devices, but a secret or transport setting changed: reload devices that had failed.
    for (const d of this.deviceNodes()) {
      if (d.connection.state === 'failed') this.refresh(d);
    }
  }

  /** Rebuilds nodes of added or edited devices; keeps the others with their caches. True when the list changed. */
  private sync(): boolean {
    const next = new Map<string, { key: string; node: DeviceNode }>();
    let changed = false;
    const settings = this.env.settings();
    for (const profile of this.registry.list()) {
      // A changed page size or request limit rebuilds the device's tree too; changed scopes (slots,
      // link groups) only redraw the device's scopes folder.
      const key = JSON.stringify({ profile: withoutScopes(profile), settings });
      const old = this.devices.get(profile.name);
      if (old && old.key === key) {
        next.set(profile.name, old);
        if (old.node instanceof AllegroDeviceNode && JSON.stringify(old.node.profile.scopes ?? []) !== JSON.stringify(profile.scopes ?? [])) {
          old.node.profile = profile;
          this.emitter.fire(old.node.scopes.refresh());
        }
      } else {
        changed = true;
        next.set(profile.name, { key, node: profile.kind === 'allegro' ? new AllegroDeviceNode(profile, this.env) : new AppResponseDeviceNode(profile, this.env) });
      }
    }
    if (next.size !== this.devices.size || [...next.keys()].some((k, i) => [...this.devices.keys()][i] !== k)) changed = true;
    this.devices = next;
    return changed;
  }
}

const collapsibleStates: Record<ItemSpec['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(spec: ItemSpec, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, collapsibleStates[spec.collapsible]);
  item.id = id;
  if (spec.description !== undefined) item.description = spec.description;
  if (spec.tooltip !== undefined) item.tooltip = spec.tooltip;
  if (spec.icon) item.iconPath = new vscode.ThemeIcon(spec.icon, spec.iconColor ? new vscode.ThemeColor(spec.iconColor) : undefined);
  if (spec.contextValue) item.contextValue = spec.contextValue;
  if (spec.command) item.command = spec.command;
  return item;
}

export interface DevicesTreeDeps extends Omit<TreeCommandDeps, 'provider' | 'view'> {
  registry: DevicesRegistry;
  log?: Logger;
}

/** Creates the view `probeExplorer.devices` and registers its commands. */
export function registerDevicesTree(context: vscode.ExtensionContext, deps: DevicesTreeDeps): { provider: DevicesTreeProvider; view: vscode.TreeView<TreeNode> } {
  const provider = new DevicesTreeProvider(deps.registry, deps.log);
  const view = vscode.window.createTreeView(DEVICES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);
  registerTreeCommands(context, { ...deps, provider, view });
  return { provider, view };
}
