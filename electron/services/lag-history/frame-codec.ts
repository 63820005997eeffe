// The payload of one history record (not compressed, so a reader can jump over what it does
// not want). Two kinds:
//   DICT  — new series: section, entity id, local id, value count, key (ids restart per file,
//           so each file stands alone and its first frame carries every value in full);
//   FRAME — t, then per section (topics, then groups):
//             nDir, nDir × [u32 previous entity id + 1, u32 chunk offset]   every 16th chunk
//             areaLen, chunks: [entity id gap][byte length][entries]
//           an entry: [(local id gap) × (2^W + 1) + code], code < 2^W a bitmask of the
//           values that missed their prediction (codec-state.ts), each then followed by its
//           zigzag difference, code = 2^W removed; W is the widest series of the section in
//           that tier (raw 2, minute/hour topics 3, groups 5). A series with no entry kept its
//           prediction.
// The sparse directory lets a one-group query binary-search each frame instead of walking
// every changed entity.
import { ByteReader, ByteWriter } from './byte-io.js';
import { AGG_GROUP_ORDER, CodecState, Section, timeLagField, type Entity, type SeriesState } from './codec-state.js';
import type { Tier } from './history-store.js';
import { parseKey } from './series.js';

export const enum RecordKind {
  Dict = 1,
  Frame = 2,
}

const DIR_STRIDE = 16;

/** Values per series the entry bitmask covers, by tier and section. */
export function maskWidth(tier: Tier, section: Section): number {
  return tier === 'raw' ? 2 : section === Section.Topics ? 3 : 5;
}
const SECTIONS = [Section.Topics, Section.Groups] as const;

export class FrameEncoder {
  readonly state: CodecState;
  private readonly area = new ByteWriter(1 << 16);
  private readonly chunk = new ByteWriter(1024);

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
      if (!s) fresh.push((s = st.add(key, st.tier === 'raw' && key[0] === 'g' ? 2 : values.length)));
      s.seenTick = tick;
      s.pending = values;
    }
    const out: Buffer[] = [];
    if (fresh.length > 0) {
      const w = new ByteWriter();
      w.uvarint(RecordKind.Dict);
      w.uvarint(fresh.length);
      for (const s of fresh) {
        w.uvarint(s.entity.section);
        w.uvarint(s.entity.id);
        w.uvarint(s.local);
        w.uvarint(s.width);
        w.string(s.key);
      }
      out.push(w.finish());
    }
    const w = new ByteWriter(1 << 16);
    w.uvarint(RecordKind.Frame);
    w.uvarint(t);
    for (const section of SECTIONS) {
      const area = this.area;
      area.reset();
      const dir: number[] = [];
      let prevId = -1;
      let chunks = 0;
      for (const e of st.entities[section]) {
        this.chunk.reset();
        this.encodeEntity(e, tick, t);
        if (this.chunk.length === 0) continue;
        if (chunks++ % DIR_STRIDE === 0) dir.push(prevId + 1, area.length);
        area.uvarint(e.id - prevId - 1);
        area.uvarint(this.chunk.length);
        area.bytes(this.chunk.view());
        prevId = e.id;
      }
      w.uvarint(dir.length / 2);
      for (const v of dir) w.u32(v);
      w.uvarint(area.length);
      w.bytes(area.view());
    }
    st.prevT = t;
    out.push(w.finish());
    return out;
  }

  private encodeEntity(e: Entity, tick: number, t: number): void {
    const st = this.state;
    const c = this.chunk;
    const base = (1 << maskWidth(st.tier, e.section)) + 1;
    let prevLocal = -1;
    /** Writes an entry when the series is removed, returns, or missed a prediction. */
    const entry = (s: SeriesState, wasLive: boolean, v: number[] | null, pred: number[] | null, order?: readonly number[]) => {
      let mask = 0;
      if (v) for (let i = 0; i < s.width; i++) if ((v[i] ?? 0) !== pred![i]) mask |= 1 << i;
      if (v && wasLive && mask === 0) return;
      c.uvarint((s.local - prevLocal - 1) * base + (v ? mask : base - 1));
      prevLocal = s.local;
      if (v) for (const i of order ?? range(s.width)) if (mask & (1 << i)) c.svarint((v[i] ?? 0) - pred![i]!);
    };
    for (const s of e.series) {
      if (s.width >= base) throw new Error('history series wider than its entry bitmask');
      if (s.seenTick !== tick) {
        if (s.live) {
          entry(s, true, null, null);
          s.live = false;
          s.lag = null;
        }
        continue;
      }
      const v = s.pending!;
      if (st.isRawGroup(s)) {
        const end = st.endNow(s);
        const cField = v[0] ?? 0;
        const cPred = st.predictCommitted(s, end);
        const lag = end === null || cField === 0 ? null : Math.max(0, end - (cField - 1));
        const tField = timeLagField(v, t);
        const tPred = st.predictTimeLag(s, lag, cField);
        entry(s, s.live, [cField, tField], [cPred, tPred]);
        st.commitRawGroup(s, cField, tField, end, t, false);
        continue;
      }
      if (s.kind === 'g' && s.width === 5) {
        const pred = new Array<number>(5);
        for (const i of AGG_GROUP_ORDER) pred[i] = st.predictAggGroup(s, i, v);
        entry(s, s.live, v, pred, AGG_GROUP_ORDER);
        s.stored = v.slice(0, 5);
        s.live = true;
        continue;
      }
      const cur = v.slice(0, s.width);
      for (let i = 0; i < s.width; i++) cur[i] = cur[i] ?? 0;
      if (st.tier === 'raw') {
        const pred = range(s.width).map((i) => st.predictRaw(s, i));
        entry(s, s.live, cur, pred);
        st.commitRaw(s, cur);
        continue;
      }
      const pred = range(s.width).map((i) => s.stored?.[i] ?? 0);
      entry(s, s.live && s.stored !== null, cur, pred);
      s.stored = cur;
      s.live = true;
    }
  }
}

const RANGES: number[][] = [];
function range(n: number): number[] {
  return (RANGES[n] ??= Array.from({ length: n }, (_, i) => i));
}

export interface SeriesFilter {
  /** Entities (topics or groups, by name) whose series the caller may want. */
  entity(section: Section, name: string): boolean;
  key(key: string): boolean;
}

export const ALL: SeriesFilter = { entity: () => true, key: () => true };

export interface DecodedFrame {
  t: number;
  rows: Map<string, number[]>;
}

/** Reads one file's records in order, decoding only the entities the filter (and their lag inputs) needs. */
export class FrameDecoder {
  readonly state: CodecState;
  private decodeIds: [number[], number[]] = [[], []];
  private dirty = false;
  private readonly neededTopics = new Set<string>();

  constructor(
    tier: Tier,
    private readonly filter: SeriesFilter = ALL,
  ) {
    this.state = new CodecState(tier);
  }

  private primed = false;

  /**
   * Reads every DICT record of the file first, so which topics a wanted group needs is known
   * before the first frame (an entity decoded only from the middle of a file would have missed
   * its earlier differences), and creates series only for entities it will decode: a one-group
   * query then costs little more than that group, however many series the file holds.
   */
  prime(records: Buffer[]): void {
    const st = this.state;
    const dicts = records.filter((rec) => rec[0] === RecordKind.Dict);
    const entries = (visit: (r: ByteReader, section: Section, entityId: number, local: number, width: number, keyEnd: number) => void) => {
      for (const rec of dicts) {
        const r = new ByteReader(rec, 1);
        const n = r.uvarint();
        for (let i = 0; i < n; i++) {
          const section = r.uvarint() as Section;
          const entityId = r.uvarint();
          const local = r.uvarint();
          const width = r.uvarint();
          const len = r.uvarint();
          const keyEnd = r.pos + len;
          visit(r, section, entityId, local, width, keyEnd);
          r.pos = keyEnd;
        }
      }
    };
    const keyAt = (r: ByteReader, keyEnd: number) => r.buf.toString('utf8', r.pos, keyEnd);
    // Pass 1: entity names (from each entity's first key) and the topics wanted groups read.
    entries((r, section, entityId, _local, _width, keyEnd) => {
      let e = st.entities[section][entityId];
      if (!e) {
        const p = parseKey(keyAt(r, keyEnd));
        e = st.addEntity(section, section === Section.Topics ? p.topic! : p.group!);
        if (e.id !== entityId) throw new Error('history dictionary out of order');
        e.decode = this.filter.entity(section, e.name);
      }
      if (e.decode && section === Section.Groups) {
        const p = parseKey(keyAt(r, keyEnd));
        if (p.kind === 'g') this.neededTopics.add(p.topic!);
      }
    });
    for (const name of this.neededTopics) {
      const te = st.entity(Section.Topics, name);
      if (te) te.decode = true;
    }
    // Pass 2: series of the entities that will be decoded.
    entries((r, section, entityId, local, width, keyEnd) => {
      const e = st.entities[section][entityId]!;
      if (!e.decode) return;
      const s = st.add(keyAt(r, keyEnd), width, section, entityId, local);
      s.emit = this.filter.entity(section, e.name) && this.filter.key(s.key);
    });
    this.dirty = true;
    this.primed = true;
  }

  /** DICT records update the dictionary and return null; FRAME records return rows when t is in [from, to]. */
  decode(payload: Buffer, from = -Infinity, to = Infinity): DecodedFrame | null {
    const r = new ByteReader(payload);
    const kind = r.uvarint();
    if (kind === RecordKind.Dict) {
      if (!this.primed) this.readDict(r);
      return null;
    }
    if (kind !== RecordKind.Frame) throw new Error(`unknown history record kind ${kind}`);
    if (this.dirty) this.refreshIds();
    const t = r.uvarint();
    for (const section of SECTIONS) this.readSection(r, section, t);
    this.state.prevT = t;
    if (t < from || t > to) return { t, rows: new Map() };
    const rows = new Map<string, number[]>();
    for (const section of SECTIONS) {
      for (const id of this.decodeIds[section]) {
        for (const s of this.state.entities[section][id]!.series) if (s.emit && s.live) rows.set(s.key, (s.out ?? s.stored)!.slice());
      }
    }
    return { t, rows };
  }

  private readDict(r: ByteReader) {
    const st = this.state;
    const n = r.uvarint();
    for (let i = 0; i < n; i++) {
      const section = r.uvarint() as Section;
      const entityId = r.uvarint();
      const local = r.uvarint();
      const width = r.uvarint();
      const s = st.add(r.string(), width, section, entityId, local);
      const e = s.entity;
      if (!e.decode && (this.neededTopics.has(e.name) && section === Section.Topics || this.filter.entity(section, e.name))) {
        e.decode = true;
        this.dirty = true;
      }
      s.emit = e.decode && this.filter.entity(section, e.name) && this.filter.key(s.key);
      // A wanted group partition needs its topic's end offsets (its lag and end are predicted from them).
      if (e.decode && s.kind === 'g') this.needTopic(s.key);
    }
  }

  private needTopic(groupKey: string) {
    const topic = groupKey.split('\u001f').at(-2)!;
    if (this.neededTopics.has(topic)) return;
    this.neededTopics.add(topic);
    const te = this.state.entity(Section.Topics, topic);
    if (te && !te.decode) {
      te.decode = true;
      this.dirty = true;
    }
  }

  private refreshIds() {
    for (const section of SECTIONS) this.decodeIds[section] = this.state.entities[section].filter((e) => e.decode).map((e) => e.id);
    this.dirty = false;
  }

  private readSection(r: ByteReader, section: Section, t: number) {
    const nDir = r.uvarint();
    const dirPos = r.pos;
    r.pos += nDir * 8;
    const areaLen = r.uvarint();
    const start = r.pos;
    const end = start + areaLen;
    if (end > r.buf.length) throw new Error('history frame section past end of record');
    const buf = r.buf;
    const entities = this.state.entities[section];
    let pos = start;
    let prevId = -1;
    for (const wid of this.decodeIds[section]) {
      // Jump through the directory when the next wanted entity is past a directory point.
      let lo = 0;
      let hi = nDir - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (buf.readUInt32LE(dirPos + mid * 8) <= wid) (at = mid), (lo = mid + 1);
        else hi = mid - 1;
      }
      if (at >= 0) {
        const off = start + buf.readUInt32LE(dirPos + at * 8 + 4);
        if (off > pos) (pos = off), (prevId = buf.readUInt32LE(dirPos + at * 8) - 1);
      }
      let chunk: ByteReader | null = null;
      let chunkEnd = 0;
      while (pos < end) {
        r.pos = pos;
        const id = prevId + 1 + r.uvarint();
        if (id > wid) break;
        const len = r.uvarint();
        pos = r.pos + len;
        prevId = id;
        if (id === wid) {
          chunk = r;
          chunkEnd = pos;
          break;
        }
      }
      this.applyEntity(entities[wid]!, chunk, chunkEnd, t);
    }
    r.pos = end;
  }

  private applyEntity(e: Entity, r: ByteReader | null, chunkEnd: number, t: number) {
    const st = this.state;
    // Raw series and group partitions move without an entry (their predictions follow trends
    // and the topic's end offset).
    const dynamic = st.tier === 'raw' || e.section === Section.Groups;
    if (!r && !dynamic) return;
    const base = (1 << maskWidth(st.tier, e.section)) + 1;
    let next = -1;
    let code = 0;
    const advance = () => {
      if (r && r.pos < chunkEnd) {
        const h = r.uvarint();
        next += Math.floor(h / base) + 1;
        code = h % base;
      } else next = Number.MAX_SAFE_INTEGER;
    };
    advance();
    for (const s of e.series) {
      const has = s.local === next;
      if (has && code === base - 1) {
        s.live = false;
        s.lag = null;
        advance();
        continue;
      }
      if (!has && !(s.live && (st.tier === 'raw' || s.kind === 'g'))) continue;
      const mask = has ? code : 0;
      const res = (i: number) => (mask & (1 << i) ? r!.svarint() : 0);
      if (st.isRawGroup(s)) {
        const end = st.endNow(s);
        const cField = st.predictCommitted(s, end) + res(0);
        const lag = end === null || cField === 0 ? null : Math.max(0, end - (cField - 1));
        const tField = st.predictTimeLag(s, lag, cField) + res(1);
        st.commitRawGroup(s, cField, tField, end, t, s.emit);
      } else if (s.kind === 'g' && s.width === 5) {
        const v = new Array<number>(5);
        for (const i of AGG_GROUP_ORDER) v[i] = st.predictAggGroup(s, i, v) + res(i);
        s.stored = v;
        s.live = true;
      } else if (st.tier === 'raw') {
        const v = new Array<number>(s.width);
        for (let i = 0; i < s.width; i++) v[i] = st.predictRaw(s, i) + res(i);
        st.commitRaw(s, v);
      } else {
        const v = new Array<number>(s.width);
        for (let i = 0; i < s.width; i++) v[i] = (s.stored?.[i] ?? 0) + res(i);
        s.stored = v;
        s.live = true;
      }
      if (has) advance();
    }
    if (next !== Number.MAX_SAFE_INTEGER) throw new Error('history entry for an unknown series');
  }
}
