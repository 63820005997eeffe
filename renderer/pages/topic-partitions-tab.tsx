// Partitions with leader, replicas and ISR (out-of-sync replicas highlighted), offsets and
// size; throughput over time; adding partitions.
import { useState } from 'react';
import type { TopicDetail } from '../../electron/contract/index.js';
import { TimeSeriesChart } from '../charts/time-series-chart.js';
import { ErrorBox } from '../components/error-box.js';
import { formatBytes, formatCompact, formatCount } from '../components/format.js';
import { useAddPartitions, useThroughputHistory } from '../hooks/use-topics.js';

export function TopicPartitionsTab({ clusterId, detail }: { clusterId: string; detail: TopicDetail }) {
  const history = useThroughputHistory(clusterId, detail.name);
  const rate = history.points;
  const now = Date.now();
  const last = rate[rate.length - 1];
  return (
    <>
      <div className="card">
        <div className="row" style={{ marginBottom: 6 }}>
          <h2 style={{ margin: 0 }}>Throughput</h2>
          <span className="faint">{last ? `${formatCompact(last.v)} msg/s now` : ''}</span>
        </div>
        {rate.length < 1 ? (
          <div className="empty" style={{ height: 160 }}>Measuring — the chart fills as new samples arrive.</div>
        ) : (
          <TimeSeriesChart points={rate} label="Messages in" unit="msg/s" from={Math.min(rate[0]!.t, now - 5 * 60_000)} to={now} height={160} integers={false} />
        )}
        <div className="help">
          Last 15 minutes, from log-end-offset changes
          {history.source === 'backend' ? ' recorded by the Keel sampler.' : ' seen by this window (this host keeps no throughput history).'}
        </div>
      </div>
      <AddPartitions clusterId={clusterId} detail={detail} />
      <div className="card flush">
        <div className="table-scroll">
          <table className="data" aria-label="Partitions">
            <thead>
              <tr>
                <th className="num">Partition</th>
                <th>Leader</th>
                <th>Replicas</th>
                <th>In-sync replicas</th>
                <th className="num">Log start</th>
                <th className="num">High watermark</th>
                <th className="num">Messages</th>
                <th className="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {detail.partitions.map((p) => {
                const offline = p.leader === null || p.leader < 0;
                const outOfSync = p.replicas.filter((r) => !p.isr.includes(r));
                return (
                  <tr key={p.partition} className={offline ? 'bad' : ''} aria-label={`Partition ${p.partition}`}>
                    <td className="num mono">{p.partition}</td>
                    <td>{offline ? <span className="badge bad">offline</span> : <span className="mono">{p.leader}</span>}</td>
                    <td>
                      {p.replicas.map((r) => (
                        <span
                          key={r}
                          className={`replica ${p.offlineReplicas.includes(r) ? 'offline' : outOfSync.includes(r) ? 'out' : ''}`}
                          title={p.offlineReplicas.includes(r) ? `broker ${r} offline` : outOfSync.includes(r) ? `broker ${r} out of sync` : `broker ${r} in sync`}
                        >
                          {r}
                        </span>
                      ))}
                    </td>
                    <td>
                      {p.isr.map((r) => (
                        <span key={r} className="replica">{r}</span>
                      ))}
                      {outOfSync.length > 0 && <span className="badge warn" aria-label={`Out of sync: ${outOfSync.join(', ')}`}>out of sync: {outOfSync.join(', ')}</span>}
                    </td>
                    <td className="num mono">{p.logStartOffset}</td>
                    <td className="num mono">{p.highWatermark}</td>
                    <td className="num">{formatCount(Number(p.highWatermark) - Number(p.logStartOffset))}</td>
                    <td className="num">{sizeOf(p) === null ? <span className="faint" title="The cluster does not report partition sizes">—</span> : formatBytes(sizeOf(p))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}

function AddPartitions({ clusterId, detail }: { clusterId: string; detail: TopicDetail }) {
  const add = useAddPartitions(clusterId, detail.name);
  const [open, setOpen] = useState(false);
  const [total, setTotal] = useState(detail.partitions.length + 1);
  if (!open)
    return (
      <div className="row">
        <button onClick={() => (setTotal(detail.partitions.length + 1), setOpen(true))} disabled={detail.internal}>
          Add partitions…
        </button>
        {add.isSuccess && <span className="badge ok" role="status">Partitions added</span>}
      </div>
    );
  return (
    <div className="card">
      <div className="row">
        <label className="field">
          New total partition count
          <input type="number" min={detail.partitions.length + 1} value={total} onChange={(e) => setTotal(Number(e.target.value))} />
        </label>
        <span className="help" style={{ alignSelf: 'flex-end', maxWidth: 420 }}>
          Partitions can only be added. Keys hash to different partitions afterwards, which breaks per-key ordering for keyed producers.
        </span>
        <span className="grow" />
        <button onClick={() => setOpen(false)}>Cancel</button>
        <button className="primary" disabled={total <= detail.partitions.length || add.isPending} onClick={() => add.mutate(total, { onSuccess: () => setOpen(false) })}>
          {add.isPending ? 'Adding…' : `Grow to ${total}`}
        </button>
      </div>
      <ErrorBox title="Partitions were not added" error={add.error} />
    </div>
  );
}

/** Partition size when the contract carries it (DescribeLogDirs); older hosts leave it out. */
function sizeOf(p: TopicDetail['partitions'][number]): number | null {
  const v = (p as { sizeBytes?: number | null }).sizeBytes;
  return typeof v === 'number' ? v : null;
}
