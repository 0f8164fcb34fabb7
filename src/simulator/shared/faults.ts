// Fault injection for tests of clients: switches on the simulator handle (for every request, or
// for requests under a path prefix) and per-request query flags. Random choices are seeded, so
// a test run is reproducible.
import { Rng } from '../model/rng';

/** What happens to one request. */
export interface FaultPlan {
  /** Extra delay before the response starts. */
  latencyMs: number;
  /** Answer with this status instead of the real response. */
  status?: number;
  /** Destroy the connection after sending about half of the body. */
  resetMidBody: boolean;
  /** Send the body at this rate (bytes per second); 0 = full speed. */
  slowBodyBytesPerSecond: number;
  /** Send a JSON body that does not parse. */
  malformedJson: boolean;
  /** Asynchronous jobs created by this request never finish. */
  asyncNeverFinishes: boolean;
  /** Asynchronous jobs created by this request finish with this errorCode. */
  asyncErrorCode: number;
}

/** Query flags a test may add to any request; they are removed before the request is handled. */
export const FAULT_QUERY_FLAGS = {
  'sim.latency': 'added latency in ms',
  'sim.status': 'answer with this HTTP status (e.g. 500, 502, 503, 504)',
  'sim.reset': '1: reset the connection mid-body',
  'sim.slow': 'send the body at this many bytes per second',
  'sim.malformed': '1: malformed JSON body',
  'sim.never': '1: the asynchronous job never finishes',
  'sim.asyncError': 'the asynchronous job ends with this errorCode',
} as const;

export class FaultSwitches {
  /** Added to every response. */
  latencyMs = 0;
  /** Probability (0..1) that a request gets one of `errorStatuses`. */
  errorRate = 0;
  errorStatuses: number[] = [500, 502, 503, 504];
  resetMidBody = false;
  slowBodyBytesPerSecond = 0;
  malformedJson = false;
  asyncNeverFinishes = false;
  asyncErrorCode = 0;
  /** Limit the switches above (not the query flags) to paths starting with this prefix. */
  pathPrefix: string | undefined;
  private rng: Rng;
  private scripted: { remaining: number; status: number; pathPrefix?: string }[] = [];

  constructor(seed = 1) {
    this.rng = new Rng(seed, 0xfa17);
  }

  /** The next `count` requests (under `pathPrefix`, if given) answer `status`. */
  failNext(count: number, status: number, pathPrefix?: string): void {
    this.scripted.push({ remaining: count, status, pathPrefix });
  }

  /** Turns every fault off. */
  clear(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.errorStatuses = [500, 502, 503, 504];
    this.resetMidBody = false;
    this.slowBodyBytesPerSecond = 0;
    this.malformedJson = false;
    this.asyncNeverFinishes = false;
    this.asyncErrorCode = 0;
    this.pathPrefix = undefined;
    this.scripted = [];
  }

  /** Decides the faults of one request; removes the sim.* flags from `query`. */
  plan(path: string, query: URLSearchParams, baseLatencyMs = 0): FaultPlan {
    const applies = this.pathPrefix === undefined || path.startsWith(this.pathPrefix);
    const plan: FaultPlan = {
      latencyMs: baseLatencyMs + (applies ? this.latencyMs : 0),
      resetMidBody: applies && this.resetMidBody,
      slowBodyBytesPerSecond: applies ? this.slowBodyBytesPerSecond : 0,
      malformedJson: applies && this.malformedJson,
      asyncNeverFinishes: applies && this.asyncNeverFinishes,
      asyncErrorCode: applies ? this.asyncErrorCode : 0,
    };
    const scripted = this.scripted.find((s) => s.remaining > 0 && (!s.pathPrefix || path.startsWith(s.pathPrefix)));
    if (scripted) {
      scripted.remaining--;
      plan.status = scripted.status;
    } else if (applies && this.errorRate > 0 && this.rng.next() < this.errorRate) {
      plan.status = this.rng.pick(this.errorStatuses);
    }
    const flag = (name: keyof typeof FAULT_QUERY_FLAGS) => {
      const v = query.get(name);
      query.delete(name);
      return v;
    };
    const latency = flag('sim.latency');
    if (latency) plan.latencyMs += Number(latency) || 0;
    const status = flag('sim.status');
    if (status && /^\d{3}$/.test(status)) plan.status = Number(status);
    if (flag('sim.reset') === '1') plan.resetMidBody = true;
    const slow = flag('sim.slow');
    if (slow) plan.slowBodyBytesPerSecond = Number(slow) || 0;
    if (flag('sim.malformed') === '1') plan.malformedJson = true;
    if (flag('sim.never') === '1') plan.asyncNeverFinishes = true;
    const asyncError = flag('sim.asyncError');
    if (asyncError) plan.asyncErrorCode = Number(asyncError) || 0;
    return plan;
  }
}
