// The application shell: top bar (brand, cluster switcher, search), navigation, the routed
// page, the command palette and global shortcuts.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { CommandPalette } from './components/command-palette.js';
import { ClusterSwitcher } from './components/cluster-switcher.js';
import { Icon } from './components/icons.js';
import { Link, navigate, pathOf, useRoute } from './components/router.js';
import { useShortcuts } from './components/use-shortcuts.js';
import { useAppInfo, SANDBOX_ID } from './hooks/use-clusters.js';
import { BrokersPage } from './pages/brokers-page.js';
import { GroupDetailPage } from './pages/group-detail-page.js';
import { GroupsPage } from './pages/groups-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SandboxPage } from './pages/sandbox-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { TopicDetailPage } from './pages/topic-detail-page.js';
import { TopicsPage } from './pages/topics-page.js';

const LAST_CLUSTER = 'keel.lastCluster';

function rememberedCluster(): string {
  try {
    return localStorage.getItem(LAST_CLUSTER) || SANDBOX_ID;
  } catch {
    return SANDBOX_ID;
  }
}

const NAV = [
  { section: 'overview', label: 'Overview', key: 'g o' },
  { section: 'brokers', label: 'Brokers', key: 'g b' },
  { section: 'topics', label: 'Topics', key: 'g t' },
  { section: 'groups', label: 'Consumer groups', key: 'g g' },
] as const;

export function App({ connection }: { connection?: 'connecting' | 'open' | 'closed' }) {
  const route = useRoute();
  const qc = useQueryClient();
  const [palette, setPalette] = useState(false);
  const info = useAppInfo();
  const [seg0, seg1, seg2, seg3] = route.segments;
  const clusterId = seg0 === 'clusters' && seg1 ? seg1 : rememberedCluster();
  const section = seg0 === 'clusters' ? (seg2 ?? 'overview') : (seg0 ?? 'overview');

  useEffect(() => {
    if (route.segments.length === 0) navigate(pathOf('clusters', rememberedCluster(), 'overview'), { replace: true });
  }, [route.segments.length]);
  useEffect(() => {
    try {
      localStorage.setItem(LAST_CLUSTER, clusterId);
    } catch {
      // not persisted; fine
    }
  }, [clusterId]);

  const refresh = useCallback(() => {
    void qc.invalidateQueries({ queryKey: ['clusters', clusterId] });
    void qc.invalidateQueries({ queryKey: ['sandbox'] });
  }, [qc, clusterId]);

  useShortcuts({
    openPalette: () => setPalette(true),
    go: (t) => navigate(t === 'sandbox' ? '/sandbox' : pathOf('clusters', clusterId, t)),
    refresh,
  });

  let page;
  if (seg0 === 'sandbox') page = <SandboxPage />;
  else if (seg0 === 'settings') page = <SettingsPage />;
  else if (seg0 === 'clusters' && seg1) {
    if (section === 'brokers') page = <BrokersPage clusterId={clusterId} />;
    else if (section === 'topics' && seg3) page = <TopicDetailPage key={`${clusterId}/${seg3}`} clusterId={clusterId} topic={seg3} />;
    else if (section === 'topics') page = <TopicsPage clusterId={clusterId} />;
    else if (section === 'groups' && seg3) page = <GroupDetailPage key={`${clusterId}/${seg3}`} clusterId={clusterId} groupId={seg3} />;
    else if (section === 'groups') page = <GroupsPage clusterId={clusterId} />;
    else page = <OverviewPage clusterId={clusterId} />;
  } else page = null;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden />
          Keel
        </div>
        <ClusterSwitcher current={clusterId} section={seg0 === 'clusters' ? section : 'overview'} />
        <span className="spacer" />
        {connection === 'closed' && (
          <span className="badge bad" role="status">
            Disconnected from the Keel server — reload to reconnect
          </span>
        )}
        <button className="search-trigger" onClick={() => setPalette(true)} aria-label="Search (Ctrl+K)">
          <span>Search topics, groups, commands…</span>
          <kbd>Ctrl K</kbd>
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        <div className="section-label">Cluster</div>
        {NAV.map((n) => (
          <Link key={n.section} to={pathOf('clusters', clusterId, n.section)} ariaCurrent={seg0 === 'clusters' && section === n.section} title={`${n.label} (${n.key})`}>
            <Icon name={n.section} />
            {n.label}
          </Link>
        ))}
        <div className="section-label">Keel</div>
        <Link to="/sandbox" ariaCurrent={seg0 === 'sandbox'}>
          <Icon name="sandbox" />
          Sandbox
        </Link>
        <Link to="/settings" ariaCurrent={seg0 === 'settings'}>
          <Icon name="settings" />
          Settings
        </Link>
        <div className="footer">
          {info.data ? `Keel ${info.data.version} · ${info.data.shell === 'web' ? 'web mode' : 'desktop'}` : 'Keel'}
          <br />
          <kbd>/</kbd> search · <kbd>r</kbd> refresh
        </div>
      </nav>
      <main className="main">{page}</main>
      {palette && <CommandPalette clusterId={clusterId} onClose={() => setPalette(false)} onRefresh={refresh} />}
    </div>
  );
}
