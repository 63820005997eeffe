import { describe, expect, it } from 'vitest';
import { Reader } from '../../embedded-broker/protocol/primitives.js';
import { Writer } from '../../embedded-broker/protocol/writer.js';

describe('Reader/Writer primitives', () => {
  it('round-trips int64 as numbers, including negatives and the extremes', () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -(2 ** 63)];
    const w = new Writer();
    for (const v of values) w.writeInt64(v);
    const r = new Reader(w.toBuffer());
    expect(values.map(() => r.readInt64())).toEqual(values);
    expect(new Writer().writeInt64(-1).toBuffer().toString('hex')).toBe('ffffffffffffffff');
  });

  it('encodes varints like Kafka (zigzag for signed)', () => {
    const hex = (f: (w: Writer) => void) => {
      const w = new Writer();
      f(w);
      return w.toBuffer().toString('hex');
    };
    expect(hex((w) => w.writeUVarint(300))).toBe('ac02');
    expect(hex((w) => w.writeVarint(-1))).toBe('01');
    expect(hex((w) => w.writeVarint(1))).toBe('02');
    expect(hex((w) => w.writeVarint(-2147483648))).toBe('ffffffff0f');
    expect(hex((w) => w.writeVarlong(-1))).toBe('01');
    const nums = [0, 1, -1, 63, -64, 2 ** 31 - 1, -(2 ** 31), 2 ** 45 + 1, -(2 ** 50)];
    const w = new Writer();
    for (const n of nums) w.writeVarlong(n);
    for (const n of nums.slice(0, 7)) w.writeVarint(n);
    const r = new Reader(w.toBuffer());
    expect(nums.map(() => r.readVarlong())).toEqual(nums);
    expect(nums.slice(0, 7).map(() => r.readVarint())).toEqual(nums.slice(0, 7));
  });

  it('shows uuids in Kafka form', () => {
    const w = new Writer().writeUuid('AAAAAAAAAAAAAAAAAAAAAA');
    expect(w.toBuffer().equals(Buffer.alloc(16))).toBe(true);
    const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const s = new Reader(id).readUuid();
    expect(s).toHaveLength(22);
    expect(new Writer().writeUuid(s).toBuffer().equals(id)).toBe(true);
    expect(() => new Writer().writeUuid('short')).toThrow();
  });

  it('reads bytes as views, not copies', () => {
    const frame = Buffer.from('0000000301020304', 'hex');
    const b = new Reader(frame).readBytes();
    expect([...b]).toEqual([1, 2, 3]);
    frame[4] = 9;
    expect(b[0]).toBe(9);
  });

  it('appends raw chunks by reference and keeps order across growth', () => {
    const big = Buffer.alloc(1000, 7);
    const w = new Writer(16);
    w.writeInt32(1);
    w.writeRawChunk(big);
    for (let i = 0; i < 200; i++) w.writeInt16(i);
    w.writeCompactString('tail');
    const chunks = w.toBuffers();
    expect(chunks).toContain(big);
    expect(w.length).toBe(4 + 1000 + 400 + 5);
    const r = new Reader(w.toBuffer());
    expect(r.readInt32()).toBe(1);
    expect(r.readRaw(1000).equals(big)).toBe(true);
    for (let i = 0; i < 200; i++) expect(r.readInt16()).toBe(i);
    expect(r.readCompactString()).toBe('tail');
    expect(r.remaining).toBe(0);
  });

  it('handles strings with multi-byte characters and nulls', () => {
    const w = new Writer(4);
    w.writeString('grüße').writeNullableString(null).writeCompactNullableString(null).writeCompactString('κ');
    const r = new Reader(w.toBuffer());
    expect([r.readString(), r.readNullableString(), r.readCompactNullableString(), r.readCompactString()]).toEqual(['grüße', null, null, 'κ']);
  });
});
