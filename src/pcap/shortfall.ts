// When a capture holds less than was asked: no packet at all (why that may be: the filter matched
// nothing, the time range lies outside the source's data), or packets that stop short of the asked
// end (a stop rule cut the export: size_limit, packet_limit, time_limit; or the packets just end
// well before it). The words both capture flows show and the sidecar records. Pure.
import { formatBytes, formatDuration } from '../shared/format';

/** What was asked, in the terms of the capture flows (seconds since the epoch). */
export interface AskedCapture {
  /** What selects the packets, as the user wrote it: "STEELFILTER foo.bar == 3", "expression ip==10.1.2.3". */
  filter?: string;
  start?: number;
  end?: number;
  /** The source's own packets, when known (a live source's data reaches now). */
  source?: { name: string; start?: number; end?: number; live?: boolean };
  /** What the source is called in a sentence when its span is unknown ("the capture buffer"). */
  place?: string;
  /** Live traffic from now on (nothing recorded to be outside of). */
  liveCapture?: boolean;
}

export interface StopRule {
  time_limit?: number;
  size_limit?: number;
  packet_limit?: number;
}

/** The capture covers less than was asked. Recorded in the sidecar as `cutShort`. */
export interface CutShort {
  /** The stop rule that ended it, or 'stop rule' when the device says one did but not which, or 'early end'. */
  by: 'size_limit' | 'packet_limit' | 'time_limit' | 'stop rule' | 'early end';
  /** The limit's value (bytes, packets or seconds). */
  limit?: number;
  /** Seconds from the asked start to the last packet, and the asked span. */
  coveredSeconds?: number;
  askedSeconds?: number;
  /** ISO 8601 UTC of the last packet kept, and of the asked end. */
  lastPacket?: string;
  askedEnd?: string;
  /** One line: "stopped by size_limit (5.00 MB) after 57 s of 5 min". */
  text: string;
}

/** "57 s", "5 min", "5 min 3 s", "1 h" (no trailing zero unit). */
function duration(seconds: number): string {
  return formatDuration(Math.round(seconds)).replace(/ 0 (s|min|h)$/, '');
}

/** "10:03:34 UTC", with the date when `withDate`. */
function clock(seconds: number, withDate = false): string {
  const iso = new Date(Math.floor(seconds) * 1000).toISOString();
  return `${withDate ? `${iso.slice(0, 10)} ` : ''}${iso.slice(11, 19)} UTC`;
}

function between(start: number | undefined, end: number | undefined): string {
  if (start === undefined && end === undefined) return '';
  const withDate = start !== undefined && end !== undefined ? new Date(start * 1000).toISOString().slice(0, 10) !== new Date(end * 1000).toISOString().slice(0, 10) : true;
  if (start !== undefined && end !== undefined) return ` between ${clock(start, true)} and ${clock(end, withDate)}`;
  return start !== undefined ? ` after ${clock(start, true)}` : ` before ${clock(end!, true)}`;
}

/** "default_job holds packets from 09:29:00 UTC until now" */
function sourceSpan(s: NonNullable<AskedCapture['source']>): string | undefined {
  if (s.start === undefined) return undefined;
  if (s.live) return `${s.name} holds packets from ${clock(s.start, true)} until now`;
  if (s.end === undefined) return undefined;
  return `${s.name} holds packets from ${clock(s.start, true)} to ${clock(s.end, new Date(s.start * 1000).toISOString().slice(0, 10) !== new Date(s.end * 1000).toISOString().slice(0, 10))}`;
}

/**
 * Why a capture may hold no packet, the likely reasons first: a time range wholly outside the
 * source's data is certain and comes alone; otherwise the filter, then the range.
 */
export function noPacketsReasons(asked: AskedCapture, nowSeconds = Date.now() / 1000): string[] {
  const s = asked.source;
  const range = between(asked.start, asked.end);
  if (s?.start !== undefined && asked.end !== undefined && asked.end <= s.start) {
    return [`the time range${range} ends before the first packet of ${s.name}`];
  }
  const sourceEnd = s?.live ? nowSeconds : s?.end;
  if (sourceEnd !== undefined && asked.start !== undefined && asked.start >= sourceEnd) {
    return [s?.live ? `the time range${range} has not happened yet` : `the time range${range} starts after the last packet of ${s!.name}`];
  }
  const where = s?.name ?? asked.place ?? 'the source';
  const reasons: string[] = [];
  if (asked.filter) reasons.push(`the filter ${asked.filter} matched no packet in ${where}${range}`);
  if (s?.start !== undefined) {
    if (asked.start !== undefined && asked.start < s.start) reasons.push(`the time range starts before ${where}'s data (only part of it is covered)`);
    else if (!asked.filter) reasons.push(`${where} saw no traffic${range}`);
  } else if (asked.liveCapture) {
    if (!asked.filter) reasons.push(`no traffic was seen${range}`);
  } else {
    reasons.push(asked.filter ? `the time range lies outside what ${where} holds` : `${where} holds no packet${range}`);
  }
  return reasons;
}

/** The warning for a capture with no packet: the reasons and the source's own span. */
export function noPacketsMessage(asked: AskedCapture, nowSeconds = Date.now() / 1000): string {
  const reasons = noPacketsReasons(asked, nowSeconds);
  const why = reasons.length === 1 ? reasons[0]! : `likely ${reasons.slice(0, -1).join(', ')} or ${reasons.at(-1)}`;
  const span = asked.source ? sourceSpan(asked.source) : undefined;
  return `No packets: ${why}${span ? ` (${span})` : ''}.`;
}

/** The captured facts shortfall() needs (a CommittedCapture has them). */
export interface CapturedFacts {
  packetCount: number;
  size: number;
  /** ISO 8601 UTC. */
  lastPacketTime?: string;
}

/**
 * Whether the capture covers less than was asked, and why: the stop rule whose limit it reached
 * (packet_limit: as many packets; size_limit: within a packet or 2 % of it; time_limit: the asked
 * span is longer and the packets stop within it), a stop rule the device says cut it
 * (`deviceTruncated`, stats.truncated), or packets that end well before the asked end (more
 * than a minute and a fifth of the span). Undefined when it covers what was asked.
 */
export function shortfall(asked: AskedCapture, captured: CapturedFacts, stopRule: StopRule | undefined, deviceTruncated = false): CutShort | undefined {
  if (captured.packetCount === 0) return undefined;
  const last = captured.lastPacketTime ? Date.parse(captured.lastPacketTime) / 1000 : undefined;
  const askedSeconds = asked.start !== undefined && asked.end !== undefined ? asked.end - asked.start : undefined;
  const coveredSeconds = asked.start !== undefined && last !== undefined ? Math.max(0, last - asked.start) : undefined;
  const facts = {
    ...(coveredSeconds !== undefined ? { coveredSeconds } : {}),
    ...(askedSeconds !== undefined ? { askedSeconds } : {}),
    ...(captured.lastPacketTime ? { lastPacket: captured.lastPacketTime } : {}),
    ...(asked.end !== undefined ? { askedEnd: new Date(asked.end * 1000).toISOString() } : {}),
  };
  const after = coveredSeconds !== undefined && askedSeconds !== undefined ? ` after ${duration(coveredSeconds)} of ${duration(askedSeconds)}` : '';
  const sr = stopRule ?? {};
  const cut = (by: CutShort['by'], limit: number | undefined, what: string): CutShort => ({ by, ...(limit !== undefined ? { limit } : {}), ...facts, text: `stopped by ${what}${after}` });
  if (sr.packet_limit !== undefined && captured.packetCount >= sr.packet_limit) {
    return cut('packet_limit', sr.packet_limit, `packet_limit (${sr.packet_limit.toLocaleString('en-US')} packets)`);
  }
  if (sr.size_limit !== undefined && sr.size_limit - captured.size <= Math.max(2048, sr.size_limit * 0.02)) {
    return cut('size_limit', sr.size_limit, `size_limit (${formatBytes(sr.size_limit)})`);
  }
  if (sr.time_limit !== undefined && askedSeconds !== undefined && askedSeconds > sr.time_limit && coveredSeconds !== undefined && coveredSeconds <= sr.time_limit + 1) {
    return cut('time_limit', sr.time_limit, `time_limit (${duration(sr.time_limit)})`);
  }
  if (deviceTruncated) {
    const set = (['size_limit', 'packet_limit', 'time_limit'] as const).filter((k) => sr[k] !== undefined);
    return set.length === 1 ? cut(set[0]!, sr[set[0]!], set[0]!) : cut('stop rule', undefined, 'a stop rule (the device says the output was truncated)');
  }
  if (last !== undefined && asked.end !== undefined && askedSeconds !== undefined) {
    const gap = asked.end - last;
    if (gap > Math.max(60, askedSeconds * 0.2)) {
      const limits = (['size_limit', 'packet_limit', 'time_limit'] as const).filter((k) => sr[k] !== undefined);
      const hint = limits.length ? `; the stop rule (${limits.map((k) => `${k} ${sr[k]}`).join(', ')}) may have ended it` : '';
      return { by: 'early end', ...facts, text: `ends ${duration(gap)} before the asked end: its last packet is at ${clock(last)}, the range ends at ${clock(asked.end)}${after ? `; it covers${after.replace(' after', '')}` : ''}${hint}` };
    }
  }
  return undefined;
}
