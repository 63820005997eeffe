// The payload of one history record (not compressed as a whole, so a reader can jump over
// what it does not want). Two kinds:
//   DICT  — new series, deflated: section, entity id, local id, value count, key (ids restart
//           per file, so each file stands alone and its first frame carries every value in full);
//   FRAME — t, then per section (topics, then groups):
//             nDir, nDir × [u32 previous block index + 1, u32 offset]   every 16th block written
//             areaLen, blocks: [block index gap][byte length][flags length][flags][bits]
//           A block covers 16 entity ids (4 in minute/hour files); it is written only when
//           one of them has an entry. Its bits (bit-io.ts) start with 1 when every entity is
//           present, else 0 and a presence bit per entity. Then, per present entity and per
//           series that exists, its flags (range-coded, range-coder.ts, each with the series'
//           own adaptive probability): entry or not (the series kept its prediction,
//           codec-state.ts), with odds that depend on whether it missed at the previous frame;
//           for an entry, "the same values missed as at its last entry" (at first: only the
//           first value) or a bit per value that missed (none set: one more, "removed" (1) or
//           "back, as predicted" (0)). And in the bits, each missed value's zigzag residual − 1
//           (residualCode) as a Rice code whose parameter follows the mean of that value's
//           recent residuals.
// Why bits: with every partition moving, residuals are a few bits of noise each; bytes (the
// KLH3 varints and per-entity headers) cost about twice that. Why a range coder for the flags:
// they are nearly certain per series, and cost a third of the bits when each took one. The
// block directory lets a one-group query parse its group's and topics' blocks instead of the
// whole frame.
import zlib from 'node:zlib';
import { BitWriter } from './bit-io.js';
import { ByteWriter } from './byte-io.js';
import { AGG_GROUP_ORDER, CodecState, ENTRY, ENTRY_AFTER_MISS, SAME_MASK, Section, timeLagField, type Entity, type SeriesState } from './codec-state.js';
import type { Tier } from './history-store.js';
import { RangeEncoder } from './range-coder.js';
import { dec } from './series.js';

export const enum RecordKind {
  Dict = 1,
  Frame = 2,
}

/**
 * Entities per block: the unit a query parses. Raw frames come every few seconds and pay for
 * each block's header, so blocks are larger; minute/hour frames change nearly every series, so
 * small blocks keep a one-group query from parsing many neighbours.
 */
export function blockSize(tier: Tier): number {
  return tier === 'raw' ? 16 : 4;
}
const DIR_STRIDE = 16;
export const SECTIONS = [Section.Topics, Section.Groups] as const;

const RANGES: number[][] = [];
function range(n: number): number[] {
  return (RANGES[n] ??= Array.from({ length: n }, (_, i) => i));
}

/** The order a series' values are predicted in (a minute/hour group partition needs its end first). */
export function orderOf(s: SeriesState): readonly number[] {
  return s.kind === 'g' && s.width === 5 ? AGG_GROUP_ORDER : range(s.width);
}

/** Rice parameter from 4 × the running mean residual: floor(log2(mean)). */
export function riceParam(acc: number): number {
  let m = Math.floor(acc / 4);
  let k = 0;
  while (m >= 2) {
    m = Math.floor(m / 2);
    k++;
  }
  return k;
}

/** Folds a coded residual into the running mean (outliers capped so one jump cannot inflate it for long). */
export function adapt(s: SeriesState, i: number, z: number): void {
  if (s.coded) s.kacc[i] = s.kacc[i]! + Math.min(z, 1 << 16) - Math.floor(s.kacc[i]! / 4);
}

/** Index of a series' probability of "entry" given whether it missed at the previous frame. */
export function entryContext(s: SeriesState, tick: number): number {
  return s.missTick === tick - 1 ? ENTRY_AFTER_MISS : ENTRY;
}

function uvarintLength(v: number): number {
  let n = 1;
  while (v >= 128) (v = Math.floor(v / 128)), n++;
  return n;
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/**
 * A raw group partition's time-lag field predicted as a time but holding one of the special
 * values (1 = no time lag, 0 = unknown): a consumer one message behind has a time lag of 0,
 * and a slow partition's consumer flickers between that and a few seconds. Its residual would
 * be the whole timestamp (a 54-bit escape), so the two specials get the two shortest codes.
 */
function specialTime(s: SeriesState, i: number, pred: number): boolean {
  return i === 1 && pred > 1 && s.kind === 'g' && s.width === 2;
}

/** The code of a value that missed its prediction (never equal to it). */
export function residualCode(s: SeriesState, i: number, value: number, pred: number): number {
  if (!specialTime(s, i, pred)) return zigzag(value - pred) - 1;
  return value === 1 ? 0 : value === 0 ? 1 : zigzag(value - pred) + 1;
}

/** The value residualCode coded. */
export function valueOfCode(s: SeriesState, i: number, code: number, pred: number): number {
  if (!specialTime(s, i, pred)) return pred + unzigzag(code + 1);
  return code === 0 ? 1 : code === 1 ? 0 : pred + unzigzag(code - 1);
}

export class FrameEncoder {
  readonly state: CodecState;
  private readonly area = new ByteWriter(1 << 16);
  private readonly block = new BitWriter(1 << 12);
  private readonly body = new BitWriter(1 << 12);
  private readonly flags = new RangeEncoder(1 << 10);

  /** A CodecState from a decoder that read the file so far continues that file. */
  constructor(tier: Tier | CodecState) {
    this.state = typeof tier === 'string' ? new CodecState(tier) : tier;
  }

  /** Returns the payloads to append: a DICT record when new keys appeared, then the FRAME. */
  encode(t: number, entries: Array<[key: string, values: number[]]>): Buffer[] {
    const st = this.state;
    const tick = ++st.tick;
    const fresh: SeriesState[] = [];
    for (const [key, values] of entries) {
      let s = st.byKey.get(key);
      if (!s) {
        fresh.push((s = st.add(key, st.tier === 'raw' && key[0] === 'g' ? 2 : values.length)));
        s.entity.visible = s.entity.series.length;
      }
      s.seenTick = tick;
      s.pending = values;
    }
    const out: Buffer[] = [];
    if (fresh.length > 0) {
      const w = new ByteWriter();
      w.uvarint(fresh.length);
      for (const s of fresh) {
        w.uvarint(s.entity.section);
        w.uvarint(s.entity.id);
        w.uvarint(s.local);
        w.uvarint(s.width);
        w.string(s.key);
      }
      // Keys repeat group and topic names; a file's first dictionary shrinks about 5×.
      out.push(Buffer.concat([Buffer.of(RecordKind.Dict), zlib.deflateRawSync(w.finish())]));
    }
    const w = new ByteWriter(1 << 16);
    w.uvarint(RecordKind.Frame);
    w.uvarint(t);
    for (const section of SECTIONS) this.encodeSection(w, st.entities[section], tick, t);
    st.prevT = t;
    out.push(w.finish());
    return out;
  }

  private encodeSection(w: ByteWriter, entities: Entity[], tick: number, t: number): void {
    const area = this.area;
    area.reset();
    const dir: number[] = [];
    let prevBlock = -1;
    let written = 0;
    const size = blockSize(this.state.tier);
    for (let b = 0; b * size < entities.length; b++) {
      this.body.reset();
      this.flags.reset();
      let presence = 0;
      for (let j = 0; j < size; j++) {
        const e = entities[b * size + j];
        if (e && this.encodeEntity(e, tick, t)) presence |= 1 << (size - 1 - j);
      }
      if (presence === 0) continue;
      this.block.reset();
      // Busy blocks have every entity present: one bit says so.
      if (presence === (1 << size) - 1) this.block.bits(1, 1);
      else this.block.bits(presence, size + 1);
      this.block.append(this.body);
      const bits = this.block.finish();
      const flags = this.flags.finish();
      if (written++ % DIR_STRIDE === 0) dir.push(prevBlock + 1, area.length);
      area.uvarint(b - prevBlock - 1);
      area.uvarint(uvarintLength(flags.length) + flags.length + bits.length);
      area.uvarint(flags.length);
      area.bytes(flags);
      area.bytes(bits);
      prevBlock = b;
    }
    w.uvarint(dir.length / 2);
    for (const v of dir) w.u32(v);
    w.uvarint(area.length);
    w.bytes(area.view());
  }

  /** Appends the entity's flags and bits to the block's two streams when any series has an entry; true if so. */
  private encodeEntity(e: Entity, tick: number, t: number): boolean {
    const st = this.state;
    const out = this.body;
    const flags = this.flags;
    const start = out.bitLength;
    const flagsStart = flags.mark();
    const probsBefore = e.series.map((s) => s.probs.slice());
    let any = false;
    const noEntry = (s: SeriesState) => flags.bit(s.probs, entryContext(s, tick), 0);
    const entry = (s: SeriesState, wasLive: boolean, v: number[] | null, pred: number[] | null) => {
      let mask = 0;
      if (v) for (let i = 0; i < s.width; i++) if ((v[i] ?? 0) !== pred![i]) mask |= 1 << i;
      if (v && wasLive && mask === 0) {
        noEntry(s);
        return;
      }
      any = true;
      flags.bit(s.probs, entryContext(s, tick), 1);
      if (mask !== 0 && mask === s.lastMask) flags.bit(s.probs, SAME_MASK, 1);
      else {
        flags.bit(s.probs, SAME_MASK, 0);
        flags.direct(mask, s.width);
        if (mask === 0) flags.direct(v ? 0 : 1, 1);
      }
      if (mask !== 0) (s.lastMask = mask), (s.missTick = tick);
      for (const i of orderOf(s)) {
        if (!(mask & (1 << i))) continue;
        const z = residualCode(s, i, v![i] ?? 0, pred![i]!);
        out.rice(z, riceParam(s.kacc[i]!));
        adapt(s, i, z);
      }
      if (v) s.coded = true;
    };
    for (const s of e.series) {
      if (s.seenTick !== tick) {
        if (s.live) {
          entry(s, true, null, null);
          s.live = false;
          s.lag = null;
        } else noEntry(s);
        continue;
      }
      const v = s.pending!;
      if (st.isRawGroup(s)) {
        const end = st.endNow(s);
        const cField = v[0] ?? 0;
        const cPred = st.predictCommitted(s, end);
        const lag = end === null || cField === 0 ? null : Math.max(0, end - (cField - 1));
        const tField = timeLagField(dec(v[2]), t);
        const tPred = st.predictTimeLag(s, lag, cField, t);
        entry(s, s.live, [cField, tField], [cPred, tPred]);
        st.commitRawGroup(s, cField, tField, end, t, false);
        continue;
      }
      const cur = v.slice(0, s.width);
      for (let i = 0; i < s.width; i++) cur[i] = cur[i] ?? 0;
      if (s.kind === 'g') {
        const pred = new Array<number>(5);
        for (const i of AGG_GROUP_ORDER) pred[i] = st.predictAggGroup(s, i, cur);
        entry(s, s.live, cur, pred);
        st.commitAggGroup(s, cur);
      } else if (s.kind === 't' || s.kind === 'T') {
        const pred = range(s.width).map((i) => st.predictTopic(s, i));
        entry(s, s.live, cur, pred);
        st.commitTopic(s, cur, t);
      } else {
        const pred = range(s.width).map((i) => s.stored?.[i] ?? 0);
        entry(s, s.live, cur, pred);
        s.stored = cur;
        s.live = true;
      }
    }
    // An unchanged entity costs nothing: its "no entry" flags are taken back.
    if (!any) {
      out.truncate(start);
      flags.rewind(flagsStart);
      e.series.forEach((s, i) => (s.probs = probsBefore[i]!));
    }
    return any;
  }
}
