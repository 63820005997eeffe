import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../embedded-broker/replication/frame-reader.js';

function framed(bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.flatMap((b) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(b.length);
    return [size, b];
  }));
}

describe('FrameReader', () => {
  const bodies = [5, 100, 16 * 1024, 16 * 1024 + 1, 70_000, 4, 1 << 20, 33, 200_000].map((n, i) => Buffer.alloc(n, i + 1));
  const stream = framed(bodies);

  it('splits frames of every size across any chunking (chunks copied in)', () => {
    for (const chunk of [1, 3, 4, 7, 1000, 65_536, 100_000, stream.length]) {
      const got: Buffer[] = [];
      const reader = new FrameReader((f) => got.push(f), (e) => { throw e; });
      for (let i = 0; i < stream.length; i += chunk) reader.push(stream.subarray(i, i + chunk));
      expect(got.map((f) => f.length)).toEqual(bodies.map((b) => b.length));
      got.forEach((f, i) => expect(f.equals(bodies[i]!)).toBe(true));
    }
  });

  it('fills targets in place as a socket with onread would, in short reads', () => {
    const got: Buffer[] = [];
    const reader = new FrameReader((f) => got.push(f), (e) => { throw e; });
    let offset = 0;
    let step = 1;
    while (offset < stream.length) {
      const target = reader.target();
      expect(target.length).toBeGreaterThan(0);
      const n = stream.copy(target, 0, offset, Math.min(stream.length, offset + Math.min(target.length, step)));
      offset += n;
      reader.received(n);
      step = (step * 7 + 13) % 90_000 + 1;
    }
    got.forEach((f, i) => expect(f.equals(bodies[i]!)).toBe(true));
    expect(got).toHaveLength(bodies.length);
  });

  it('reports a negative frame size once', () => {
    const errors: Error[] = [];
    const reader = new FrameReader(() => undefined, (e) => errors.push(e));
    reader.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    reader.push(Buffer.from([0, 0, 0, 1, 9]));
    expect(errors).toHaveLength(1);
  });
});
