// AppResponse nodes of the Devices tree: Report sources (facts, Keys / Metrics by category,
// columns), Packet sources (VIFGs, capture jobs, clips, files) and Report instances. One class
// per kind; each draws itself and loads its own children (cached by TreeNode).
import {
  clipEntries, columnDescription, columnTooltip, fileEntries, groupColumns, jobEntries, reportInstanceEntries,
  sourceDescription, sourceFacts, sourceTooltip, vifgEntries,
  type ColumnCategory, type ColumnSection, type PacketSourceEntry, type ReportInstanceEntry,
} from '../../appresponse/catalog';
import { httpAppResponseTreeSource, type AppResponseTreeSource, type InstanceNamespace, type ListedInstance } from '../../appresponse/catalogSource';
import type { FsEntry, ReportSource, SourceColumn } from '../../appresponse/types';
import type { DeviceProfile } from '../../devices/profile';
import type { PacketSourceRef } from '../../pcap/target';
import type { ReportColumnMeta, ReportDataDefResult } from '../../results/appresponseTypes';
import { deferredHttp, DeviceNode, MessageNode, TreeNode, type ItemSpec, type NodeRequest, type TreeEnv } from './base';

export class AppResponseDeviceNode extends DeviceNode {
  private sourcePromise: Promise<AppResponseTreeSource> | undefined;

  constructor(profile: DeviceProfile, env: TreeEnv, private readonly makeSource: (http: Awaited<ReturnType<TreeEnv['http']>>) => AppResponseTreeSource = httpAppResponseTreeSource) {
    super(profile, env);
  }

  /** Reads of this device, built on first use from its HTTP client. */
  source(): Promise<AppResponseTreeSource> {
    if (!this.sourcePromise) {
      const http = deferredHttp(this.profile.name, this.profile.url, () => this.env.http(this.profile.name));
      const building = Promise.resolve(this.makeSource(http));
      this.sourcePromise = building;
      building.catch(() => {
        if (this.sourcePromise === building) this.sourcePromise = undefined;
      });
    }
    return this.sourcePromise;
  }

  item(): ItemSpec {
    return {
      label: this.profile.name,
      description: `${this.host} · ${this.stateText()}`,
      tooltip: `Riverbed AppResponse 11\n${this.profile.url}\nuser ${this.profile.username ?? '?'}\n${this.stateText()}`,
      icon: 'server',
      iconColor: this.connection.state === 'failed' ? 'errorForeground' : this.connection.state === 'connected' ? 'charts.green' : undefined,
      contextValue: this.deviceContext([]),
      collapsible: 'collapsed',
    };
  }

  protected override async loadChildren(): Promise<TreeNode[]> {
    return [new SourcesNode(this), new PacketSourcesNode(this), new InstancesNode(this)];
  }

  /** The sections load on their own; the device itself never fails. */
  protected override afterLoad(): void {}
}

/** Nodes below an AppResponse device reach its reads through here. */
abstract class ArNode extends TreeNode {
  get deviceName(): string {
    return this.device.profile.name;
  }

  protected get arDevice(): AppResponseDeviceNode {
    return this.device as AppResponseDeviceNode;
  }

  protected request0(path: string, title: string, displayPath = path): NodeRequest {
    return { device: this.deviceName, deviceKind: 'appresponse', method: 'GET', path, displayPath, title };
  }
}

// ---- Report sources ----

export class SourcesNode extends ArNode {
  get id(): string {
    return `${this.parent!.id}/sources`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: 'Report sources', icon: 'database', contextValue: 'refreshable', collapsible: 'collapsed', tooltip: 'npm.reports.sources and npm.probe.reports.sources' };
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    const sources = await (await this.arDevice.source()).sources(signal);
    if (!sources.length) return [new MessageNode(this, 'No report sources')];
    return [...sources].sort((a, b) => a.name.localeCompare(b.name)).map((s) => new SourceNode(this, s));
  }
}

export class SourceNode extends ArNode {
  constructor(parent: TreeNode, readonly source: ReportSource & { namespace: string }) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.source.name}`;
  }

  /** For "New report from here" and the report helper. */
  get sourceName(): string {
    return this.source.name;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return {
      label: this.source.name,
      description: sourceDescription(this.source),
      tooltip: sourceTooltip(this.source),
      icon: 'table',
      contextValue: 'refreshable reportable openable api',
      collapsible: 'collapsed',
    };
  }

  override request(): NodeRequest {
    const path = `/api/${this.source.namespace}/1.0/sources/items/${encodeURIComponent(this.source.name)}`;
    return this.request0(path, `source ${this.source.name}`);
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    let source = this.source;
    if (!Array.isArray(source.columns)) {
      // A list without columns: the item has them.
      source = { ...(await (await this.arDevice.source()).source(source.namespace, source.name, signal)), namespace: source.namespace };
    }
    const facts = sourceFacts(source).map((f) => new MessageNode(this, `${f.label}: ${f.value}`, { icon: 'info' }, f.label));
    const sections = groupColumns(source.columns ?? []).map((s) => new ColumnSectionNode(this, s));
    return [...facts, ...sections];
  }
}

const sectionIcons: Record<ColumnSection['kind'], string> = { keys: 'key', metrics: 'graph', other: 'list-unordered' };

export class ColumnSectionNode extends ArNode {
  constructor(parent: SourceNode, readonly section: ColumnSection) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.section.kind}`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return {
      label: this.section.label,
      description: `${this.section.count}`,
      tooltip: this.section.kind === 'keys' ? 'grouped_by: true (may go into group_by)' : this.section.kind === 'metrics' ? 'metric: true' : 'neither grouped_by nor metric',
      icon: sectionIcons[this.section.kind],
      collapsible: 'collapsed',
    };
  }

  protected override async loadChildren(): Promise<TreeNode[]> {
    const source = (this.parent as SourceNode).source;
    // One category: show the columns directly.
    if (this.section.categories.length === 1) return this.section.categories[0].columns.map((c) => new ColumnNode(this, source, c, this.section.kind));
    return this.section.categories.map((c) => new CategoryNode(this, c));
  }
}

export class CategoryNode extends ArNode {
  constructor(parent: ColumnSectionNode, readonly category: ColumnCategory) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.category.name}`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: this.category.name, description: `${this.category.columns.length}`, icon: 'folder', collapsible: 'collapsed' };
  }

  protected override async loadChildren(): Promise<TreeNode[]> {
    const section = this.parent as ColumnSectionNode;
    const source = (section.parent as SourceNode).source;
    return this.category.columns.map((c) => new ColumnNode(this, source, c, section.section.kind));
  }
}

const columnIcons: Record<ColumnSection['kind'], string> = { keys: 'symbol-key', metrics: 'symbol-number', other: 'symbol-field' };

export class ColumnNode extends ArNode {
  constructor(parent: TreeNode, readonly source: ReportSource, readonly column: SourceColumn, readonly section: ColumnSection['kind']) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.column.id}`;
  }

  get sourceName(): string {
    return this.source.name;
  }

  get columnId(): string {
    return this.column.id;
  }

  item(): ItemSpec {
    return {
      label: this.column.label || this.column.id,
      description: columnDescription(this.column),
      icon: columnIcons[this.section],
      contextValue: 'reportable',
      collapsible: 'none',
    };
  }

  /** Every property of the column, on hover. */
  override resolveTooltip(): string {
    return columnTooltip(this.column);
  }
}

// ---- Packet sources ----

type PacketGroup = { kind: PacketSourceEntry['type']; label: string; icon: string };

const packetGroups: PacketGroup[] = [
  { kind: 'vifg', label: 'Virtual interface groups', icon: 'type-hierarchy' },
  { kind: 'job', label: 'Capture jobs', icon: 'record' },
  { kind: 'clip', label: 'Clips', icon: 'file-media' },
  { kind: 'file', label: 'Files', icon: 'file-binary' },
];

export class PacketSourcesNode extends ArNode {
  get id(): string {
    return `${this.parent!.id}/packets`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: 'Packet sources', icon: 'package', contextValue: 'refreshable', collapsible: 'collapsed' };
  }

  protected override async loadChildren(): Promise<TreeNode[]> {
    return packetGroups.map((g) => new PacketGroupNode(this, g));
  }

  protected override afterLoad(): void {}
}

export class PacketGroupNode extends ArNode {
  constructor(parent: PacketSourcesNode, readonly group: PacketGroup) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.group.kind}`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: this.group.label, icon: this.group.icon, contextValue: 'refreshable', collapsible: 'collapsed' };
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    const src = await this.arDevice.source();
    let entries: PacketSourceEntry[];
    switch (this.group.kind) {
      case 'vifg': entries = vifgEntries(await src.vifgs(signal)); break;
      case 'job': entries = jobEntries(await src.jobs(signal)); break;
      case 'clip': entries = clipEntries(await src.clips(signal)); break;
      default: {
        const kids = fsChildren(this, await src.files(signal), src);
        return kids.length ? kids : [new MessageNode(this, 'No files')];
      }
    }
    if (!entries.length) return [new MessageNode(this, `No ${this.group.label.toLowerCase()}`)];
    return entries.map((e) => new PacketSourceNode(this, e, src));
  }
}

/** Directories (loaded when expanded unless the answer holds their contents) and files of one level. */
function fsChildren(parent: TreeNode, entry: FsEntry, src: AppResponseTreeSource): TreeNode[] {
  const dirs = (entry.dirs ?? []).filter((d) => d.type !== 'FILE').sort((a, b) => a.path.localeCompare(b.path)).map((d) => new FsDirectoryNode(parent, d, src));
  const files = fileEntries({ ...entry, dirs: (entry.dirs ?? []).filter((d) => d.type === 'FILE') }).map((e) => new PacketSourceNode(parent, e, src));
  return [...dirs, ...files];
}

export class FsDirectoryNode extends ArNode {
  constructor(parent: TreeNode, readonly entry: FsEntry, private readonly src: AppResponseTreeSource) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/dir:${this.entry.path}`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: this.entry.path.split('/').filter(Boolean).pop() ?? this.entry.path, tooltip: `fs/${this.entry.path}`, icon: 'folder', contextValue: 'refreshable', collapsible: 'collapsed' };
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    const inline = this.entry.files !== undefined || this.entry.dirs !== undefined;
    const listing = inline && !this.loadedOnce ? this.entry : await this.src.files(signal, this.entry.path);
    this.loadedOnce = true;
    const kids = fsChildren(this, listing, this.src);
    return kids.length ? kids : [new MessageNode(this, 'Empty')];
  }

  private loadedOnce = false;
}

export class PacketSourceNode extends ArNode {
  constructor(parent: TreeNode, readonly entry: PacketSourceEntry, private readonly src: AppResponseTreeSource) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.entry.type}:${this.entry.id}`;
  }

  /** What Export Packets / Download pcap read (CaptureTarget.packetSource). */
  get packetSource(): PacketSourceRef {
    return {
      type: this.entry.type,
      id: this.entry.id,
      name: this.entry.label,
      ...(this.entry.startTime !== undefined ? { startTime: this.entry.startTime } : {}),
      ...(this.entry.endTime !== undefined ? { endTime: this.entry.endTime } : {}),
      ...(this.entry.live ? { live: true } : {}),
    };
  }

  /** The `source.path` of a packets report on this source, e.g. jobs/<id>. */
  get sourcePath(): string {
    return this.entry.path;
  }

  item(): ItemSpec {
    return {
      label: this.entry.label,
      description: this.entry.description,
      tooltip: `${this.entry.tooltip}\nsource.path: ${this.entry.path}`,
      icon: packetGroups.find((g) => g.kind === this.entry.type)?.icon ?? 'file',
      // "New report from here": a `packets` report on this source.path.
      contextValue: 'packetSource reportable openable api',
      collapsible: 'none',
    };
  }

  override request(): NodeRequest {
    return this.request0(this.src.paths.packetSource(this.entry.type, this.entry.id), this.entry.label);
  }
}

// ---- Report instances ----

export class InstancesNode extends ArNode {
  get id(): string {
    return `${this.parent!.id}/instances`;
  }

  override get expandable(): boolean {
    return true;
  }

  item(): ItemSpec {
    return { label: 'Report instances', icon: 'history', contextValue: 'refreshable reportInstances', collapsible: 'collapsed' };
  }

  /** Instances currently listed (after a load). */
  async listed(signal?: AbortSignal): Promise<InstanceNode[]> {
    return (await this.children(signal)).filter((c): c is InstanceNode => c instanceof InstanceNode);
  }

  protected override async loadChildren(signal?: AbortSignal): Promise<TreeNode[]> {
    const src = await this.arDevice.source();
    const instances = await src.instances(signal);
    if (!instances.length) return [new MessageNode(this, 'No report instances')];
    const entries = reportInstanceEntries(instances, this.device.profile.username);
    const byKey = new Map(instances.map((i) => [i.id, i]));
    return entries.map((e) => new InstanceNode(this, e, byKey.get(e.id)!, src));
  }
}

export class InstanceNode extends ArNode {
  constructor(parent: InstancesNode, readonly entry: ReportInstanceEntry, readonly instance: ListedInstance, private readonly src: AppResponseTreeSource) {
    super(parent);
  }

  get id(): string {
    return `${this.parent!.id}/${this.instance.namespace}/${this.entry.id}`;
  }

  get namespace(): InstanceNamespace {
    return this.instance.namespace;
  }

  get instanceId(): number {
    return this.entry.id;
  }

  item(): ItemSpec {
    return {
      label: this.entry.label,
      description: this.entry.description,
      tooltip: `${this.entry.tooltip}\nnamespace: ${this.instance.namespace}`,
      icon: this.entry.live ? 'broadcast' : 'output',
      contextValue: 'reportInstance openable api',
      collapsible: 'none',
    };
  }

  override request(): NodeRequest {
    return this.request0(this.src.paths.instance(this.instance.namespace, this.entry.id), this.entry.label);
  }

  delete(signal?: AbortSignal): Promise<void> {
    return this.src.deleteInstance(this.instance.namespace, this.entry.id, signal);
  }

  /**
   * The instance's answer, as a report run shows it: each data definition's rows (one bulk GET of
   * …/data), with the catalogue columns of its sources to type them. What Open shows.
   */
  async report(signal?: AbortSignal): Promise<{ title: string; dataDefs: ReportDataDefResult[]; catalogue: ReportColumnMeta[]; raw: unknown }> {
    const bulk = await this.src.instanceData(this.instance.namespace, this.entry.id, signal);
    const sourceOf = new Map((this.instance.data_defs ?? []).map((d) => [d.id, d.source?.name]));
    const dataDefs = (bulk.data_defs ?? []).map((d): ReportDataDefResult => ({
      id: d.id,
      title: `Data definition ${d.id}: ${sourceOf.get(d.id) ?? '?'}`,
      columns: d.columns ?? [],
      data: d.data ?? [],
      ...(d.meta ? { meta: { ...d.meta } } : {}),
    }));
    const names = new Set(sourceOf.values());
    const catalogue = new Map<string, ReportColumnMeta>();
    for (const s of await this.src.sources(signal)) {
      if (!names.has(s.name)) continue;
      for (const c of s.columns ?? []) if (!catalogue.has(c.id)) catalogue.set(c.id, c as ReportColumnMeta);
    }
    return { title: this.entry.label, dataDefs, catalogue: [...catalogue.values()], raw: bulk };
  }
}
