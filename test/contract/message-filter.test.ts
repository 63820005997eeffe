// The text filter's byte-level, case-insensitive search against the obvious string version.
import { describe, expect, it } from 'vitest';
import { bytesContainsIgnoreCase } from '../../electron/services/js-filter.js';

const slow = (needle: string, hay: string) => hay.toLowerCase().includes(needle.toLowerCase());

describe('bytesContainsIgnoreCase', () => {
  const hays = ['', 'a', 'Needle-Order', 'xxneedle-orDERxx', 'needle-orde', 'nneedle-order', '{"type":"NEEDLE-ORDER"}', 'über needle-order', 'ü', 'ÜBER', 'n'.repeat(50) + 'needle-order'];
  const needles = ['needle-order', 'NEEDLE', 'n', 'über', 'ORDER"}', 'r', '-'];
  for (const needle of needles) {
    it(`agrees with lower-cased string search for "${needle}"`, () => {
      const test = bytesContainsIgnoreCase(needle);
      for (const hay of hays) expect(test(Buffer.from(hay)), `${needle} in ${hay}`).toBe(slow(needle, hay));
      expect(test(null)).toBe(false);
      expect(test(undefined)).toBe(false);
    });
  }
});

describe('bytesContainsIgnoreCase over a range', () => {
  it('looks only inside [start, end)', () => {
    const test = bytesContainsIgnoreCase('needle');
    const buf = Buffer.from('needle....NEEDLE....nee|dle');
    expect(test(buf, 1, 10)).toBe(false);
    expect(test(buf, 10, 16)).toBe(true);
    expect(test(buf, 10, 15)).toBe(false);
    expect(test(buf, 16)).toBe(false);
    expect(test(buf, 0, 6)).toBe(true);
  });
});
