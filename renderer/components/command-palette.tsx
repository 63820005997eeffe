// The command palette (/ or Ctrl+K): jump to a page, switch cluster, open a topic or a
// consumer group by name. Topics and groups are searched on the server as you type.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/api-context.js';
import { useClusters } from '../hooks/use-clusters.js';
import { navigate, pathOf } from './router.js';

export interface PaletteItem {
  id: string;
  label: string;
  kind: string;
  run: () => void;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function CommandPalette({ clusterId, onClose, onRefresh }: { clusterId: string; onClose: () => void; onRefresh: () => void }) {
  const api = useApi();
  const [text, setText] = useState('');
  const [sel, setSel] = useState(0);
  const q = useDebounced(text.trim(), 150);
  const clusters = useClusters();
  const topics = useQuery({
    queryKey: ['clusters', clusterId, 'topics', { palette: q }],
    queryFn: () => api.call('topics.list', { clusterId, search: q, withCounts: false, limit: 8, offset: 0, includeInternal: false }),
    enabled: q.length > 0,
    staleTime: 10_000,
  });
  const groups = useQuery({
    queryKey: ['clusters', clusterId, 'groups', { palette: q }],
    queryFn: () => api.call('groups.list', { clusterId, search: q, withLag: false }),
    enabled: q.length > 0,
    staleTime: 10_000,
  });

  const items = useMemo<PaletteItem[]>(() => {
    const go = (label: string, to: string, kind = 'Go to'): PaletteItem => ({ id: `go:${to}`, label, kind, run: () => navigate(to) });
    const base: PaletteItem[] = [
      go('Overview', pathOf('clusters', clusterId, 'overview')),
      go('Brokers', pathOf('clusters', clusterId, 'brokers')),
      go('Topics', pathOf('clusters', clusterId, 'topics')),
      go('Consumer groups', pathOf('clusters', clusterId, 'groups')),
      go('Sandbox', '/sandbox'),
      go('Settings', '/settings'),
      go('Add cluster…', '/settings?add=1', 'Action'),
      go('Create topic…', pathOf('clusters', clusterId, 'topics') + '?create=1', 'Action'),
      { id: 'refresh', label: 'Refresh data', kind: 'Action', run: onRefresh },
      ...(clusters.data ?? []).map((c) => go(`Switch to ${c.name}`, pathOf('clusters', c.id, 'overview'), 'Cluster')),
    ];
    const needle = q.toLowerCase();
    const filtered = needle ? base.filter((i) => i.label.toLowerCase().includes(needle)) : base;
    const t = (topics.data?.items ?? []).map((x) => go(x.name, pathOf('clusters', clusterId, 'topics', x.name), 'Topic'));
    const g = (groups.data ?? []).slice(0, 8).map((x) => go(x.groupId, pathOf('clusters', clusterId, 'groups', x.groupId), 'Group'));
    return [...filtered, ...t, ...g];
  }, [q, clusterId, clusters.data, topics.data, groups.data, onRefresh]);

  useEffect(() => setSel(0), [q]);
  const choose = (i: PaletteItem | undefined) => {
    if (!i) return;
    onClose();
    i.run();
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-label="Search pages, topics, groups and commands"
          placeholder="Search pages, topics, groups, commands…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
            else if (e.key === 'ArrowDown') (e.preventDefault(), setSel((s) => Math.min(items.length - 1, s + 1)));
            else if (e.key === 'ArrowUp') (e.preventDefault(), setSel((s) => Math.max(0, s - 1)));
            else if (e.key === 'Enter') choose(items[sel]);
          }}
        />
        <ul id="palette-list" role="listbox" aria-label="Results">
          {items.map((item, i) => (
            <li key={item.id} role="option" aria-selected={i === sel} onMouseEnter={() => setSel(i)} onMouseDown={(e) => (e.preventDefault(), choose(item))}>
              <span>{item.label}</span>
              <span className="kind">{item.kind}</span>
            </li>
          ))}
          {items.length === 0 && <li className="faint">Nothing matches “{text}”</li>}
        </ul>
        <div className="hint-row">
          <span><kbd>↑</kbd> <kbd>↓</kbd> move</span>
          <span><kbd>Enter</kbd> open</span>
          <span><kbd>Esc</kbd> close</span>
          <span><kbd>g</kbd> <kbd>o</kbd>/<kbd>t</kbd>/<kbd>g</kbd> go to overview/topics/groups</span>
          <span><kbd>r</kbd> refresh</span>
        </div>
      </div>
    </div>
  );
}
