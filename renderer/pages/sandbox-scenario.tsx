// A guided scenario: a topic with replication factor 3 and min.insync.replicas=2 keeps
// accepting acks=all writes after one broker stops, and refuses them (NOT_ENOUGH_REPLICAS)
// after a second one stops. Each step says what it expects and what happened.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { KeelApi, SandboxStatus } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { toUiError } from '../api/errors.js';
import { keys } from '../api/query-keys.js';
import { SANDBOX_ID } from '../hooks/use-clusters.js';

export const SCENARIO_TOPIC = 'keel-acks-demo';

type StepState = 'pending' | 'running' | 'done' | 'failed';
interface Step {
  title: string;
  expect: string;
}

const STEPS: Step[] = [
  { title: `Create “${SCENARIO_TOPIC}”`, expect: '1 partition, replication factor 3, min.insync.replicas=2' },
  { title: 'Write with acks=all', expect: 'Accepted: 3 replicas in sync' },
  { title: 'Stop the partition leader', expect: 'A new leader is elected and the ISR shrinks to 2' },
  { title: 'Write with acks=all again', expect: 'Still accepted: 2 in-sync replicas meet min.insync.replicas=2' },
  { title: 'Stop a second broker', expect: 'The ISR shrinks to 1' },
  { title: 'Write with acks=all once more', expect: 'Refused with NOT_ENOUGH_REPLICAS: the data would have only one copy' },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForIsr(api: KeelApi, size: number, cancelled: () => boolean): Promise<{ leader: number | null; isr: number[] }> {
  const until = Date.now() + 45_000;
  for (;;) {
    const d = await api.call('topics.get', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC });
    const p = d.partitions[0]!;
    if (p.isr.length <= size && p.leader !== null && p.leader >= 0) return { leader: p.leader, isr: p.isr };
    if (cancelled() || Date.now() > until) throw new Error(`ISR did not shrink to ${size} (now ${p.isr.join(', ')})`);
    await sleep(500);
  }
}

export function SandboxScenario({ brokers }: { brokers: SandboxStatus['brokers'] }) {
  const api = useApi();
  const qc = useQueryClient();
  const [states, setStates] = useState<StepState[]>(STEPS.map(() => 'pending'));
  const [log, setLog] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const cancelled = useRef(false);
  const say = (line: string) => setLog((l) => [...l, line]);
  const mark = (i: number, s: StepState) => setStates((all) => all.map((x, j) => (j === i ? s : x)));
  const allUp = brokers.every((b) => b.state === 'running');

  const produce = () =>
    api.call('messages.produce', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC, key: 'demo', value: `written at ${new Date().toISOString()}`, acks: -1 });

  const run = async () => {
    cancelled.current = false;
    setRunning(true);
    setLog([]);
    setStates(STEPS.map(() => 'pending'));
    let i = 0;
    const step = async (fn: () => Promise<string>) => {
      if (cancelled.current) throw new Error('Cancelled');
      mark(i, 'running');
      const msg = await fn();
      say(`✓ ${STEPS[i]!.title}: ${msg}`);
      mark(i, 'done');
      i++;
      void qc.invalidateQueries({ queryKey: keys.cluster(SANDBOX_ID) });
    };
    try {
      await step(async () => {
        try {
          await api.call('topics.create', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC, partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
          return 'created';
        } catch (err) {
          if (toUiError(err).code !== 'ALREADY_EXISTS') throw err;
          await api.call('topics.updateConfigs', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC, set: { 'min.insync.replicas': '2' } });
          return 'already there; min.insync.replicas set to 2';
        }
      });
      await step(async () => {
        await waitForIsr(api, 3, () => cancelled.current);
        const r = await produce();
        return `accepted at offset ${r.offset}`;
      });
      const first = await api.call('topics.get', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC });
      const leader = first.partitions[0]!.leader!;
      await step(async () => {
        await api.call('sandbox.stopBroker', { nodeId: leader });
        const after = await waitForIsr(api, 2, () => cancelled.current);
        return `broker ${leader} stopped; leader is now ${after.leader}, ISR [${after.isr.join(', ')}]`;
      });
      await step(async () => `accepted at offset ${(await produce()).offset}`);
      const second = (await api.call('topics.get', { clusterId: SANDBOX_ID, topic: SCENARIO_TOPIC })).partitions[0]!;
      const victim = second.isr.find((n) => n !== second.leader) ?? second.isr[0]!;
      await step(async () => {
        await api.call('sandbox.stopBroker', { nodeId: victim });
        const after = await waitForIsr(api, 1, () => cancelled.current);
        return `broker ${victim} stopped; ISR [${after.isr.join(', ')}]`;
      });
      await step(async () => {
        try {
          const r = await produce();
          throw new Error(`Unexpectedly accepted at offset ${r.offset}`);
        } catch (err) {
          const e = toUiError(err);
          if (!/NOT_ENOUGH_REPLICAS|not enough|in-sync/i.test(e.message + JSON.stringify(e.detail ?? ''))) throw err;
          return `refused as expected — ${e.message}`;
        }
      });
      say('Done. Start the stopped brokers to restore the cluster: they catch up and rejoin the ISR.');
    } catch (err) {
      mark(i, 'failed');
      say(`✗ ${STEPS[i]?.title ?? 'Scenario'}: ${toUiError(err).message}`);
    } finally {
      setRunning(false);
    }
  };

  const restore = async () => {
    for (const b of brokers) if (b.state !== 'running') await api.call('sandbox.startBroker', { nodeId: b.nodeId }).catch((e) => say(`✗ start ${b.nodeId}: ${toUiError(e).message}`));
    say('Started every stopped broker.');
    void qc.invalidateQueries({ queryKey: keys.sandbox() });
  };

  return (
    <section className="card" aria-label="Guided scenario">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Scenario: acks=all and min.insync.replicas</h2>
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        Writes with <code>acks=all</code> wait for every in-sync replica. With <code>min.insync.replicas=2</code> the cluster accepts them while
        at least two copies are in sync, and refuses them once only one is left rather than risk losing acknowledged data.
      </p>
      <ol className="steps">
        {STEPS.map((s, i) => (
          <li key={i} className={states[i]}>
            <span className="num">{states[i] === 'done' ? '✓' : states[i] === 'failed' ? '!' : i + 1}</span>
            <div>
              <div>
                <strong>{s.title}</strong> {states[i] === 'running' && <span className="badge info">running…</span>}
              </div>
              <div className="help">Expect: {s.expect}</div>
            </div>
          </li>
        ))}
      </ol>
      <div className="row" style={{ marginTop: 12 }}>
        <button className="primary" onClick={() => void run()} disabled={running || !allUp} title={allUp ? undefined : 'Start every broker first'}>
          Run scenario
        </button>
        {running && <button onClick={() => void (cancelled.current = true)}>Cancel</button>}
        <button onClick={() => void restore()} disabled={running || allUp}>
          Start stopped brokers
        </button>
        {!allUp && !running && <span className="help">All three brokers must be running to start.</span>}
      </div>
      {log.length > 0 && (
        <div className="log" role="log" aria-label="Scenario log" style={{ marginTop: 12 }}>
          {log.join('\n')}
        </div>
      )}
    </section>
  );
}
