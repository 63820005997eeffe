// The sandbox: its three brokers with live partitions, leaders and ISR; stop, crash, start and
// isolate a broker; move leaders; inject faults and latency; a guided acks=all scenario.
import type { SandboxStatus } from '../../electron/contract/index.js';
import { ErrorBox } from '../components/error-box.js';
import { Loading } from '../components/progress.js';
import { Link, pathOf } from '../components/router.js';
import { SANDBOX_ID } from '../hooks/use-clusters.js';
import { useBrokerControl, useIsolateBroker, useSandboxStatus } from '../hooks/use-sandbox.js';
import { FaultPanel } from './sandbox-faults.js';
import { PartitionMap } from './sandbox-partition-map.js';
import { SandboxScenario } from './sandbox-scenario.js';

export function SandboxPage() {
  const status = useSandboxStatus();
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
      {status.isLoading && <Loading label="Reading the sandbox…" />}
      {sb && !sb.running && <div className="notice warn" role="status">{sb.error ?? 'The sandbox cluster is not running.'}</div>}
      {sb?.running && (
        <>
          <BrokerCards brokers={sb.brokers} />
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

function BrokerCards({ brokers }: { brokers: SandboxStatus['brokers'] }) {
  const control = useBrokerControl();
  const isolate = useIsolateBroker();
  const toggleIsolation = (nodeId: number, on: boolean) => isolate.mutate({ nodeId, isolated: on });
  return (
    <>
      <div className="grid" style={{ gridTemplateColumns: `repeat(${Math.max(1, brokers.length)}, minmax(200px, 1fr))` }}>
        {brokers.map((b) => {
          const up = b.state === 'running';
          const cut = up && b.isolated;
          const busy = (control.isPending && control.variables?.nodeId === b.nodeId) || (isolate.isPending && isolate.variables?.nodeId === b.nodeId);
          return (
            <section key={b.nodeId} className={`card broker-card ${up ? '' : 'down'} ${cut ? 'isolated' : ''}`} aria-label={`Broker ${b.nodeId}`}>
              <div className="row">
                <span className={`dot ${up ? (cut ? 'warn' : 'ok') : 'bad'}`} />
                <h2 style={{ margin: 0 }}>Broker {b.nodeId}</h2>
                <span className={`badge ${up ? 'ok' : 'bad'}`}>{b.state}</span>
                {cut && <span className="badge warn">isolated</span>}
                {up && b.latencyMs > 0 && <span className="badge warn">+{b.latencyMs} ms</span>}
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
                    {cut ? (
                      <button disabled={busy} onClick={() => toggleIsolation(b.nodeId, false)} title="Let the broker replicate again; it catches up and rejoins the ISR">
                        Heal
                      </button>
                    ) : (
                      <button disabled={busy} onClick={() => toggleIsolation(b.nodeId, true)} title="Stop the broker fetching as a follower: it drops out of every ISR but keeps serving clients">
                        Isolate
                      </button>
                    )}
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
      <ErrorBox title="The broker action failed" error={control.error ?? isolate.error} />
    </>
  );
}
