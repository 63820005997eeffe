// The sandbox's partitions with their leader and ISR per broker, live. An in-sync follower
// is a button: clicking it moves the partition's leadership there (sandbox.moveLeader).
import { useQueries, useQuery } from '@tanstack/react-query';
import type { TopicDetail } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys } from '../api/query-keys.js';
import { ErrorBox } from '../components/error-box.js';
import { SANDBOX_ID } from '../hooks/use-clusters.js';
import { useMoveLeader } from '../hooks/use-sandbox.js';

const MAX_TOPICS = 12;

export function PartitionMap({ brokers }: { brokers: Array<{ nodeId: number; up: boolean }> }) {
  const api = useApi();
  const move = useMoveLeader();
  const list = useQuery({
    queryKey: [...keys.topics(SANDBOX_ID), { sandboxMap: true }],
    queryFn: () => api.call('topics.list', { clusterId: SANDBOX_ID, withCounts: false, limit: MAX_TOPICS, offset: 0, includeInternal: false }),
    refetchInterval: 5_000,
  });
  const details = useQueries({
    queries: (list.data?.items ?? []).map((t) => ({
      queryKey: keys.topicDetail(SANDBOX_ID, t.name),
      queryFn: () => api.call('topics.get', { clusterId: SANDBOX_ID, topic: t.name }),
      refetchInterval: 2_000,
    })),
  });
  const topics = details.map((d) => d.data).filter((d): d is TopicDetail => !!d);
  const moving = (topic: string, partition: number) => move.isPending && move.variables?.topic === topic && move.variables.partition === partition;
  return (
    <section className="card flush" aria-label="Partition map">
      <div className="card-head">
        <h2>Partitions, leaders and ISR</h2>
        <span className="faint">
          {list.data && list.data.total > MAX_TOPICS ? `first ${MAX_TOPICS} of ${list.data.total} topics` : 'live'}
        </span>
        <span className="grow" />
        <span className="legend">
          <span className="cell leader">L</span> leader <span className="cell isr">●</span> in sync <span className="cell out">○</span> out of sync
        </span>
      </div>
      {list.error ? (
        <div style={{ padding: 12 }}>
          <ErrorBox title="Cannot list the sandbox topics" error={list.error} onRetry={() => void list.refetch()} />
        </div>
      ) : null}
      {move.error ? (
        <div style={{ padding: 12 }}>
          <ErrorBox title="The leader was not moved" error={move.error} />
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="data partition-map" aria-label="Partition map">
          <thead>
            <tr>
              <th>Topic</th>
              <th className="num">Partition</th>
              {brokers.map((b) => (
                <th key={b.nodeId} className={b.up ? 'center' : 'center down'}>
                  Broker {b.nodeId}
                  {!b.up && ' (down)'}
                </th>
              ))}
              <th>ISR</th>
            </tr>
          </thead>
          <tbody>
            {topics.flatMap((t) =>
              t.partitions.map((p) => (
                <tr key={`${t.name}/${p.partition}`} aria-label={`${t.name} partition ${p.partition}`} className={p.leader === null || p.leader < 0 ? 'bad' : ''}>
                  <td className="mono">{t.name}</td>
                  <td className="num mono">{p.partition}</td>
                  {brokers.map((b) => {
                    if (!p.replicas.includes(b.nodeId)) return <td key={b.nodeId} className="center" />;
                    const leader = p.leader === b.nodeId;
                    const inSync = p.isr.includes(b.nodeId);
                    const label = leader ? 'leader' : inSync ? 'in sync' : 'out of sync';
                    return (
                      <td key={b.nodeId} className="center">
                        {inSync && !leader && b.up ? (
                          <button
                            className="cell isr movable"
                            title="in sync — click to promote"
                            aria-label={`Move leader of ${t.name} partition ${p.partition} to broker ${b.nodeId}`}
                            disabled={moving(t.name, p.partition)}
                            onClick={() => move.mutate({ topic: t.name, partition: p.partition, nodeId: b.nodeId })}
                          >
                            ●
                          </button>
                        ) : (
                          <span className={`cell ${leader ? 'leader' : inSync ? 'isr' : 'out'}`} title={label}>
                            {leader ? 'L' : inSync ? '●' : '○'}
                          </span>
                        )}
                      </td>
                    );
                  })}
                  <td className="mono" aria-label="ISR">
                    {p.isr.join(', ')}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        {list.isLoading && <div className="empty">Loading partitions…</div>}
        {list.data?.items.length === 0 && <div className="empty">No topics in the sandbox yet — the scenario below creates one.</div>}
      </div>
      {topics.length > 0 && <div className="help" style={{ padding: '6px 14px 10px' }}>Click an in-sync follower (●) to move the partition’s leadership to it.</div>}
    </section>
  );
}
