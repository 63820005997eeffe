// The payload of one history record (not compressed as a whole, so a reader can jump over
// what it does not want). Two kinds:
//   DICT  — new series, deflated: section, entity id, local id, value count, key (ids restart
//           per file, so each file stands alone and its first frame carries every value in full);
//   FRAME — t, then per section (topics, then groups):
//             nDir, nDir × [u32 previous block index + 1, u32 offset]   every 16th block written
//             areaLen, blocks: [block index gap][byte length][bits]
//           A block covers 16 entity ids (4 in minute/hour files); it is written only when
//           one of them has an entry. Its bits (bit-io.ts): 1 when every entity is present,
//           else 0 and a presence bit per entity; then per present entity and per series that
//           exists: 0 = no entry (the series kept its prediction, codec-state.ts), 10 = the
//           same values missed as at its last entry (at first: only the first value) — these
//           two codes swap when the series missed at the previous frame — or 11 + a bit per
//           value that missed (none set: one more bit, "removed" (1) or "back, as predicted"
//           (0)); then each missed value's zigzag residual − 1 (residualCode) as a Rice code
//           whose parameter follows the mean of that value's recent residuals.
// Why bits: with every partition moving, residuals are a few bits of noise each; bytes (the
// KLH3 varints and per-entity headers) cost about twice that. The block directory lets a
// one-group query parse its group's and topics' blocks instead of the whole frame.
import zlib from 'node:zlib';
import { BitWriter } from './bit-io.js';
import { ByteWriter } from './byte-io.js';
import { AGG_GROUP_ORDER, CodecState, Section, timeLagField, type Entity, type SeriesState } from './codec-state.js';
import type { Tier } from './history-store.js';
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
      const bytes = this.block.finish();
      if (written++ % DIR_STRIDE === 0) dir.push(prevBlock + 1, area.length);
      area.uvarint(b - prevBlock - 1);
      area.uvarint(bytes.length);
      area.bytes(bytes);
      prevBlock = b;
    }
    w.uvarint(dir.length / 2);
    for (const v of dir) w.u32(v);
    w.uvarint(area.length);
    w.bytes(area.view());
  }

  /** Appends the entity's bits to the block body when any series has an entry; true if so. */
  private encodeEntity(e: Entity, tick: number, t: number): boolean {
    const st = this.state;
    const out = this.body;
    const start = out.bitLength;
    let any = false;
    // A series that missed at the previous frame likely misses the same way again (a moving
    // partition), one that did not likely does not: the likelier of "no entry" and "the same
    // miss again" gets the 1-bit code (0), the other 10.
    const shortCode = (s: SeriesState, noEntry: boolean) => {
      if (noEntry !== (s.missTick === tick - 1)) out.bits(0, 1);
      else out.bits(0b10, 2);
    };
    const entry = (s: SeriesState, wasLive: boolean, v: number[] | null, pred: number[] | null) => {
      let mask = 0;
      if (v) for (let i = 0; i < s.width; i++) if ((v[i] ?? 0) !== pred![i]) mask |= 1 << i;
      if (v && wasLive && mask === 0) {
        shortCode(s, true);
        return;
      }
      any = true;
      if (mask !== 0 && mask === s.lastMask) shortCode(s, false);
      else {
        out.bits(0b11, 2);
        out.bits(mask, s.width);
        if (mask === 0) out.bits(v ? 0 : 1, 1);
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
        } else shortCode(s, true);
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
    // An unchanged entity costs nothing: its "no entry" bits are taken back.
    if (!any) out.truncate(start);
    return any;
  }
}
