// Frame mutations for the fuzzer. Every mutation takes a whole valid frame (size prefix
// included) and returns the bytes to write; most keep the size prefix consistent so the
// broker reads exactly one (damaged) request, a few deliberately lie about it.

/** Small, fast, seedable PRNG (mulberry32): a run is reproducible from its seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  range(min: number, maxInclusive: number): number {
    return min + this.int(maxInclusive - min + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Lengths a parser must not trust: huge, negative, off by one, sign-bit patterns. */
const EVIL_INT32 = [0x7fffffff, 0x7ffffffe, -1, -2, -0x80000000, 0x10000000, 0x00ffffff, 65536, 1 << 20];
const EVIL_INT16 = [0x7fff, -1, -2, -0x8000, 0x4000];
/** uvarints (compact lengths, tagged-field counts/sizes) of 2^32-1, 2^31, 2^28. */
const EVIL_UVARINTS = [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])];

function withSize(payload: Buffer): Buffer {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

function payloadOf(frame: Buffer): Buffer {
  return Buffer.from(frame.subarray(4));
}

/** Header fields sit at fixed positions in the payload: api key @0, version @2, correlation id @4. */
const HEADER_BYTES = 8;

export type Mutation = (frame: Buffer, rng: Rng) => Buffer;

export const MUTATIONS: Record<string, Mutation> = {
  none: (frame) => frame,
  bitFlip: (frame, rng) => {
    const p = payloadOf(frame);
    const flips = rng.range(1, 8);
    for (let i = 0; i < flips; i++) p[rng.int(p.length)]! ^= 1 << rng.int(8);
    return withSize(p);
  },
  bodyBitFlip: (frame, rng) => {
    const p = payloadOf(frame);
    if (p.length <= HEADER_BYTES) return withSize(p);
    const flips = rng.range(1, 4);
    for (let i = 0; i < flips; i++) p[HEADER_BYTES + rng.int(p.length - HEADER_BYTES)]! ^= 1 << rng.int(8);
    return withSize(p);
  },
  byteSet: (frame, rng) => {
    const p = payloadOf(frame);
    const n = rng.range(1, 6);
    for (let i = 0; i < n; i++) p[rng.int(p.length)] = rng.pick([0x00, 0xff, 0x7f, 0x80, 0x01, rng.int(256)]);
    return withSize(p);
  },
  truncate: (frame, rng) => withSize(payloadOf(frame).subarray(0, rng.int(frame.length - 4))),
  truncateTail: (frame, rng) => {
    const p = payloadOf(frame);
    return withSize(p.subarray(0, Math.max(0, p.length - rng.range(1, 16))));
  },
  extend: (frame, rng) => withSize(Buffer.concat([payloadOf(frame), rng.bytes(rng.range(1, 64))])),
  evilInt32: (frame, rng) => {
    const p = payloadOf(frame);
    if (p.length < HEADER_BYTES + 4) return withSize(p);
    p.writeInt32BE(rng.pick(EVIL_INT32), rng.range(HEADER_BYTES, p.length - 4));
    return withSize(p);
  },
  evilInt16: (frame, rng) => {
    const p = payloadOf(frame);
    if (p.length < HEADER_BYTES + 2) return withSize(p);
    p.writeInt16BE(rng.pick(EVIL_INT16), rng.range(HEADER_BYTES, p.length - 2));
    return withSize(p);
  },
  evilUVarint: (frame, rng) => {
    const p = payloadOf(frame);
    const at = rng.range(Math.min(HEADER_BYTES, p.length), p.length);
    const v = rng.pick(EVIL_UVARINTS);
    // Either overwrite in place or insert, shifting the rest.
    const out = rng.next() < 0.5 ? Buffer.concat([p.subarray(0, at), v, p.subarray(Math.min(p.length, at + v.length))]) : Buffer.concat([p.subarray(0, at), v, p.subarray(at)]);
    return withSize(out);
  },
  insertBytes: (frame, rng) => {
    const p = payloadOf(frame);
    const at = rng.int(p.length + 1);
    return withSize(Buffer.concat([p.subarray(0, at), rng.bytes(rng.range(1, 32)), p.subarray(at)]));
  },
  deleteBytes: (frame, rng) => {
    const p = payloadOf(frame);
    const at = rng.int(p.length + 1);
    return withSize(Buffer.concat([p.subarray(0, at), p.subarray(Math.min(p.length, at + rng.range(1, 16)))]));
  },
  randomApiKey: (frame, rng) => {
    const p = payloadOf(frame);
    p.writeInt16BE(rng.next() < 0.8 ? rng.range(-2, 80) : rng.range(-0x8000, 0x7fff), 0);
    return withSize(p);
  },
  randomVersion: (frame, rng) => {
    const p = payloadOf(frame);
    p.writeInt16BE(rng.next() < 0.8 ? rng.range(-2, 20) : rng.range(-0x8000, 0x7fff), 2);
    return withSize(p);
  },
  randomFrame: (_frame, rng) => {
    const body = rng.bytes(rng.range(0, 200));
    if (body.length >= 4 && rng.next() < 0.7) {
      // A plausible header makes random bytes reach the body decoders.
      body.writeInt16BE(rng.range(0, 70), 0);
      body.writeInt16BE(rng.range(0, 15), 2);
    }
    return withSize(body);
  },
  /** Size prefix that lies: the broker must not hang, allocate it, or lose sync beyond the connection. */
  sizeLie: (frame, rng) => {
    const out = Buffer.from(frame);
    const real = frame.length - 4;
    out.writeInt32BE(rng.pick([real + 1, real - 1, real * 2, 0, -1, 0x7fffffff, rng.range(1, 1 << 30)]), 0);
    return out;
  },
  /** Two requests back to back with the second cut short. */
  splice: (frame, rng) => Buffer.concat([frame, frame.subarray(0, rng.int(frame.length))]),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** A frame's declared payload size, or null when it is not a whole frame as written. */
export function declaredSize(bytes: Buffer): number | null {
  return bytes.length >= 4 ? bytes.readInt32BE(0) : null;
}
