// Request statistics of a simulated appliance: totals, per method+path counts and the
// largest number of requests in flight at once (tests assert client concurrency limits with it).

export class RequestStatistics {
  total = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Requests per "METHOD /path" (path without query). */
  readonly byRoute = new Map<string, number>();

  /** Records the start of a request; call the returned function once it has ended. */
  begin(method: string, path: string): () => void {
    this.total++;
    const key = `${method} ${path}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
    };
  }

  /** Requests seen for this method and path (exact path, or every path below it with `prefix`). */
  count(method: string, path: string, prefix = false): number {
    if (!prefix) return this.byRoute.get(`${method} ${path}`) ?? 0;
    let n = 0;
    for (const [key, v] of this.byRoute) if (key.startsWith(`${method} ${path}`)) n += v;
    return n;
  }

  /** Starts counting afresh (maxInFlight restarts from the requests in flight now). */
  reset(): void {
    this.total = 0;
    this.maxInFlight = this.inFlight;
    this.byRoute.clear();
  }

  toJSON(): { total: number; inFlight: number; maxInFlight: number; byRoute: Record<string, number> } {
    return { total: this.total, inFlight: this.inFlight, maxInFlight: this.maxInFlight, byRoute: Object.fromEntries(this.byRoute) };
  }
}
