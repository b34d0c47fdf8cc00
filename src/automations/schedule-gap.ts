/**
 * The shortest gap between a schedule's runs, exact across DST changes, without walking the slots.
 *
 * A cron pattern is a set of times of day (the same every day) on a set of dates. In wall-clock
 * time its gaps are those within a day (the same on every matching day) and those from one
 * matching day's last time to the next matching day's first. Real gaps equal wall-clock gaps
 * except where the zone's offset changes: there the runs are the ones croner makes (Vixie's rule,
 * see `fixedTimeRule: 'no-wildcard'` in schedule.ts):
 * - spring (the clock jumps forward over [G0, G1)): an interval job skips the times in the gap; a
 *   fixed-time job runs once at the jump for the times it skipped;
 * - autumn (the clock shows [B, E) twice): an interval job runs at those times twice, a fixed-time
 *   job once, the first time.
 * So the shortest gap is the smallest of: the within-day gap (on a day with no offset change); each
 * day-to-day gap, in real time; and, at each offset change of the coming year, the few real gaps
 * around it. Only a handful of slots are looked at, and croner is asked for two.
 */
import type { Cron } from 'croner';
import { zoneOffsetMs, zoneTransitions, type ZoneTransition } from '../util/timezone.js';

const DAY = 86_400_000;
/** How far ahead the shortest gap is looked for (pairs whose first run is within it count). */
export const GAP_HORIZON_MS = 366 * DAY;
/** Samples at most this many slots when the shortcut cannot be used (see `sampledGap`). */
const GAP_SAMPLE_CAP = 4000;
/** How far to look for the next matching date (29 February may be 8 years away). */
const MAX_DAY_SCAN = 12 * 366;

/** Which dates a pattern runs on, by day number (days since 1970-01-01, as a wall-clock date). */
export interface DateMatcher {
  matches(day: number): boolean;
  /** The first matching day after `day`, or null when none comes within a few years. */
  nextAfter(day: number): number | null;
}

/** A compiled schedule as the gap computation needs it. */
export interface GapPattern {
  /** The schedule in its zone: asked for the first run and used when the shortcut does not apply. */
  readonly cron: Cron;
  readonly zone: string;
  /** Allowed seconds, minutes and hours, ascending ([0] seconds for a 5-field pattern). */
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Vixie's fixed-time job (no `*`, `?` or step in its time fields). */
  readonly fixedTime: boolean;
  readonly dates: DateMatcher;
}

/** Dates from plain value sets, combined as croner does: day of month OR weekday when both are restricted (not a literal `*`). */
export function plainDateMatcher(dom: ReadonlySet<number>, month: ReadonlySet<number>, dow: ReadonlySet<number>, domStar: boolean, dowStar: boolean): DateMatcher {
  const matches = (day: number): boolean => {
    const date = new Date(day * DAY);
    if (!month.has(date.getUTCMonth() + 1)) return false;
    if (domStar && dowStar) return true;
    if (domStar) return dow.has(date.getUTCDay());
    if (dowStar) return dom.has(date.getUTCDate());
    return dom.has(date.getUTCDate()) || dow.has(date.getUTCDay());
  };
  return {
    matches,
    nextAfter(day) {
      for (let d = day + 1; d <= day + MAX_DAY_SCAN; d++) if (matches(d)) return d;
      return null;
    },
  };
}

/** Dates as croner matches them (L, W, #…), from a date-only croner pattern at UTC+0. */
export function cronerDateMatcher(dateOnly: Cron): DateMatcher {
  return {
    matches: (day) => dateOnly.match(new Date(day * DAY)),
    nextAfter(day) {
      const next = dateOnly.nextRun(new Date((day + 1) * DAY - 1000));
      return next === null ? null : Math.floor(next.getTime() / DAY);
    },
  };
}

/**
 * The shortest gap in seconds between consecutive runs whose first run is after `from` and within
 * a year of it (the first pair always counts, so a yearly schedule has a gap), or null when the
 * schedule runs at most once more.
 */
export function shortestGap(p: GapPattern, from: number): number | null {
  const first = p.cron.nextRun(new Date(from));
  if (first === null) return null;
  const horizon = from + GAP_HORIZON_MS;
  if (first.getTime() > horizon) {
    const second = p.cron.nextRun(first);
    return second === null ? null : (second.getTime() - first.getTime()) / 1000;
  }
  return new GapSearch(p, from, horizon).shortest();
}

type RealSlots = { kind: 'plain'; at: number } | { kind: 'gap'; transition: ZoneTransition | null } | { kind: 'overlap'; first: number; second: number };

class GapSearch {
  private readonly offsets: ZoneOffsets;
  private readonly dayStart: number;
  private readonly dayEnd: number;
  private readonly matching: Uint8Array;
  private readonly todFirst: number;
  private readonly todLast: number;
  private best = Infinity;

  constructor(
    private readonly p: GapPattern,
    private readonly from: number,
    private readonly horizon: number,
  ) {
    this.offsets = zoneOffsets(p.zone, from - 3 * DAY, horizon + 3 * DAY);
    this.dayStart = Math.floor((from + this.offsets.at(from)) / DAY) - 2;
    this.dayEnd = Math.floor((horizon + this.offsets.at(horizon)) / DAY) + 2;
    this.matching = new Uint8Array(this.dayEnd - this.dayStart + 1);
    for (let d = this.dayStart; d <= this.dayEnd; d++) this.matching[d - this.dayStart] = p.dates.matches(d) ? 1 : 0;
    this.todFirst = tod(p.hours[0]!, p.minutes[0]!, p.seconds[0]!);
    this.todLast = tod(p.hours.at(-1)!, p.minutes.at(-1)!, p.seconds.at(-1)!);
  }

  shortest(): number | null {
    this.withinDays();
    this.betweenDays();
    for (const t of this.offsets.transitions) this.aroundTransition(t);
    return Number.isFinite(this.best) ? this.best / 1000 : null;
  }

  /** A pair of runs (real instants), counted when its first run is in (from, horizon]. */
  private pair(a: number, b: number): void {
    if (a > this.from && a <= this.horizon && b > a && b - a < this.best) this.best = b - a;
  }

  /** The within-day gap, seen on any matching day whose offset does not change near it; sampled otherwise. */
  private withinDays(): void {
    const gap = withinDayGap(this.p);
    if (gap === null) return;
    const firstDay = Math.floor((this.from + this.offsets.at(this.from)) / DAY) + 2;
    const lastDay = Math.floor((this.horizon + this.offsets.at(this.horizon)) / DAY) - 2;
    for (let d = firstDay; d <= lastDay; d++) {
      if (this.isMatching(d) && this.offsets.steadyAround(d * DAY)) {
        this.best = Math.min(this.best, gap * 1000);
        return;
      }
    }
    // Every matching day is next to an offset change (say `*/5 * 29 3 *`): look at the runs.
    const sampled = sampledGap(this.p.cron, this.from, this.horizon, gap);
    if (sampled !== null) this.best = Math.min(this.best, sampled * 1000);
  }

  /** From each matching day's last run to the next matching day's first, in real time. */
  private betweenDays(): void {
    let day = this.nextMatchingDay(this.dayStart - 1);
    while (day !== null && day <= this.dayEnd) {
      const next = this.nextMatchingDay(day);
      if (next === null) return;
      const x = day * DAY + this.todLast;
      const y = next * DAY + this.todFirst;
      const rx = this.realSlots(x);
      const ry = this.realSlots(y);
      if (rx.kind === 'plain' && ry.kind === 'plain') this.pair(rx.at, ry.at);
      else if (rx.kind === 'overlap' && ry.kind === 'overlap' && ry.first - rx.first === y - x) {
        // Both in the same repeated hour: a wall-clock gap, once or twice.
        this.pair(rx.first, ry.first);
        if (!this.p.fixedTime) this.pair(rx.second, ry.second);
      }
      // Otherwise a run is in a skipped or repeated hour: aroundTransition counts the pair.
      day = next;
    }
  }

  /** The real runs next to an offset change, as croner makes them: each chain is consecutive runs. */
  private aroundTransition(t: ZoneTransition): void {
    const forward = t.after > t.before;
    // The wall-clock times that are skipped (spring) or shown twice (autumn): [start, end).
    const start = t.at + (forward ? t.before : t.after);
    const end = t.at + (forward ? t.after : t.before);
    const pred = this.realBefore(start);
    const succ = this.realFrom(end);
    const insideFirst = this.nextLocal(start);
    const insideLast = this.prevLocal(end);
    const inside = insideFirst !== null && insideLast !== null && insideFirst < end;
    const chains: (number | null)[][] = [];
    if (!inside) chains.push([pred, succ]);
    else if (forward) chains.push(this.p.fixedTime ? [pred, t.at, succ] : [pred, succ]);
    else if (this.p.fixedTime) chains.push([pred, insideFirst - t.before], [insideLast - t.before, succ]);
    else chains.push([pred, insideFirst - t.before], [insideLast - t.before, insideFirst - t.after], [insideLast - t.after, succ]);
    for (const chain of chains) {
      for (let i = 1; i < chain.length; i++) {
        const a = chain[i - 1];
        const b = chain[i];
        if (a !== null && a !== undefined && b !== null && b !== undefined) this.pair(a, b);
      }
    }
  }

  /** The last real run for a wall-clock slot before `local` (walking past slots that do not run). */
  private realBefore(local: number): number | null {
    let x = this.prevLocal(local);
    for (let i = 0; x !== null && i < 8; i++) {
      if (x < this.dayStart * DAY) return null; // before `from`: not counted
      const r = this.realSlots(x);
      if (r.kind === 'plain') return r.at;
      if (r.kind === 'overlap') return this.p.fixedTime ? r.first : r.second;
      if (this.p.fixedTime) return r.transition?.at ?? null;
      x = this.prevLocal(x);
    }
    return null;
  }

  /** The first real run for a wall-clock slot at or after `local`. */
  private realFrom(local: number): number | null {
    let x = this.nextLocal(local);
    for (let i = 0; x !== null && i < 8; i++) {
      const r = this.realSlots(x);
      if (r.kind === 'plain') return r.at;
      if (r.kind === 'overlap') return r.first;
      if (this.p.fixedTime) return r.transition?.at ?? null;
      x = this.nextLocal(x + 1000);
    }
    return null;
  }

  /** Where a wall-clock time falls: one instant, none (skipped), or two (repeated). */
  private realSlots(local: number): RealSlots {
    const early = this.offsets.at(local - DAY);
    const late = this.offsets.at(local + DAY);
    const fits = (offset: number) => this.offsets.at(local - offset) === offset;
    const a = fits(early) ? local - early : null;
    const b = late !== early && fits(late) ? local - late : null;
    if (a !== null && b !== null) return { kind: 'overlap', first: Math.min(a, b), second: Math.max(a, b) };
    if (a !== null || b !== null) return { kind: 'plain', at: (a ?? b)! };
    return { kind: 'gap', transition: this.offsets.transitionNear(local - early) };
  }

  private isMatching(day: number): boolean {
    if (day >= this.dayStart && day <= this.dayEnd) return this.matching[day - this.dayStart] === 1;
    return this.p.dates.matches(day);
  }

  private nextMatchingDay(day: number): number | null {
    for (let d = day + 1; d <= this.dayEnd; d++) if (this.isMatching(d)) return d;
    return this.p.dates.nextAfter(Math.max(day, this.dayEnd));
  }

  private prevMatchingDay(day: number): number | null {
    for (let d = Math.min(day - 1, this.dayEnd); d >= this.dayStart; d--) if (this.matching[d - this.dayStart] === 1) return d;
    return null;
  }

  /** The first wall-clock slot at or after `local` (ms). */
  private nextLocal(local: number): number | null {
    const day = Math.floor(local / DAY);
    if (this.isMatching(day)) {
      const t = nextTod(this.p, Math.ceil((local - day * DAY) / 1000));
      if (t !== null) return day * DAY + t * 1000;
    }
    const next = this.nextMatchingDay(day);
    return next === null ? null : next * DAY + this.todFirst;
  }

  /** The last wall-clock slot before `local` (ms), or null before the days looked at. */
  private prevLocal(local: number): number | null {
    const day = Math.floor(local / DAY);
    if (this.isMatching(day)) {
      const t = prevTod(this.p, Math.ceil((local - day * DAY) / 1000) - 1);
      if (t !== null) return day * DAY + t * 1000;
    }
    const prev = this.prevMatchingDay(day);
    return prev === null ? null : prev * DAY + this.todLast;
  }
}

function tod(h: number, m: number, s: number): number {
  return (h * 3600 + m * 60 + s) * 1000;
}

/** The first time of day (seconds) at or after `x`, or null. */
function nextTod(p: GapPattern, x: number): number | null {
  const h0 = Math.floor(x / 3600);
  const m0 = Math.floor((x % 3600) / 60);
  const s0 = x % 60;
  for (const h of p.hours) {
    if (h < h0) continue;
    if (h > h0) return h * 3600 + p.minutes[0]! * 60 + p.seconds[0]!;
    for (const m of p.minutes) {
      if (m < m0) continue;
      if (m > m0) return h * 3600 + m * 60 + p.seconds[0]!;
      for (const s of p.seconds) if (s >= s0) return h * 3600 + m * 60 + s;
    }
  }
  return null;
}

/** The last time of day (seconds) at or before `x`, or null. */
function prevTod(p: GapPattern, x: number): number | null {
  if (x < 0) return null;
  const h0 = Math.floor(x / 3600);
  const m0 = Math.floor((x % 3600) / 60);
  const s0 = x % 60;
  for (let i = p.hours.length - 1; i >= 0; i--) {
    const h = p.hours[i]!;
    if (h > h0) continue;
    if (h < h0) return h * 3600 + p.minutes.at(-1)! * 60 + p.seconds.at(-1)!;
    for (let j = p.minutes.length - 1; j >= 0; j--) {
      const m = p.minutes[j]!;
      if (m > m0) continue;
      if (m < m0) return h * 3600 + m * 60 + p.seconds.at(-1)!;
      for (let k = p.seconds.length - 1; k >= 0; k--) if (p.seconds[k]! <= s0) return h * 3600 + m * 60 + p.seconds[k]!;
    }
  }
  return null;
}

/** The smallest gap (seconds) between two times of one day, or null for one time a day. */
export function withinDayGap(p: Pick<GapPattern, 'seconds' | 'minutes' | 'hours'>): number | null {
  const { seconds: s, minutes: m, hours: h } = p;
  const spanS = s.at(-1)! - s[0]!;
  const spanMS = m.at(-1)! * 60 + s.at(-1)! - (m[0]! * 60 + s[0]!);
  let gap = Infinity;
  if (s.length > 1) gap = Math.min(gap, smallestStep(s));
  if (m.length > 1) gap = Math.min(gap, smallestStep(m) * 60 - spanS);
  if (h.length > 1) gap = Math.min(gap, smallestStep(h) * 3600 - spanMS);
  return Number.isFinite(gap) ? gap : null;
}

function smallestStep(sorted: readonly number[]): number {
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return step;
}

/** Walks the runs (the old way): for the rare schedule that runs only next to offset changes. Stops at `floor`. */
function sampledGap(cron: Cron, from: number, horizon: number, floor: number): number | null {
  let previous = cron.nextRun(new Date(from));
  let shortest: number | null = null;
  for (let i = 0; previous !== null && i < GAP_SAMPLE_CAP && previous.getTime() <= horizon; i++) {
    const next = cron.nextRun(previous);
    if (next === null) break;
    const gap = (next.getTime() - previous.getTime()) / 1000;
    if (shortest === null || gap < shortest) shortest = gap;
    if (shortest <= floor) break;
    previous = next;
  }
  return shortest;
}

/** A zone's offsets over a span, from its transitions (Intl outside the span). */
interface ZoneOffsets {
  readonly transitions: readonly ZoneTransition[];
  /** The offset (ms) at an instant. */
  at(instant: number): number;
  /** No offset change within two days of the instant. */
  steadyAround(instant: number): boolean;
  /** The offset change within a day or so of the instant, if any. */
  transitionNear(instant: number): ZoneTransition | null;
}

interface CachedTransitions {
  start: number;
  end: number;
  startOffset: number;
  transitions: ZoneTransition[];
}

/** Transitions per zone over a year and a month from the request; a zone's rules do not change while we run. */
const transitionCache = new Map<string, CachedTransitions>();
const TRANSITION_CACHE_SIZE = 512;

function zoneOffsets(zone: string, start: number, end: number): ZoneOffsets {
  let cached = transitionCache.get(zone);
  if (!cached || cached.start > start || cached.end < end) {
    const spanEnd = end + 31 * DAY; // the same span serves the coming month's requests
    cached = { start, end: spanEnd, startOffset: zoneOffsetMs(zone, start), transitions: zoneTransitions(zone, start, spanEnd) };
    if (transitionCache.size >= TRANSITION_CACHE_SIZE) transitionCache.delete(transitionCache.keys().next().value!);
    transitionCache.set(zone, cached);
  }
  const { transitions, startOffset } = cached;
  const inSpan = (t: number) => t >= cached.start && t <= cached.end;
  const at = (instant: number): number => {
    if (!inSpan(instant)) return zoneOffsetMs(zone, instant);
    let offset = startOffset;
    for (const t of transitions) {
      if (t.at > instant) break;
      offset = t.after;
    }
    return offset;
  };
  const relevant = transitions.filter((t) => t.at >= start && t.at <= end);
  return {
    transitions: relevant,
    at,
    steadyAround: (instant) => !transitions.some((t) => Math.abs(t.at - instant) <= 3 * DAY),
    transitionNear(instant) {
      const near = transitions.find((t) => Math.abs(t.at - instant) <= 2 * DAY);
      if (near || inSpan(instant)) return near ?? null;
      return zoneTransitions(zone, instant - 2 * DAY, instant + 2 * DAY)[0] ?? null;
    },
  };
}
