// A traffic source whose traffic varies over time and between hosts: the connections of the
// shared TrafficModel, each sending in every second only the packets that fall into that second's
// send window (./activity.ts). Counters, activity times and captures all come from the same send
// plans, so a capture of [t0, t1) holds exactly the packets the counters count.
import type { CaptureStreamOptions } from '../model/capture';
import type { TrafficSource } from '../model/source';
import type { TrafficModel } from '../model/traffic';
import type { Connection, FlowCounters, Host } from '../model/types';
import { addRange, firstAndLast, sendPlans, sendsIn, SendWindows, type SendPlan } from './activity';
import { varyingCaptureStream } from './varying-capture';

export class VaryingSource implements TrafficSource {
  private sendWindows?: SendWindows;

  /** The model live (endedAt undefined) or as a recording of [startedAt, endedAt). */
  constructor(readonly model: TrafficModel, readonly startedAt: number = model.startedAt, readonly endedAt: number | undefined = undefined) {}

  /** The send windows of the model's seed, computed on first use (a slot nobody asks costs nothing). */
  get windows(): SendWindows {
    return (this.sendWindows ??= SendWindows.of(this.model.seed));
  }

  get hosts(): readonly Host[] { return this.model.hosts; }
  host(ip: string): Host | undefined { return this.model.host(ip); }

  plans(c: Connection): { c2s: SendPlan; s2c: SendPlan } {
    return sendPlans(c, this.windows);
  }

  /** Connections that send at least one packet in [t0, t1). */
  connections(t0: number, t1: number): Connection[] {
    return this.model.connections(t0, t1).filter((c) => {
      const p = this.plans(c);
      return sendsIn(p.c2s, t0, t1) || sendsIn(p.s2c, t0, t1);
    });
  }

  flowCounters(c: Connection, t0: number, t1: number): FlowCounters {
    const p = this.plans(c);
    const c2s = new Float64Array(3);
    const s2c = new Float64Array(3);
    addRange(p.c2s, t0, t1, c2s);
    addRange(p.s2c, t0, t1, s2c);
    return { c2sPackets: c2s[0]!, c2sBytes: c2s[1]!, s2cPackets: s2c[0]!, s2cBytes: s2c[1]! };
  }

  activity(c: Connection, t0: number, t1: number): { firstUs: number; lastUs: number } | undefined {
    const p = this.plans(c);
    const a = firstAndLast(p.c2s, t0, t1);
    const b = firstAndLast(p.s2c, t0, t1);
    if (!a || !b) return a ?? b;
    return { firstUs: Math.min(a.firstUs, b.firstUs), lastUs: Math.max(a.lastUs, b.lastUs) };
  }

  capture(options: CaptureStreamOptions): AsyncGenerator<Buffer> {
    return varyingCaptureStream(this, options);
  }
}
