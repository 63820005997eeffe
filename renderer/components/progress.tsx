// A progress bar: determinate when `total` is known, otherwise a moving stripe.
export function ProgressBar({ done, total, label }: { done?: number; total?: number; label: string }) {
  const pct = total && total > 0 && done !== undefined ? Math.min(100, (done / total) * 100) : null;
  return (
    <div
      className={pct === null ? 'progress indeterminate' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={pct === null ? undefined : done}
    >
      <div style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="empty" aria-busy="true">
      <div className="row" style={{ justifyContent: 'center' }}>
        <ProgressBar label={label} />
      </div>
      <div style={{ marginTop: 8 }}>{label}</div>
    </div>
  );
}
