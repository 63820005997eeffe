/** A deterministic PRNG (a linear congruential generator) so runs and test data repeat. */
export function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}
