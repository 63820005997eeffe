// The history's binary range coder on its own: whatever mix of adaptive and even-odds bits is
// written, the decoder reads the same bits back — including long runs of near-certain bits
// (which force carries through runs of 0xff bytes), a stream taken back to a mark, and an
// empty stream; and predictable flags cost a small fraction of a bit each.
import { describe, expect, it } from 'vitest';
import { PROB_HALF, RangeDecoder, RangeEncoder } from '../../electron/services/lag-history/range-coder.js';
import { rng } from '../helpers/seeded-random.js';

type Op = { kind: 'bit'; ctx: number; bit: number } | { kind: 'direct'; v: number; count: number };

function roundTrip(ops: Op[], contexts: number): Buffer {
  const enc = new RangeEncoder(4);
  const wp = new Array<number>(contexts).fill(PROB_HALF);
  for (const op of ops) {
    if (op.kind === 'bit') enc.bit(wp, op.ctx, op.bit);
    else enc.direct(op.v, op.count);
  }
  const bytes = Buffer.from(enc.finish());
  // Surrounded by other bytes: the decoder must stop at its end and read zeros past it.
  const framed = Buffer.concat([Buffer.from([0xaa, 0xbb]), bytes, Buffer.from([0xff, 0xff, 0xff])]);
  const dec = new RangeDecoder(framed, 2, 2 + bytes.length);
  const rp = new Array<number>(contexts).fill(PROB_HALF);
  for (const op of ops) {
    if (op.kind === 'bit') expect(dec.bit(rp, op.ctx)).toBe(op.bit);
    else expect(dec.direct(op.count)).toBe(op.v);
  }
  expect(rp).toEqual(wp);
  return bytes;
}

describe('range coder', () => {
  it('reads back random adaptive and direct bits exactly', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const skew = Array.from({ length: 8 }, () => r());
      const ops: Op[] = Array.from({ length: 5_000 }, (): Op => {
        if (r() < 0.2) {
          const count = 1 + Math.floor(r() * 24);
          return { kind: 'direct', v: Math.floor(r() * 2 ** count), count };
        }
        const ctx = Math.floor(r() * 8);
        return { kind: 'bit', ctx, bit: r() < skew[ctx]! ? 1 : 0 };
      });
      roundTrip(ops, 8);
    }
  });

  it('carries through long runs of near-certain bits, and codes them in a fraction of a bit each', () => {
    for (const bit of [0, 1]) {
      const ops: Op[] = Array.from({ length: 20_000 }, (_, i): Op => ({ kind: 'bit', ctx: 0, bit: i % 997 === 0 ? 1 - bit : bit }));
      const bytes = roundTrip(ops, 1);
      expect(bytes.length * 8).toBeLessThan(20_000 * 0.2);
    }
  });

  it('writes nothing for no bits, and takes back what follows a mark', () => {
    expect(roundTrip([], 1).length).toBe(0);
    const enc = new RangeEncoder();
    const p = [PROB_HALF];
    enc.bit(p, 0, 1);
    enc.direct(0x5a5a, 16);
    const m = enc.mark();
    const saved = p.slice();
    for (let i = 0; i < 100; i++) enc.bit(p, 0, i % 3 === 0 ? 1 : 0);
    enc.rewind(m);
    p[0] = saved[0]!;
    enc.bit(p, 0, 0);
    const bytes = Buffer.from(enc.finish());
    const dec = new RangeDecoder(bytes, 0, bytes.length);
    const q = [PROB_HALF];
    expect([dec.bit(q, 0), dec.direct(16), dec.bit(q, 0)]).toEqual([1, 0x5a5a, 0]);
  });
});
