// Topic configs: overrides marked, each editable in place; an override can be reset to the
// default.
import { useState } from 'react';
import type { ConfigEntry } from '../../electron/contract/index.js';
import { ErrorBox } from '../components/error-box.js';
import { Loading } from '../components/progress.js';
import { useTopicConfigs, useUpdateTopicConfigs } from '../hooks/use-topics.js';

export function TopicConfigsTab({ clusterId, topic }: { clusterId: string; topic: string }) {
  const configs = useTopicConfigs(clusterId, topic);
  const update = useUpdateTopicConfigs(clusterId, topic);
  const [filter, setFilter] = useState('');
  const [onlyOverrides, setOnlyOverrides] = useState(false);
  const [editing, setEditing] = useState<{ name: string; value: string } | null>(null);
  const list = (configs.data ?? []).filter((c) => (!onlyOverrides || c.isOverridden) && c.name.includes(filter.trim().toLowerCase()));

  const save = () => editing && update.mutate({ set: { [editing.name]: editing.value } }, { onSuccess: () => setEditing(null) });

  return (
    <>
      <div className="row">
        <input type="search" aria-label="Filter configs" placeholder="Filter configs…" value={filter} onChange={(e) => setFilter(e.target.value)} style={{ width: 280 }} />
        <label className="check">
          <input type="checkbox" checked={onlyOverrides} onChange={(e) => setOnlyOverrides(e.target.checked)} /> Only overrides
        </label>
        <span className="faint">{configs.data ? `${configs.data.filter((c) => c.isOverridden).length} overridden` : ''}</span>
      </div>
      {configs.error ? <ErrorBox title="Cannot load configs" error={configs.error} onRetry={() => void configs.refetch()} /> : null}
      <ErrorBox title="The config was not changed" error={update.error} />
      {configs.isLoading && <Loading />}
      {configs.data && (
        <div className="card flush">
          <table className="data" aria-label="Configs">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
                <th>Default</th>
                <th>Source</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <ConfigRow
                  key={c.name}
                  entry={c}
                  editing={editing?.name === c.name ? editing.value : null}
                  busy={update.isPending}
                  onEdit={(value) => setEditing({ name: c.name, value })}
                  onCancel={() => setEditing(null)}
                  onSave={save}
                  onReset={() => update.mutate({ reset: [c.name] })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function ConfigRow({
  entry: c,
  editing,
  busy,
  onEdit,
  onCancel,
  onSave,
  onReset,
}: {
  entry: ConfigEntry;
  editing: string | null;
  busy: boolean;
  onEdit: (v: string) => void;
  onCancel: () => void;
  onSave: () => void;
  onReset: () => void;
}) {
  return (
    <tr aria-label={c.name}>
      <td className="mono">
        {c.name} {c.isOverridden && <span className="badge info">override</span>}
      </td>
      <td className="mono" style={{ maxWidth: 320, wordBreak: 'break-all' }}>
        {editing !== null ? (
          <input
            autoFocus
            aria-label={`Value of ${c.name}`}
            value={editing}
            onChange={(e) => onEdit(e.target.value)}
            onKeyDown={(e) => (e.key === 'Enter' ? onSave() : e.key === 'Escape' ? onCancel() : undefined)}
            style={{ width: '100%' }}
          />
        ) : c.sensitive ? (
          <span className="faint">(sensitive)</span>
        ) : (
          (c.value ?? <span className="faint">null</span>)
        )}
      </td>
      <td className="mono faint" style={{ maxWidth: 200, wordBreak: 'break-all' }}>{c.defaultValue ?? '—'}</td>
      <td className="faint">{c.source}</td>
      <td className="num" style={{ whiteSpace: 'nowrap' }}>
        {editing !== null ? (
          <>
            <button className="small" onClick={onCancel}>Cancel</button>{' '}
            <button className="small primary" onClick={onSave} disabled={busy}>Save</button>
          </>
        ) : c.readOnly ? (
          <span className="faint">read-only</span>
        ) : (
          <>
            {c.isOverridden && (
              <button className="small ghost" onClick={onReset} disabled={busy} aria-label={`Reset ${c.name} to default`}>
                Reset
              </button>
            )}{' '}
            <button className="small" onClick={() => onEdit(c.value ?? '')} aria-label={`Edit ${c.name}`}>
              Edit
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
