// Shows a contract error where it happened: its code, the message, a hint for known codes
// and, when the action can be repeated, a retry.
import { errorHint, toUiError } from '../api/errors.js';

export function ErrorBox({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  if (!error) return null;
  const e = toUiError(error);
  const hint = errorHint(e.code);
  return (
    <div className="error-box" role="alert">
      <div className="grow">
        <div>
          {title && <strong>{title}: </strong>}
          {e.message}
        </div>
        {hint && <div className="hint">{hint}</div>}
        <div className="code">{e.code}</div>
      </div>
      {onRetry && (
        <button className="small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
