// One consumer group: members and their assignments, per-partition lag, lag over time, and
// the reset-offsets flow.
import { useState } from 'react';
import { LagChart } from '../charts/lag-chart.js';
import { ErrorBox } from '../components/error-box.js';
import { formatCount, formatDuration, formatHost } from '../components/format.js';
import { Loading } from '../components/progress.js';
import { Link, pathOf } from '../components/router.js';
import { LAG_RANGES, useGroup, useLagHistory, type LagRangeId } from '../hooks/use-groups.js';
import { stateTone } from './groups-page.js';
import { ResetOffsetsDialog } from './reset-offsets-dialog.js';

export function GroupDetailPage({ clusterId, groupId }: { clusterId: string; groupId: string }) {
  const group = useGroup(clusterId, groupId);
  const [range, setRange] = useState<LagRangeId>('15m');
  const rangeMs = (LAG_RANGES.find((r) => r.id === range) ?? LAG_RANGES[0]).ms;
  const now = group.dataUpdatedAt || Date.now();
  const history = useLagHistory(clusterId, groupId, rangeMs);
  const [resetting, setResetting] = useState(false);
  const g = group.data;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to={pathOf('clusters', clusterId, 'groups')}>Consumer groups</Link> /
          </div>
          <h1 className="mono" style={{ fontSize: 17 }}>{groupId}</h1>
        </div>
        {g && (
          <>
            <span className={`badge ${stateTone(g.state)}`}>{g.state}</span>
            <span className="badge">{g.members.length} members</span>
            <span className="badge" aria-label="Total lag">
              lag {formatCount(g.totalLag)}
            </span>
            {g.protocol && <span className="faint">{g.protocol}</span>}
          </>
        )}
        <div className="actions">
          <button onClick={() => setResetting(true)} disabled={!g}>
            Reset offsets…
          </button>
        </div>
      </div>
      {group.error ? <ErrorBox title="Cannot load the group" error={group.error} onRetry={() => void group.refetch()} /> : null}
      {group.isLoading && <Loading />}
      {g && (
        <>
          <div className="card">
            <LagChart history={history} range={range} onRange={setRange} now={now} />
            {history.error ? <ErrorBox title="Cannot load lag history" error={history.error} /> : null}
          </div>
          <div className="card flush">
            <div className="card-head">
              <h2>Partitions</h2>
            </div>
            <div className="table-scroll">
              <table className="data" aria-label="Partition lag">
                <thead>
                  <tr>
                    <th>Topic</th>
                    <th className="num">Partition</th>
                    <th className="num">Current offset</th>
                    <th className="num">Log end offset</th>
                    <th className="num">Lag</th>
                    <th className="num">Time lag</th>
                    <th>Member</th>
                  </tr>
                </thead>
                <tbody>
                  {g.partitions.map((p) => (
                    <tr key={`${p.topic}/${p.partition}`} aria-label={`${p.topic} partition ${p.partition}`}>
                      <td>
                        <Link to={pathOf('clusters', clusterId, 'topics', p.topic)}>{p.topic}</Link>
                      </td>
                      <td className="num mono">{p.partition}</td>
                      <td className="num mono">{p.committedOffset ?? <span className="faint">none</span>}</td>
                      <td className="num mono">{p.logEndOffset}</td>
                      <td className="num">{p.lag === null ? <span className="faint">—</span> : <strong className={p.lag > 0 ? 'lagging' : ''}>{formatCount(p.lag)}</strong>}</td>
                      <td className="num">{formatDuration(p.timeLagMs)}</td>
                      <td className="mono ellipsis" style={{ maxWidth: 240 }} title={p.memberId ?? ''}>
                        {memberLabel(g.members, p.memberId)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {g.partitions.length === 0 && <div className="empty">The group has no committed offsets</div>}
            </div>
          </div>
          <div className="card flush">
            <div className="card-head">
              <h2>Members</h2>
            </div>
            <table className="data" aria-label="Members">
              <thead>
                <tr>
                  <th>Client</th>
                  <th>Host</th>
                  <th>Member id</th>
                  <th>Assignment</th>
                </tr>
              </thead>
              <tbody>
                {g.members.map((m) => (
                  <tr key={m.memberId}>
                    <td className="mono">{m.clientId}</td>
                    <td className="mono">{formatHost(m.host)}</td>
                    <td className="mono faint ellipsis" style={{ maxWidth: 260 }}>{m.memberId}</td>
                    <td>{m.assignments.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || <span className="faint">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {g.members.length === 0 && <div className="empty">No active members — the group is {g.state}</div>}
          </div>
        </>
      )}
      {resetting && g && <ResetOffsetsDialog clusterId={clusterId} group={g} onClose={() => setResetting(false)} />}
    </div>
  );
}

function memberLabel(members: Array<{ memberId: string; clientId: string; host: string }>, id: string | null): string {
  if (!id) return '—';
  const m = members.find((x) => x.memberId === id);
  return m ? `${m.clientId} (${formatHost(m.host)})` : id;
}
