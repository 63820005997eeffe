// A tiny trend line for table rows. Fixed size, no animation: 100 of them must stay cheap.
import { Line, LineChart, YAxis } from 'recharts';
import type { Point } from './downsample.js';

export function Sparkline({ points, label, width = 110, height = 26 }: { points: Point[]; label: string; width?: number; height?: number }) {
  if (points.length < 2) return <span className="faint" aria-label={`${label}: collecting samples`}>collecting…</span>;
  const rising = points[points.length - 1]!.v > points[0]!.v;
  return (
    <div role="img" aria-label={label} style={{ width, height }}>
      <LineChart width={width} height={height} data={points} margin={{ top: 3, right: 2, bottom: 3, left: 2 }}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line type="monotone" dataKey="v" stroke={rising ? 'var(--chart-2)' : 'var(--chart-1)'} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
}
