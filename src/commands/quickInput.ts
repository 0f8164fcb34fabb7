// Small multi-step quick input helpers: numbered steps, a Back button, validation that blocks
// only on errors (warnings and info are shown but let the user go on).
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK | undefined;

export type Validation = vscode.InputBoxValidationMessage | string | undefined;

export interface InputStep {
  title: string;
  step: number;
  totalSteps: number;
  value: string;
  prompt: string;
  placeholder?: string;
  validate?: (value: string) => Validation;
  back?: boolean;
}

function isError(v: Validation): boolean {
  if (v === undefined) return false;
  if (typeof v === 'string') return v.length > 0;
  return v.severity === vscode.InputBoxValidationSeverity.Error;
}

/** What a step's input needs to end: its Back button, its hiding (Esc, focus elsewhere), dispose. */
export interface StepInput {
  onDidTriggerButton: vscode.Event<vscode.QuickInputButton>;
  onDidHide: vscode.Event<void>;
  dispose(): void;
}

export interface StepEnd<T> {
  /** Resolves the step with its first result only, and disposes its input. */
  finish(r: StepResult<T>): void;
  /** True once the step has finished. */
  readonly done: boolean;
}

/** Ends a step once: Back finishes it with BACK, hiding the input with undefined. */
export function endOfStep<T>(input: StepInput, resolve: (r: StepResult<T>) => void): StepEnd<T> {
  let done = false;
  const finish = (r: StepResult<T>) => {
    if (done) return;
    done = true;
    resolve(r);
    input.dispose();
  };
  input.onDidTriggerButton((b) => {
    if (b === vscode.QuickInputButtons.Back) finish(BACK);
  });
  input.onDidHide(() => finish(undefined));
  return { finish, get done() { return done; } };
}

export function inputStep(o: InputStep): Promise<StepResult<string>> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.value = o.value;
    box.prompt = o.prompt;
    box.ignoreFocusOut = true;
    if (o.placeholder) box.placeholder = o.placeholder;
    if (o.back) box.buttons = [vscode.QuickInputButtons.Back];
    const { finish } = endOfStep(box, resolve);
    const check = (v: string) => {
      const r = o.validate?.(v);
      box.validationMessage = r;
      return r;
    };
    check(o.value);
    box.onDidChangeValue((v) => check(v));
    box.onDidAccept(() => {
      if (!isError(check(box.value))) finish(box.value);
    });
    box.show();
  });
}

export interface PickStep<T extends vscode.QuickPickItem> {
  title: string;
  step: number;
  totalSteps: number;
  items: T[];
  placeholder: string;
  active?: T;
  back?: boolean;
}

export function pickStep<T extends vscode.QuickPickItem>(o: PickStep<T>): Promise<StepResult<T>> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = o.title;
    pick.step = o.step;
    pick.totalSteps = o.totalSteps;
    pick.items = o.items;
    pick.placeholder = o.placeholder;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    if (o.active) pick.activeItems = [o.active];
    if (o.back) pick.buttons = [vscode.QuickInputButtons.Back];
    const { finish } = endOfStep(pick, resolve);
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) finish(item);
    });
    pick.show();
  });
}

/**
 * Runs steps in order, from `first` (a form opened prefilled at a later step); a step returns
 * 'next', 'back', 'cancel', or the index of the step to go to. Returns false when cancelled.
 */
export async function runSteps(steps: Array<() => Promise<'next' | 'back' | 'cancel' | number>>, first = 0): Promise<boolean> {
  let i = first;
  while (i < steps.length) {
    const r = await steps[i]!();
    if (r === 'cancel') return false;
    i = typeof r === 'number' ? r : r === 'back' ? Math.max(0, i - 1) : i + 1;
  }
  return true;
}

export function outcome<T>(r: StepResult<T>, apply: (v: T) => void): 'next' | 'back' | 'cancel' {
  if (r === undefined) return 'cancel';
  if (r === BACK) return 'back';
  apply(r);
  return 'next';
}
