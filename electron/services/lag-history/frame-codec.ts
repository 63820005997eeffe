// The payload of one history record, deflated. Two kinds:
//   DICT  — new series keys with their ids (a file is self-contained: ids restart per file),
//   FRAME — one timestamp and, for every series present, its values as zigzag-varint deltas
//           against the previous values of the same series in the same file.
// Offsets move steadily, so deltas are small and repeat; deflate turns runs of equal deltas
// (idle or steady partitions) into almost nothing.
import zlib from 'node:zlib';

export const enum RecordKind {
  Dict = 1,
  Frame = 2,
}

export class ByteWriter {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Unsigned varint for any non-negative integer up to 2^53 (arithmetic, not 32-bit bit ops). */
  uvarint(v: number) {
    this.ensure(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  svarint(v: number) {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  string(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.uvarint(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done() {
    return this.pos >= this.buf.length;
  }

  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('varint past end of record');
      const b = this.buf[this.pos++]!;
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  }

  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  string(): string {
    const n = this.uvarint();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

export interface DecodedFrame {
  t: number;
  /** series id → values (already un-delta'd). */
  values: Map<number, number[]>;
}

/** Encoder state for one file: ids and the last values each series wrote. */
export class FrameEncoder {
  readonly ids = new Map<string, number>();
  private readonly last = new Map<number, number[]>();

  /** Returns the payloads to append: a DICT record when new keys appeared, then the FRAME. */
  encode(t: number, entries: Array<[key: string, values: number[]]>): Buffer[] {
    const fresh: Array<[number, string]> = [];
    const rows: Array<[number, number[]]> = [];
    for (const [key, values] of entries) {
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(key, id);
        fresh.push([id, key]);
      }
      rows.push([id, values]);
    }
    const out: Buffer[] = [];
    if (fresh.length > 0) {
      const w = new ByteWriter();
      w.uvarint(RecordKind.Dict);
      w.uvarint(fresh.length);
      for (const [id, key] of fresh) {
        w.uvarint(id);
        w.string(key);
      }
      out.push(zlib.deflateRawSync(w.finish()));
    }
    rows.sort((a, b) => a[0] - b[0]);
    const w = new ByteWriter();
    w.uvarint(RecordKind.Frame);
    w.uvarint(t);
    w.uvarint(rows.length);
    let prevId = -1;
    for (const [id, values] of rows) {
      w.uvarint(id - prevId - 1);
      prevId = id;
      const prev = this.last.get(id);
      w.uvarint(values.length);
      for (let i = 0; i < values.length; i++) w.svarint(values[i]! - (prev?.[i] ?? 0));
      this.last.set(id, values);
    }
    out.push(zlib.deflateRawSync(w.finish()));
    return out;
  }

  /** Rebuilds the state from a file's existing records, so appends continue the delta chain. */
  replay(records: Buffer[]): void {
    const d = new FrameDecoder();
    for (const r of records) {
      const f = d.decode(r);
      if (f) for (const [id, v] of f.values) this.last.set(id, v);
    }
    for (const [id, key] of d.keys) this.ids.set(key, id);
  }
}

export class FrameDecoder {
  /** id → key */
  readonly keys = new Map<number, string>();
  private readonly last = new Map<number, number[]>();

  /** Decodes one record; DICT records update the key table and return null. */
  decode(payload: Buffer, wanted?: (id: number) => boolean): DecodedFrame | null {
    const r = new ByteReader(zlib.inflateRawSync(payload));
    const kind = r.uvarint();
    if (kind === RecordKind.Dict) {
      const n = r.uvarint();
      for (let i = 0; i < n; i++) {
        const id = r.uvarint();
        this.keys.set(id, r.string());
      }
      return null;
    }
    if (kind !== RecordKind.Frame) throw new Error(`unknown history record kind ${kind}`);
    const t = r.uvarint();
    const n = r.uvarint();
    const values = new Map<number, number[]>();
    let id = -1;
    for (let i = 0; i < n; i++) {
      id += r.uvarint() + 1;
      const k = r.uvarint();
      const prev = this.last.get(id);
      const v = new Array<number>(k);
      for (let j = 0; j < k; j++) v[j] = r.svarint() + (prev?.[j] ?? 0);
      this.last.set(id, v);
      if (!wanted || wanted(id)) values.set(id, v);
    }
    return { t, values };
  }
}
