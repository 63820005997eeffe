// Brokers: every broker with its address, rack and role. On the sandbox, stopped and
// crashed brokers (absent from metadata) are listed as down from the sandbox status.
import type { ClusterOverview } from '../../electron/contract/index.js';
import { ErrorBox } from '../components/error-box.js';
import { Loading } from '../components/progress.js';
import { SANDBOX_ID, useClusterOverview } from '../hooks/use-clusters.js';
import { useSandboxStatus } from '../hooks/use-sandbox.js';

interface BrokerRow {
  nodeId: number;
  address: string;
  rack: string | null;
  controller: boolean;
  state: 'up' | 'stopped' | 'crashed';
}

function rowsOf(o: ClusterOverview, states: Map<number, BrokerRow['state']>, sandboxBrokers: Array<{ nodeId: number; host: string; port: number }>): BrokerRow[] {
  const rows = new Map<number, BrokerRow>();
  for (const b of o.brokers) rows.set(b.nodeId, { nodeId: b.nodeId, address: `${b.host}:${b.port}`, rack: b.rack, controller: b.isController, state: 'up' });
  for (const b of sandboxBrokers)
    if (!rows.has(b.nodeId)) rows.set(b.nodeId, { nodeId: b.nodeId, address: `${b.host}:${b.port}`, rack: null, controller: false, state: states.get(b.nodeId) ?? 'stopped' });
  return [...rows.values()].sort((a, b) => a.nodeId - b.nodeId);
}

function Table({ rows }: { rows: BrokerRow[] }) {
  return (
    <table className="data" aria-label="Brokers">
      <thead>
        <tr>
          <th>Node</th>
          <th>Status</th>
          <th>Address</th>
          <th>Rack</th>
          <th>Role</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => (
          <tr key={b.nodeId} className={b.state === 'up' ? '' : 'bad'}>
            <td className="mono">{b.nodeId}</td>
            <td>
              <span className={`badge ${b.state === 'up' ? 'ok' : 'bad'}`}>
                <span className={`dot ${b.state === 'up' ? 'ok' : 'bad'}`} /> {b.state === 'up' ? 'up' : `down (${b.state})`}
              </span>
            </td>
            <td className="mono">{b.address}</td>
            <td>{b.rack ?? <span className="faint">—</span>}</td>
            <td>{b.controller ? <span className="badge info">controller</span> : <span className="faint">broker</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BrokerTable({ clusterId, overview }: { clusterId: string; overview: ClusterOverview }) {
  if (clusterId !== SANDBOX_ID) return <Table rows={rowsOf(overview, new Map(), [])} />;
  return <SandboxBrokerTable overview={overview} />;
}

function SandboxBrokerTable({ overview }: { overview: ClusterOverview }) {
  const sb = useSandboxStatus();
  const states = new Map<number, BrokerRow['state']>();
  for (const b of sb.data?.brokers ?? []) states.set(b.nodeId, b.state === 'running' ? 'up' : b.state);
  return <Table rows={rowsOf(overview, states, sb.data?.brokers ?? [])} />;
}

export function BrokersPage({ clusterId }: { clusterId: string }) {
  const overview = useClusterOverview(clusterId);
  return (
    <div className="page">
      <div className="page-header">
        <h1>Brokers</h1>
        {overview.data && <span className="faint">controller: node {overview.data.controllerId ?? '—'}</span>}
      </div>
      {overview.error ? <ErrorBox title="Cannot load brokers" error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      {overview.isLoading && <Loading />}
      {overview.data && (
        <div className="card flush">
          <BrokerTable clusterId={clusterId} overview={overview.data} />
        </div>
      )}
    </div>
  );
}
