// `npm run sandbox -- --brokers 3 --data-dir DIR [--port 9092] [--host 127.0.0.1]`:
// the embedded cluster, headless. Prints the bootstrap servers, accepts fault commands on
// standard input and shuts down
// cleanly on Ctrl-C or SIGTERM. Commands: stop|crash|start N, latency N MS, isolate N,
// heal N, fault API_KEY ERROR_CODE COUNT [N], drop API_KEY COUNT [N],
// move TOPIC PARTITION N, clear, status, help.
// Listener security: --tls-cert/--tls-key PEM files (plus --tls-ca, --tls-require-client-cert)
// make the listeners speak TLS; each --sasl-user MECH:USER:PASSWORD (PLAIN, SCRAM-SHA-256,
// SCRAM-SHA-512) adds a user and makes SASL mandatory.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startCluster } from './index.js';
import type { ClusterHandle, ListenerSecurity, SaslUser } from './public-types.js';

const USAGE = `Usage: npm run sandbox -- [--brokers 3] [--data-dir DIR] [--port 9092] [--host 127.0.0.1] [--config name=value ...]
  [--tls-cert FILE --tls-key FILE [--tls-ca FILE] [--tls-require-client-cert]] [--sasl-user MECH:USER:PASSWORD ...]`;

function fail(message: string): never {
  process.stderr.write(`keel sandbox: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        brokers: { type: 'string', default: '3' },
        'data-dir': { type: 'string', default: path.join(os.homedir(), '.keel', 'sandbox') },
        port: { type: 'string', default: '9092' },
        host: { type: 'string', default: '127.0.0.1' },
        config: { type: 'string', multiple: true, default: [] },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-require-client-cert': { type: 'boolean', default: false },
        'sasl-user': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const brokers = Number(values.brokers);
  const port = Number(values.port);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 16) fail(`--brokers must be 1..16, got ${values.brokers}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535 - brokers) fail(`--port must be a TCP port, got ${values.port}`);
  const config: Record<string, string> = {};
  for (const entry of values.config) {
    const eq = entry.indexOf('=');
    if (eq <= 0) fail(`--config expects name=value, got ${entry}`);
    config[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { brokers, port, host: values.host, dataDir: path.resolve(values['data-dir']), config, security: parseSecurity(values) };
}

function parseSecurity(values: {
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
  'tls-require-client-cert'?: boolean;
  'sasl-user'?: string[];
}): ListenerSecurity | undefined {
  const security: ListenerSecurity = {};
  const read = (flag: string, file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      fail(`${flag}: ${(err as Error).message}`);
    }
  };
  const { 'tls-cert': cert, 'tls-key': key, 'tls-ca': ca } = values;
  if (cert || key || ca || values['tls-require-client-cert']) {
    if (!cert || !key) fail('TLS needs both --tls-cert and --tls-key');
    if (values['tls-require-client-cert'] && !ca) fail('--tls-require-client-cert needs --tls-ca to verify client certificates');
    security.tls = { cert: read('--tls-cert', cert), key: read('--tls-key', key), ca: ca ? read('--tls-ca', ca) : undefined, requireClientCert: !!values['tls-require-client-cert'] };
  }
  const users: SaslUser[] = [];
  for (const entry of values['sasl-user'] ?? []) {
    // The password is everything after the second colon, so it may contain colons.
    const m = /^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512):([^:]+):(.+)$/s.exec(entry);
    if (!m) fail(`--sasl-user expects PLAIN|SCRAM-SHA-256|SCRAM-SHA-512:USER:PASSWORD, got ${entry.split(':').slice(0, 2).join(':')}:…`);
    users.push({ mechanism: m[1] as SaslUser['mechanism'], username: m[2]!, password: m[3]! });
  }
  if (users.length > 0) security.sasl = { users };
  return security.tls || security.sasl ? security : undefined;
}

async function runCommand(handle: ClusterHandle, line: string): Promise<string> {
  const [command, arg, arg2, arg3, arg4] = line.trim().split(/\s+/);
  const nodeId = Number(arg);
  const optionalNode = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  switch (command) {
    case '':
    case undefined:
      return '';
    case 'status':
      return handle.control
        .status()
        .map((b) => `broker ${b.nodeId} ${b.host}:${b.port} ${b.state} leader-of=${b.leaderOf} replica-of=${b.replicaOf}${b.isolated ? ' isolated' : ''}${b.latencyMs > 0 ? ` latency=${b.latencyMs}ms` : ''}`)
        .join('\n');
    case 'stop':
      await handle.control.stopBroker(nodeId);
      return `broker ${nodeId} stopped`;
    case 'crash':
      await handle.control.crashBroker(nodeId);
      return `broker ${nodeId} crashed`;
    case 'start':
      await handle.control.startBroker(nodeId);
      return `broker ${nodeId} started`;
    case 'latency':
      handle.control.setLatency(nodeId, Number(arg2));
      return `broker ${nodeId} latency ${Number(arg2)} ms`;
    case 'isolate':
      handle.control.isolateBroker(nodeId, true);
      return `broker ${nodeId} isolated from replication`;
    case 'heal':
      handle.control.isolateBroker(nodeId, false);
      return `broker ${nodeId} replicating again`;
    case 'fault':
      handle.control.injectFault({ apiKey: Number(arg), errorCode: Number(arg2), count: Number(arg3), nodeId: optionalNode(arg4) });
      return `next ${arg3} requests of API ${arg} answer error ${arg2}`;
    case 'drop':
      handle.control.injectFault({ apiKey: Number(arg), dropResponse: true, count: Number(arg2), nodeId: optionalNode(arg3) });
      return `next ${arg2} responses of API ${arg} dropped`;
    case 'move':
      handle.control.moveLeader(arg!, Number(arg2), Number(arg3));
      return `${arg}-${arg2} now led by broker ${arg3}`;
    case 'clear':
      handle.control.clearFaults();
      return 'faults cleared';
    case 'help':
      return 'commands: status | stop N | crash N | start N | latency N MS | isolate N | heal N | fault API_KEY ERROR_CODE COUNT [N] | drop API_KEY COUNT [N] | move TOPIC PARTITION N | clear | help';
    default:
      return `unknown command "${command}" (try: help)`;
  }
}

/** The headless sandbox; also `keel sandbox ...` in the command-line companion. */
export async function runSandboxCli(args: string[] = process.argv.slice(2)): Promise<void> {
  const opts = parseOptions(args);
  const started = Date.now();
  let handle: ClusterHandle;
  try {
    handle = await startCluster({ brokers: opts.brokers, dataDir: opts.dataDir, host: opts.host, ports: opts.port, config: opts.config, security: opts.security });
  } catch (err) {
    fail(`could not start: ${(err as Error).message}`);
  }
  process.stdout.write(`Keel sandbox cluster ${handle.clusterId} up in ${Date.now() - started} ms\n`);
  process.stdout.write(`data dir: ${opts.dataDir}\nbootstrap servers: ${handle.bootstrap.join(',')}\n`);
  if (opts.security) {
    const protocol = `${opts.security.sasl ? 'SASL_' : ''}${opts.security.tls ? 'SSL' : 'PLAINTEXT'}`;
    const mechanisms = [...new Set(opts.security.sasl?.users.map((u) => u.mechanism) ?? [])].join(',');
    process.stdout.write(`security.protocol: ${protocol}${mechanisms ? ` (sasl mechanisms ${mechanisms})` : ''}${opts.security.tls?.requireClientCert ? ', client certificates required' : ''}\n`);
  }
  process.stdout.write(`type "help" for fault commands; Ctrl-C to stop\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: shutting down\n`);
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (process.stdin.isTTY || process.stdin.readable) {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      runCommand(handle, line).then(
        (out) => out && process.stdout.write(`${out}\n`),
        (err) => process.stdout.write(`error: ${(err as Error).message}\n`),
      );
    });
  }
}

// Runs only as its own entry (tsx, or bundled as sandbox-cli.mjs), not when imported by the keel CLI.
if (/sandbox-cli\.(ts|js|mjs|cjs)$/.test(process.argv[1] ?? '')) void runSandboxCli();
