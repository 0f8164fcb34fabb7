// The device jobs running in this extension host (capture downloads, packet exports, reports).
// When the window closes (the extension is deactivated) they are cancelled like the user's
// Cancel, and waited for within a time limit: a partial `.part` file is deleted, and an
// AppResponse export handle, device file or report instance is deleted on the device, instead of
// a `.part` staying in the workspace and a handle on the appliance.

export interface AbortOutcome {
  /** Jobs that were running and were cancelled. */
  aborted: number;
  /** Of those, the ones still cleaning up when the time limit passed. */
  unfinished: number;
}

export class RunningJobs {
  private readonly runs = new Map<AbortController, Promise<unknown>>();

  get size(): number {
    return this.runs.size;
  }

  /** Keeps `controller` (which cancels `run`) until `run` settles; returns `run`. */
  track<T>(controller: AbortController, run: Promise<T>): Promise<T> {
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.runs.set(controller, settled);
    void settled.then(() => this.runs.delete(controller));
    return run;
  }

  /** Cancels every running job and waits up to `timeoutMs` for their cleanup to finish. */
  async abortAll(reason: Error, timeoutMs: number): Promise<AbortOutcome> {
    const runs = [...this.runs];
    for (const [controller] of runs) controller.abort(reason);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(runs.map(([, settled]) => settled)), limit]);
    clearTimeout(timer);
    return { aborted: runs.length, unfinished: runs.filter(([controller]) => this.runs.has(controller)).length };
  }
}

/** The extension's jobs (the capture and report commands track theirs here; deactivate cancels them). */
export const runningJobs = new RunningJobs();
