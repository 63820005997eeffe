// The keel command line against a real sandbox: topics, produce/consume, groups (tables compared
// with what a kafkajs consumer committed), offset resets (--dry-run changes nothing, --execute
// refused on an active group with exit 4), JSON output and exit codes. Most commands run
// in-process through runCli; a few run as real processes to check the launcher and exit codes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs, { type Consumer } from 'kafkajs';
import { runCli } from '../../electron/cli/keel-cli.js';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { waitFor } from '../contract/harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let cluster: TestCluster;
let bs: string;
const TOPIC = 'cli-topic';

async function keel(args: string[], stdin: string[] = []) {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--bootstrap-server', bs], {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    async *stdinLines() {
      yield* stdin;
    },
  });
  return { code, out, err };
}

/** Rows of a keel table as objects keyed by the header. */
function rows(text: string): Array<Record<string, string>> {
  const lines = text.trim().split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('Consumer group'));
  const header = lines[0]!.split(/\s{2,}/);
  return lines.slice(1).map((l) => Object.fromEntries(l.split(/\s{2,}/).map((c, i) => [header[i], c])));
}

async function consumeAll(groupId: string, expected: number): Promise<Consumer> {
  const kafka = new kafkajs.Kafka({ clientId: 'cli-test-consumer', brokers: cluster.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 5_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let n = 0;
  await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void n++ });
  await waitFor(async () => n >= expected, 20_000, `${groupId} consumed ${expected}`);
  return consumer;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  bs = cluster.bootstrap.join(',');
}, 60_000);
afterAll(async () => cluster?.destroy());

describe('keel CLI', () => {
  it('creates, lists and describes topics; exit 6 when the topic exists', async () => {
    expect(await keel(['topics', 'create', TOPIC, '--partitions', '3', '--replication-factor', '2'])).toMatchObject({ code: 0, out: `Created topic ${TOPIC}.\n` });
    expect((await keel(['topics', 'create', TOPIC])).code).toBe(6);
    const list = await keel(['topics', 'list']);
    expect(list.code).toBe(0);
    expect(rows(list.out).find((r) => r.TOPIC === TOPIC)).toMatchObject({ PARTITIONS: '3', 'REPLICATION-FACTOR': '2' });
    const json = JSON.parse((await keel(['topics', 'list', '--json'])).out) as Array<{ name: string }>;
    expect(json.map((t) => t.name)).toContain(TOPIC);
    const d = await keel(['topics', 'describe', TOPIC]);
    expect(d.out).toContain(`Topic: ${TOPIC}\tPartitionCount: 3\tReplicationFactor: 2`);
    expect(rows(d.out.split('\n').slice(1).join('\n')).map((r) => r.PARTITION)).toEqual(['0', '1', '2']);
  });

  it('produces from flags and stdin, and consumes without a group', async () => {
    const one = await keel(['produce', TOPIC, '--partition', '0', '--key', 'k0', '--value', 'hello']);
    expect(one).toMatchObject({ code: 0, out: `${TOPIC}-0@0\n` });
    const many = await keel(['produce', TOPIC, '--partition', '0', '--key-separator', ':', '--json'], ['a:1', 'b:2', 'c:3', 'd:4']);
    expect(JSON.parse(many.out)).toEqual([1, 2, 3, 4].map((o) => ({ partition: 0, offset: String(o) })));
    await keel(['produce', TOPIC, '--partition', '1'], ['x', 'y', 'z']);
    const c = await keel(['consume', TOPIC, '--partition', '0', '--from-beginning', '--print-key']);
    expect(c.out).toBe('k0\thello\na\t1\nb\t2\nc\t3\nd\t4\n');
    expect(c.err).toContain('Processed a total of 5 messages');
    const newest = JSON.parse((await keel(['consume', TOPIC, '--max-messages', '2', '--partition', '0', '--json'])).out) as Array<{ offset: string }>;
    expect(newest.map((m) => m.offset)).toEqual(['3', '4']);
  });

  it('lists and describes groups with what the client committed; resets with --dry-run and --execute', async () => {
    const consumer = await consumeAll('cli-g', 8);
    await waitFor(async () => {
      const d = rows((await keel(['groups', 'describe', 'cli-g'])).out);
      return d.find((r) => r.PARTITION === '0')?.['CURRENT-OFFSET'] === '5' && d.find((r) => r.PARTITION === '1')?.['CURRENT-OFFSET'] === '3';
    }, 20_000, 'commits visible');
    // Active group: members shown, and --execute refused with exit 4.
    const active = rows((await keel(['groups', 'describe', 'cli-g'])).out);
    expect(active.every((r) => r['CLIENT-ID'] === 'cli-test-consumer' && r['CONSUMER-ID'] !== '-')).toBe(true);
    const refused = await keel(['groups', 'reset-offsets', '--group', 'cli-g', '--topic', TOPIC, '--to-earliest', '--execute']);
    expect(refused.code).toBe(4);
    expect(refused.err).toMatch(/can only be reset if the group 'cli-g' is inactive, but the current state is Stable/);
    await consumer.disconnect();
    await keel(['produce', TOPIC, '--partition', '0', '--value', 'late1']);
    await keel(['produce', TOPIC, '--partition', '0', '--value', 'late2']);

    const desc = await keel(['groups', 'describe', 'cli-g']);
    expect(desc.out).toContain("Consumer group 'cli-g' has no active members.");
    const byPart = rows(desc.out).map((r) => [r.GROUP, r.TOPIC, r.PARTITION, r['CURRENT-OFFSET'], r['LOG-END-OFFSET'], r.LAG]);
    expect(byPart).toEqual([
      ['cli-g', TOPIC, '0', '5', '7', '2'],
      ['cli-g', TOPIC, '1', '3', '3', '0'],
    ]);
    expect(rows((await keel(['groups', 'list'])).out).find((r) => r.GROUP === 'cli-g')).toMatchObject({ STATE: 'Empty', MEMBERS: '0', LAG: '2', TOPICS: TOPIC });

    const before = (await keel(['groups', 'describe', 'cli-g'])).out;
    const dry = await keel(['groups', 'reset-offsets', '--group', 'cli-g', '--topic', TOPIC, '--to-earliest', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(rows(dry.out).map((r) => [r.PARTITION, r['CURRENT-OFFSET'], r['NEW-OFFSET']])).toEqual([['0', '5', '0'], ['1', '3', '0'], ['2', '-', '0']]);
    const implicit = await keel(['groups', 'reset-offsets', '--group', 'cli-g', '--all-topics', '--shift-by', '-1']);
    expect(implicit.err).toContain('No action was performed');
    expect((await keel(['groups', 'describe', 'cli-g'])).out).toBe(before);

    const plan = async (...flags: string[]) => {
      const r = await keel(['groups', 'reset-offsets', '--group', 'cli-g', '--topic', `${TOPIC}:0`, ...flags, '--dry-run', '--json']);
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { applied: boolean; rows: Array<{ after: string }> }).rows.map((x) => x.after);
    };
    expect(await plan('--to-latest')).toEqual(['7']);
    expect(await plan('--to-offset', '2')).toEqual(['2']);
    expect(await plan('--to-offset', '99')).toEqual(['7']);
    expect(await plan('--shift-by', '-2')).toEqual(['3']);
    expect(await plan('--to-datetime', '2000-01-01T00:00:00.000')).toEqual(['0']);
    expect(await plan('--by-duration', 'PT0S')).toEqual(['7']);
    expect(await plan('--by-duration', 'P1D')).toEqual(['0']);
    expect((await keel(['groups', 'describe', 'cli-g'])).out).toBe(before);

    const exec = await keel(['groups', 'reset-offsets', '--group', 'cli-g', '--topic', `${TOPIC}:0`, '--shift-by', '-4', '--execute', '--json']);
    expect(JSON.parse(exec.out)).toMatchObject({ groupId: 'cli-g', applied: true, rows: [{ partition: 0, before: '5', after: '1' }] });
    expect(rows((await keel(['groups', 'describe', 'cli-g'])).out).map((r) => [r.PARTITION, r['CURRENT-OFFSET'], r.LAG])).toEqual([['0', '1', '6'], ['1', '3', '0']]);
  });

  it('reports usage, not-found and unreachable clusters with distinct exit codes', async () => {
    expect((await keel(['groups', 'reset-offsets', '--group', 'g', '--topic', TOPIC, '--dry-run'])).code).toBe(2);
    expect((await keel(['groups', 'reset-offsets', '--group', 'g', '--topic', TOPIC, '--to-latest', '--dry-run', '--execute'])).code).toBe(2);
    expect((await keel(['topics', 'frobnicate'])).code).toBe(2);
    const missing = await keel(['topics', 'describe', 'no-such-topic', '--json']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.err)).toMatchObject({ error: { code: 'NOT_FOUND', exitCode: 3 } });
    expect((await keel(['groups', 'describe', 'no-such-group'])).code).toBe(3);
    const down = await runCli(['topics', 'list', '--bootstrap-server', '127.0.0.1:1', '--timeout-ms', '1000'], { out: () => undefined, err: () => undefined, stdinLines: async function* () {} });
    expect(down).toBe(5);
    expect(await keel(['topics', 'delete', TOPIC])).toMatchObject({ code: 0 });
    expect((await keel(['topics', 'describe', TOPIC])).code).toBe(3);
  });

  it('runs as `npx keel` through the bin launcher with the same exit codes', () => {
    const help = spawnSync('npx', ['--no-install', 'keel', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: keel <command>');
    const bad = spawnSync('npx', ['--no-install', 'keel', 'groups', 'reset-offsets', '--group', 'g', '--topic', 't', '--bootstrap-server', bs], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('exactly one of --to-earliest');
  });

  it('keel sandbox runs the headless broker (same flags as npm run sandbox) and stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cli-sandbox-'));
    const child = spawn(process.execPath, ['build/keel-cli.mjs', 'sandbox', '--brokers', '1', '--port', '0', '--data-dir', dataDir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout!.on('data', (d) => (out += String(d)));
      const bootstrap = await waitFor(async () => /bootstrap servers: (\S+)/.exec(out)?.[1], 30_000, 'sandbox up');
      const list = await runCli(['topics', 'create', 'via-sandbox', '--bootstrap-server', bootstrap], { out: () => undefined, err: () => undefined, stdinLines: async function* () {} });
      expect(list).toBe(0);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
