// Settings: clusters (add, edit, test, remove) and appearance.
import { useState } from 'react';
import type { ClusterSummary } from '../../electron/contract/index.js';
import { ClusterDialog } from '../components/cluster-dialog.js';
import { ErrorBox } from '../components/error-box.js';
import { Link, navigate, pathOf, useRoute } from '../components/router.js';
import { applyTheme, loadTheme, type ThemePreference } from '../components/theme.js';
import { useAppInfo, useClusterStatus, useClusters, useRemoveCluster } from '../hooks/use-clusters.js';

export function SettingsPage() {
  const route = useRoute();
  const clusters = useClusters();
  const info = useAppInfo();
  const remove = useRemoveCluster();
  const [editing, setEditing] = useState<ClusterSummary | null>(null);
  const [theme, setTheme] = useState<ThemePreference>(loadTheme());
  const adding = route.query.get('add') === '1';
  const setAdding = (on: boolean) => navigate(on ? '/settings?add=1' : '/settings', { replace: true });
  const secretsWarning = info.data?.secretsStorage === 'user-file';

  return (
    <div className="page">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <section className="card flush" aria-label="Clusters">
        <div className="card-head">
          <h2>Clusters</h2>
          <span className="grow" />
          <button className="primary" onClick={() => setAdding(true)}>
            Add cluster
          </button>
        </div>
        {clusters.error ? <div style={{ padding: 12 }}><ErrorBox error={clusters.error} onRetry={() => void clusters.refetch()} /></div> : null}
        <table className="data" aria-label="Configured clusters">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Bootstrap servers</th>
              <th>Security</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(clusters.data ?? []).map((c) => (
              <ClusterRow key={c.id} cluster={c} onEdit={() => setEditing(c)} onRemove={() => remove.mutate(c.id)} />
            ))}
          </tbody>
        </table>
        {clusters.isLoading && <div className="empty">Loading clusters…</div>}
        {remove.error ? <div style={{ padding: 12 }}><ErrorBox title="The cluster was not removed" error={remove.error} /></div> : null}
      </section>
      {secretsWarning && (
        <div className="notice warn">
          Web mode: cluster passwords and keys are stored in a file readable only by your user account, not in the operating system keychain.
        </div>
      )}
      <section className="card" aria-label="Appearance">
        <h2>Appearance</h2>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <button key={t} role="radio" aria-checked={theme === t} className={theme === t ? 'active' : ''} onClick={() => (applyTheme(t), setTheme(t))}>
              {t === 'system' ? 'Follow system' : t === 'light' ? 'Light' : 'Dark'}
            </button>
          ))}
        </div>
      </section>
      <section className="card" aria-label="Keyboard shortcuts">
        <h2>Keyboard shortcuts</h2>
        <table className="data" style={{ maxWidth: 520 }}>
          <tbody>
            {[
              ['/ or Ctrl+K', 'Search and command palette'],
              ['g then o', 'Overview'],
              ['g then t', 'Topics'],
              ['g then g', 'Consumer groups'],
              ['g then b', 'Brokers'],
              ['g then s', 'Sandbox'],
              ['r', 'Refresh the data on screen'],
            ].map(([k, d]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {info.data && (
          <p className="faint">
            Keel {info.data.version} · {info.data.shell} · {info.data.platform}
          </p>
        )}
      </section>
      {adding && <ClusterDialog onClose={() => setAdding(false)} secretsWarning={secretsWarning} />}
      {editing && <ClusterDialog existing={editing} onClose={() => setEditing(null)} secretsWarning={secretsWarning} />}
    </div>
  );
}

function ClusterRow({ cluster: c, onEdit, onRemove }: { cluster: ClusterSummary; onEdit: () => void; onRemove: () => void }) {
  const status = useClusterStatus(c.id);
  const [confirm, setConfirm] = useState(false);
  const s = status.data;
  return (
    <tr aria-label={c.name}>
      <td>
        <Link to={pathOf('clusters', c.id, 'overview')}>{c.name}</Link> {c.kind === 'sandbox' && <span className="badge info">sandbox</span>}
      </td>
      <td>
        {status.isLoading ? (
          <span className="faint">checking…</span>
        ) : s?.ok ? (
          <span className="badge ok">connected · {s.brokerCount} brokers</span>
        ) : (
          <span className="badge bad" title={s?.error?.message}>
            {s?.error?.code ?? 'unreachable'}
          </span>
        )}
        {s && !s.ok && s.error && <div className="help" style={{ maxWidth: 360 }}>{s.error.message}</div>}
      </td>
      <td className="mono">{c.bootstrapServers.join(', ')}</td>
      <td>
        {c.tls?.enabled ? <span className="badge">TLS</span> : null} {c.sasl ? <span className="badge">SASL {c.sasl.mechanism}</span> : null}
        {!c.tls?.enabled && !c.sasl && <span className="faint">plaintext</span>}
      </td>
      <td className="num" style={{ whiteSpace: 'nowrap' }}>
        <button className="small" onClick={() => void status.refetch()}>
          Test
        </button>{' '}
        {c.kind === 'remote' && (
          <>
            <button className="small" onClick={onEdit}>
              Edit
            </button>{' '}
            {confirm ? (
              <>
                <button className="small danger solid" onClick={onRemove}>
                  Confirm remove
                </button>{' '}
                <button className="small" onClick={() => setConfirm(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button className="small danger" onClick={() => setConfirm(true)} aria-label={`Remove ${c.name}`}>
                Remove
              </button>
            )}
          </>
        )}
      </td>
    </tr>
  );
}
