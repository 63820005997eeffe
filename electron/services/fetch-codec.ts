// Fetch v5 (API key 1) with our own record-batch decoding, sent over kafkajs' connection to the
// leader like log-dirs.ts does for DescribeLogDirs. kafkajs' decoder builds Long offsets and
// several objects per record, which caps a filtered scan well below what the broker serves; this
// one walks record batch v2 bytes and hands out key/value as views into the response. v5 is
// non-flexible and answered by every Kafka from 1.0 to 4.x. Old message formats (magic 0/1)
// return null so the caller falls back to kafkajs.
import kafkajs from 'kafkajs';
import type { RawFetchPartition, RawRecord } from './kafka-adapter.js';
import { offeredVersion, sendRawRequest } from './raw-request.js';

const { CompressionCodecs } = kafkajs;
const FETCH = 1;
const VERSION = 5;

export interface FetchArgs {
  maxWaitTime: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
}

export function encodeFetchV5(args: FetchArgs): Buffer {
  const parts: Buffer[] = [];
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const i64 = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeInt16BE(b.length);
    parts.push(len, b);
  };
  i32(-1); // replica id: a consumer
  i32(args.maxWaitTime);
  i32(args.minBytes);
  i32(args.maxBytes);
  parts.push(Buffer.from([args.isolationLevel]));
  i32(args.topics.length);
  for (const t of args.topics) {
    str(t.topic);
    i32(t.partitions.length);
    for (const p of t.partitions) {
      i32(p.partition);
      i64(BigInt(p.fetchOffset));
      i64(-1n); // log start offset: only followers send it
      i32(p.maxBytes);
    }
  }
  return Buffer.concat(parts);
}

class Cursor {
  at = 0;
  constructor(readonly buf: Buffer) {}
  i8() {
    return this.buf.readInt8((this.at += 1) - 1);
  }
  i16() {
    return this.buf.readInt16BE((this.at += 2) - 2);
  }
  i32() {
    return this.buf.readInt32BE((this.at += 4) - 4);
  }
  i64() {
    return this.buf.readBigInt64BE((this.at += 8) - 8);
  }
  str() {
    const n = this.i16();
    if (n < 0) return '';
    this.at += n;
    return this.buf.toString('utf8', this.at - n, this.at);
  }
  /** Zig-zag varint/varlong (Kafka's record fields), exact up to 2^53. */
  varint(): number {
    let result = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.buf[this.at++]!;
      if (b === undefined) throw new RangeError('varint past the end');
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
  }
  varlong(): number {
    return this.varint();
  }
  bytes(n: number): Buffer | null {
    if (n < 0) return null;
    this.at += n;
    return this.buf.subarray(this.at - n, this.at);
  }
}

/**
 * One record as kafkajs shapes it, decoded on demand: a scan that filters out most records
 * only walks their length prefixes, and the text filter can look at the raw bytes first
 * (`rawRange`). Key, value and header values are views into the response, never copies.
 */
export class LazyRecord implements RawRecord {
  private fields: { key: Buffer | null; value: Buffer | null; headers: RawRecord['headers'] } | null = null;
  readonly isControlRecord?: boolean;

  constructor(
    private readonly body: Buffer,
    /** Where key length starts and where the record ends, in `body`. */
    private readonly fieldsStart: number,
    private readonly end: number,
    private readonly offsetNumber: number,
    private readonly timestampNumber: number,
    isControl: boolean,
  ) {
    if (isControl) this.isControlRecord = true;
  }

  /** The record's key, value and headers as one byte range: a superset to pre-test a text filter on. */
  get rawRange(): { buf: Buffer; start: number; end: number } {
    return { buf: this.body, start: this.fieldsStart, end: this.end };
  }

  get offset(): string {
    return String(this.offsetNumber);
  }

  get timestamp(): string {
    return String(this.timestampNumber);
  }

  get key(): Buffer | null {
    return this.decoded().key;
  }

  get value(): Buffer | null {
    return this.decoded().value;
  }

  get headers(): RawRecord['headers'] {
    return this.decoded().headers;
  }

  private decoded() {
    if (this.fields) return this.fields;
    const c = new Cursor(this.body);
    c.at = this.fieldsStart;
    const key = c.bytes(c.varint());
    const value = c.bytes(c.varint());
    const headerCount = c.varint();
    const headers: RawRecord['headers'] = {};
    for (let h = 0; h < headerCount; h++) {
      const hk = c.bytes(c.varint())!.toString('utf8');
      const hv = c.bytes(c.varint());
      const prev = headers[hk];
      // Repeated header keys become arrays, as kafkajs shows them.
      headers[hk] = prev === undefined ? hv : Array.isArray(prev) ? [...prev, hv as Buffer] : [prev as Buffer, hv as Buffer];
    }
    this.fields = { key, value, headers };
    return this.fields;
  }
}

/** Decodes the records of one partition's record set; null for an old (magic < 2) format. */
async function decodeRecordSet(buf: Buffer): Promise<RawRecord[] | null> {
  const out: RawRecord[] = [];
  let pos = 0;
  while (pos + 61 <= buf.length) {
    const baseOffset = buf.readBigInt64BE(pos);
    const batchLength = buf.readInt32BE(pos + 8);
    const end = pos + 12 + batchLength;
    if (end > buf.length) break; // the broker cut the last batch at maxBytes
    const magic = buf.readInt8(pos + 16);
    if (magic !== 2) return null;
    const attributes = buf.readInt16BE(pos + 21);
    const baseTimestamp = Number(buf.readBigInt64BE(pos + 27));
    const maxTimestamp = Number(buf.readBigInt64BE(pos + 35));
    const count = buf.readInt32BE(pos + 57);
    const isControl = (attributes & 0x20) !== 0;
    const logAppendTime = (attributes & 0x08) !== 0;
    const codec = attributes & 0x07;
    let body = buf.subarray(pos + 61, end);
    if (codec !== 0) {
      const factory = (CompressionCodecs as unknown as Record<number, (() => { decompress(b: Buffer): Promise<Buffer> }) | undefined>)[codec];
      if (!factory) throw new Error(`No codec for compression type ${codec}`);
      body = await factory().decompress(body);
    }
    const c = new Cursor(body);
    const base = Number(baseOffset);
    for (let i = 0; i < count && c.at < body.length; i++) {
      const length = c.varint();
      const recordEnd = c.at + length;
      c.at += 1; // record attributes (unused)
      const tsDelta = c.varlong();
      const offsetDelta = c.varint();
      out.push(new LazyRecord(body, c.at, recordEnd, base + offsetDelta, logAppendTime ? maxTimestamp : baseTimestamp + tsDelta, isControl));
      c.at = recordEnd;
    }
    pos = end;
  }
  return out;
}

export async function decodeFetchV5(payload: Buffer): Promise<{ responses: Array<{ topicName: string; partitions: RawFetchPartition[] }> } | null> {
  const c = new Cursor(payload);
  c.i32(); // throttle time
  const topics = c.i32();
  const responses: Array<{ topicName: string; partitions: RawFetchPartition[] }> = [];
  for (let t = 0; t < topics; t++) {
    const topicName = c.str();
    const n = c.i32();
    const partitions: RawFetchPartition[] = [];
    for (let i = 0; i < n; i++) {
      const partition = c.i32();
      const errorCode = c.i16();
      const highWatermark = c.i64();
      c.i64(); // last stable offset
      const logStartOffset = c.i64();
      const aborted = c.i32();
      for (let a = 0; a < aborted; a++) c.at += 16;
      const size = c.i32();
      const records = size > 0 ? c.bytes(size)! : null;
      const messages = records ? await decodeRecordSet(records) : [];
      if (messages === null) return null;
      partitions.push({ partition, errorCode, highWatermark: String(highWatermark), logStartOffset: String(logStartOffset), messages });
    }
    responses.push({ topicName, partitions });
  }
  return { responses };
}

/** Fetch through our codec when the broker speaks v5; null means "use kafkajs' fetch". */
export async function fetchWithOwnCodec(broker: unknown, args: FetchArgs): Promise<{ responses: Array<{ topicName: string; partitions: RawFetchPartition[] }> } | null> {
  if (offeredVersion(broker, FETCH, [VERSION]) === null) return null;
  return sendRawRequest(broker, { apiKey: FETCH, apiName: 'Fetch', version: VERSION, body: encodeFetchV5(args), decode: decodeFetchV5 });
}
