// Committed offsets of every group, in memory and in the durable journal. Memory changes
// synchronously when a commit is accepted (so a change never awaits halfway); the caller
// answers the client only after the returned promise says the record is on disk.
import type { RecordJournal } from '../log/record-journal.js';
import { openOffsetJournal, type JournalRecord } from './offset-journal.js';

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
  /** Explicit expiry from OffsetCommit v1-v4 retention; null means "by offsets.retention.minutes". */
  expireTimestamp: number | null;
}

/** What survives a restart about a group besides its offsets (members rejoin anyway). */
export interface StoredGroupInfo {
  protocolType: string | null;
  generationId: number;
  stateTimestamp: number;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  value: CommittedOffset;
}

type TopicOffsets = Map<number, CommittedOffset>;

export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, TopicOffsets>>();
  readonly storedGroups = new Map<string, StoredGroupInfo>();
  private readonly journal: RecordJournal<JournalRecord>;

  constructor(dataDir: string, log: (level: 'info' | 'warn' | 'error', message: string) => void) {
    this.journal = openOffsetJournal(dataDir, () => this.stateRecords(), log);
    for (const r of this.journal.load()) this.apply(r);
    // Start each run from a fresh snapshot so the journal only ever holds this run's changes.
    this.journal.compact();
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId)?.get(topic)?.get(partition);
  }

  /** Topic → partition → offset for one group (live view; do not mutate). */
  groupOffsets(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> | undefined {
    return this.offsets.get(groupId);
  }

  hasOffsets(groupId: string): boolean {
    return (this.offsets.get(groupId)?.size ?? 0) > 0;
  }

  groupIds(): IterableIterator<string> {
    return this.offsets.keys();
  }

  commit(groupId: string, entries: OffsetCommitEntry[]): Promise<void> {
    const records: JournalRecord[] = entries.map((e) => ({
      k: 'c',
      g: groupId,
      t: e.topic,
      p: e.partition,
      o: e.value.offset,
      e: e.value.leaderEpoch,
      m: e.value.metadata,
      ct: e.value.commitTimestamp,
      xt: e.value.expireTimestamp,
    }));
    return this.record(records);
  }

  deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[]): Promise<void> {
    return this.record(partitions.map((p) => ({ k: 'd', g: groupId, t: p.topic, p: p.partition })));
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.record([{ k: 'x', g: groupId }]);
  }

  saveGroupInfo(groupId: string, info: StoredGroupInfo): Promise<void> {
    return this.record([{ k: 'g', g: groupId, pt: info.protocolType, gen: info.generationId, ts: info.stateTimestamp }]);
  }

  close(): void {
    this.journal.close();
  }

  private record(records: JournalRecord[]): Promise<void> {
    for (const r of records) this.apply(r);
    return this.journal.append(records);
  }

  private apply(r: JournalRecord): void {
    switch (r.k) {
      case 'c': {
        let topics = this.offsets.get(r.g);
        if (!topics) this.offsets.set(r.g, (topics = new Map()));
        let parts = topics.get(r.t);
        if (!parts) topics.set(r.t, (parts = new Map()));
        const current = parts.get(r.p);
        if (current) {
          // Updated in place: the stored object is long-lived (old generation), and replacing it
          // on every commit would turn each commit into old-generation garbage.
          current.offset = r.o;
          current.leaderEpoch = r.e;
          current.metadata = r.m;
          current.commitTimestamp = r.ct;
          current.expireTimestamp = r.xt;
        } else {
          parts.set(r.p, { offset: r.o, leaderEpoch: r.e, metadata: r.m, commitTimestamp: r.ct, expireTimestamp: r.xt });
        }
        break;
      }
      case 'd': {
        const topics = this.offsets.get(r.g);
        const parts = topics?.get(r.t);
        if (!topics || !parts) break;
        parts.delete(r.p);
        if (parts.size === 0) topics.delete(r.t);
        if (topics.size === 0) this.offsets.delete(r.g);
        break;
      }
      case 'x':
        this.offsets.delete(r.g);
        this.storedGroups.delete(r.g);
        break;
      case 'g':
        this.storedGroups.set(r.g, { protocolType: r.pt, generationId: r.gen, stateTimestamp: r.ts });
        break;
    }
  }

  private *stateRecords(): Generator<JournalRecord> {
    for (const [g, info] of this.storedGroups) yield { k: 'g', g, pt: info.protocolType, gen: info.generationId, ts: info.stateTimestamp };
    for (const [g, topics] of this.offsets) {
      for (const [t, parts] of topics) {
        for (const [p, v] of parts) {
          yield { k: 'c', g, t, p, o: v.offset, e: v.leaderEpoch, m: v.metadata, ct: v.commitTimestamp, xt: v.expireTimestamp };
        }
      }
    }
  }
}
