// The headless sandbox's stdin commands (issue 3), driven in a child process the way a
// user types them: `status`, `stop 2`, `start 2`, plus isolate/heal and fault commands; each
// answer is checked against what a raw client sees on the wire. The child is killed by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/embedded-cluster.js';
import { createTopic, keyedBatch, metadataView, producePartition, waitFor, withClient } from '../helpers/replication.js';
import { ErrorCode } from '../../embedded-broker/cluster/error-codes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = tempDir('keel-sandbox-cli-');
let child: ChildProcess | null = null;
let output = '';

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    process.kill(child.pid, 'SIGKILL');
    await gone;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Writes one command line and resolves with the output that follows, once `until` matches it. */
async function command(line: string, until: RegExp): Promise<string> {
  const from = output.length;
  child!.stdin!.write(`${line}\n`);
  return waitFor(() => {
    const out = output.slice(from);
    return until.test(out) ? out : null;
  }, 10_000, `answer to "${line}" (got: ${JSON.stringify(output.slice(from))})`);
}

describe('sandbox CLI stdin commands', () => {
  it('status, stop 2, start 2, isolate/heal and fault act on the running cluster', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'embedded-broker/sandbox-cli.ts'), '--brokers', '3', '--data-dir', dataDir, '--port', '0'], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const banner = await waitFor(() => /bootstrap servers: (\S+)/.exec(output), 20_000, 'sandbox banner');
    const bootstrap = banner[1]!.split(',');
    expect(bootstrap).toHaveLength(3);
    expect(bootstrap.every((b) => b.startsWith('127.0.0.1:'))).toBe(true);
    await createTopic(bootstrap, { name: 'cli-topic', partitions: 3, replicationFactor: 3 });

    const status = await command('status', /broker 3 .*\n/);
    expect(status.match(/broker \d 127\.0\.0\.1:\d+ running leader-of=1 replica-of=3/g)).toHaveLength(3);

    expect(await command('stop 2', /broker 2 stopped\n/)).toContain('broker 2 stopped');
    const md = await metadataView(bootstrap[0]!, 'cli-topic');
    expect([...md.brokers.keys()].sort()).toEqual([1, 3]);
    expect(md.partitions.every((p) => p.leader !== 2 && !p.isr.includes(2) && p.offline.includes(2))).toBe(true);
    expect(await command('status', /broker 3 .*\n/)).toMatch(/broker 2 127\.0\.0\.1:\d+ stopped leader-of=0/);

    expect(await command('start 2', /broker 2 started\n/)).toContain('broker 2 started');
    await waitFor(async () => (await metadataView(bootstrap[0]!, 'cli-topic')).partitions.every((p) => p.isr.length === 3), 10_000, 'broker 2 back in the ISRs');
    expect(await command('status', /broker 3 .*\n/)).toMatch(/broker 2 127\.0\.0\.1:\d+ running/);

    const leader0 = (await metadataView(bootstrap[0]!, 'cli-topic')).partitions[0]!.leader;
    await command(`fault 0 ${ErrorCode.NOT_ENOUGH_REPLICAS} 1 ${leader0}`, /answer error/);
    await withClient(bootstrap[leader0 - 1]!, async (c) => {
      expect((await producePartition(c, 'cli-topic', 0, -1, keyedBatch([{ value: 'a' }]))).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
      expect((await producePartition(c, 'cli-topic', 0, -1, keyedBatch([{ value: 'b' }]))).errorCode).toBe(ErrorCode.NONE);
    });
    const target = [1, 2, 3].find((id) => id !== leader0)!;
    expect(await command(`move cli-topic 0 ${target}`, /now led by/)).toContain(`cli-topic-0 now led by broker ${target}`);
    expect((await metadataView(bootstrap[0]!, 'cli-topic')).partitions[0]!.leader).toBe(target);
    expect(await command('move cli-topic 0 9', /error: /)).toMatch(/error: /);
    expect(await command('isolate 3', /isolated/)).toContain('broker 3 isolated from replication');
    expect(await command('heal 3', /replicating again/)).toContain('broker 3 replicating again');
    expect(await command('bogus', /unknown command/)).toContain('unknown command "bogus"');

    const gone = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGTERM');
    expect(await gone).toBe(0);
  }, 45_000);
});
