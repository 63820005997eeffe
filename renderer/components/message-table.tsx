// Browsed or tailed messages. Keys, values and headers are React text, never markup; a
// row expands to the full value (JSON pretty and collapsible), headers and sizes.
import { Fragment, useState } from 'react';
import type { Decoded, MessageView } from '../../electron/contract/index.js';
import { formatBytes, formatTimestamp } from './format.js';
import { JsonView } from './json-view.js';

const PREVIEW = 160;

function preview(d: Decoded | null): string {
  if (!d) return 'null';
  const oneLine = d.encoding === 'json' ? compactJson(d.text) : d.text;
  return oneLine.length > PREVIEW ? oneLine.slice(0, PREVIEW) + '…' : oneLine;
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

export function DecodedValue({ value, pretty = true }: { value: Decoded | null; pretty?: boolean }) {
  if (!value) return <span className="faint">null</span>;
  return (
    <div>
      {value.encoding === 'json' && pretty ? <JsonView text={value.text} /> : <pre className="value-text">{value.text}</pre>}
      <div className="help">
        {value.encoding} · {formatBytes(value.sizeBytes)}
        {value.truncated && ' · truncated for display'}
      </div>
    </div>
  );
}

export function messageId(m: MessageView): string {
  return `${m.partition}:${m.offset}`;
}

export function MessageTable({ messages, label, empty }: { messages: MessageView[]; label: string; empty?: string }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <div className="table-scroll messages-scroll">
      <table className="data messages" aria-label={label}>
        <thead>
          <tr>
            <th style={{ width: 28 }} />
            <th className="num">Partition</th>
            <th className="num">Offset</th>
            <th>Timestamp</th>
            <th>Key</th>
            <th>Value</th>
            <th className="num">Headers</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => {
            const id = messageId(m);
            const isOpen = open.has(id);
            return (
              <Fragment key={id}>
                <tr aria-label={`Message ${m.partition}/${m.offset}`} onClick={() => toggle(id)} className="clickable">
                  <td>
                    <button className="ghost small" aria-expanded={isOpen} aria-label={isOpen ? 'Hide message' : 'Show message'} onClick={(e) => (e.stopPropagation(), toggle(id))}>
                      {isOpen ? '▾' : '▸'}
                    </button>
                  </td>
                  <td className="num mono">{m.partition}</td>
                  <td className="num mono">{m.offset}</td>
                  <td className="mono nowrap">{formatTimestamp(m.timestamp)}</td>
                  <td className="mono cell-key">{m.key ? preview(m.key) : <span className="faint">null</span>}</td>
                  <td className="mono cell-value">{m.value ? preview(m.value) : <span className="faint">null</span>}</td>
                  <td className="num">{m.headers.length || ''}</td>
                </tr>
                {isOpen && (
                  <tr className="detail-row">
                    <td />
                    <td colSpan={6}>
                      <div className="message-detail">
                        <section>
                          <h3>Key</h3>
                          <DecodedValue value={m.key} />
                        </section>
                        <section>
                          <h3>Value</h3>
                          <DecodedValue value={m.value} />
                        </section>
                        {m.headers.length > 0 && (
                          <section>
                            <h3>Headers</h3>
                            <table className="data" aria-label="Headers">
                              <tbody>
                                {m.headers.map((h, i) => (
                                  <tr key={i}>
                                    <td className="mono">{h.key}</td>
                                    <td className="mono">{h.value ? h.value.text : <span className="faint">null</span>}</td>
                                  </tr>
                                ))}
                              </tbody>
                            </table>
                          </section>
                        )}
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {messages.length === 0 && <div className="empty">{empty ?? 'No messages'}</div>}
    </div>
  );
}
