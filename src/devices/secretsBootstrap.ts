// One-shot import of device secrets written by tools outside VS Code (`npm start`, the end-to-end
// tests): SecretStorage can only be written from inside the editor, so they write
// `<workspace>/.vscode/probe-explorer.secrets.json` (mode 0600, git-ignored) and the extension, on
// activation, stores each entry under the device's secret key and deletes the file at once.
//
// File shape: { "version": 1, "secrets": [{ "device": "Demo Allegro", "kind": "password" | "token", "value": "…" }] }
// The path can also be given with the environment variable PROBE_EXPLORER_SECRETS_FILE.
// No runtime vscode import (types only), so it is unit-tested under plain Node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { secretKey, secretOriginKey } from './profile';

export const BOOTSTRAP_FILE = path.join('.vscode', 'probe-explorer.secrets.json');

export interface BootstrapEntry {
  device: string;
  kind: 'password' | 'token';
  value: string;
}

export interface SecretSink {
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/** Parses a bootstrap file's text; throws on anything unexpected (never echoes values). */
export function parseBootstrap(text: string): BootstrapEntry[] {
  const doc = JSON.parse(text) as { version?: unknown; secrets?: unknown };
  if (doc.version !== 1 || !Array.isArray(doc.secrets)) throw new Error('expected { "version": 1, "secrets": [...] }');
  return doc.secrets.map((e: unknown, i: number) => {
    const entry = e as Partial<BootstrapEntry>;
    if (typeof entry?.device !== 'string' || !entry.device) throw new Error(`secrets[${i}]: "device" must be a non-empty string`);
    if (entry.kind !== 'password' && entry.kind !== 'token') throw new Error(`secrets[${i}]: "kind" must be "password" or "token"`);
    if (typeof entry.value !== 'string') throw new Error(`secrets[${i}]: "value" must be a string`);
    return { device: entry.device, kind: entry.kind, value: entry.value };
  });
}

/** Imports every bootstrap file found and deletes it; returns the number of secrets stored. */
export async function importSecretsBootstrap(files: string[], sink: SecretSink, log: Log): Promise<number> {
  let stored = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // absent: the usual case
    }
    try {
      // Delete first: the secrets must not stay on disk even if the import fails half way.
      fs.rmSync(file, { force: true });
      const entries = parseBootstrap(text);
      // A file replaces everything stored for the devices it names: no secret stored earlier (a
      // password beside an imported token) stays behind without the address it was bound to.
      // What it provides binds on the next connection, to the address the settings give then.
      for (const device of new Set(entries.map((e) => e.device))) {
        for (const key of [secretKey({ name: device }, 'password'), secretKey({ name: device }, 'token'), secretOriginKey({ name: device })]) await sink.delete(key);
      }
      for (const entry of entries) {
        await sink.store(secretKey({ name: entry.device }, entry.kind), entry.value);
        stored += 1;
      }
      log.info(`Imported ${entries.length} device secret(s) from ${file} into Secret Storage and deleted the file.`);
    } catch (e) {
      log.warn(`Could not import device secrets from ${file} (the file was deleted): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return stored;
}

export function bootstrapFiles(folders: readonly vscode.WorkspaceFolder[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const files = (folders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => path.join(f.uri.fsPath, BOOTSTRAP_FILE));
  if (env.PROBE_EXPLORER_SECRETS_FILE) files.push(env.PROBE_EXPLORER_SECRETS_FILE);
  return files;
}

/**
 * Runs the import at activation. `onImported` lets the devices tree refresh once secrets exist.
 * Returns the promise so activation can await it before the first connection.
 */
export function registerSecretsBootstrap(
  context: Pick<vscode.ExtensionContext, 'secrets'>,
  deps: { log: Log; folders: readonly vscode.WorkspaceFolder[] | undefined; onImported?: () => void },
): Promise<number> {
  return importSecretsBootstrap(bootstrapFiles(deps.folders), context.secrets, deps.log).then((n) => {
    if (n > 0) deps.onImported?.();
    return n;
  });
}
