// Run-time state of one topic partition: its replicas' logs (opened on first use, so a
// cluster with many idle partitions starts instantly), the high watermark and the
// listeners that long-polling fetches wait on.
import { PartitionLog } from '../log/partition-log.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import type { PartitionState } from './metadata-store.js';
import type { Topic } from './topic.js';

export class Partition {
  private readonly logs = new Map<number, PartitionLog>();
  /** Followers' log end offsets as last reported by their fetches. */
  readonly followerEndOffsets = new Map<number, number>();
  private highWatermarkValue = -1;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly topic: Topic,
    public state: PartitionState,
  ) {}

  get index(): number {
    return this.state.partition;
  }

  get name(): string {
    return `${this.topic.name}-${this.state.partition}`;
  }

  get leader(): number {
    return this.state.leader;
  }

  /** The replica log this partition has on `nodeId`, opening (and recovering) it on first use. */
  logOn(nodeId: number): PartitionLog {
    let log = this.logs.get(nodeId);
    if (!log) {
      const node = this.topic.cluster.node(nodeId);
      log = PartitionLog.open(node.partitionDir(this.topic.name, this.index), this.topic.logConfig());
      this.logs.set(nodeId, log);
    }
    return log;
  }

  leaderLog(): PartitionLog {
    return this.logOn(this.state.leader);
  }

  /** Consumers read up to here: the smallest log end offset among the in-sync replicas. */
  get highWatermark(): number {
    if (this.highWatermarkValue < 0) this.advanceHighWatermark();
    return this.highWatermarkValue;
  }

  advanceHighWatermark(): boolean {
    if (this.state.leader < 0) return false;
    let hw = this.leaderLog().logEndOffset;
    for (const replica of this.state.isr) {
      if (replica === this.state.leader) continue;
      hw = Math.min(hw, this.followerEndOffsets.get(replica) ?? 0);
    }
    if (hw > this.highWatermarkValue) {
      this.highWatermarkValue = hw;
      return true;
    }
    return false;
  }

  /** Appends validated batches on the leader and wakes anyone waiting for data. */
  appendAsLeader(records: Buffer, batches: BatchHeader[], now: number) {
    const log = this.leaderLog();
    const result = log.appendAsLeader(records, batches, {
      leaderEpoch: this.state.leaderEpoch,
      timestampType: this.topic.config('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
      now,
    });
    this.advanceHighWatermark();
    this.notifyAppend();
    return result;
  }

  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  notifyAppend(): void {
    for (const listener of [...this.appendListeners]) listener();
  }

  /** Drops the high watermark cache after a leadership change; it is recomputed from the new leader. */
  resetHighWatermark(): void {
    this.highWatermarkValue = -1;
  }

  applyLogConfig(): void {
    const config = this.topic.logConfig();
    for (const log of this.logs.values()) log.setConfig(config);
  }

  /** Every replica log already opened, by node. */
  openLogs(): ReadonlyMap<number, PartitionLog> {
    return this.logs;
  }

  /** Closes the replica on one node: flushed and marked clean unless it crashed. */
  closeLogOn(nodeId: number, crashed: boolean): void {
    const log = this.logs.get(nodeId);
    if (!log) return;
    this.logs.delete(nodeId);
    if (crashed) log.abandon();
    else log.close();
  }

  deleteFromDisk(): void {
    for (const node of this.state.replicas) {
      const log = this.logOn(node);
      log.deleteFromDisk();
    }
    this.logs.clear();
    this.notifyAppend();
  }
}
