// Start / Stop Demo Appliances: both simulators run inside the extension host on loopback, and two
// devices pinned to their fresh certificates point at them. Starting twice keeps one pair running.
import * as vscode from 'vscode';
import type { DeviceRegistry } from '../devices/registry';
import { keepScopes, type DeviceKind } from '../devices/profile';
import { DEMO_NAMES, demoProfileOf, type DemoHandle } from '../devices/demo-profiles';

export interface DemoCommandDeps {
  registry: DeviceRegistry;
  log: vscode.LogOutputChannel;
}

type Running = Array<{ kind: DeviceKind; handle: DemoHandle & { close(): Promise<void> } }>;

export function registerDemoCommands(context: vscode.ExtensionContext, deps: DemoCommandDeps): void {
  const demo = new Demo(deps);
  context.subscriptions.push(
    demo,
    vscode.commands.registerCommand('probeExplorer.startDemo', () => demo.start().catch((error) => fail(deps.log, error))),
    vscode.commands.registerCommand('probeExplorer.stopDemo', () => demo.stop().catch((error) => fail(deps.log, error))),
  );
}

class Demo implements vscode.Disposable {
  private running: Promise<Running> | undefined;

  constructor(private readonly deps: DemoCommandDeps) {}

  async start(): Promise<void> {
    const already = this.running !== undefined;
    const starting = (this.running ??= Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the demo appliances…' }, () => this.launch()),
    ));
    let running: Running;
    try {
      running = await starting;
    } catch (error) {
      this.running = undefined;
      throw error;
    }
    // Idempotent: the devices always point at the simulators that run now.
    for (const { kind, handle } of running) {
      const { profile, secret } = demoProfileOf(kind, handle);
      const existing = this.deps.registry.get(profile.name);
      if (existing) await this.deps.registry.update(profile.name, keepScopes(profile, existing), secret);
      else await this.deps.registry.add(profile, secret);
    }
    const names = running.map((r) => DEMO_NAMES[r.kind]).join(' and ');
    this.deps.log.info(`Demo appliances ${already ? 'already running' : 'started'}: ${running.map((r) => `${DEMO_NAMES[r.kind]} at ${r.handle.url}`).join(', ')}`);
    void vscode.commands.executeCommand('probeExplorer.devices.focus');
    void vscode.window.showInformationMessage(already ? `${names} are already running.` : `${names} are running on this machine.`);
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) await closeAll(await running.catch(() => []));
    for (const name of Object.values(DEMO_NAMES)) await this.deps.registry.remove(name);
    if (running) {
      this.deps.log.info('Demo appliances stopped');
      void vscode.window.showInformationMessage('Demo appliances stopped.');
    }
  }

  dispose(): void {
    void this.running?.then(closeAll, () => undefined);
    this.running = undefined;
  }

  private async launch(): Promise<Running> {
    const seed = vscode.workspace.getConfiguration('probeExplorer').get<number>('demo.seed', 1);
    // Loaded on demand: the simulators (and their certificate library) cost nothing until used.
    const [allegro, appResponse] = await Promise.all([import('../simulator/allegro/index'), import('../simulator/appresponse/index')]);
    const started: Running = [];
    try {
      started.push({ kind: 'allegro', handle: await allegro.startAllegroSimulator({ host: '127.0.0.1', port: 0, seed }) });
      started.push({ kind: 'appresponse', handle: await appResponse.startAppResponseSimulator({ host: '127.0.0.1', port: 0, seed }) });
    } catch (error) {
      await closeAll(started);
      throw error;
    }
    return started;
  }
}

async function closeAll(running: Running): Promise<void> {
  await Promise.all(running.map((r) => r.handle.close().catch(() => undefined)));
}

function fail(log: vscode.LogOutputChannel, error: unknown): void {
  const message = `Demo appliances: ${error instanceof Error ? error.message : String(error)}`;
  log.error(message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((answer) => answer && log.show());
}
