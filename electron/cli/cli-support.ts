// Shared pieces of the keel command line: exit codes scripts can rely on, connection flags
// (bootstrap, TLS, SASL) turned into the console's ConnectionConfig, and output helpers.
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isContractError, type ErrorCode } from '../contract/errors.js';
import { KafkaAdapter, type ConnectionConfig } from '../services/kafka-adapter.js';

/** Exit codes: documented in `keel --help`; never reuse a number for another meaning. */
export const EXIT = {
  OK: 0,
  /** Kafka refused or failed the operation. */
  FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** Topic, group or partition does not exist. */
  NOT_FOUND: 3,
  /** Offsets of a group with active members cannot be changed (stop its consumers first). */
  GROUP_ACTIVE: 4,
  /** Cannot reach or authenticate to the cluster, or it did not answer in time. */
  UNREACHABLE: 5,
  /** The topic already exists (topics create). */
  EXISTS: 6,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code: string = 'USAGE',
  ) {
    super(message);
  }
}

export const usage = (message: string) => new CliError(message, EXIT.USAGE, 'USAGE');

const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  GROUP_NOT_EMPTY: EXIT.GROUP_ACTIVE,
  ALREADY_EXISTS: EXIT.EXISTS,
  CONNECTION_FAILED: EXIT.UNREACHABLE,
  AUTH_FAILED: EXIT.UNREACHABLE,
  TLS_ERROR: EXIT.UNREACHABLE,
  TIMEOUT: EXIT.UNREACHABLE,
};

export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (isContractError(err)) return new CliError(err.message, EXIT_BY_CODE[err.code] ?? EXIT.FAILED, err.code);
  return new CliError((err as Error)?.message ?? String(err), EXIT.FAILED, 'INTERNAL');
}

export const connectionOptions = {
  'bootstrap-server': { type: 'string' },
  tls: { type: 'boolean', default: false },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-skip-verify': { type: 'boolean', default: false },
  'sasl-mechanism': { type: 'string' },
  'sasl-username': { type: 'string' },
  'sasl-password': { type: 'string' },
  'timeout-ms': { type: 'string', default: '10000' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  const all = { ...connectionOptions, ...options };
  // Kafka's tools take `--shift-by -2`; node's parser would read -2 as a flag, so glue negative
  // numbers to string options the way `--shift-by=-2` does.
  const glued: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : null;
    const next = args[i + 1];
    if (name && (all as Record<string, { type: string }>)[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      glued.push(`--${name}=${next}`);
      i++;
    } else glued.push(args[i]!);
  }
  try {
    const { values, positionals } = parseArgs({ args: glued, options: all, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    throw usage((err as Error).message);
  }
}

const readPem = (file: string | undefined, what: string) => {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usage(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
};

export function connectionConfig(v: Values): ConnectionConfig {
  const bootstrap = (v['bootstrap-server'] as string | undefined) ?? process.env.KEEL_BOOTSTRAP_SERVER;
  if (!bootstrap) throw usage('--bootstrap-server HOST:PORT is required (or set KEEL_BOOTSTRAP_SERVER)');
  const servers = bootstrap.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of servers) if (!/^[^\s:]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s)) throw usage(`bootstrap server "${s}" is not HOST:PORT`);
  const timeout = Number(v['timeout-ms']);
  if (!Number.isInteger(timeout) || timeout < 100) throw usage('--timeout-ms must be an integer >= 100');
  const config: ConnectionConfig = { bootstrapServers: servers, connectionTimeoutMs: Math.min(timeout, 10_000), requestTimeoutMs: timeout };
  const tlsWanted = v.tls === true || v['tls-ca'] !== undefined || v['tls-cert'] !== undefined || v['tls-skip-verify'] === true;
  if (tlsWanted) {
    const ca = readPem(v['tls-ca'] as string | undefined, 'CA file');
    const cert = readPem(v['tls-cert'] as string | undefined, 'client certificate');
    const key = readPem(v['tls-key'] as string | undefined, 'client key');
    config.tls = { enabled: true, skipVerify: v['tls-skip-verify'] === true, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  const mechanism = (v['sasl-mechanism'] as string | undefined)?.toUpperCase();
  if (mechanism !== undefined) {
    if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') throw usage('--sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
    const username = v['sasl-username'] as string | undefined;
    if (!username) throw usage('--sasl-username is required with --sasl-mechanism');
    // The environment keeps the password out of shell history and `ps`.
    const password = (v['sasl-password'] as string | undefined) ?? process.env.KEEL_SASL_PASSWORD;
    config.sasl = { mechanism, username, ...(password !== undefined ? { password } : {}) };
  }
  return config;
}

export function openAdapter(v: Values): KafkaAdapter {
  return new KafkaAdapter(connectionConfig(v), { clientId: 'keel-cli', retries: 1 });
}

/** Plain-text table in the kafka-*.sh style: left-aligned columns, two spaces apart. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Lines from standard input (produce without --value). */
  stdinLines(): AsyncIterable<string>;
}
