/**
 * Leader epoch → first offset written in that epoch, persisted in `leader-epoch-checkpoint`
 * (Kafka's format: version, count, "epoch startOffset" lines). Followers use it through
 * OffsetForLeaderEpoch to find where their log diverges from the leader's.
 */
import { parseIntegers, readCheckpoint, writeCheckpoint } from './checkpoint-file.js';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export class LeaderEpochCache {
  private entries: EpochEntry[] = [];
  /** The file holds the current entries but was not fsynced (written by assign). */
  private unsynced = false;

  constructor(private readonly file: string) {}

  /** Loads the checkpoint; false when it is missing or malformed (the caller rebuilds). */
  load(): boolean {
    const lines = readCheckpoint(this.file);
    if (lines === null) return false;
    const entries: EpochEntry[] = [];
    for (const line of lines) {
      const nums = parseIntegers(line, 2);
      if (nums === null) return false;
      const [epoch, startOffset] = nums as [number, number];
      const prev = entries[entries.length - 1];
      if (epoch < 0 || startOffset < 0 || (prev && (epoch <= prev.epoch || startOffset < prev.startOffset))) return false;
      entries.push({ epoch, startOffset });
    }
    this.entries = entries;
    return true;
  }

  /**
   * Records that `epoch` starts at `startOffset` if it is newer than the latest known epoch.
   * Called on the append path (first batch of a new epoch), so the file is written without
   * fsync: an fsync per partition stalled the event loop ~10 ms each on a busy disk, e.g.
   * 32 of them on a new topic's first produce. The entry describes data that is itself not yet
   * fsynced; PartitionLog fsyncs it with the data (sync() on roll, flush and close) and an
   * unclean open re-derives the active segment's epochs from its batches (log-open.ts).
   */
  assign(epoch: number, startOffset: number, persist = true): void {
    if (epoch < 0) return;
    const last = this.entries[this.entries.length - 1];
    if (last && epoch <= last.epoch) return;
    // A newer epoch may not start before an older one ends; drop what it supersedes.
    while (this.entries.length > 0 && this.entries[this.entries.length - 1]!.startOffset >= startOffset) this.entries.pop();
    this.entries.push({ epoch, startOffset });
    if (persist) this.persist(false);
  }

  latestEpoch(): number {
    return this.entries.length === 0 ? -1 : this.entries[this.entries.length - 1]!.epoch;
  }

  /**
   * Kafka's OffsetForLeaderEpoch answer: the largest epoch <= `requested` and the start offset of
   * the next higher epoch (the log end offset for the latest epoch); (-1, -1) when unknown.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requested < 0 || this.entries.length === 0) return { epoch: -1, endOffset: -1 };
    const latest = this.entries[this.entries.length - 1]!;
    if (requested === latest.epoch) return { epoch: requested, endOffset: logEndOffset };
    let higher = -1;
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i]!.epoch > requested) {
        higher = i;
        break;
      }
    }
    if (higher < 0) return { epoch: -1, endOffset: -1 };
    const endOffset = this.entries[higher]!.startOffset;
    if (higher === 0) return { epoch: requested, endOffset };
    return { epoch: this.entries[higher - 1]!.epoch, endOffset };
  }

  /** Follower truncation: forget epochs starting at or after `offset`. */
  truncateFromEnd(offset: number): void {
    const before = this.entries.length;
    while (this.entries.length > 0 && this.entries[this.entries.length - 1]!.startOffset >= offset) this.entries.pop();
    if (this.entries.length !== before) this.persist();
  }

  /** Log start moved to `offset`: the epoch covering it now starts there. */
  truncateFromStart(offset: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.entries.length && this.entries[keepFrom + 1]!.startOffset <= offset) keepFrom++;
    const changed = keepFrom > 0 || (this.entries.length > 0 && this.entries[0]!.startOffset < offset);
    if (!changed) return;
    this.entries = this.entries.slice(keepFrom);
    if (this.entries[0]!.startOffset < offset) this.entries[0] = { epoch: this.entries[0]!.epoch, startOffset: offset };
    this.persist();
  }

  clear(): void {
    this.entries = [];
    this.persist();
  }

  snapshot(): EpochEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  persist(sync = true): void {
    writeCheckpoint(this.file, this.entries.map((e) => `${e.epoch} ${e.startOffset}`), sync);
    this.unsynced = !sync;
  }

  /** Makes entries written by assign durable; called before log data is fsynced. */
  sync(): void {
    if (this.unsynced) this.persist(true);
  }
}
