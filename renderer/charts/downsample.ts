// Keeps a chart's point count bounded: buckets by time and keeps each bucket's max (lag
// spikes are what an operator looks for) at the bucket's last time.
export interface Point {
  t: number;
  v: number;
}

export function downsampleMax(points: Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints || maxPoints < 2) return points;
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0 || 1;
  const out: Point[] = [];
  let bucket = -1;
  for (const p of points) {
    const b = Math.min(maxPoints - 1, Math.floor(((p.t - t0) / span) * maxPoints));
    if (b !== bucket) {
      out.push({ t: p.t, v: p.v });
      bucket = b;
    } else {
      const last = out[out.length - 1]!;
      last.t = p.t;
      if (p.v > last.v) last.v = p.v;
    }
  }
  return out;
}
