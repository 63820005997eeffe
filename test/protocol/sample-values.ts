// Deterministic sample values for any schema struct at a given version, so the
// round-trip test can cover every message and version without hand-written data.
import type { FieldDescriptor } from '../../embedded-broker/protocol/descriptor-types.js';

export type SampleMode = 'rich' | 'sparse';

/** Small xorshift PRNG: the same seed gives the same sample on every run. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 0x1_0000_0000;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const inRange = (v: number, r: readonly [number, number] | undefined | null) => !!r && v >= r[0] && v <= r[1];

const STRINGS = ['', 'a', 'topic-1', 'grüße', 'κάφκα', 'x'.repeat(40)];

function scalar(f: FieldDescriptor, rnd: Prng, mode: SampleMode): unknown {
  switch (f.t) {
    case 'bool':
      return rnd.next() < 0.5;
    case 'int8':
      return rnd.int(-128, 127);
    case 'int16':
      return rnd.int(-32768, 32767);
    case 'uint16':
      return rnd.int(0, 65535);
    case 'int32':
      return rnd.int(-2147483648, 2147483647);
    case 'int64':
      return rnd.pick([-1, 0, 1, 2 ** 40 + 3, -(2 ** 50) - 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
    case 'float64':
      return rnd.pick([0, 1.5, -2.25, 1e300, Math.PI]);
    case 'string':
      return mode === 'sparse' ? '' : rnd.pick(STRINGS);
    case 'uuid':
      return Buffer.from(Array.from({ length: 16 }, () => rnd.int(0, 255))).toString('base64url');
    case 'bytes':
    case 'records':
      return Buffer.from(Array.from({ length: mode === 'sparse' ? 0 : rnd.int(0, 90) }, () => rnd.int(0, 255)));
    default:
      throw new Error(`no sample for ${f.t}`);
  }
}

function fieldValue(f: FieldDescriptor, version: number, rnd: Prng, mode: SampleMode, depth: number): unknown {
  const nullable = inRange(version, f.nv);
  if (nullable && (mode === 'sparse' || rnd.next() < 0.2)) return null;
  const one = () => (f.t === 'struct' ? sampleStruct(f.s!.fields, version, rnd, mode, depth + 1) : scalar(f, rnd, mode));
  if (f.a) {
    const n = mode === 'sparse' ? 0 : rnd.pick(depth > 2 ? [0, 1] : [0, 1, 3]);
    return Array.from({ length: n }, one);
  }
  return one();
}

/** Only fields present in `version` are set; tagged fields get values too, so they are written. */
export function sampleStruct(
  fields: readonly FieldDescriptor[],
  version: number,
  rnd: Prng,
  mode: SampleMode,
  depth = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (inRange(version, f.v)) out[f.n] = fieldValue(f, version, rnd, mode, depth);
  }
  return out;
}

/** Asserts the decoded object carries every schema field, at every struct level. */
export function missingFields(fields: readonly FieldDescriptor[], value: any, path = ''): string[] {
  const missing: string[] = [];
  for (const f of fields) {
    if (!(f.n in value)) missing.push(path + f.n);
    const v = value[f.n];
    if (f.t === 'struct' && v) {
      for (const item of f.a ? v : [v]) missing.push(...missingFields(f.s!.fields, item, `${path}${f.n}.`));
    }
  }
  return missing;
}
