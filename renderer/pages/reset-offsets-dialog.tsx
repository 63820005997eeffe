// Reset a group's offsets: choose a strategy and scope, preview the per-partition change
// (dry run), confirm, see the result. Kafka accepts the commit only while the group has no
// members, so applying is disabled, with the reason, until its consumers stop.
import { useMemo, useState } from 'react';
import type { GroupDetail, ResetPlanRow, ResetStrategy } from '../../electron/contract/index.js';
import { Dialog } from '../components/dialog.js';
import { ErrorBox } from '../components/error-box.js';
import { formatCount } from '../components/format.js';
import { ProgressBar } from '../components/progress.js';
import { useGroup, useResetOffsets } from '../hooks/use-groups.js';

type Kind = ResetStrategy['kind'];
const KINDS: Array<{ id: Kind; label: string }> = [
  { id: 'earliest', label: 'Earliest (log start)' },
  { id: 'latest', label: 'Latest (log end)' },
  { id: 'offset', label: 'Specific offset' },
  { id: 'timestamp', label: 'Timestamp' },
  { id: 'shift', label: 'Shift by N' },
  { id: 'group', label: 'Copy from another group' },
];

export function ResetOffsetsDialog({ clusterId, group: initial, onClose }: { clusterId: string; group: GroupDetail; onClose: () => void }) {
  const live = useGroup(clusterId, initial.groupId);
  const g = live.data ?? initial;
  const reset = useResetOffsets(clusterId, g.groupId);
  const topics = useMemo(() => Array.from(new Set(g.partitions.map((p) => p.topic))).sort(), [g.partitions]);
  const [kind, setKind] = useState<Kind>('earliest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [shift, setShift] = useState(-100);
  const [other, setOther] = useState('');
  const [chosen, setChosen] = useState<string[]>(topics);
  const [extraTopic, setExtraTopic] = useState('');
  const [partitionsText, setPartitionsText] = useState('');
  const [plan, setPlan] = useState<ResetPlanRow[] | null>(null);
  const [applied, setApplied] = useState<ResetPlanRow[] | null>(null);
  const hasMembers = g.members.length > 0;

  const strategy = (): ResetStrategy | string => {
    switch (kind) {
      case 'offset':
        return /^\d+$/.test(offset) ? { kind, offset } : 'Enter an offset';
      case 'timestamp': {
        const t = new Date(time).getTime();
        return Number.isFinite(t) ? { kind, timestamp: t } : 'Pick a date and time';
      }
      case 'shift':
        return Number.isInteger(shift) ? { kind, by: shift } : 'Enter a whole number';
      case 'group':
        return other.trim() ? { kind, groupId: other.trim() } : 'Enter the group to copy from';
      default:
        return { kind };
    }
  };
  const scope = () => {
    const names = [...chosen, ...(extraTopic.trim() ? [extraTopic.trim()] : [])];
    if (names.length === 0) return 'Choose at least one topic';
    const parts = partitionsText.trim() ? partitionsText.split(',').map((s) => Number(s.trim())) : undefined;
    if (parts && parts.some((n) => !Number.isInteger(n) || n < 0)) return 'Partitions: numbers separated by commas';
    return names.map((topic) => ({ topic, ...(parts ? { partitions: parts } : {}) }));
  };
  const s = strategy();
  const sc = scope();
  const invalid = typeof s === 'string' ? s : typeof sc === 'string' ? sc : null;

  const preview = () => {
    if (typeof s === 'string' || typeof sc === 'string') return;
    setApplied(null);
    reset.mutate({ strategy: s, topics: sc, dryRun: true }, { onSuccess: (r) => setPlan(r.rows) });
  };
  const apply = () => {
    if (typeof s === 'string' || typeof sc === 'string') return;
    reset.mutate({ strategy: s, topics: sc, dryRun: false }, { onSuccess: (r) => (setApplied(r.rows), setPlan(null)) });
  };
  const changed = plan?.filter((r) => r.before !== r.after).length ?? 0;

  return (
    <Dialog
      wide
      title={`Reset offsets of ${g.groupId}`}
      onClose={onClose}
      footer={
        applied ? (
          <button className="primary" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            {reset.isPending && (
              <span className="left row">
                <ProgressBar label="Reset in progress" /> <span className="faint">{plan ? 'Applying…' : 'Computing…'}</span>
              </span>
            )}
            <button onClick={onClose}>Cancel</button>
            {plan && (
              <button onClick={() => setPlan(null)} disabled={reset.isPending}>
                Back
              </button>
            )}
            {!plan ? (
              <button className="primary" disabled={!!invalid || reset.isPending} onClick={preview}>
                Preview changes (dry run)
              </button>
            ) : (
              <button className="danger solid" disabled={hasMembers || reset.isPending || changed === 0} onClick={apply} title={hasMembers ? 'The group still has members' : undefined}>
                Apply reset to {plan.length} partitions
              </button>
            )}
          </>
        )
      }
    >
      {hasMembers && (
        <div className="notice warn" role="note">
          <strong>Offsets cannot be reset while the group has members.</strong> “{g.groupId}” is {g.state} with {g.members.length} active
          member{g.members.length === 1 ? '' : 's'} ({g.members.map((m) => m.clientId).join(', ')}). Running consumers commit their own positions
          and would overwrite the reset, so Kafka refuses it. Stop the consumers; this dialog notices when the group is empty. You can preview now.
        </div>
      )}
      {!plan && !applied && (
        <>
          <div className="form-grid">
            <label className="field">
              Strategy
              <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {KINDS.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
            {kind === 'offset' && (
              <label className="field">
                Offset
                <input value={offset} onChange={(e) => setOffset(e.target.value.replace(/[^\d]/g, ''))} inputMode="numeric" />
              </label>
            )}
            {kind === 'timestamp' && (
              <label className="field">
                Date and time
                <input type="datetime-local" step={1} value={time} onChange={(e) => setTime(e.target.value)} />
              </label>
            )}
            {kind === 'shift' && (
              <label className="field">
                Shift by (negative = back)
                <input type="number" value={shift} onChange={(e) => setShift(Number(e.target.value))} />
              </label>
            )}
            {kind === 'group' && (
              <label className="field">
                Copy from group
                <input value={other} onChange={(e) => setOther(e.target.value)} />
              </label>
            )}
          </div>
          <fieldset className="scope">
            <legend>Scope</legend>
            {topics.map((t) => (
              <label key={t} className="check" style={{ marginRight: 14 }}>
                <input type="checkbox" checked={chosen.includes(t)} onChange={(e) => setChosen(e.target.checked ? [...chosen, t] : chosen.filter((x) => x !== t))} />
                <span className="mono">{t}</span>
              </label>
            ))}
            <div className="form-grid" style={{ marginTop: 10 }}>
              <label className="field">
                {topics.length ? 'Another topic (optional)' : 'Topic'}
                <input value={extraTopic} onChange={(e) => setExtraTopic(e.target.value)} className="mono" />
              </label>
              <label className="field">
                Only partitions (optional, e.g. 0,2)
                <input value={partitionsText} onChange={(e) => setPartitionsText(e.target.value)} className="mono" placeholder="all" />
              </label>
            </div>
          </fieldset>
          {invalid && <div className="help">{invalid}</div>}
        </>
      )}
      {plan && (
        <>
          <div className="notice" role="status">
            Dry run: {changed} of {plan.length} partitions would change. Nothing has been committed yet.
          </div>
          <PlanTable rows={plan} label="Reset preview" />
        </>
      )}
      {applied && (
        <>
          <div className="notice ok" role="status">
            Offsets reset on {applied.length} partitions. Consumers of {g.groupId} will resume from the new positions.
          </div>
          <PlanTable rows={applied} label="Reset result" />
        </>
      )}
      <ErrorBox title={plan ? 'The reset was refused' : 'The preview failed'} error={reset.error} />
    </Dialog>
  );
}

function PlanTable({ rows, label }: { rows: ResetPlanRow[]; label: string }) {
  return (
    <div className="table-scroll" style={{ maxHeight: 340 }}>
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th>Topic</th>
            <th className="num">Partition</th>
            <th className="num">Before</th>
            <th className="num">After</th>
            <th className="num">Change</th>
            <th className="num">Log start</th>
            <th className="num">Log end</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const delta = r.before === null ? null : Number(r.after) - Number(r.before);
            return (
              <tr key={`${r.topic}/${r.partition}`}>
                <td className="mono">{r.topic}</td>
                <td className="num mono">{r.partition}</td>
                <td className="num mono">{r.before ?? <span className="faint">none</span>}</td>
                <td className="num mono">
                  <strong>{r.after}</strong>
                </td>
                <td className={`num mono ${delta && delta < 0 ? 'lagging' : ''}`}>{delta === null ? 'new' : delta === 0 ? '—' : `${delta > 0 ? '+' : ''}${formatCount(delta)}`}</td>
                <td className="num mono faint">{r.logStartOffset}</td>
                <td className="num mono faint">{r.logEndOffset}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
