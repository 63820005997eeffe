// Run-time state of one topic partition: its replicas' logs (opened on first use, so a
// cluster with many idle partitions starts instantly), what the leader knows about each
// follower, the high watermark, and the waiters (long-poll fetches, acks=all produces).
import { PartitionLog } from '../log/partition-log.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import type { PartitionState } from './metadata-store.js';
import type { Topic } from './topic.js';
import { ErrorCode, KafkaError } from './error-codes.js';
import { producerStateOf } from '../txn/log-producer-state.js';

/** What the leader knows about one follower, from its fetches. */
export interface FollowerProgress {
  logEndOffset: number;
  /** Last time the follower had fetched everything the leader had (Kafka's lastCaughtUpTimeMs). */
  lastCaughtUpTime: number;
  lastFetchTime: number;
  lastFetchLeaderEndOffset: number;
}

export class Partition {
  private readonly logs = new Map<number, PartitionLog>();
  readonly followers = new Map<number, FollowerProgress>();
  private highWatermarkValue = -1;
  /** The leader log's end offset when the current leader took over; followers must reach it to join the ISR. */
  leaderEpochStartOffset = 0;
  /** When the current leader took over; followers get this long to catch up before leaving the ISR. */
  leaderSince = Date.now();
  deleted = false;
  /** Woken when the leader's log grows (follower fetches wait on this). */
  private readonly appendListeners = new Set<() => void>();
  /** Woken when the high watermark moves or leadership/ISR changes (consumer fetches, acks=all). */
  private readonly progressListeners = new Set<() => void>();

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
      if (this.deleted) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.name} was deleted.`);
      const node = this.topic.cluster.node(nodeId);
      log = PartitionLog.open(node.partitionDir(this.topic.name, this.index), this.topic.logConfig());
      // Every replica tracks producer state from the moment its log opens (txn/: sequences
      // de-duplicate after a leader change, open transactions hold back the last stable offset).
      producerStateOf(log, Number(this.topic.cluster.brokerConfig('producer.id.expiration.ms')));
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
    return Math.max(this.highWatermarkValue, 0);
  }

  /** A follower's log end offset as the leader last heard it (its local log before any fetch). */
  private followerEndOffset(replica: number): number {
    const progress = this.followers.get(replica);
    if (progress) return progress.logEndOffset;
    const node = this.topic.cluster.node(replica);
    return node.isRunning || this.logs.has(replica) ? this.logOn(replica).logEndOffset : 0;
  }

  advanceHighWatermark(): boolean {
    if (this.state.leader < 0) return false;
    const leaderEnd = this.leaderLog().logEndOffset;
    let hw = leaderEnd;
    for (const replica of this.state.isr) {
      if (replica !== this.state.leader) hw = Math.min(hw, this.followerEndOffset(replica));
    }
    // After an unclean election the new leader may hold less than the old high watermark.
    if (this.highWatermarkValue > leaderEnd) this.highWatermarkValue = leaderEnd;
    if (hw > this.highWatermarkValue) {
      this.highWatermarkValue = hw;
      this.notifyProgress();
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
    for (const listener of [...this.appendListeners]) listener();
    this.advanceHighWatermark();
    return result;
  }

  /** Records a follower's fetch position (Kafka's replica state update on the leader). */
  recordFollowerFetch(replica: number, fetchOffset: number, now: number): void {
    const leaderEnd = this.leaderLog().logEndOffset;
    let progress = this.followers.get(replica);
    if (!progress) {
      progress = { logEndOffset: fetchOffset, lastCaughtUpTime: 0, lastFetchTime: now, lastFetchLeaderEndOffset: leaderEnd };
      this.followers.set(replica, progress);
    }
    if (fetchOffset >= leaderEnd) progress.lastCaughtUpTime = Math.max(progress.lastCaughtUpTime, now);
    else if (fetchOffset >= progress.lastFetchLeaderEndOffset) progress.lastCaughtUpTime = Math.max(progress.lastCaughtUpTime, progress.lastFetchTime);
    progress.logEndOffset = fetchOffset;
    progress.lastFetchTime = now;
    progress.lastFetchLeaderEndOffset = leaderEnd;
  }

  /** Follower waiters: the leader's log grew. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Consumer and acks=all waiters: the high watermark, the ISR or the leader changed. */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  notifyProgress(): void {
    for (const listener of [...this.progressListeners]) listener();
  }

  /** Leadership moved: forget what the old leader knew about followers and wake every waiter. */
  leadershipChanged(): void {
    this.followers.clear();
    if (this.state.leader >= 0) {
      const leaderEnd = this.leaderLog().logEndOffset;
      this.leaderEpochStartOffset = leaderEnd;
      this.highWatermarkValue = Math.min(this.highWatermarkValue, leaderEnd);
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const listener of [...this.appendListeners]) listener();
    this.notifyProgress();
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

  /** Removes one replica's data (topic deletion, or a replica moved away by reassignment). */
  deleteReplica(nodeId: number): void {
    const log = this.logs.get(nodeId) ?? this.logOn(nodeId);
    this.logs.delete(nodeId);
    log.deleteFromDisk();
  }

  deleteFromDisk(): void {
    for (const node of this.state.replicas) this.deleteReplica(node);
    this.deleted = true;
    this.logs.clear();
    this.wakeAll();
  }
}
