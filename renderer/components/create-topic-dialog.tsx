// Create a topic: name, partitions, replication factor and the configs people set most,
// plus any other key=value lines.
import { useState } from 'react';
import { topicNameSchema } from '../../electron/contract/index.js';
import { useCreateTopic } from '../hooks/use-topics.js';
import { Dialog } from './dialog.js';
import { ErrorBox } from './error-box.js';
import { navigate, pathOf } from './router.js';

const RETENTION = [
  { label: 'Broker default', value: '' },
  { label: '1 hour', value: String(3_600_000) },
  { label: '1 day', value: String(86_400_000) },
  { label: '7 days', value: String(604_800_000) },
  { label: '30 days', value: String(2_592_000_000) },
  { label: 'Forever', value: '-1' },
];

export function parseConfigLines(text: string): { configs: Record<string, string>; error: string | null } {
  const configs: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { configs, error: `Line ${i + 1}: expected name=value` };
    configs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { configs, error: null };
}

export function CreateTopicDialog({ clusterId, onClose }: { clusterId: string; onClose: () => void }) {
  const create = useCreateTopic(clusterId);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState(3);
  const [rf, setRf] = useState(clusterId === 'sandbox' ? 3 : 1);
  const [cleanup, setCleanup] = useState('');
  const [retention, setRetention] = useState('');
  const [minIsr, setMinIsr] = useState('');
  const [compression, setCompression] = useState('');
  const [extra, setExtra] = useState('');

  const nameCheck = name ? topicNameSchema.safeParse(name) : null;
  const nameError = nameCheck && !nameCheck.success ? (nameCheck.error.issues[0]?.message ?? 'invalid name') : null;
  const parsed = parseConfigLines(extra);
  const configs: Record<string, string> = { ...parsed.configs };
  if (cleanup) configs['cleanup.policy'] = cleanup;
  if (retention) configs['retention.ms'] = retention;
  if (minIsr) configs['min.insync.replicas'] = minIsr;
  if (compression) configs['compression.type'] = compression;
  const valid = name && !nameError && !parsed.error && partitions >= 1 && rf >= 1;

  const submit = () => {
    if (!valid) return;
    create.mutate(
      { topic: name, partitions, replicationFactor: rf, configs },
      { onSuccess: () => (onClose(), navigate(pathOf('clusters', clusterId, 'topics', name))) },
    );
  };

  return (
    <Dialog
      title="Create topic"
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!valid || create.isPending} onClick={submit}>
            {create.isPending ? 'Creating…' : 'Create topic'}
          </button>
        </>
      }
    >
      <form
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="field">
          Topic name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="orders.v1" aria-invalid={!!nameError} />
        </label>
        {nameError && <div className="help" style={{ color: 'var(--danger)' }}>{nameError}</div>}
        <div className="form-grid">
          <label className="field">
            Partitions
            <input type="number" min={1} value={partitions} onChange={(e) => setPartitions(Number(e.target.value))} />
          </label>
          <label className="field">
            Replication factor
            <input type="number" min={1} value={rf} onChange={(e) => setRf(Number(e.target.value))} />
          </label>
          <label className="field">
            Cleanup policy
            <select value={cleanup} onChange={(e) => setCleanup(e.target.value)}>
              <option value="">Broker default</option>
              <option value="delete">delete</option>
              <option value="compact">compact</option>
              <option value="compact,delete">compact,delete</option>
            </select>
          </label>
          <label className="field">
            Retention
            <select value={retention} onChange={(e) => setRetention(e.target.value)}>
              {RETENTION.map((r) => (
                <option key={r.label} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Min in-sync replicas
            <input type="number" min={1} placeholder="default" value={minIsr} onChange={(e) => setMinIsr(e.target.value)} />
          </label>
          <label className="field">
            Compression
            <select value={compression} onChange={(e) => setCompression(e.target.value)}>
              <option value="">Broker default</option>
              {['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'].map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          Other configs (one name=value per line)
          <textarea aria-label="Other configs" rows={3} value={extra} onChange={(e) => setExtra(e.target.value)} placeholder="segment.bytes=104857600" />
        </label>
        {parsed.error && <div className="help" style={{ color: 'var(--danger)' }}>{parsed.error}</div>}
        <button type="submit" hidden />
      </form>
      <ErrorBox title="The topic was not created" error={create.error} />
    </Dialog>
  );
}
