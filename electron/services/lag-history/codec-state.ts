// What the writer and a reader of one history file both know after the same records: the
// dictionary (entities = topics and groups, each holding its series) and every series' last
// stored values. Records store only how a series differs from a prediction both sides can
// make, so an unchanged series costs nothing:
//   - by default the prediction is "same as last time";
//   - raw group partitions store [committed+1, timeLagField]; the committed offset is predicted
//     by whichever of two predictions missed less lately (ConsumerModel): "trend", at the
//     partition's log end offset when the group was caught up (lag 0 stays 0 while the producer
//     moves; a series new in the file starts there too), else from the last committed offset (a
//     stopped consumer stays put), or "follow", the end offset minus the consumer's usual lag.
//     Lag itself is derived (end − committed, never negative), never stored.
//   - minute/hour group partitions [committedLast+1, lagMax+1, lagMin+1, timeLagMax+1, endLast+1]
//     predict endLast from the topic partition's row of the same bucket and committedLast the
//     way raw committed offsets are predicted, against that end (decoded in the order
//     4, 0, 1, 2, 3 so the end is known first);
//   - time lag is stored as the append time of the committed offset in 100 ms units (constant
//     while a consumer is stuck), 1 for "no time lag" and 0 for "unknown". When the committed
//     offset moved it is predicted the way the sampler measured it: interpolated in a table of
//     the partition's stored end offsets (time-lag.ts), so it usually costs nothing.
//   - a live series follows its trend (constant rate): topic end offsets and bytes, and the
//     committed offset of a consumer that is behind, are predicted as last value + the mean of
//     the last two deltas when both were non-zero (0 otherwise, so a partition that sees one
//     message now and then is not predicted to keep moving); in the raw tier the time-lag
//     origin of a consumer that is behind moves by its last step when its offset moved.
import type { Tier } from './history-store.js';
import { parseKey, topicPartitionKey, type SeriesKind } from './series.js';
import { EndOffsetHistory } from './time-lag.js';

/** Order in which a minute/hour group partition's values are predicted and stored. */
export const AGG_GROUP_ORDER = [4, 0, 1, 2, 3];

/** Topics first: group series read their partition's end offset from the same record. */
export const enum Section {
  Topics = 0,
  Groups = 1,
}

export interface Entity {
  section: Section;
  id: number;
  name: string;
  /** Indexed by local id. */
  series: SeriesState[];
  /** Reader: decode this entity's values (its block is parsed either way when a neighbour is wanted). */
  decode: boolean;
  /** Series that exist at the current record (a primed reader knows later ones already). */
  visible: number;
}

export interface SeriesState {
  id: number;
  key: string;
  kind: SeriesKind;
  entity: Entity;
  local: number;
  width: number;
  /** Last stored (not predicted) values; null before its first entry in this file. */
  stored: number[] | null;
  live: boolean;
  /** Group partitions: the topic partition series whose end offset it is measured against, and the last lag. */
  dep: SeriesState | null;
  /** Group partitions: how its committed offset has been moving (see predictCommitted). */
  consumer: ConsumerModel | null;
  /** Raw topic partitions only: their end offsets since they became live, for time-lag predictions. */
  ends: EndOffsetHistory | null;
  lag: number | null;
  /** Reader: values in the store's row layout, and whether the query wants them. */
  out: number[] | null;
  emit: boolean;
  /** Reader: this frame's entry (frame-decoder.ts) and the codes of the values that missed. */
  entry: number;
  codes: number[] | null;
  /** Last two deltas per value (d1 newest); for raw groups d1[1] is the time-origin step. */
  d1: number[];
  d2: number[];
  /** Writer: tick (frames so far in this file, both sides count) of the last sample that carried this series, and its values then. */
  seenTick: number;
  pending: number[] | null;
  /** Per value: 4 × the running mean of its coded residuals, which sets its Rice parameter. */
  kacc: number[];
  /** Whether an entry with values was coded before (the first one, a full value, does not adapt kacc). */
  coded: boolean;
  /** The values that missed at this series' last entry: "the same again" is one flag. */
  lastMask: number;
  /** Tick of the frame where it last missed (the odds of its entry flag depend on whether that was the previous one). */
  missTick: number;
  /** Adaptive probabilities (range-coder.ts) of its entry flags, indexed ENTRY, ENTRY_AFTER_MISS, SAME_MASK. */
  probs: number[];
}

/** Probability indexes of a series' flags: an entry after a frame without a miss, after a miss, and "the same values missed as last time". */
export const ENTRY = 0;
export const ENTRY_AFTER_MISS = 1;
export const SAME_MASK = 2;
/** Starting odds (of a 0 bit, in 2^-11): a series with no miss last frame mostly has no entry, one with a miss mostly misses the same way again. */
const PROBS_AT_START = [1740, 308, 308];

/**
 * Two ways to predict a committed offset, each scored by its recent misses (both sides score
 * the same decoded values, so the choice costs no bits): "trend" (the offset moves by its
 * recent steps, or stays where a stopped consumer left it) and "follow" (it stays its usual
 * distance behind the end: a healthy consumer commits whatever it had read, so its lag is noise
 * around a level while its offset jumps with the producer). Fixed-point running means: value =
 * acc / 8.
 */
interface ConsumerModel {
  lagAcc: number;
  trendMiss: number;
  followMiss: number;
}

/** A prediction's miss, capped (one jump must not decide for long), in the models' fixed point. */
function missBy(value: number, pred: number): number {
  return Math.min(Math.abs(value - pred), 1 << 20) * 8;
}

export class CodecState {
  readonly entities: [Entity[], Entity[]] = [[], []];
  private readonly entityByName: [Map<string, Entity>, Map<string, Entity>] = [new Map(), new Map()];
  readonly byKey = new Map<string, SeriesState>();
  readonly series: SeriesState[] = [];
  /** Time of the previous frame in this file (the time-lag prediction needs it). */
  prevT: number | null = null;
  tick = 0;

  constructor(readonly tier: Tier) {}


  entity(section: Section, name: string): Entity | undefined {
    return this.entityByName[section].get(name);
  }

  /** An entity known by id only (a reader that skips its series still needs its id taken). */
  addEntity(section: Section, name: string): Entity {
    const e: Entity = { section, id: this.entities[section].length, name, series: [], decode: false, visible: 0 };
    this.entities[section].push(e);
    this.entityByName[section].set(name, e);
    return e;
  }

  /** Adds a series (writer side: new key; reader side: from a DICT record with the writer's ids). */
  add(key: string, width: number, section?: Section, entityId?: number, local?: number): SeriesState {
    const parsed = parseKey(key);
    const sec = section ?? (parsed.kind === 't' || parsed.kind === 'T' ? Section.Topics : Section.Groups);
    const name = sec === Section.Topics ? parsed.topic! : parsed.group!;
    let e = this.entityByName[sec].get(name);
    if (!e) {
      e = { section: sec, id: entityId ?? this.entities[sec].length, name, series: [], decode: false, visible: 0 };
      if (e.id !== this.entities[sec].length) throw new Error('history dictionary out of order');
      this.entities[sec].push(e);
      this.entityByName[sec].set(name, e);
    }
    const s: SeriesState = {
      id: this.series.length,
      key,
      kind: parsed.kind,
      entity: e,
      local: local ?? e.series.length,
      width,
      stored: null,
      live: false,
      dep: null,
      consumer: null,
      ends: null,
      lag: null,
      out: null,
      emit: false,
      entry: -1,
      codes: null,
      seenTick: 0,
      pending: null,
      d1: new Array<number>(width).fill(0),
      d2: new Array<number>(width).fill(0),
      kacc: new Array<number>(width).fill(0),
      coded: false,
      lastMask: 1,
      missTick: -1,
      probs: PROBS_AT_START.slice(),
    };
    if (s.local !== e.series.length) throw new Error('history dictionary out of order');
    e.series.push(s);
    this.series.push(s);
    this.byKey.set(key, s);
    return s;
  }

  /** The topic partition series a raw group partition derives its lag from (found once it exists). */
  depOf(s: SeriesState): SeriesState | null {
    if (s.dep) return s.dep;
    const p = parseKey(s.key);
    s.dep = this.byKey.get(topicPartitionKey(p.topic!, p.partition!)) ?? null;
    return s.dep;
  }

  isRawGroup(s: SeriesState): boolean {
    return this.tier === 'raw' && s.kind === 'g';
  }

  /** The partition's end offset in the current frame, if it has one. */
  endNow(s: SeriesState): number | null {
    const d = this.depOf(s);
    return d && d.live && d.stored ? d.stored[0]! : null;
  }

  /** The predicted step of value i of a live series (see the header). */
  trend(s: SeriesState, i: number): number {
    const a = s.d1[i]!;
    const b = s.d2[i]!;
    return s.live && a !== 0 && b !== 0 ? Math.floor((a + b) / 2) : 0;
  }

  /** The prediction of value i of a topic series (t or T): its counters (end offset, bytes) follow their trend, a rate stays. */
  predictTopic(s: SeriesState, i: number): number {
    return (s.stored?.[i] ?? 0) + (i < 2 ? this.trend(s, i) : 0);
  }

  /** Stores a topic series' values at time t, keeping its deltas (and a raw partition's end offsets) while it stays live. */
  commitTopic(s: SeriesState, v: number[], t: number): void {
    const prev = s.stored;
    for (let i = 0; i < s.width; i++) {
      s.d2[i] = s.live && prev ? s.d1[i]! : 0;
      s.d1[i] = s.live && prev ? v[i]! - prev[i]! : 0;
    }
    if (this.tier === 'raw' && s.kind === 't') {
      // The sampler forgets a partition missing from a snapshot; so does this table.
      if (!s.live || !s.ends) s.ends = new EndOffsetHistory();
      s.ends.record(t, v[0]!);
    }
    s.stored = v;
    s.live = true;
  }

  /** Prediction for a group partition's committed field, given its partition's end offset now. */
  predictCommitted(s: SeriesState, end: number | null): number {
    const follow = this.followCommitted(s, end);
    return follow !== null && s.consumer!.followMiss < s.consumer!.trendMiss ? follow : this.trendCommitted(s, end);
  }

  private trendCommitted(s: SeriesState, end: number | null): number {
    // Caught up, or new in this file (a consumer is usually near the end): at the end.
    if (end !== null && ((s.live && s.lag === 0) || s.stored === null)) return end + 1;
    const last = s.stored?.[0] ?? 0;
    if (last === 0) return 0;
    const p = last + this.trend(s, 0);
    return end !== null && p > end + 1 ? Math.max(last, end + 1) : p;
  }

  private followCommitted(s: SeriesState, end: number | null): number | null {
    if (!s.live || s.lag === null || end === null || !s.consumer) return null;
    return end + 1 - Math.round(s.consumer.lagAcc / 8);
  }

  /** Scores both predictions against the committed field that came (before the state moves on), then follows its lag. */
  private scoreCommitted(s: SeriesState, committedField: number, end: number | null, lag: number | null): void {
    const m = s.consumer;
    const follow = this.followCommitted(s, end);
    if (m && follow !== null) {
      m.trendMiss += (missBy(committedField, this.trendCommitted(s, end)) - m.trendMiss) / 8;
      m.followMiss += (missBy(committedField, follow) - m.followMiss) / 8;
    }
    if (lag === null) return;
    if (m) m.lagAcc += lag - m.lagAcc / 8;
    else s.consumer = { lagAcc: lag * 8, trendMiss: 0, followMiss: 0 };
  }

  /** Prediction for a raw group partition's time-lag field at time t, given the lag just derived. */
  predictTimeLag(s: SeriesState, lag: number | null, committedField: number, t: number): number {
    if (lag === 0) return 1;
    // A consumer that moved (or was not behind before) is measured against the end-offset table.
    const stuck = s.stored !== null && committedField === s.stored[0] && s.stored[1]! >= 2;
    if (!stuck && lag !== null) {
      const ms = s.dep?.ends?.estimate(committedField - 1, t) ?? null;
      if (ms !== null) return timeLagField(ms, t);
    }
    // "Unknown" carries over; an origin moves by its last step when the committed offset moved
    // (a consumer steadily behind keeps its time lag); a consumer that just fell behind was
    // caught up at the previous frame, so the oldest unread message is about that old.
    if (s.stored && s.stored[1] === 0) return 0;
    if (s.stored && s.stored[1] !== 1) return s.stored[1]! + (s.live && committedField !== s.stored[0] ? s.d1[1]! : 0);
    return this.prevT === null ? 0 : Math.round(this.prevT / 100) + 2;
  }

  /** Prediction of value i of a minute/hour group partition; `cur` holds the values decoded so far. */
  predictAggGroup(s: SeriesState, i: number, cur: number[]): number {
    const prev = s.stored;
    if (i === 4) {
      const end = this.endNow(s);
      return end !== null ? end + 1 : (prev?.[4] ?? 0);
    }
    // The committed offset at the bucket's end moves like a raw one, against the bucket's end offset.
    if (i === 0) return this.predictCommitted(s, cur[4] ? cur[4] - 1 : null);
    return prev?.[i] ?? 0;
  }

  /**
   * A group partition's committed field (value 0 of its row) arrived, against its partition's
   * end: scores the predictions and steps its trend, before the row is stored; returns the lag.
   */
  private stepCommitted(s: SeriesState, committedField: number, end: number | null): number | null {
    const lag = end === null || committedField === 0 ? null : Math.max(0, end - (committedField - 1));
    this.scoreCommitted(s, committedField, end, lag);
    const prev = s.stored;
    const keep = s.live && prev !== null;
    s.d2[0] = keep ? s.d1[0]! : 0;
    s.d1[0] = keep && prev![0] !== 0 && committedField !== 0 ? committedField - prev![0]! : 0;
    return lag;
  }

  /** Stores a minute/hour group partition's row [committedLast+1, lagMax+1, lagMin+1, timeLagMax+1, endLast+1]. */
  commitAggGroup(s: SeriesState, v: number[]): void {
    s.lag = this.stepCommitted(s, v[0]!, v[4] ? v[4] - 1 : null);
    s.stored = v;
    s.live = true;
  }

  /** Commits a raw group partition's fields for time t; returns the row layout [committed+1, lag+1, timeLag+1]. */
  commitRawGroup(s: SeriesState, committedField: number, timeField: number, end: number | null, t: number, wantOut: boolean): void {
    const prev = s.stored;
    const keep = s.live && prev !== null;
    const lag = this.stepCommitted(s, committedField, end);
    if (!keep || prev![1]! < 2 || timeField < 2) s.d1[1] = 0;
    else if (committedField !== prev![0]) s.d1[1] = timeField - prev![1]!;
    if (s.stored) {
      s.stored[0] = committedField;
      s.stored[1] = timeField;
    } else s.stored = [committedField, timeField];
    s.lag = lag;
    s.live = true;
    if (!wantOut) return;
    const tl = timeField === 0 ? null : timeField === 1 ? 0 : Math.max(0, t - (timeField - 2) * 100);
    s.out = [committedField, lag === null ? 0 : lag + 1, tl === null ? 0 : tl + 1];
  }
}

/** A time lag in ms (null: unknown) at time t → its stored field (see the header). */
export function timeLagField(ms: number | null, t: number): number {
  if (ms === null) return 0;
  if (ms === 0) return 1;
  return Math.round((t - ms) / 100) + 2;
}
