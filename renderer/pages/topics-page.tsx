// Topics: a virtualised list (only visible rows render; pages of 500 load as they scroll
// into view) with server-side search and sort, create and delete.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TopicListParams } from '../api/query-keys.js';
import { CreateTopicDialog } from '../components/create-topic-dialog.js';
import { DeleteTopicDialog } from '../components/delete-topic-dialog.js';
import { ErrorBox } from '../components/error-box.js';
import { formatCount } from '../components/format.js';
import { Link, navigate, pathOf, useRoute } from '../components/router.js';
import { TOPIC_PAGE_SIZE, useTopicRows } from '../hooks/use-topics.js';

const ROW_HEIGHT = 34;
const COLUMNS = '1fr 110px 110px 150px 140px 90px';

export function TopicsPage({ clusterId }: { clusterId: string }) {
  const route = useRoute();
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<TopicListParams['sort']>('name');
  const [includeInternal, setIncludeInternal] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const creating = route.query.get('create') === '1';
  const setCreating = (on: boolean) => navigate(pathOf('clusters', clusterId, 'topics') + (on ? '?create=1' : ''), { replace: true });

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), 200);
    return () => clearTimeout(t);
  }, [searchText]);

  const params = useMemo<TopicListParams>(() => ({ search, sort, includeInternal }), [search, sort, includeInternal]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [visiblePages, setVisiblePages] = useState<number[]>([0]);
  const rows = useTopicRows(clusterId, params, visiblePages);
  const total = rows.total ?? 0;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const firstPage = items.length ? Math.floor(items[0]!.index / TOPIC_PAGE_SIZE) : 0;
  const lastPage = items.length ? Math.floor(items[items.length - 1]!.index / TOPIC_PAGE_SIZE) : 0;
  useEffect(() => {
    const next: number[] = [];
    for (let p = firstPage; p <= lastPage; p++) next.push(p);
    setVisiblePages((prev) => (prev.join() === next.join() ? prev : next));
  }, [firstPage, lastPage]);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [params]);

  const header = (key: TopicListParams['sort'] | null, label: string, num = false) => (
    <div role="columnheader" className={num ? 'num' : ''} aria-sort={key && sort === key ? (key === 'name' ? 'ascending' : 'descending') : undefined}>
      {key ? (
        <button className="ghost small sort" onClick={() => setSort(key)} aria-label={`Sort by ${label}`}>
          {label} {sort === key ? (key === 'name' ? '↑' : '↓') : ''}
        </button>
      ) : (
        label
      )}
    </div>
  );

  return (
    <div className="page topics-page">
      <div className="page-header">
        <h1>Topics</h1>
        <span className="badge" aria-label="Topic count">{rows.total === null ? '…' : formatCount(rows.total)}</span>
        <div className="actions">
          <button className="primary" onClick={() => setCreating(true)}>
            Create topic
          </button>
        </div>
      </div>
      <div className="row">
        <input
          type="search"
          aria-label="Search topics"
          placeholder="Search topics by name…"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          style={{ width: 320 }}
        />
        <label className="check">
          <input type="checkbox" checked={includeInternal} onChange={(e) => setIncludeInternal(e.target.checked)} /> Show internal topics
        </label>
      </div>
      {rows.error ? <ErrorBox title="Cannot list topics" error={rows.error} onRetry={rows.refetch} /> : null}
      <div className="card flush vlist" role="table" aria-label="Topics" aria-rowcount={total + 1}>
        <div role="rowgroup">
          <div role="row" className="vrow vhead" style={{ gridTemplateColumns: COLUMNS }}>
            {header('name', 'Name')}
            {header('partitions', 'Partitions', true)}
            {header(null, 'Replication', true)}
            {header('messages', 'Messages', true)}
            {header(null, 'Health')}
            <div role="columnheader" className="num">
              <span className="sr-only">Actions</span>
            </div>
          </div>
        </div>
        <div ref={scrollRef} className="vscroll" role="rowgroup">
          {rows.isLoading && <div className="empty">Loading topics…</div>}
          {!rows.isLoading && total === 0 && !rows.error && <div className="empty">{search ? `No topic matches “${search}”` : 'No topics yet. Create one to get started.'}</div>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const t = rows.rowAt(v.index);
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-rowindex={v.index + 2}
                  className="vrow"
                  style={{ gridTemplateColumns: COLUMNS, transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                >
                  {t ? (
                    <>
                      <div role="cell" className="ellipsis">
                        <Link to={pathOf('clusters', clusterId, 'topics', t.name)}>{t.name}</Link>
                        {t.internal && <span className="badge" style={{ marginLeft: 6 }}>internal</span>}
                      </div>
                      <div role="cell" className="num">{t.partitions}</div>
                      <div role="cell" className="num">{t.replicationFactor}</div>
                      <div role="cell" className="num">{formatCount(t.messageCountEstimate)}</div>
                      <div role="cell">
                        {t.offlinePartitions > 0 ? (
                          <span className="badge bad">{t.offlinePartitions} offline</span>
                        ) : t.underReplicatedPartitions > 0 ? (
                          <span className="badge warn">{t.underReplicatedPartitions} under-replicated</span>
                        ) : (
                          <span className="badge ok">healthy</span>
                        )}
                      </div>
                      <div role="cell" className="num">
                        {!t.internal && (
                          <button className="ghost small danger" aria-label={`Delete topic ${t.name}`} onClick={() => setDeleting(t.name)}>
                            Delete
                          </button>
                        )}
                      </div>
                    </>
                  ) : (
                    <div role="cell" className="faint">
                      Loading…
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {creating && <CreateTopicDialog clusterId={clusterId} onClose={() => setCreating(false)} />}
      {deleting && <DeleteTopicDialog clusterId={clusterId} topic={deleting} onClose={() => setDeleting(null)} />}
    </div>
  );
}
