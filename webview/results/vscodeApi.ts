// Typed access to the webview API that VS Code injects (acquireVsCodeApi may be called once).
import type { ResultsWebviewMessage, ResultsWebviewState } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: ResultsWebviewMessage): void;
  getState(): ResultsWebviewState | undefined;
  setState(state: ResultsWebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();

let nextId = 1;
const waiting = new Map<number, (reply: { ok: boolean; message?: string }) => void>();

type WithId = Extract<ResultsWebviewMessage, { requestId: number }>;
type WithoutId<M> = M extends WithId ? Omit<M, 'requestId'> : never;

/** Sends a request and resolves with the host's reply (matched by requestId). */
export function request(message: WithoutId<WithId>): Promise<{ ok: boolean; message?: string }> {
  const requestId = nextId++;
  return new Promise((resolve) => {
    waiting.set(requestId, resolve);
    vscode.postMessage({ ...message, requestId } as WithId);
  });
}

export function settleReply(requestId: number, ok: boolean, message?: string): void {
  const resolve = waiting.get(requestId);
  if (!resolve) return;
  waiting.delete(requestId);
  resolve(message === undefined ? { ok } : { ok, message });
}

export function saveState(patch: Partial<ResultsWebviewState>): void {
  vscode.setState({ ...(vscode.getState() ?? {}), ...patch });
}
