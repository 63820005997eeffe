// The one durability mechanism behind the offset and transaction journals: group commit (one
// write + fsync for a turn's appends), torn-tail cut on load, compaction into a snapshot,
// binary offset records, and old JSON records still readable.
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordJournal } from '../../embedded-broker/log/record-journal.js';
import { jsonCodec } from '../../embedded-broker/log/record-codec.js';
import { openOffsetJournal, type JournalRecord } from '../../embedded-broker/group/offset-journal.js';
import { tempDir } from '../helpers/embedded-cluster.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function freshDir(): string {
  const d = tempDir('keel-journal-');
  dirs.push(d);
  return d;
}
const quiet = () => {};

function jsonJournal(dir: string, state: () => Iterable<{ id: string; v: number }> = () => []) {
  return new RecordJournal<{ id: string; v: number }>({ dir, journalFile: 'j', snapshotFile: 's', label: 'test', codec: jsonCodec(), snapshotState: state, log: quiet });
}

describe('record journal', () => {
  it('answers a turn of appends with one write and one fdatasync', async () => {
    const dir = freshDir();
    const j = jsonJournal(dir);
    j.load();
    const syncs = vi.spyOn(fs, 'fdatasync');
    const writes = vi.spyOn(fs, 'write');
    await Promise.all(Array.from({ length: 50 }, (_, i) => j.append([{ id: 'a', v: i }])));
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(writes).toHaveBeenCalledTimes(1);
    j.close();
    const again = jsonJournal(dir);
    expect(again.load().map((r) => r.v)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    again.close();
  });

  it('cuts a torn tail, refuses mixing sync and pending async appends, compacts into the snapshot', async () => {
    const dir = freshDir();
    const state = new Map<string, number>();
    const j = jsonJournal(dir, () => [...state].map(([id, v]) => ({ id, v })));
    j.load();
    j.appendSync([{ id: 'a', v: 1 }]);
    const pending = j.append([{ id: 'b', v: 2 }]);
    expect(() => j.appendSync([{ id: 'c', v: 3 }])).toThrow(/pending/);
    await pending;
    j.close();
    fs.appendFileSync(path.join(dir, 'j'), Buffer.from([0, 0, 0, 99, 1, 2, 3]));
    const j2 = jsonJournal(dir, () => [...state].map(([id, v]) => ({ id, v })));
    expect(j2.load()).toEqual([{ id: 'a', v: 1 }, { id: 'b', v: 2 }]);
    expect(fs.statSync(path.join(dir, 'j')).size).toBe(2 * 12 + 2 * JSON.stringify({ id: 'a', v: 1 }).length);
    state.set('z', 26);
    j2.compact();
    expect(fs.statSync(path.join(dir, 'j')).size).toBe(0);
    j2.close();
    const j3 = jsonJournal(dir);
    expect(j3.load()).toEqual([{ id: 'z', v: 26 }]);
    j3.close();
  });

  it('round-trips binary offset records and still reads the earlier JSON records', async () => {
    const dir = freshDir();
    const legacy: JournalRecord = { k: 'c', g: 'old', t: 't', p: 0, o: 7, e: -1, m: '', ct: 5, xt: null };
    const payload = Buffer.from(JSON.stringify(legacy));
    const header = Buffer.alloc(8);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32c(payload) >>> 0, 4);
    fs.mkdirSync(path.join(dir, 'group-offsets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'group-offsets', 'journal.log'), Buffer.concat([header, payload]));
    const records: JournalRecord[] = [
      { k: 'c', g: 'grüppe', t: 'topic', p: 3, o: 2 ** 40 + 1, e: 9, m: null, ct: 1_700_000_000_123, xt: 1_800_000_000_000 },
      { k: 'c', g: 'g', t: 't', p: 0, o: 0, e: -1, m: 'x'.repeat(5000), ct: 1, xt: null },
      { k: 'd', g: 'g', t: 't', p: 1 },
      { k: 'x', g: 'h' },
      { k: 'g', g: 'g', pt: null, gen: 12, ts: 99 },
    ];
    const j = openOffsetJournal(dir, () => [], quiet);
    expect(j.load()).toEqual([legacy]);
    await j.append(records);
    j.close();
    const j2 = openOffsetJournal(dir, () => [], quiet);
    expect(j2.load()).toEqual([legacy, ...records]);
    j2.close();
  });
});
