// Guard: package.json and the code agree on command and view ids. A command declared but never
// registered fails with "command not found" when clicked; one registered twice throws at activation.
// The sources are scanned statically (no VS Code needed), following how src registers commands:
// `vscode.commands.registerCommand('id', …)` directly, or through a local helper such as
// `const command = (id: string, …) => vscode.commands.registerCommand(id, …)` called as
// `command('id', …)`; an id may also be a string constant (`const NEW_REPORT_COMMAND = 'probeExplorer.newReport'`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command?: string; submenu?: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsContainers: Record<string, { id: string }[]>;
    viewsWelcome?: { view: string; contents: string }[];
  };
};
const contributes = manifest.contributes;

/**
 * Commands the code registers on purpose without declaring them in package.json, each with the reason.
 * Empty today: every `probeExplorer.*` command the code registers is declared.
 */
const INTERNAL_COMMANDS: Record<string, string> = {};

interface Site { file: string; line: number }
interface Scan {
  registered: Map<string, Site[]>;
  /** Registration calls whose id the scan could not resolve to a string: extend the scanner. */
  unresolved: string[];
  executed: Map<string, Site[]>;
  treeViews: Map<string, Site[]>;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Blanks comments, keeping line numbers, so that commented-out code does not count. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/^(\s*)\/\/.*$/gm, '$1');
}

const STRING = String.raw`'([^'\n]*)'|"([^"\n]*)"|\x60([^\x60$\n]*)\x60`;

function scanSources(): Scan {
  const files = sourceFiles(path.join(root, 'src')).map((file) => ({ file, text: withoutComments(fs.readFileSync(file, 'utf8')) }));
  const constants = new Map<string, string>();
  for (const { text } of files) {
    for (const m of text.matchAll(new RegExp(String.raw`\bconst\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(?:${STRING})\s*(?:as\s+const\s*)?;`, 'g'))) {
      constants.set(m[1]!, m[2] ?? m[3] ?? m[4]!);
    }
  }
  const scan: Scan = { registered: new Map(), unresolved: [], executed: new Map(), treeViews: new Map() };
  const add = (map: Map<string, Site[]>, id: string, site: Site) => map.set(id, [...(map.get(id) ?? []), site]);
  for (const { file, text } of files) {
    const rel = path.relative(root, file);
    const lineOf = (index: number) => text.slice(0, index).split('\n').length;
    const resolve = (m: RegExpMatchArray, first: number) => m[first] ?? m[first + 1] ?? m[first + 2] ?? constants.get(m[first + 3] ?? '');

    // Local helpers that pass their first (string) parameter on to registerCommand.
    const helpers = new Map<string, string>();
    for (const m of text.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*\(\s*([A-Za-z_$][\w$]*)\s*:\s*string\b[^]{0,200}?\bregister(?:TextEditor)?Command\(\s*([A-Za-z_$][\w$]*)\s*[,)]/g)) {
      if (m[2] === m[3]) helpers.set(m[1]!, m[2]!);
    }
    const callees = ['(?:commands\\.)?register(?:TextEditor)?Command', ...[...helpers.keys()].map((h) => `\\b${h}`)];
    const call = new RegExp(String.raw`(?<![\w$.])(?:vscode\.)?(${callees.join('|')})\(\s*(?:${STRING}|([A-Za-z_$][\w$.]*))`, 'g');
    for (const m of text.matchAll(call)) {
      if (m[5] !== undefined && [...helpers.values()].includes(m[5])) continue; // a helper's own body passing its id on
      const id = resolve(m, 2);
      const site = { file: rel, line: lineOf(m.index!) };
      if (id === undefined) scan.unresolved.push(`${rel}:${site.line}: ${m[0]}`);
      else add(scan.registered, id, site);
    }
    for (const m of text.matchAll(new RegExp(String.raw`\bexecuteCommand(?:<[^>]*>)?\(\s*(?:${STRING}|([A-Za-z_$][\w$]*))`, 'g'))) {
      const id = resolve(m, 1);
      if (id?.startsWith('probeExplorer.')) add(scan.executed, id, { file: rel, line: lineOf(m.index!) });
    }
    for (const m of text.matchAll(new RegExp(String.raw`\b(?:createTreeView|registerTreeDataProvider)\(\s*(?:${STRING}|([A-Za-z_$][\w$]*))`, 'g'))) {
      const id = resolve(m, 1);
      add(scan.treeViews, id ?? `<unresolved ${m[0]}>`, { file: rel, line: lineOf(m.index!) });
    }
  }
  return scan;
}

const scan = scanSources();
const declared = contributes.commands.map((c) => c.command);
const declaredSet = new Set(declared);
const viewIds = new Set(Object.values(contributes.views).flat().map((v) => v.id));
const where = (sites: Site[] | undefined) => (sites ?? []).map((s) => `${s.file}:${s.line}`).join(', ');

test('the scanner finds registrations (it would otherwise pass vacuously)', () => {
  assert.ok(scan.registered.size >= 20, `only ${scan.registered.size} registered commands found`);
  assert.ok(scan.registered.has('probeExplorer.addDevice'), 'the helper-based registrations in src/commands/devices.ts are seen');
  assert.deepEqual(scan.unresolved, [], 'registration calls whose id is not a string literal or a known constant');
});

test('package.json declares each command once', () => {
  const twice = declared.filter((id, i) => declared.indexOf(id) !== i);
  assert.deepEqual(twice, []);
});

test('every command declared in package.json is registered somewhere in src', () => {
  const missing = declared.filter((id) => !scan.registered.has(id));
  assert.deepEqual(missing, [], `declared but never registered: ${missing.join(', ')}`);
});

test('no command is registered twice (a second registerCommand throws at activation)', () => {
  const twice = [...scan.registered].filter(([, sites]) => sites.length > 1).map(([id, sites]) => `${id} at ${where(sites)}`);
  assert.deepEqual(twice, []);
});

test('every registered probeExplorer command is declared in package.json or listed as internal with a reason', () => {
  const undeclared = [...scan.registered.keys()]
    .filter((id) => id.startsWith('probeExplorer.') && !declaredSet.has(id) && !INTERNAL_COMMANDS[id])
    .map((id) => `${id} at ${where(scan.registered.get(id))}`);
  assert.deepEqual(undeclared, []);
  for (const [id, reason] of Object.entries(INTERNAL_COMMANDS)) {
    assert.ok(scan.registered.has(id), `${id} is listed as internal but not registered`);
    assert.ok(reason.length > 10, `${id} needs a reason`);
  }
});

test('every probeExplorer command the code executes is registered', () => {
  // VS Code itself provides `<view id>.focus` (and friends) for every declared view.
  const builtIn = (id: string) => /\.(focus|resetViewLocation|removeView|open)$/.test(id) && viewIds.has(id.replace(/\.[^.]+$/, ''));
  const unknown = [...scan.executed.keys()].filter((id) => !scan.registered.has(id) && !builtIn(id)).map((id) => `${id} at ${where(scan.executed.get(id))}`);
  assert.deepEqual(unknown, []);
});

test('every menu entry references a declared command', () => {
  const bad: string[] = [];
  for (const [menu, entries] of Object.entries(contributes.menus)) {
    for (const entry of entries) {
      if (entry.command !== undefined && !declaredSet.has(entry.command)) bad.push(`${menu}: ${entry.command}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('menu conditions on `view ==` name declared views', () => {
  const bad: string[] = [];
  for (const [menu, entries] of Object.entries(contributes.menus)) {
    for (const entry of entries) {
      for (const m of (entry.when ?? '').matchAll(/\bview\s*==\s*([\w.]+)/g)) if (!viewIds.has(m[1]!)) bad.push(`${menu}: ${entry.command} when ${entry.when}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('views sit in declared containers and have unique ids', () => {
  const containers = new Set(['explorer', 'scm', 'debug', 'test', ...Object.values(contributes.viewsContainers).flat().map((c) => c.id)]);
  for (const container of Object.keys(contributes.views)) assert.ok(containers.has(container), `views container ${container} is not declared`);
  const ids = Object.values(contributes.views).flat().map((v) => v.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate view ids: ${ids.join(', ')}`);
});

test('welcome content names declared views and links only declared commands', () => {
  for (const welcome of contributes.viewsWelcome ?? []) {
    assert.ok(viewIds.has(welcome.view), `viewsWelcome for undeclared view ${welcome.view}`);
    for (const m of welcome.contents.matchAll(/\(command:([\w.]+)/g)) assert.ok(declaredSet.has(m[1]!), `welcome of ${welcome.view} links undeclared ${m[1]}`);
  }
});

test('every tree view the code creates is declared, and each declared view is created exactly once', () => {
  for (const [id, sites] of scan.treeViews) assert.ok(viewIds.has(id), `${id} at ${where(sites)} is not declared in package.json`);
  for (const id of viewIds) assert.equal(scan.treeViews.get(id)?.length ?? 0, 1, `view ${id} created at: ${where(scan.treeViews.get(id)) || 'nowhere'}`);
});

test('activation events name declared commands and views', () => {
  for (const event of manifest.activationEvents ?? []) {
    const [kind, id] = event.split(/:(.*)/s);
    if (kind === 'onCommand') assert.ok(declaredSet.has(id!), `${event}: command not declared`);
    if (kind === 'onView') assert.ok(viewIds.has(id!), `${event}: view not declared`);
  }
});
