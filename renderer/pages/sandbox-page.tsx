// The sandbox: its three brokers with live partitions, leaders and ISR; stop, crash and
// start a broker; inject faults and latency; a guided acks=all scenario.
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { TopicDetail } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys } from '../api/query-keys.js';
import { ErrorBox } from '../components/error-box.js';
import { Loading } from '../components/progress.js';
import { Link, pathOf } from '../components/router.js';
import { SANDBOX_ID } from '../hooks/use-clusters.js';
import { useBrokerControl, useSandboxStatus } from '../hooks/use-sandbox.js';
import { FaultPanel } from './sandbox-faults.js';
import { SandboxScenario } from './sandbox-scenario.js';

const MAX_TOPICS = 12;

export function SandboxPage() {
  const status = useSandboxStatus();
  const control = useBrokerControl();
  const sb = status.data;
  return (
    <div className="page">
      <div className="page-header">
        <h1>Sandbox</h1>
        {sb && <span className={`badge ${sb.running ? 'ok' : 'bad'}`}>{sb.running ? 'running' : 'not running'}</span>}
        {sb?.bootstrap.length ? (
          <span className="mono faint" aria-label="Bootstrap servers">
            {sb.bootstrap.join(',')}
          </span>
        ) : null}
        <div className="actions">
          <Link to={pathOf('clusters', SANDBOX_ID, 'topics')}>Sandbox topics →</Link>
        </div>
      </div>
      {status.error ? <ErrorBox title="Cannot read the sandbox" error={status.error} onRetry={() => void status.refetch()} /> : null}
      {status.isLoading && <Loading />}
      {sb && !sb.running && <div className="notice warn">{sb.error ?? 'The sandbox cluster is not running.'}</div>}
      {sb?.running && (
        <>
          <div className="grid cols-4" style={{ gridTemplateColumns: `repeat(${Math.max(1, sb.brokers.length)}, minmax(200px, 1fr))` }}>
            {sb.brokers.map((b) => {
              const up = b.state === 'running';
              const busy = control.isPending && control.variables?.nodeId === b.nodeId;
              return (
                <section key={b.nodeId} className={`card broker-card ${up ? '' : 'down'}`} aria-label={`Broker ${b.nodeId}`}>
                  <div className="row">
                    <span className={`dot ${up ? 'ok' : 'bad'}`} />
                    <h2 style={{ margin: 0 }}>Broker {b.nodeId}</h2>
                    <span className={`badge ${up ? 'ok' : 'bad'}`}>{b.state}</span>
                  </div>
                  <div className="mono faint" style={{ margin: '6px 0' }}>
                    {b.host}:{b.port}
                  </div>
                  <div className="row muted">
                    <span>
                      leader of <strong>{b.leaderOf}</strong>
                    </span>
                    <span>
                      replica of <strong>{b.replicaOf}</strong>
                    </span>
                  </div>
                  <div className="row" style={{ marginTop: 10 }}>
                    {up ? (
                      <>
                        <button disabled={busy} onClick={() => control.mutate({ action: 'sandbox.stopBroker', nodeId: b.nodeId })}>
                          Stop
                        </button>
                        <button className="danger" disabled={busy} onClick={() => control.mutate({ action: 'sandbox.crashBroker', nodeId: b.nodeId })}>
                          Crash
                        </button>
                      </>
                    ) : (
                      <button className="primary" disabled={busy} onClick={() => control.mutate({ action: 'sandbox.startBroker', nodeId: b.nodeId })}>
                        Start
                      </button>
                    )}
                  </div>
                </section>
              );
            })}
          </div>
          <ErrorBox title="The broker action failed" error={control.error} />
          <PartitionMap brokers={sb.brokers.map((b) => ({ nodeId: b.nodeId, up: b.state === 'running' }))} />
          <div className="grid cols-2">
            <SandboxScenario brokers={sb.brokers} />
            <FaultPanel brokers={sb.brokers.map((b) => b.nodeId)} />
          </div>
        </>
      )}
    </div>
  );
}

function PartitionMap({ brokers }: { brokers: Array<{ nodeId: number; up: boolean }> }) {
  const api = useApi();
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
      {list.error ? <div style={{ padding: 12 }}><ErrorBox error={list.error} onRetry={() => void list.refetch()} /></div> : null}
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
                    const replica = p.replicas.includes(b.nodeId);
                    const leader = p.leader === b.nodeId;
                    const inSync = p.isr.includes(b.nodeId);
                    return (
                      <td key={b.nodeId} className="center">
                        {replica && (
                          <span className={`cell ${leader ? 'leader' : inSync ? 'isr' : 'out'}`} title={leader ? 'leader' : inSync ? 'in sync' : 'out of sync'}>
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
        {list.data?.items.length === 0 && <div className="empty">No topics in the sandbox yet — the scenario below creates one.</div>}
      </div>
    </section>
  );
}
