// Pretty, collapsible JSON. Everything is rendered as React text nodes: message content can
// never become markup.
import { useState } from 'react';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function JsonView({ text }: { text: string }) {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return <pre className="value-text">{text}</pre>;
  }
  return (
    <div className="json-view mono" role="tree" aria-label="JSON value">
      <Node value={value} depth={0} />
    </div>
  );
}

function Scalar({ value }: { value: Json }) {
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === 'string') return <span className="j-str">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="j-num">{String(value)}</span>;
  return <span className="j-bool">{String(value)}</span>;
}

function Node({ value, depth, name, last = true }: { value: Json; depth: number; name?: string; last?: boolean }) {
  const [open, setOpen] = useState(depth < 2);
  const label = name !== undefined ? <span className="j-key">{JSON.stringify(name)}: </span> : null;
  const comma = last ? '' : ',';
  if (value === null || typeof value !== 'object') {
    return (
      <div className="j-line" role="treeitem">
        {label}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: Array<[string | undefined, Json]> = isArray ? (value as Json[]).map((v) => [undefined, v]) : Object.entries(value);
  const [o, c] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0)
    return (
      <div className="j-line" role="treeitem">
        {label}
        {o}
        {c}
        {comma}
      </div>
    );
  return (
    <div role="treeitem" aria-expanded={open}>
      <div className="j-line">
        <button className="j-toggle" aria-label={open ? 'Collapse' : 'Expand'} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {label}
        {o}
        {!open && (
          <span className="j-summary" onClick={() => setOpen(true)}>
            {' '}
            {isArray ? `${entries.length} items` : `${entries.length} keys`} {c}
            {comma}
          </span>
        )}
      </div>
      {open && (
        <div className="j-children" role="group">
          {entries.map(([k, v], i) => (
            <Node key={i} name={k} value={v} depth={depth + 1} last={i === entries.length - 1} />
          ))}
          <div className="j-line">
            {c}
            {comma}
          </div>
        </div>
      )}
    </div>
  );
}
