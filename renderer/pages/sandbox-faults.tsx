// Fault injection: make a broker answer the next N requests of one API with an error code or
// drop the response (the request is processed, the connection closes), add latency to a
// broker, and clear every fault, latency and isolation at once.
import { useState } from 'react';
import { ErrorBox } from '../components/error-box.js';
import { useClearFaults, useInjectFault, useSetLatency } from '../hooks/use-sandbox.js';

const APIS = [
  { key: 0, name: 'Produce' },
  { key: 1, name: 'Fetch' },
  { key: 2, name: 'ListOffsets' },
  { key: 3, name: 'Metadata' },
  { key: 8, name: 'OffsetCommit' },
  { key: 9, name: 'OffsetFetch' },
  { key: 10, name: 'FindCoordinator' },
  { key: 11, name: 'JoinGroup' },
  { key: 12, name: 'Heartbeat' },
  { key: 19, name: 'CreateTopics' },
];

const ERRORS = [
  { code: 6, name: 'NOT_LEADER_OR_FOLLOWER' },
  { code: 7, name: 'REQUEST_TIMED_OUT' },
  { code: 14, name: 'COORDINATOR_LOAD_IN_PROGRESS' },
  { code: 15, name: 'COORDINATOR_NOT_AVAILABLE' },
  { code: 19, name: 'NOT_ENOUGH_REPLICAS' },
  { code: 20, name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' },
  { code: 27, name: 'REBALANCE_IN_PROGRESS' },
  { code: 56, name: 'KAFKA_STORAGE_ERROR' },
  { code: -1, name: 'UNKNOWN_SERVER_ERROR' },
];

/** The Error select's value for "no error code: process the request, then drop the connection". */
const DROP = 'drop';

export function FaultPanel({ brokers }: { brokers: number[] }) {
  const inject = useInjectFault();
  const latency = useSetLatency();
  const clear = useClearFaults();
  const [apiKey, setApiKey] = useState(0);
  const [errorCode, setErrorCode] = useState<number | typeof DROP>(6);
  const [count, setCount] = useState(3);
  const [node, setNode] = useState<string>('');
  const [latNode, setLatNode] = useState(brokers[0] ?? 0);
  const [ms, setMs] = useState(200);
  const [done, setDone] = useState<string | null>(null);

  return (
    <section className="card" aria-label="Fault injection">
      <h2>Inject faults</h2>
      <div className="form-grid">
        <label className="field">
          API
          <select value={apiKey} onChange={(e) => setApiKey(Number(e.target.value))}>
            {APIS.map((a) => (
              <option key={a.key} value={a.key}>
                {a.name} ({a.key})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Error
          <select value={errorCode} onChange={(e) => setErrorCode(e.target.value === DROP ? DROP : Number(e.target.value))}>
            {ERRORS.map((x) => (
              <option key={x.code} value={x.code}>
                {x.name} ({x.code})
              </option>
            ))}
            <option value={DROP}>Drop the response (close the connection)</option>
          </select>
        </label>
        <label className="field">
          Next N requests
          <input type="number" min={1} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value)))} />
        </label>
        <label className="field">
          Broker
          <select value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">Any broker</option>
            {brokers.map((b) => (
              <option key={b} value={b}>
                Broker {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row" style={{ marginTop: 10 }}>
        <button
          disabled={inject.isPending}
          onClick={() => {
            const api = APIS.find((a) => a.key === apiKey)?.name;
            const fault = errorCode === DROP ? { dropResponse: true } : { errorCode };
            const what = errorCode === DROP ? 'are processed but get no response' : `fail with ${ERRORS.find((e) => e.code === errorCode)?.name}`;
            inject.mutate({ apiKey, ...fault, count, ...(node !== '' ? { nodeId: Number(node) } : {}) }, { onSuccess: () => setDone(`Next ${count} ${api} requests ${what}`) });
          }}
        >
          {errorCode === DROP ? 'Drop responses' : 'Inject error'}
        </button>
        {done && <span className="badge ok" role="status">{done}</span>}
      </div>
      <ErrorBox title="The fault was not injected" error={inject.error} />
      <h3 style={{ marginTop: 16 }}>Latency</h3>
      <div className="row">
        <select aria-label="Latency broker" value={latNode} onChange={(e) => setLatNode(Number(e.target.value))}>
          {brokers.map((b) => (
            <option key={b} value={b}>
              Broker {b}
            </option>
          ))}
        </select>
        <input aria-label="Latency in milliseconds" type="number" min={0} max={60_000} value={ms} onChange={(e) => setMs(Number(e.target.value))} style={{ width: 100 }} />
        <span className="faint">ms</span>
        <button disabled={latency.isPending} onClick={() => latency.mutate({ nodeId: latNode, ms })}>
          Set latency
        </button>
        <button className="ghost" disabled={latency.isPending} onClick={() => latency.mutate({ nodeId: latNode, ms: 0 })}>
          Clear
        </button>
        {latency.isSuccess && <span className="badge ok">applied</span>}
      </div>
      <ErrorBox title="Latency was not set" error={latency.error} />
      <div className="row" style={{ marginTop: 16, paddingTop: 12, borderTop: '1px solid var(--border)' }}>
        <button
          className="danger"
          disabled={clear.isPending}
          onClick={() =>
            clear.mutate(undefined, {
              onSuccess: () => {
                setDone(null);
                latency.reset();
              },
            })
          }
        >
          Clear all faults
        </button>
        <span className="help">Disarms every injected error and dropped response, removes latency and heals isolated brokers.</span>
        {clear.isSuccess && <span className="badge ok" role="status">All faults cleared</span>}
      </div>
      <ErrorBox title="Faults were not cleared" error={clear.error} />
    </section>
  );
}
