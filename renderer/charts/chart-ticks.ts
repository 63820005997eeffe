// Tick positions computed here rather than by recharts: with explicit ticks and interval={0}
// recharts skips measuring every label in the DOM to thin overlapping ones, which was most
// of a chart's first render.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** Round local times (whole minutes, hours, midnights) between from and to, about `target` of them. */
export function timeTicks(from: number, to: number, target = 7): number[] {
  if (!(to > from)) return [from];
  const step = TIME_STEPS.find((s) => (to - from) / s <= target) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  // Align to local wall-clock boundaries, so day ticks fall on midnight where the user is.
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const out: number[] = [];
  for (let t = first; t <= to; t += step) out.push(t);
  return out;
}

/** 0 to a round number at or above max, in about `target` round steps (1, 2, 2.5, 5 × 10^n). */
export function valueTicks(max: number, target = 4, integers = true): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integers) step = Math.max(1, Math.ceil(step));
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}
