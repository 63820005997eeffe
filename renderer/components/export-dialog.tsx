// Export messages to a file: the ones on screen, or every match from the current search's
// start up to a limit. Collecting and exporting show progress and can be cancelled.
import { useState } from 'react';
import type { MessageView } from '../../electron/contract/index.js';
import { useMessageExport, type BrowseRequest } from '../hooks/use-messages.js';
import { Dialog } from './dialog.js';
import { ErrorBox } from './error-box.js';
import { formatCount } from './format.js';
import { ProgressBar } from './progress.js';

function download(filename: string, mimeType: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportDialog({
  clusterId,
  topic,
  onScreen,
  request,
  onClose,
}: {
  clusterId: string;
  topic: string;
  onScreen: MessageView[];
  request: BrowseRequest | null;
  onClose: () => void;
}) {
  const ex = useMessageExport(clusterId, topic);
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [scope, setScope] = useState<'screen' | 'all'>(onScreen.length ? 'screen' : 'all');
  const [max, setMax] = useState(10_000);
  const [done, setDone] = useState<string | null>(null);
  const busy = ex.progress !== null && ex.progress.phase !== 'done' && !ex.error && !done;
  const [running, setRunning] = useState(false);

  const start = async () => {
    setDone(null);
    setRunning(true);
    try {
      const selection =
        scope === 'screen'
          ? onScreen.map((m) => ({ partition: m.partition, offset: m.offset }))
          : request
            ? await ex.collect({ ...request, cursor: undefined }, max)
            : null;
      if (!selection) return;
      if (selection.length === 0) {
        setDone('Nothing to export: no message matched.');
        return;
      }
      const file = await ex.exportMessages(selection, format);
      if (!file) return;
      download(file.filename, file.mimeType, file.content);
      setDone(`Exported ${formatCount(selection.length)} messages to ${file.filename}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Dialog
      title="Export messages"
      onClose={() => (ex.cancel(), onClose())}
      footer={
        <>
          {running ? (
            <button onClick={ex.cancel}>Cancel export</button>
          ) : (
            <button onClick={onClose}>{done ? 'Close' : 'Cancel'}</button>
          )}
          <button className="primary" disabled={running} onClick={() => void start()}>
            Export
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label className="field">
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as 'jsonl' | 'csv')}>
            <option value="jsonl">JSON Lines (.jsonl)</option>
            <option value="csv">CSV (.csv)</option>
          </select>
        </label>
        <label className="field">
          Messages
          <select value={scope} onChange={(e) => setScope(e.target.value as 'screen' | 'all')}>
            <option value="screen" disabled={!onScreen.length}>
              The {onScreen.length} on screen
            </option>
            <option value="all" disabled={!request}>
              All matching from the search start
            </option>
          </select>
        </label>
        {scope === 'all' && (
          <label className="field">
            At most
            <input type="number" min={1} max={100_000} value={max} onChange={(e) => setMax(Math.max(1, Math.min(100_000, Number(e.target.value))))} />
          </label>
        )}
      </div>
      {(running || busy) && ex.progress && (
        <div className="row">
          <span className="muted">{ex.progress.phase === 'collecting' ? 'Scanning' : 'Exporting'}</span>
          <div className="grow">
            <ProgressBar label="Export progress" done={ex.progress.done} total={ex.progress.total} />
          </div>
          <span className="mono faint">
            {formatCount(ex.progress.done)} / {formatCount(ex.progress.total)}
          </span>
        </div>
      )}
      {done && (
        <div className="notice ok" role="status">
          {done}
        </div>
      )}
      <ErrorBox title="Export failed" error={ex.error} />
    </Dialog>
  );
}
