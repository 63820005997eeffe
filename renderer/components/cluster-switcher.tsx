// The cluster switcher: the sandbox first, remote clusters after, each with a reachability
// dot; picking one keeps the current section (topics stay topics).
import { useEffect, useRef, useState } from 'react';
import type { ClusterSummary } from '../../electron/contract/index.js';
import { useClusterStatus, useClusters } from '../hooks/use-clusters.js';
import { navigate, pathOf } from './router.js';

function StatusDot({ clusterId }: { clusterId: string }) {
  const s = useClusterStatus(clusterId);
  const state = s.isLoading ? 'checking' : s.data?.ok ? 'connected' : 'unreachable';
  const title = s.data && !s.data.ok ? (s.data.error?.message ?? 'unreachable') : s.error ? String((s.error as Error).message) : state;
  return <span className={`dot ${state === 'connected' ? 'ok' : state === 'unreachable' ? 'bad' : ''}`} title={title} aria-label={state} role="img" />;
}

export function ClusterSwitcher({ current, section }: { current: string; section: string }) {
  const clusters = useClusters();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const list: ClusterSummary[] = clusters.data ?? [];
  const cur = list.find((c) => c.id === current);
  const pick = (id: string) => {
    setOpen(false);
    navigate(pathOf('clusters', id, section));
  };
  return (
    <div className="cluster-switcher" ref={ref}>
      <button aria-haspopup="menu" aria-expanded={open} aria-label={`Cluster: ${cur?.name ?? current}`} onClick={() => setOpen((o) => !o)}>
        <span className="row" style={{ gap: 8 }}>
          <StatusDot clusterId={current} />
          <span>{cur?.name ?? current}</span>
          {cur?.kind === 'sandbox' && <span className="badge info">sandbox</span>}
          <span className="faint">▾</span>
        </span>
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Clusters">
          {list.map((c, i) => (
            <div key={c.id}>
              {i > 0 && c.kind === 'remote' && list[i - 1]!.kind === 'sandbox' && <div className="menu-sep" role="separator" />}
              <button role="menuitemradio" aria-checked={c.id === current} className="menu-item" onClick={() => pick(c.id)}>
                <StatusDot clusterId={c.id} />
                <span className="grow" style={{ textAlign: 'left' }}>
                  {c.name}
                  <span className="faint mono" style={{ marginLeft: 8 }}>
                    {c.kind === 'sandbox' ? 'built-in' : c.bootstrapServers[0]}
                  </span>
                </span>
                {c.id === current && <span aria-hidden>✓</span>}
              </button>
            </div>
          ))}
          {clusters.error != null && <div className="menu-item faint">Could not list clusters</div>}
          <div className="menu-sep" role="separator" />
          <button role="menuitem" className="menu-item" onClick={() => (setOpen(false), navigate('/settings?add=1'))}>
            + Add cluster…
          </button>
        </div>
      )}
    </div>
  );
}
