// Consumer lag over time with range buttons from 15 minutes to 7 days.
import { LAG_RANGES, type LagRangeId, type LagSeries } from '../hooks/use-groups.js';
import { formatDuration } from '../components/format.js';
import { TimeSeriesChart } from './time-series-chart.js';

export function LagChart({
  history,
  range,
  onRange,
  now,
  width,
}: {
  history: LagSeries;
  range: LagRangeId;
  onRange: (r: LagRangeId) => void;
  now: number;
  width?: number;
}) {
  const r = LAG_RANGES.find((x) => x.id === range) ?? LAG_RANGES[0];
  const covered = history.coveredFrom === null ? 0 : now - history.coveredFrom;
  return (
    <div className="lag-chart">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Lag over time</h2>
        <span className="grow" />
        <div className="segmented" role="group" aria-label="Time range">
          {LAG_RANGES.map((x) => (
            <button key={x.id} className={x.id === range ? 'small active' : 'small'} aria-pressed={x.id === range} onClick={() => onRange(x.id)}>
              {x.label}
            </button>
          ))}
        </div>
      </div>
      {history.points.length === 0 ? (
        <div className="empty" style={{ height: 240 }}>
          No lag samples in this range yet — {history.source === 'backend' ? 'the sampler records every few seconds.' : 'the chart fills as Keel polls the group.'}
        </div>
      ) : (
        <TimeSeriesChart points={history.points} label="Total lag" unit="messages" from={now - r.ms} to={now} width={width} />
      )}
      {history.source === 'client-polling' && (
        <div className="help">
          Samples taken by this window every 5 s while the group is watched ({covered > 0 ? `${formatDuration(covered)} so far` : 'starting'}):
          the history recorded by Keel has nothing for this range yet.
        </div>
      )}
    </div>
  );
}
