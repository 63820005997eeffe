// Messages: browse (with progress, cancel, paging both ways), live tail with pause, export.
import { useEffect, useState } from 'react';
import type { BrowseStart, TopicDetail } from '../../electron/contract/index.js';
import { ErrorBox } from '../components/error-box.js';
import { ExportDialog } from '../components/export-dialog.js';
import { formatCount, formatDuration } from '../components/format.js';
import { MessageTable } from '../components/message-table.js';
import { ProgressBar } from '../components/progress.js';
import { useLiveTail, useMessageBrowser, type BrowseRequest } from '../hooks/use-messages.js';
import { defaultForm, MessagesToolbar, type BrowseForm } from './messages-toolbar.js';

export function toBrowseRequest(form: BrowseForm): BrowseRequest | string {
  let start: BrowseStart;
  switch (form.mode) {
    case 'newest':
      if (!(form.count >= 1 && form.count <= 10_000)) return 'Count must be between 1 and 10,000';
      start = { from: 'newest', count: form.count };
      break;
    case 'offset':
      if (!/^\d+$/.test(form.offset)) return 'Enter an offset';
      start = { from: 'offset', offset: form.offset };
      break;
    case 'timestamp': {
      const t = form.time ? new Date(form.time).getTime() : NaN;
      if (!Number.isFinite(t)) return 'Pick a date and time';
      start = { from: 'timestamp', timestamp: t };
      break;
    }
    default:
      start = { from: form.mode };
  }
  const filter = form.filter.trim() ? (form.filterKind === 'text' ? { text: form.filter } : { js: form.filter }) : undefined;
  if (form.partitions && form.partitions.length === 0) return 'Choose at least one partition';
  return {
    start,
    ...(form.partitions ? { partitions: form.partitions } : {}),
    ...(filter ? { filter } : {}),
    decode: { key: form.keyEncoding, value: form.valueEncoding },
    limits: { results: form.mode === 'newest' ? form.count : form.pageSize },
  };
}

export function MessagesTab({ clusterId, detail }: { clusterId: string; detail: TopicDetail }) {
  const browser = useMessageBrowser(clusterId, detail.name);
  const tail = useLiveTail(clusterId, detail.name);
  const [form, setForm] = useState<BrowseForm>(defaultForm);
  const [formError, setFormError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const { state } = browser;

  const search = () => {
    const req = toBrowseRequest(form);
    if (typeof req === 'string') return setFormError(req);
    setFormError(null);
    if (tail.running) void tail.stop();
    void browser.run(req);
  };
  // The newest messages show as soon as the tab opens.
  useEffect(search, []);

  const startTail = () => {
    const req = toBrowseRequest(form);
    if (typeof req === 'string') return setFormError(req);
    browser.cancel();
    void tail.start({ partitions: req.partitions, filter: req.filter, decode: req.decode });
  };

  const loading = state.status === 'loading';
  const stats = state.page?.stats;
  const onScreen = tail.running || tail.messages.length ? tail.messages : (state.page?.messages ?? []);
  const showingTail = tail.running || tail.messages.length > 0;

  return (
    <>
      <div className="card">
        <MessagesToolbar form={form} onChange={setForm} partitionCount={detail.partitions.length} onSubmit={search} />
        <div className="row" style={{ marginTop: 12 }}>
          <button className="primary" onClick={search} disabled={loading}>
            Search
          </button>
          {loading && (
            <button onClick={browser.cancel} aria-label="Cancel search">
              Cancel
            </button>
          )}
          <span className="sep" />
          {!tail.running ? (
            <button onClick={startTail}>▶ Live tail</button>
          ) : (
            <>
              <button onClick={() => tail.pause(!tail.paused)}>{tail.paused ? `Resume${tail.pending ? ` (${tail.pending} new)` : ''}` : '❚❚ Pause'}</button>
              <button onClick={() => void tail.stop()}>■ Stop tail</button>
              <span className={`badge ${tail.paused ? 'warn' : 'ok'}`} role="status">
                {tail.paused ? 'paused' : 'live'}
              </span>
            </>
          )}
          <span className="grow" />
          <button onClick={() => setExporting(true)} disabled={!state.request && onScreen.length === 0}>
            Export…
          </button>
        </div>
        {loading && (
          <div className="row" style={{ marginTop: 10 }} aria-live="polite">
            <div className="grow" style={{ maxWidth: 320 }}>
              <ProgressBar label="Scanning messages" />
            </div>
            <span className="muted">
              {state.progress
                ? `Scanned ${formatCount(state.progress.scanned)}, matched ${formatCount(state.progress.matched)} · ${formatDuration(state.progress.elapsedMs)}`
                : 'Scanning…'}
            </span>
          </div>
        )}
        {formError && <div className="help" style={{ color: 'var(--danger)', marginTop: 8 }} role="alert">{formError}</div>}
        {state.status === 'error' && (
          <div style={{ marginTop: 10 }}>
            <ErrorBox title="Search failed" error={state.error} onRetry={search} />
          </div>
        )}
        {tail.error && (
          <div style={{ marginTop: 10 }}>
            <ErrorBox title="Live tail stopped" error={tail.error} onRetry={startTail} />
          </div>
        )}
      </div>

      <div className="card flush">
        <div className="card-head">
          {showingTail ? (
            <span className="muted">Live tail · newest first · {tail.messages.length} shown (last 500 kept)</span>
          ) : stats ? (
            <span className="muted" role="status">
              {formatCount(state.page!.messages.length)} shown · scanned {formatCount(stats.scanned)} in {formatDuration(stats.elapsedMs)}
              {stats.stoppedBy === 'scan' && ' · stopped at the scan limit'}
              {stats.stoppedBy === 'time' && ' · stopped at the time limit'}
              {state.status === 'cancelled' && ' · newer search cancelled'}
              {' · '}
              {isNewestFirst(state.page!.direction, state.request) ? 'newest first' : 'oldest first'}
            </span>
          ) : (
            <span className="muted">{loading ? 'Searching…' : ''}</span>
          )}
          <span className="grow" />
          {!showingTail && (
            <>
              <button className="small" disabled={!browser.older || loading} onClick={() => void browser.older?.()}>
                ← Older
              </button>
              <button className="small" disabled={!browser.newer || loading} onClick={() => void browser.newer?.()}>
                Newer →
              </button>
            </>
          )}
          {showingTail && !tail.running && (
            <button className="small" onClick={tail.clear}>
              Back to search results
            </button>
          )}
        </div>
        <MessageTable
          messages={onScreen}
          label="Messages"
          empty={showingTail ? 'Waiting for new messages…' : loading ? 'Searching…' : 'No messages match'}
        />
      </div>
      {exporting && <ExportDialog clusterId={clusterId} topic={detail.name} onScreen={onScreen} request={state.request} onClose={() => setExporting(false)} />}
    </>
  );
}

function isNewestFirst(direction: 'forward' | 'backward', request: BrowseRequest | null): boolean {
  if (direction === 'forward') return false;
  // Backward pages come newest first, except "newest N", which is returned oldest first.
  return !(request?.start?.from === 'newest' && !request.cursor);
}
