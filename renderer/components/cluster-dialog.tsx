// Add or edit a remote cluster: bootstrap servers, TLS/mTLS, SASL. "Test connection" tries
// the unsaved settings; secrets are write-only (left empty on edit keeps the stored one).
import { useState } from 'react';
import type { ClusterConfigInput, ClusterSummary } from '../../electron/contract/index.js';
import { clusterConfigInput } from '../../electron/contract/index.js';
import { useAddCluster, useTestClusterConfig, useUpdateCluster } from '../hooks/use-clusters.js';
import { Dialog } from './dialog.js';
import { ErrorBox } from './error-box.js';
import { formatDuration } from './format.js';

type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export function ClusterDialog({ existing, onClose, secretsWarning }: { existing?: ClusterSummary; onClose: () => void; secretsWarning?: boolean }) {
  const add = useAddCluster();
  const update = useUpdateCluster();
  const test = useTestClusterConfig();
  const [name, setName] = useState(existing?.name ?? '');
  const [servers, setServers] = useState(existing?.bootstrapServers.join(', ') ?? '');
  const [tls, setTls] = useState(existing?.tls?.enabled ?? false);
  const [ca, setCa] = useState('');
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const [skipVerify, setSkipVerify] = useState(existing?.tls?.skipVerify ?? false);
  const [sasl, setSasl] = useState(!!existing?.sasl);
  const [mechanism, setMechanism] = useState<Mechanism>(existing?.sasl?.mechanism ?? 'SCRAM-SHA-512');
  const [username, setUsername] = useState(existing?.sasl?.username ?? '');
  const [password, setPassword] = useState('');
  const [timeout, setTimeoutMs] = useState(existing?.connectionTimeoutMs ?? 5_000);

  const config: ClusterConfigInput = {
    name: name.trim(),
    bootstrapServers: servers.split(/[\s,]+/).filter(Boolean),
    connectionTimeoutMs: timeout,
    ...(tls ? { tls: { enabled: true, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), skipVerify } } : {}),
    ...(sasl ? { sasl: { mechanism, username, ...(password || !existing ? { password } : {}) } } : {}),
  };
  const check = clusterConfigInput.safeParse(config);
  const problem = check.success ? null : `${check.error.issues[0]?.path.join('.')}: ${check.error.issues[0]?.message}`;
  const saving = add.isPending || update.isPending;
  const save = () => {
    if (!check.success) return;
    if (existing) update.mutate({ ...config, clusterId: existing.id }, { onSuccess: onClose });
    else add.mutate(config, { onSuccess: onClose });
  };
  const result = test.data;

  return (
    <Dialog
      wide
      title={existing ? `Edit ${existing.name}` : 'Add cluster'}
      onClose={onClose}
      footer={
        <>
          <button className="left" disabled={!!problem || test.isPending} onClick={() => test.mutate(config)}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!!problem || saving} onClick={save}>
            {saving ? 'Saving…' : existing ? 'Save' : 'Add cluster'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="production-eu" />
        </label>
        <label className="field">
          Bootstrap servers
          <input value={servers} onChange={(e) => setServers(e.target.value)} placeholder="broker1:9092, broker2:9092" className="mono" />
        </label>
        <label className="field">
          Connection timeout (ms)
          <input type="number" min={100} value={timeout} onChange={(e) => setTimeoutMs(Number(e.target.value))} />
        </label>
      </div>
      <fieldset className="scope">
        <legend>
          <label className="check">
            <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} /> TLS
          </label>
        </legend>
        {tls && (
          <div className="form-grid">
            <label className="field">
              CA certificate (PEM, empty = system roots)
              <textarea aria-label="CA certificate" rows={3} value={ca} onChange={(e) => setCa(e.target.value)} placeholder={existing?.tls?.hasCa ? '(stored — leave empty to keep)' : '-----BEGIN CERTIFICATE-----'} />
            </label>
            <label className="field">
              Client certificate (mTLS)
              <textarea aria-label="Client certificate" rows={3} value={cert} onChange={(e) => setCert(e.target.value)} placeholder={existing?.tls?.hasClientCert ? '(stored — leave empty to keep)' : 'optional'} />
            </label>
            <label className="field">
              Client key (mTLS)
              <textarea aria-label="Client key" rows={3} value={key} onChange={(e) => setKey(e.target.value)} placeholder={existing?.tls?.hasClientKey ? '(stored — leave empty to keep)' : 'optional'} />
            </label>
            <label className="check">
              <input type="checkbox" checked={skipVerify} onChange={(e) => setSkipVerify(e.target.checked)} /> Skip certificate verification (insecure)
            </label>
          </div>
        )}
      </fieldset>
      <fieldset className="scope">
        <legend>
          <label className="check">
            <input type="checkbox" checked={sasl} onChange={(e) => setSasl(e.target.checked)} /> SASL authentication
          </label>
        </legend>
        {sasl && (
          <div className="form-grid">
            <label className="field">
              Mechanism
              <select value={mechanism} onChange={(e) => setMechanism(e.target.value as Mechanism)}>
                <option>PLAIN</option>
                <option>SCRAM-SHA-256</option>
                <option>SCRAM-SHA-512</option>
              </select>
            </label>
            <label className="field">
              User name
              <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
            </label>
            <label className="field">
              Password
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" placeholder={existing?.sasl?.hasPassword ? '(stored — leave empty to keep)' : ''} />
            </label>
          </div>
        )}
      </fieldset>
      {secretsWarning && (tls || sasl) && (
        <div className="notice warn">Web mode keeps passwords and keys in a file readable only by your user, not in the OS keychain.</div>
      )}
      {problem && (name || servers) && <div className="help">{problem}</div>}
      {result?.ok && (
        <div className="notice ok" role="status">
          Connected in {formatDuration(result.latencyMs)} · {result.brokerCount} broker{result.brokerCount === 1 ? '' : 's'}
          {result.clusterId ? ` · cluster id ${result.clusterId}` : ''}
        </div>
      )}
      {result && !result.ok && <ErrorBox title="Connection test failed" error={result.error ?? { code: 'CONNECTION_FAILED', message: 'The cluster did not answer' }} />}
      <ErrorBox title="Connection test failed" error={test.error} />
      <ErrorBox title="The cluster was not saved" error={add.error ?? update.error} />
    </Dialog>
  );
}
