// One follower broker copying the partitions it follows from one leader broker, over the
// wire like any Kafka follower: first OffsetForLeaderEpoch to find where its log may have
// diverged (truncating what the leader never had), then Fetch with its replica id and
// log end offset, appending the leader's batches byte for byte.
import { BrokerClient } from './broker-client.js';
import { readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';
import { ErrorCode } from '../cluster/error-codes.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Partition } from '../cluster/partition.js';
import type { PartitionLog } from '../log/partition-log.js';

const FETCH_VERSION = 11;
const EPOCH_VERSION = 3;
const PARTITION_MAX_BYTES = 1024 * 1024;
const RESPONSE_MAX_BYTES = 16 * 1024 * 1024;
const RETRY_BACKOFF_MS = 100;

interface FollowState {
  /** The leader epoch this follower last truncated against. */
  epoch: number;
  truncated: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function batchesOf(records: Buffer): BatchHeader[] {
  const out: BatchHeader[] = [];
  let pos = 0;
  while (pos + 12 <= records.length) {
    const header = readBatchHeader(records, pos);
    if (pos + header.size > records.length) break; // a partial trailing batch is re-fetched next time
    out.push(header);
    pos += header.size;
  }
  return out;
}

export class FollowerFetcher {
  private readonly partitions = new Map<Partition, FollowState>();
  private client: BrokerClient | null = null;
  private looping = false;
  private stopped = false;
  private pausedValue = false;

  constructor(
    private readonly cluster: Cluster,
    readonly followerId: number,
    readonly leaderId: number,
  ) {}

  /** Follows `partition` (again, after an epoch change); true when that is news to this fetcher. */
  add(partition: Partition): boolean {
    const current = this.partitions.get(partition);
    const changed = !current || current.epoch !== partition.state.leaderEpoch;
    if (changed) this.partitions.set(partition, { epoch: partition.state.leaderEpoch, truncated: false });
    this.kick();
    return changed;
  }

  remove(partition: Partition): void {
    this.partitions.delete(partition);
  }

  /** The sandbox's "isolate" fault: the follower stops fetching and falls out of the ISR. */
  get paused(): boolean {
    return this.pausedValue;
  }

  set paused(value: boolean) {
    this.pausedValue = value;
    // A long-poll fetch already in flight would still deliver what the leader appends next.
    if (value) {
      this.client?.close();
      this.client = null;
    }
  }

  get size(): number {
    return this.partitions.size;
  }

  stop(): void {
    this.stopped = true;
    this.client?.close();
    this.client = null;
  }

  private kick(): void {
    if (this.looping || this.stopped) return;
    this.looping = true;
    void this.loop().finally(() => {
      this.looping = false;
      if (!this.stopped && this.partitions.size > 0) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.partitions.size > 0) {
      if (this.paused) {
        await sleep(RETRY_BACKOFF_MS);
        continue;
      }
      try {
        const client = await this.connect();
        await this.truncateDiverged(client);
        await this.fetchOnce(client);
      } catch (err) {
        this.client?.close();
        this.client = null;
        if (!this.stopped) await sleep(RETRY_BACKOFF_MS);
      }
    }
    this.client?.close();
    this.client = null;
  }

  private async connect(): Promise<BrokerClient> {
    if (this.client && !this.client.isClosed) return this.client;
    const leader = this.cluster.node(this.leaderId);
    this.client = await BrokerClient.connect({
      host: leader.host,
      port: leader.port,
      clientId: `keel-replica-fetcher-${this.followerId}`,
      connectTimeoutMs: 1000,
      ...this.cluster.interBrokerConnectOptions(),
    });
    await this.cluster.authenticateInterBroker(this.client);
    return this.client;
  }

  private followerLog(partition: Partition): PartitionLog {
    return partition.logOn(this.followerId);
  }

  private grouped(parts: Partition[]): Map<string, Partition[]> {
    const byTopic = new Map<string, Partition[]>();
    for (const p of parts) {
      const list = byTopic.get(p.topic.name) ?? [];
      list.push(p);
      byTopic.set(p.topic.name, list);
    }
    return byTopic;
  }

  /** Truncates each newly followed partition to where it agrees with the leader's log. */
  private async truncateDiverged(client: BrokerClient): Promise<void> {
    const pending = [...this.partitions].filter(([, s]) => !s.truncated).map(([p]) => p);
    if (pending.length === 0) return;
    const request = {
      replicaId: this.followerId,
      topics: [...this.grouped(pending)].map(([topic, parts]) => ({
        topic,
        partitions: parts.map((p) => ({ partition: p.index, currentLeaderEpoch: this.partitions.get(p)!.epoch, leaderEpoch: this.followerLog(p).latestEpoch() })),
      })),
    };
    const response = await client.request(23, EPOCH_VERSION, request);
    for (const t of response.topics) {
      for (const r of t.partitions) {
        const partition = pending.find((p) => p.topic.name === t.topic && p.index === r.partition);
        const state = partition && this.partitions.get(partition);
        if (!partition || !state || r.errorCode !== ErrorCode.NONE) continue;
        const log = this.followerLog(partition);
        if (r.leaderEpoch >= 0 && r.endOffset >= 0) {
          const own = r.leaderEpoch < log.latestEpoch() ? log.endOffsetForEpoch(r.leaderEpoch).endOffset : log.logEndOffset;
          const target = Math.min(r.endOffset, own, log.logEndOffset);
          if (target < log.logEndOffset) {
            this.cluster.log('info', `broker ${this.followerId}: truncating ${partition.name} from ${log.logEndOffset} to ${target} (leader epoch ${r.leaderEpoch})`);
            log.truncateTo(Math.max(target, log.logStartOffset));
          }
        }
        state.truncated = true;
      }
    }
  }

  private async fetchOnce(client: BrokerClient): Promise<void> {
    const ready = [...this.partitions].filter(([, s]) => s.truncated).map(([p]) => p);
    if (ready.length === 0) {
      await sleep(RETRY_BACKOFF_MS);
      return;
    }
    const request = {
      replicaId: this.followerId,
      maxWaitMs: Number(this.cluster.brokerConfig('replica.fetch.wait.max.ms')),
      minBytes: 1,
      maxBytes: RESPONSE_MAX_BYTES,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...this.grouped(ready)].map(([topic, parts]) => ({
        topic,
        partitions: parts.map((p) => {
          const log = this.followerLog(p);
          return { partition: p.index, currentLeaderEpoch: this.partitions.get(p)!.epoch, fetchOffset: log.logEndOffset, logStartOffset: log.logStartOffset, partitionMaxBytes: PARTITION_MAX_BYTES };
        }),
      })),
    };
    const response = await client.request(1, FETCH_VERSION, request);
    if (this.paused || this.stopped) return;
    for (const t of response.responses) {
      for (const r of t.partitions) {
        const partition = ready.find((p) => p.topic.name === t.topic && p.index === r.partitionIndex);
        if (!partition || !this.partitions.has(partition) || partition.deleted) continue;
        this.applyFetched(partition, r);
      }
    }
  }

  private applyFetched(partition: Partition, r: { errorCode: number; records: Buffer | null; logStartOffset: number }): void {
    const log = this.followerLog(partition);
    if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // The leader no longer has what we need next (retention or DeleteRecords): start over at its log start.
      const leaderStart = partition.logOn(this.leaderId).logStartOffset;
      if (log.logEndOffset < leaderStart) log.truncateFullyAndStartAt(leaderStart);
      else this.partitions.get(partition)!.truncated = false;
      return;
    }
    if (r.errorCode !== ErrorCode.NONE) {
      // Fenced or moved leadership: the controller re-adds the partition with the new epoch.
      return;
    }
    if (r.records && r.records.length > 0) {
      const batches = batchesOf(r.records);
      if (batches.length > 0 && batches[0]!.baseOffset === log.logEndOffset) log.appendAsFollower(r.records, batches);
    }
    if (r.logStartOffset > log.logStartOffset && r.logStartOffset <= log.logEndOffset) log.deleteRecordsBefore(r.logStartOffset);
  }
}
