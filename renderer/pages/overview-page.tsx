// Overview: brokers (controller marked, up/down), counts, partition health, busiest topics
// and the groups with the most lag.
import { ErrorBox } from '../components/error-box.js';
import { formatCompact, formatCount } from '../components/format.js';
import { Loading } from '../components/progress.js';
import { Link, pathOf } from '../components/router.js';
import { useClusterOverview, useClusters } from '../hooks/use-clusters.js';
import { useGroups } from '../hooks/use-groups.js';
import { TOP_TOPIC_CANDIDATES, useTopTopicsByThroughput } from '../hooks/use-topics.js';
import { BrokerTable } from './brokers-page.js';

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'bad' | 'good' }) {
  return (
    <div className={`card stat ${tone ?? ''}`} aria-label={label}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

export function OverviewPage({ clusterId }: { clusterId: string }) {
  const overview = useClusterOverview(clusterId);
  const clusters = useClusters();
  const name = clusters.data?.find((c) => c.id === clusterId)?.name ?? clusterId;
  const o = overview.data;
  return (
    <div className="page">
      <div className="page-header">
        <h1>{name}</h1>
        {o?.version.kafkaVersionHint && <span className="badge">Kafka {o.version.kafkaVersionHint}</span>}
        {o?.clusterId && <span className="faint mono">{o.clusterId}</span>}
      </div>
      {overview.error ? <ErrorBox title="Cannot load the cluster" error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      {!o && overview.isLoading && <Loading label="Connecting to the cluster…" />}
      {o && (
        <>
          <div className="grid cols-4">
            <Stat label="Brokers" value={formatCount(o.brokers.length)} />
            <Stat label="Topics" value={formatCount(o.counts.topics)} />
            <Stat label="Partitions" value={formatCount(o.counts.partitions)} />
            <Stat label="Consumer groups" value={formatCount(o.counts.groups)} />
            <Stat label="Under-replicated partitions" value={formatCount(o.underReplicatedPartitions)} tone={o.underReplicatedPartitions > 0 ? 'bad' : 'good'} />
            <Stat label="Offline partitions" value={formatCount(o.offlinePartitions)} tone={o.offlinePartitions > 0 ? 'bad' : 'good'} />
          </div>
          <div className="card flush">
            <div className="card-head">
              <h2>Brokers</h2>
              <span className="grow" />
              <Link to={pathOf('clusters', clusterId, 'brokers')}>All brokers →</Link>
            </div>
            <BrokerTable clusterId={clusterId} overview={o} />
          </div>
          <div className="grid cols-2">
            <TopTopics clusterId={clusterId} />
            <LaggingGroups clusterId={clusterId} />
          </div>
        </>
      )}
    </div>
  );
}

function TopTopics({ clusterId }: { clusterId: string }) {
  const top = useTopTopicsByThroughput(clusterId);
  return (
    <section className="card flush" aria-label="Top topics by throughput">
      <div className="card-head">
        <h2>Top topics by throughput</h2>
      </div>
      {top.error ? <div style={{ padding: 12 }}><ErrorBox error={top.error} onRetry={() => void top.refetch()} /></div> : null}
      <table className="data">
        <thead>
          <tr>
            <th>Topic</th>
            <th className="num">Messages/s</th>
            <th className="num">Messages</th>
          </tr>
        </thead>
        <tbody>
          {(top.data?.rows ?? []).map((t) => (
            <tr key={t.name}>
              <td>
                <Link to={pathOf('clusters', clusterId, 'topics', t.name)}>{t.name}</Link>
              </td>
              <td className="num">{t.perSecond === null ? <span className="faint">measuring…</span> : formatCompact(t.perSecond)}</td>
              <td className="num">{formatCount(t.messages)}</td>
            </tr>
          ))}
          {top.data?.rows.length === 0 && (
            <tr>
              <td colSpan={3} className="empty">No topics yet</td>
            </tr>
          )}
        </tbody>
      </table>
      {top.isLoading && <div className="empty">Loading…</div>}
      <div className="help" style={{ padding: '6px 14px 10px' }}>
        {top.data?.source === 'client-polling'
          ? 'Rates from message-count changes seen by this window (this host keeps no throughput history).'
          : `Average over the last minutes, from the Keel sampler, among the ${TOP_TOPIC_CANDIDATES} largest topics.`}
      </div>
    </section>
  );
}

function LaggingGroups({ clusterId }: { clusterId: string }) {
  const groups = useGroups(clusterId);
  const top = [...(groups.data ?? [])].sort((a, b) => (b.totalLag ?? -1) - (a.totalLag ?? -1)).slice(0, 5);
  return (
    <section className="card flush" aria-label="Groups with the most lag">
      <div className="card-head">
        <h2>Groups with the most lag</h2>
        <span className="grow" />
        <Link to={pathOf('clusters', clusterId, 'groups')}>All groups →</Link>
      </div>
      {groups.error ? <div style={{ padding: 12 }}><ErrorBox error={groups.error} onRetry={() => void groups.refetch()} /></div> : null}
      {groups.isLoading && <div className="empty">Loading…</div>}
      <table className="data">
        <thead>
          <tr>
            <th>Group</th>
            <th>State</th>
            <th className="num">Lag</th>
          </tr>
        </thead>
        <tbody>
          {top.map((g) => (
            <tr key={g.groupId}>
              <td>
                <Link to={pathOf('clusters', clusterId, 'groups', g.groupId)}>{g.groupId}</Link>
              </td>
              <td>{g.state}</td>
              <td className="num">{formatCount(g.totalLag)}</td>
            </tr>
          ))}
          {groups.data?.length === 0 && (
            <tr>
              <td colSpan={3} className="empty">No consumer groups</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
