// Client-side time series, filled from polling: the contract has no history methods yet, so
// lag-over-time and throughput charts start from the moment this window began polling. The
// store outlives page changes (module scope), not a reload. Each series keeps at most
// MAX_POINTS, thinning the older half when full so a long session still spans its whole age.
import { useSyncExternalStore } from 'react';

export interface Sample {
  t: number;
  v: number;
}

const MAX_POINTS = 4000;
const series = new Map<string, Sample[]>();
const listeners = new Map<string, Set<() => void>>();
const EMPTY: Sample[] = [];

export function recordSample(key: string, t: number, v: number): void {
  const prev = series.get(key) ?? EMPTY;
  const last = prev[prev.length - 1];
  if (last && t - last.t < 500) return; // two polls landing together: keep one
  let next = [...prev, { t, v }];
  if (next.length > MAX_POINTS) {
    const half = next.length >> 1;
    next = [...next.slice(0, half).filter((_, i) => i % 2 === 0), ...next.slice(half)];
  }
  series.set(key, next);
  for (const l of listeners.get(key) ?? []) l();
}

export function getSamples(key: string): Sample[] {
  return series.get(key) ?? EMPTY;
}

export function clearSamples(): void {
  series.clear();
}

export function useSamples(key: string): Sample[] {
  return useSyncExternalStore(
    (cb) => {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(cb);
      return () => set!.delete(cb);
    },
    () => getSamples(key),
    () => getSamples(key),
  );
}

/** Per-second rate between consecutive samples of a monotonic counter (resets clamp to 0). */
export function toRate(samples: Sample[]): Sample[] {
  const out: Sample[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = (b.t - a.t) / 1000;
    if (dt > 0) out.push({ t: b.t, v: Math.max(0, (b.v - a.v) / dt) });
  }
  return out;
}
