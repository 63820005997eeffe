// Consumer groups: state, members, total lag and a lag sparkline, polled every 5 s.
import { useEffect, useState } from 'react';
import type { GroupSummary } from '../../electron/contract/index.js';
import { Sparkline } from '../charts/sparkline.js';
import { ErrorBox } from '../components/error-box.js';
import { formatCount } from '../components/format.js';
import { Loading } from '../components/progress.js';
import { Link, pathOf } from '../components/router.js';
import { useGroups, useLagSparkline } from '../hooks/use-groups.js';

export function stateTone(state: GroupSummary['state']): string {
  return state === 'Stable' ? 'ok' : state === 'Empty' ? '' : state === 'Dead' || state === 'Unknown' ? 'bad' : 'warn';
}

type Sort = 'name' | 'lag';

export function GroupsPage({ clusterId }: { clusterId: string }) {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('lag');
  useEffect(() => {
    const t = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const groups = useGroups(clusterId, search);
  const list = [...(groups.data ?? [])].sort((a, b) =>
    sort === 'name' ? a.groupId.localeCompare(b.groupId) : (b.totalLag ?? -1) - (a.totalLag ?? -1) || a.groupId.localeCompare(b.groupId),
  );
  return (
    <div className="page">
      <div className="page-header">
        <h1>Consumer groups</h1>
        <span className="badge">{groups.data ? formatCount(groups.data.length) : '…'}</span>
        {groups.isFetching && <span className="faint">refreshing…</span>}
      </div>
      <div className="row">
        <input type="search" aria-label="Search groups" placeholder="Search groups…" value={text} onChange={(e) => setText(e.target.value)} style={{ width: 320 }} />
        <div className="segmented" role="group" aria-label="Sort groups">
          <button className={sort === 'lag' ? 'small active' : 'small'} aria-pressed={sort === 'lag'} onClick={() => setSort('lag')}>
            Most lag
          </button>
          <button className={sort === 'name' ? 'small active' : 'small'} aria-pressed={sort === 'name'} onClick={() => setSort('name')}>
            Name
          </button>
        </div>
      </div>
      {groups.error ? <ErrorBox title="Cannot list consumer groups" error={groups.error} onRetry={() => void groups.refetch()} /> : null}
      {groups.isLoading && <Loading />}
      {groups.data && (
        <div className="card flush">
          <div className="table-scroll" style={{ maxHeight: 'calc(100vh - 210px)' }}>
            <table className="data" aria-label="Consumer groups">
              <thead>
                <tr>
                  <th>Group</th>
                  <th>State</th>
                  <th className="num">Members</th>
                  <th>Topics</th>
                  <th className="num">Total lag</th>
                  <th>Lag trend</th>
                </tr>
              </thead>
              <tbody>
                {list.map((g) => (
                  <GroupRow key={g.groupId} clusterId={clusterId} group={g} />
                ))}
              </tbody>
            </table>
            {list.length === 0 && <div className="empty">{search ? `No group matches “${search}”` : 'No consumer groups on this cluster'}</div>}
          </div>
        </div>
      )}
    </div>
  );
}

function GroupRow({ clusterId, group: g }: { clusterId: string; group: GroupSummary }) {
  const spark = useLagSparkline(clusterId, g.groupId);
  return (
    <tr aria-label={g.groupId}>
      <td>
        <Link to={pathOf('clusters', clusterId, 'groups', g.groupId)}>{g.groupId}</Link>
      </td>
      <td>
        <span className={`badge ${stateTone(g.state)}`}>{g.state}</span>
      </td>
      <td className="num">{g.members}</td>
      <td className="ellipsis" style={{ maxWidth: 280 }} title={g.topics.join(', ')}>
        {g.topics.join(', ') || <span className="faint">—</span>}
      </td>
      <td className="num">{g.totalLag === null ? <span className="faint" title="offsets could not be read">n/a</span> : formatCount(g.totalLag)}</td>
      <td>
        <Sparkline points={spark} label={`Lag trend of ${g.groupId}`} />
      </td>
    </tr>
  );
}
