// A time series chart (recharts) shared by the lag and throughput charts. Kept cheap to draw:
// points are downsampled before they reach recharts, axes get precomputed ticks (no label
// measuring), no animation, no dots, a flat fill instead of a gradient, and the chart element
// is memoised so a parent re-render does not redraw it.
import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock, formatCompact, formatTimestamp } from '../components/format.js';
import { timeTicks, valueTicks } from './chart-ticks.js';
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
  /** Whole numbers only on the value axis (counts); false for rates. */
  integers?: boolean;
}

const MARGIN = { top: 8, right: 16, bottom: 0, left: 0 };
const TOOLTIP_STYLE = { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, fontSize: 12 };
const AXIS_TICK = { fontSize: 11, fill: 'var(--text-3)' };

export function TimeSeriesChart({ points, label, unit, from, to, height = 240, maxPoints = 500, color = 'var(--chart-1)', width, integers = true }: TimeSeriesChartProps) {
  const data = useMemo(() => downsampleMax(points, maxPoints), [points, maxPoints]);
  const chart = useMemo(() => {
    const withDate = to - from > 24 * 60 * 60_000;
    let max = 0;
    for (const p of data) if (p.v > max) max = p.v;
    const yTicks = valueTicks(max, 4, integers);
    return (
      <AreaChart data={data} margin={MARGIN} width={width} height={width ? height : undefined}>
        <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[from, to]}
          ticks={timeTicks(from, to)}
          interval={0}
          tickFormatter={(t: number) => formatClock(t, withDate)}
          stroke="var(--text-3)"
          tick={AXIS_TICK}
          allowDataOverflow
        />
        <YAxis
          domain={[0, yTicks[yTicks.length - 1]!]}
          ticks={yTicks}
          interval={0}
          tickFormatter={(v: number) => formatCompact(v)}
          stroke="var(--text-3)"
          tick={AXIS_TICK}
          width={52}
        />
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          isAnimationActive={false}
          labelFormatter={(t) => formatTimestamp(Number(t))}
          formatter={(v) => [`${formatCompact(Number(v))} ${unit}`, label]}
        />
        <Area
          type="linear"
          dataKey="v"
          stroke={color}
          strokeWidth={1.6}
          fill={color}
          fillOpacity={0.12}
          isAnimationActive={false}
          dot={data.length <= 2 ? { r: 3, fill: color } : false}
          activeDot={{ r: 3 }}
        />
      </AreaChart>
    );
  }, [data, from, to, width, height, integers, color, label, unit]);
  return (
    <div role="img" aria-label={`${label} chart`} className="chart" style={{ height }}>
      {width ? chart : <ResponsiveContainer width="100%" height={height}>{chart}</ResponsiveContainer>}
    </div>
  );
}
