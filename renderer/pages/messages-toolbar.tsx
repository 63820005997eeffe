// The Messages tab's controls: where to start, which partitions, filter, decoding.
import { useEffect, useRef, useState } from 'react';
import type { BrowseStart, Encoding } from '../../electron/contract/index.js';

export type StartMode = BrowseStart['from'];

export interface BrowseForm {
  mode: StartMode;
  count: number;
  offset: string;
  time: string;
  partitions: number[] | null;
  filterKind: 'text' | 'js';
  filter: string;
  keyEncoding: Encoding;
  valueEncoding: Encoding;
  pageSize: number;
}

export const defaultForm: BrowseForm = {
  mode: 'newest',
  count: 50,
  offset: '0',
  time: '',
  partitions: null,
  filterKind: 'text',
  filter: '',
  keyEncoding: 'auto',
  valueEncoding: 'auto',
  pageSize: 50,
};

const MODES: Array<{ id: StartMode; label: string }> = [
  { id: 'newest', label: 'Newest N' },
  { id: 'end', label: 'From the end (newest first)' },
  { id: 'beginning', label: 'From the beginning' },
  { id: 'offset', label: 'From offset' },
  { id: 'timestamp', label: 'From timestamp' },
];

const ENCODINGS: Array<{ id: Encoding; label: string }> = [
  { id: 'auto', label: 'Auto' },
  { id: 'text', label: 'Text' },
  { id: 'json', label: 'JSON' },
  { id: 'hex', label: 'Hex' },
  { id: 'base64', label: 'Base64' },
];

function PartitionPicker({ count, value, onChange }: { count: number; value: number[] | null; onChange: (v: number[] | null) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const all = Array.from({ length: count }, (_, i) => i);
  const chosen = value ?? all;
  const toggle = (p: number) => {
    const next = chosen.includes(p) ? chosen.filter((x) => x !== p) : [...chosen, p].sort((a, b) => a - b);
    onChange(next.length === count ? null : next);
  };
  return (
    <div className="partition-picker" ref={ref}>
      <label className="field">
        Partitions
        <button aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} aria-label="Partitions">
          {value === null ? `All (${count})` : value.length === 0 ? 'None' : value.join(', ')} ▾
        </button>
      </label>
      {open && (
        <div className="menu" role="group" aria-label="Choose partitions">
          <button className="menu-item" onClick={() => onChange(null)}>
            All partitions
          </button>
          <div className="menu-sep" />
          {all.map((p) => (
            <label key={p} className="menu-item check">
              <input type="checkbox" checked={chosen.includes(p)} onChange={() => toggle(p)} aria-label={`Partition ${p}`} /> Partition {p}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

export function MessagesToolbar({ form, onChange, partitionCount, onSubmit }: { form: BrowseForm; onChange: (f: BrowseForm) => void; partitionCount: number; onSubmit: () => void }) {
  const set = <K extends keyof BrowseForm>(k: K, v: BrowseForm[K]) => onChange({ ...form, [k]: v });
  const enter = (e: React.KeyboardEvent) => e.key === 'Enter' && !(e.target instanceof HTMLTextAreaElement) && onSubmit();
  return (
    <div className="toolbar" onKeyDown={enter}>
      <label className="field">
        Start
        <select value={form.mode} onChange={(e) => set('mode', e.target.value as StartMode)}>
          {MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      {form.mode === 'newest' && (
        <label className="field">
          Count
          <input type="number" min={1} max={10_000} value={form.count} onChange={(e) => set('count', Number(e.target.value))} style={{ width: 90 }} />
        </label>
      )}
      {form.mode === 'offset' && (
        <label className="field">
          Offset
          <input value={form.offset} onChange={(e) => set('offset', e.target.value.replace(/[^\d]/g, ''))} style={{ width: 120 }} inputMode="numeric" />
        </label>
      )}
      {form.mode === 'timestamp' && (
        <label className="field">
          Timestamp
          <input type="datetime-local" step={1} value={form.time} onChange={(e) => set('time', e.target.value)} />
        </label>
      )}
      <PartitionPicker count={partitionCount} value={form.partitions} onChange={(v) => set('partitions', v)} />
      <div className="field">
        <span aria-hidden="true">Filter</span>
        <span className="row" style={{ gap: 0, flexWrap: 'nowrap' }}>
          <select aria-label="Filter kind" value={form.filterKind} onChange={(e) => set('filterKind', e.target.value as 'text' | 'js')} style={{ borderRadius: '6px 0 0 6px' }}>
            <option value="text">Text</option>
            <option value="js">JavaScript</option>
          </select>
          <input
            aria-label="Filter"
            value={form.filter}
            onChange={(e) => set('filter', e.target.value)}
            placeholder={form.filterKind === 'text' ? 'contains…' : "value.status === 'failed'"}
            className="mono"
            style={{ width: 260, borderRadius: '0 6px 6px 0', marginLeft: -1 }}
          />
        </span>
      </div>
      <label className="field">
        Key as
        <select value={form.keyEncoding} onChange={(e) => set('keyEncoding', e.target.value as Encoding)}>
          {ENCODINGS.map((x) => (
            <option key={x.id} value={x.id}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Value as
        <select value={form.valueEncoding} onChange={(e) => set('valueEncoding', e.target.value as Encoding)}>
          {ENCODINGS.map((x) => (
            <option key={x.id} value={x.id}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      {form.mode !== 'newest' && (
        <label className="field">
          Page size
          <select value={form.pageSize} onChange={(e) => set('pageSize', Number(e.target.value))}>
            {[20, 50, 100, 500].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
