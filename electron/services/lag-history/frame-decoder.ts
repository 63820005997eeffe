// Reading history records (the format is described in frame-codec.ts): the dictionary, then
// frames, decoding only the blocks that hold the entities a query wants.
import zlib from 'node:zlib';
import { BitReader } from './bit-io.js';
import { ByteReader } from './byte-io.js';
import { RangeDecoder } from './range-coder.js';
import { AGG_GROUP_ORDER, CodecState, SAME_MASK, Section, type Entity, type SeriesState } from './codec-state.js';
import { adapt, blockSize, entryContext, orderOf, RecordKind, riceParam, SECTIONS, valueOfCode } from './frame-codec.js';
import type { Tier } from './history-store.js';
import { parseKey } from './series.js';

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

/** Inflated DICT records: a query primes and then decodes the same cached record. */
const inflated = new WeakMap<Buffer, Buffer>();

/** Visits each entry of a DICT record, with the reader at its key. */
function forEachDictEntry(record: Buffer, visit: (r: ByteReader, section: Section, entityId: number, local: number, width: number, keyEnd: number) => void): void {
  let body = inflated.get(record);
  if (!body) inflated.set(record, (body = zlib.inflateRawSync(record.subarray(1))));
  const r = new ByteReader(body);
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

/** A block's two streams: entry flags (range-coded) and the presence bits and Rice-coded values. */
interface BlockStreams {
  flags: RangeDecoder;
  bits: BitReader;
}

/** A series' entry in the frame being read (SeriesState.entry): a miss mask (>= 0), or one of these. */
const NO_ENTRY = -1;
const REMOVED = -2;

/** Value i of a series: its prediction, or what the entry's code says when the value missed. */
function valueAt(s: SeriesState, i: number, pred: number): number {
  return s.entry >= 0 && s.entry & (1 << i) ? valueOfCode(s, i, s.codes![i]!, pred) : pred;
}

/** Reads one file's records in order, decoding only the entities the filter (and their lag inputs) needs. */
export class FrameDecoder {
  readonly state: CodecState;
  /** Per section: the blocks holding an entity to decode, ascending. */
  private blocks: [number[], number[]] = [[], []];
  private dirty = false;
  private readonly neededTopics = new Set<string>();
  private primed = false;
  private readonly block: number;

  constructor(
    tier: Tier,
    private readonly filter: SeriesFilter = ALL,
  ) {
    this.state = new CodecState(tier);
    this.block = blockSize(tier);
  }

  /**
   * Reads every DICT record of the file first, so which topics a wanted group needs is known
   * before the first frame (an entity decoded only from the middle of a file would have missed
   * its earlier differences), and creates series only for the blocks it will parse: a
   * one-group query then costs little more than that group's blocks, however many series the
   * file holds.
   */
  prime(records: Buffer[]): void {
    const st = this.state;
    const dicts = records.filter((rec) => rec[0] === RecordKind.Dict);
    const entries = (visit: (r: ByteReader, section: Section, entityId: number, local: number, width: number, keyEnd: number) => void) => {
      for (const rec of dicts) forEachDictEntry(rec, visit);
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
    this.primed = true;
    this.refreshBlocks();
    // Pass 2: series of every entity in a block that will be parsed (its bits must be read
    // through to reach a wanted neighbour), values only for the decoded ones.
    const parsed: [Set<number>, Set<number>] = [new Set(this.blocks[0]), new Set(this.blocks[1])];
    entries((r, section, entityId, local, width, keyEnd) => {
      const e = st.entities[section][entityId]!;
      if (!parsed[section].has(Math.floor(entityId / this.block))) return;
      const s = st.add(keyAt(r, keyEnd), width, section, entityId, local);
      s.emit = e.decode && this.filter.entity(section, e.name) && this.filter.key(s.key);
    });
  }

  /** DICT records update the dictionary and return null; FRAME records return rows when t is in [from, to]. */
  decode(payload: Buffer, from = -Infinity, to = Infinity): DecodedFrame | null {
    const r = new ByteReader(payload);
    const kind = r.uvarint();
    if (kind === RecordKind.Dict) {
      this.readDict(payload);
      return null;
    }
    if (kind !== RecordKind.Frame) throw new Error(`unknown history record kind ${kind}`);
    if (this.dirty) this.refreshBlocks();
    const t = r.uvarint();
    this.state.tick++;
    for (const section of SECTIONS) this.readSection(r, section, t);
    this.state.prevT = t;
    if (t < from || t > to) return { t, rows: new Map() };
    const rows = new Map<string, number[]>();
    for (const section of SECTIONS) {
      for (const b of this.blocks[section]) {
        for (let id = b * this.block; id < (b + 1) * this.block; id++) {
          const e = this.state.entities[section][id];
          if (!e?.decode) continue;
          for (const s of e.series) if (s.emit && s.live) rows.set(s.key, (s.out ?? s.stored)!.slice());
        }
      }
    }
    return { t, rows };
  }

  /** New series: created (or, once primed, already there) and now part of the frames that follow. */
  private readDict(record: Buffer) {
    const st = this.state;
    forEachDictEntry(record, (r, section, entityId, local, width, keyEnd) => {
      if (this.primed) {
        const e = st.entities[section][entityId];
        if (!e) throw new Error('history dictionary out of order');
        e.visible = Math.max(e.visible, local + 1);
        return;
      }
      const s = st.add(r.buf.toString('utf8', r.pos, keyEnd), width, section, entityId, local);
      const e = s.entity;
      e.visible = e.series.length;
      if (!e.decode && ((this.neededTopics.has(e.name) && section === Section.Topics) || this.filter.entity(section, e.name))) {
        e.decode = true;
        this.dirty = true;
      }
      s.emit = e.decode && this.filter.entity(section, e.name) && this.filter.key(s.key);
      // A wanted group partition needs its topic's end offsets (its lag and end are predicted from them).
      if (e.decode && s.kind === 'g') this.needTopic(s.key);
    });
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

  private refreshBlocks() {
    for (const section of SECTIONS) {
      const set = new Set<number>();
      // Unprimed (the writer's replay), every block is parsed: Rice parameters depend on every
      // earlier entry, so a block first parsed mid-file could not be read.
      for (const e of this.state.entities[section]) if (e.decode || !this.primed) set.add(Math.floor(e.id / this.block));
      this.blocks[section] = [...set].sort((a, b) => a - b);
    }
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
    let pos = start;
    let prevBlock = -1;
    for (const wanted of this.blocks[section]) {
      // Jump through the directory when the wanted block is past a directory point.
      let lo = 0;
      let hi = nDir - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (buf.readUInt32LE(dirPos + mid * 8) <= wanted) (at = mid), (lo = mid + 1);
        else hi = mid - 1;
      }
      if (at >= 0) {
        const off = start + buf.readUInt32LE(dirPos + at * 8 + 4);
        if (off > pos) (pos = off), (prevBlock = buf.readUInt32LE(dirPos + at * 8) - 1);
      }
      let found: BlockStreams | null = null;
      while (pos < end) {
        r.pos = pos;
        const b = prevBlock + 1 + r.uvarint();
        if (b > wanted) break;
        const len = r.uvarint();
        pos = r.pos + len;
        if (pos > end) throw new Error('history block past end of section');
        prevBlock = b;
        if (b === wanted) {
          const flagsEnd = r.uvarint() + r.pos;
          if (flagsEnd > pos) throw new Error('history block flags past end of block');
          found = { flags: new RangeDecoder(buf, r.pos, flagsEnd), bits: new BitReader(buf, flagsEnd, pos) };
          break;
        }
      }
      this.readBlock(section, wanted, found, t);
    }
    r.pos = end;
  }

  private readBlock(section: Section, block: number, streams: BlockStreams | null, t: number) {
    const entities = this.state.entities[section];
    const size = this.block;
    const bits = streams?.bits;
    const presence = !bits ? 0 : bits.bit() === 1 ? (1 << size) - 1 : bits.bits(size);
    for (let j = 0; j < size; j++) {
      const e = entities[block * size + j];
      const present = (presence & (1 << (size - 1 - j))) !== 0;
      if (!e) {
        if (present) throw new Error('history entry for an unknown entity');
        continue;
      }
      if (present) this.readEntity(e, streams!, t);
      else if (e.decode) this.applyEntity(e, false, t);
    }
  }

  /** Parses an entity's flags and bits (adapting every series' probabilities and Rice parameters) and applies them when it is decoded. */
  private readEntity(e: Entity, { flags, bits }: BlockStreams, t: number) {
    const tick = this.state.tick;
    // A neighbour nobody asked for is only read through (its Rice parameters still adapt).
    const keep = e.decode;
    for (let local = 0; local < e.visible; local++) {
      const s = e.series[local];
      if (!s) throw new Error('history entry for an unknown series');
      if (flags.bit(s.probs, entryContext(s, tick)) === 0) {
        s.entry = NO_ENTRY;
        continue;
      }
      const mask = flags.bit(s.probs, SAME_MASK) === 1 ? s.lastMask : flags.direct(s.width);
      if (mask !== 0) (s.lastMask = mask), (s.missTick = tick);
      const removed = mask === 0 && flags.direct(1) === 1;
      if (keep) s.codes ??= new Array<number>(s.width).fill(0);
      for (const i of orderOf(s)) {
        if (!(mask & (1 << i))) continue;
        const z = bits.rice(riceParam(s.kacc[i]!));
        adapt(s, i, z);
        if (keep) s.codes![i] = z;
      }
      if (!removed) s.coded = true;
      s.entry = removed ? REMOVED : mask;
    }
    if (keep) this.applyEntity(e, true, t);
  }

  /** Moves a decoded entity's series to this frame: by their entries when it was present, else by their predictions. */
  private applyEntity(e: Entity, present: boolean, t: number) {
    const st = this.state;
    for (let local = 0; local < e.visible; local++) {
      const s = e.series[local]!;
      if (!present) s.entry = NO_ENTRY;
      if (s.entry === REMOVED) {
        s.live = false;
        s.lag = null;
        continue;
      }
      // Without an entry a live series still moves as predicted (trends, the topic's end
      // offset), except a group total, whose prediction is its last row.
      if (s.entry === NO_ENTRY && !(s.live && s.kind !== 'G')) continue;
      if (st.isRawGroup(s)) {
        const end = st.endNow(s);
        const cField = valueAt(s, 0, st.predictCommitted(s, end));
        const lag = end === null || cField === 0 ? null : Math.max(0, end - (cField - 1));
        const tField = valueAt(s, 1, st.predictTimeLag(s, lag, cField, t));
        st.commitRawGroup(s, cField, tField, end, t, s.emit);
      } else if (s.kind === 'g') {
        const v = new Array<number>(5);
        for (const i of AGG_GROUP_ORDER) v[i] = valueAt(s, i, st.predictAggGroup(s, i, v));
        st.commitAggGroup(s, v);
      } else if (s.kind === 't' || s.kind === 'T') {
        const v = new Array<number>(s.width);
        for (let i = 0; i < s.width; i++) v[i] = valueAt(s, i, st.predictTopic(s, i));
        st.commitTopic(s, v, t);
      } else {
        const v = new Array<number>(s.width);
        for (let i = 0; i < s.width; i++) v[i] = valueAt(s, i, s.stored?.[i] ?? 0);
        s.stored = v;
        s.live = true;
      }
    }
  }
}
