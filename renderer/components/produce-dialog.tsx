// Produce: key, value, headers, partition (or by key), compression, acks, repeat N times with
// progress and cancel.
import { useState } from 'react';
import { useProduce, type ProduceInput } from '../hooks/use-messages.js';
import { Dialog } from './dialog.js';
import { ErrorBox } from './error-box.js';
import { ProgressBar } from './progress.js';

type Compression = NonNullable<ProduceInput['compression']>;

export function ProduceDialog({ clusterId, topic, partitions, onClose }: { clusterId: string; topic: string; partitions: number; onClose: () => void }) {
  const p = useProduce(clusterId, topic);
  const [key, setKey] = useState('');
  const [nullKey, setNullKey] = useState(false);
  const [value, setValue] = useState('');
  const [encoding, setEncoding] = useState<'text' | 'hex' | 'base64'>('text');
  const [headers, setHeaders] = useState<Array<{ key: string; value: string }>>([]);
  const [partition, setPartition] = useState<string>('');
  const [compression, setCompression] = useState<Compression>('none');
  const [acks, setAcks] = useState<-1 | 0 | 1>(-1);
  const [repeat, setRepeat] = useState(1);
  const [sent, setSent] = useState<string | null>(null);

  const submit = async () => {
    setSent(null);
    const input: ProduceInput = {
      key: nullKey ? null : key,
      value,
      encoding,
      headers: headers.filter((h) => h.key),
      compression,
      acks,
      ...(partition !== '' ? { partition: Number(partition) } : {}),
    };
    const ok = await p.produce(input, Math.max(1, repeat));
    if (ok) setSent(repeat > 1 ? `Produced ${repeat} messages` : 'Message produced');
  };
  const last = p.progress?.last;

  return (
    <Dialog
      wide
      title={`Produce to ${topic}`}
      onClose={() => (p.cancel(), onClose())}
      footer={
        <>
          <span className="left faint" role="status">
            {sent && last ? `${sent} · last at partition ${last.partition}, offset ${last.offset ?? 'n/a (acks=0)'}` : ''}
          </span>
          {p.busy ? <button onClick={p.cancel}>Stop</button> : <button onClick={onClose}>Close</button>}
          <button className="primary" disabled={p.busy} onClick={() => void submit()}>
            {p.busy ? 'Producing…' : repeat > 1 ? `Produce ${repeat}×` : 'Produce'}
          </button>
        </>
      }
    >
      <div className="form-grid" style={{ gridTemplateColumns: '2fr 1fr' }}>
        <label className="field">
          Key
          <input value={key} disabled={nullKey} onChange={(e) => setKey(e.target.value)} className="mono" placeholder="(empty string)" />
        </label>
        <label className="check" style={{ alignSelf: 'flex-end', paddingBottom: 6 }}>
          <input type="checkbox" checked={nullKey} onChange={(e) => setNullKey(e.target.checked)} /> No key (null)
        </label>
      </div>
      <label className="field">
        Value
        <textarea aria-label="Value" rows={7} value={value} onChange={(e) => setValue(e.target.value)} placeholder='{"id": 1}' />
      </label>
      <div>
        <div className="row" style={{ marginBottom: 6 }}>
          <h3 style={{ margin: 0 }}>Headers</h3>
          <button className="small" onClick={() => setHeaders([...headers, { key: '', value: '' }])}>
            + Add header
          </button>
        </div>
        {headers.map((h, i) => (
          <div className="row" key={i} style={{ marginBottom: 6 }}>
            <input aria-label={`Header ${i + 1} name`} placeholder="name" value={h.key} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} className="mono" />
            <input aria-label={`Header ${i + 1} value`} placeholder="value" value={h.value} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} className="mono grow" />
            <button className="small ghost" aria-label={`Remove header ${i + 1}`} onClick={() => setHeaders(headers.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        ))}
      </div>
      <div className="form-grid">
        <label className="field">
          Partition
          <select value={partition} onChange={(e) => setPartition(e.target.value)}>
            <option value="">By key (default partitioner)</option>
            {Array.from({ length: partitions }, (_, i) => (
              <option key={i} value={i}>
                Partition {i}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Key/value encoding
          <select value={encoding} onChange={(e) => setEncoding(e.target.value as 'text' | 'hex' | 'base64')}>
            <option value="text">Text (UTF-8)</option>
            <option value="hex">Hex</option>
            <option value="base64">Base64</option>
          </select>
        </label>
        <label className="field">
          Compression
          <select value={compression} onChange={(e) => setCompression(e.target.value as Compression)}>
            {(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Acks
          <select value={acks} onChange={(e) => setAcks(Number(e.target.value) as -1 | 0 | 1)}>
            <option value={-1}>all (-1)</option>
            <option value={1}>leader (1)</option>
            <option value={0}>none (0)</option>
          </select>
        </label>
        <label className="field">
          Repeat
          <input type="number" min={1} max={100_000} value={repeat} onChange={(e) => setRepeat(Math.max(1, Math.min(100_000, Number(e.target.value) || 1)))} />
        </label>
      </div>
      {p.progress && p.progress.total > 1 && (p.busy || p.progress.done < p.progress.total) && (
        <div className="row">
          <div className="grow">
            <ProgressBar label="Produce progress" done={p.progress.done} total={p.progress.total} />
          </div>
          <span className="mono faint">
            {p.progress.done} / {p.progress.total}
          </span>
        </div>
      )}
      <ErrorBox title="Produce failed" error={p.error} />
    </Dialog>
  );
}
