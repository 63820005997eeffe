// The durable offsets journal: what was acknowledged survives a restart, a torn or corrupt
// tail is cut off, each load compacts into a snapshot, and offsets expire as Kafka's
// offsets.retention.minutes says.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OffsetStore } from '../../embedded-broker/group/offset-store.js';
import { Cluster } from '../../embedded-broker/cluster/cluster.js';
import { tempDir } from '../helpers/embedded-cluster.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = tempDir('keel-offsets-');
  dirs.push(d);
  return d;
}

const quiet = () => {};
const value = (offset: number, commitTimestamp = 1000) => ({ offset, leaderEpoch: 0, metadata: '', commitTimestamp, expireTimestamp: null });

describe('offset journal', () => {
  it('keeps acknowledged commits across reopen and compacts into a snapshot', async () => {
    const dir = freshDir();
    const s1 = new OffsetStore(dir, quiet);
    await s1.commit('g', [{ topic: 't', partition: 0, value: value(5) }, { topic: 't', partition: 1, value: value(7) }]);
    await s1.commit('g', [{ topic: 't', partition: 0, value: value(9) }]);
    await s1.saveGroupInfo('g', { protocolType: 'consumer', generationId: 4, stateTimestamp: 123 });
    await s1.deleteOffsets('g', [{ topic: 't', partition: 1 }]);
    await s1.commit('h', [{ topic: 'u', partition: 2, value: value(1) }]);
    await s1.deleteGroup('h');
    s1.close();
    const s2 = new OffsetStore(dir, quiet);
    expect(s2.get('g', 't', 0)?.offset).toBe(9);
    expect(s2.get('g', 't', 1)).toBeUndefined();
    expect(s2.hasOffsets('h')).toBe(false);
    expect(s2.storedGroups.get('g')).toEqual({ protocolType: 'consumer', generationId: 4, stateTimestamp: 123 });
    // Loading rewrote the snapshot and emptied the journal.
    expect(fs.statSync(path.join(dir, 'group-offsets', 'journal.log')).size).toBe(0);
    expect(fs.statSync(path.join(dir, 'group-offsets', 'snapshot.log')).size).toBeGreaterThan(0);
    s2.close();
  });

  it('discards a torn tail and a corrupt record, keeping everything before them', async () => {
    const dir = freshDir();
    const s1 = new OffsetStore(dir, quiet);
    await s1.commit('g', [{ topic: 't', partition: 0, value: value(1) }]);
    await s1.commit('g', [{ topic: 't', partition: 0, value: value(2) }]);
    s1.close();
    const journal = path.join(dir, 'group-offsets', 'journal.log');
    const good = fs.readFileSync(journal);
    // A crash mid-append: half a record header and some payload.
    fs.appendFileSync(journal, Buffer.from([0, 0, 0, 40, 1, 2]));
    const s2 = new OffsetStore(dir, quiet);
    expect(s2.get('g', 't', 0)?.offset).toBe(2);
    await s2.commit('g', [{ topic: 't', partition: 1, value: value(3) }]);
    s2.close();

    // Flip a byte inside the last record's payload: its checksum fails and it is dropped.
    const s3pre = new OffsetStore(dir, quiet);
    await s3pre.commit('g', [{ topic: 't', partition: 0, value: value(50) }]);
    s3pre.close();
    const bytes = fs.readFileSync(journal);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(journal, bytes);
    const s3 = new OffsetStore(dir, quiet);
    expect(s3.get('g', 't', 0)?.offset).toBe(2);
    expect(s3.get('g', 't', 1)?.offset).toBe(3);
    expect(good.length).toBeGreaterThan(0);
    s3.close();
  });
});

describe('offset retention', () => {
  it('expires offsets of Empty and group-less groups after offsets.retention.minutes and drops the group', async () => {
    const dir = freshDir();
    const cluster = await Cluster.start({ dataDir: dir, brokers: 1, ports: 0, logger: quiet, config: { 'offsets.retention.minutes': '1' } });
    try {
      const now = Date.now();
      await cluster.groups.store.commit('simple', [{ topic: 't', partition: 0, value: value(1, now) }]);
      cluster.groups.getOrCreate('simple');
      const withExpiry = cluster.groups.getOrCreate('explicit');
      await cluster.groups.store.commit('explicit', [{ topic: 't', partition: 0, value: { ...value(3, now), expireTimestamp: now + 10_000 } }]);
      expect(withExpiry.is('Empty')).toBe(true);
      cluster.groups.expireOffsets(now + 30_000);
      expect(cluster.groups.store.get('simple', 't', 0)?.offset).toBe(1);
      expect(cluster.groups.store.get('explicit', 't', 0)).toBeUndefined();
      expect(cluster.groups.groups.has('explicit')).toBe(false);
      cluster.groups.expireOffsets(now + 61_000);
      expect(cluster.groups.store.get('simple', 't', 0)).toBeUndefined();
      expect(cluster.groups.groups.has('simple')).toBe(false);
    } finally {
      await cluster.close();
    }
  });
});
