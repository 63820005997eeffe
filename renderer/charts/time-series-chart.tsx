// A time series chart (recharts) shared by the lag and throughput charts. Points are
// downsampled before they reach recharts so 7 days of samples render as fast as 15 minutes.
import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatCompact, formatTimestamp } from '../components/format.js';
import { downsampleMax, type Point } from './downsample.js';

export interface TimeSeriesChartProps {
  points: Point[];
  label: string;
  unit: string;
  from: number;
  to: number;
  height?: number;
  maxPoints?: number;
  color?: string;
  /** A fixed width skips ResizeObserver measuring (tests, benchmarks). */
  width?: number;
}

export function TimeSeriesChart({ points, label, unit, from, to, height = 240, maxPoints = 600, color = 'var(--chart-1)', width }: TimeSeriesChartProps) {
  const data = useMemo(() => downsampleMax(points, maxPoints), [points, maxPoints]);
  const withDate = to - from > 24 * 60 * 60_000;
  const gradientId = `grad-${label.replace(/\W/g, '')}`;
  const chart = (
    <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} width={width} height={width ? height : undefined}>
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0%" stopColor={color} stopOpacity={0.35} />
          <stop offset="100%" stopColor={color} stopOpacity={0.02} />
        </linearGradient>
      </defs>
      <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[from, to]}
        tickFormatter={(t: number) => formatClock(t, withDate)}
        stroke="var(--text-3)"
        fontSize={11}
        minTickGap={40}
      />
      <YAxis tickFormatter={(v: number) => formatCompact(v)} stroke="var(--text-3)" fontSize={11} width={52} allowDecimals={false} />
      <Tooltip
        contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, fontSize: 12 }}
        labelFormatter={(t) => formatTimestamp(Number(t))}
        formatter={(v) => [`${formatCompact(Number(v))} ${unit}`, label]}
      />
      <Area type="monotone" dataKey="v" stroke={color} strokeWidth={1.6} fill={`url(#${gradientId})`} isAnimationActive={false} dot={data.length <= 2 ? { r: 3, fill: color } : false} />
    </AreaChart>
  );
  return (
    <div role="img" aria-label={`${label} chart`} className="chart" style={{ height }}>
      {width ? chart : <ResponsiveContainer width="100%" height={height}>{chart}</ResponsiveContainer>}
    </div>
  );
}
