// Keeps every follower's fetchers in line with the controller's state: one fetcher per
// (follower broker, leader broker) pair, each partition followed by the fetcher of its
// current leader.
import { FollowerFetcher } from './follower-fetcher.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Partition } from '../cluster/partition.js';

export class ReplicaManager {
  private readonly fetchers = new Map<string, FollowerFetcher>();
  /** Which fetcher follows each partition for each follower broker. */
  private readonly following = new Map<Partition, Map<number, FollowerFetcher>>();
  private readonly isolated = new Set<number>();
  /** In-flight replica fetches per follower, woken when that follower gets a new partition. */
  private readonly followerWakers = new Map<number, Set<() => void>>();
  private closed = false;

  constructor(private readonly cluster: Cluster) {}

  private fetcherFor(followerId: number, leaderId: number): FollowerFetcher {
    const key = `${followerId}->${leaderId}`;
    let fetcher = this.fetchers.get(key);
    if (!fetcher) {
      fetcher = new FollowerFetcher(this.cluster, followerId, leaderId);
      fetcher.paused = this.isolated.has(followerId);
      this.fetchers.set(key, fetcher);
    }
    return fetcher;
  }

  /** Re-derives who follows `partition` from whom after any leader, replica or liveness change. */
  partitionChanged(partition: Partition): void {
    if (this.closed) return;
    const current = this.following.get(partition) ?? new Map<number, FollowerFetcher>();
    const { leader, replicas } = partition.state;
    const wanted = new Set(
      partition.deleted || leader < 0 || !this.cluster.node(leader).isRunning
        ? []
        : replicas.filter((r) => r !== leader && this.cluster.hasNode(r) && this.cluster.node(r).isRunning),
    );
    for (const [follower, fetcher] of current) {
      if (!wanted.has(follower) || fetcher.leaderId !== leader) {
        fetcher.remove(partition);
        current.delete(follower);
      }
    }
    for (const follower of wanted) {
      const fetcher = this.fetcherFor(follower, leader);
      if (fetcher.add(partition)) this.wakeFollower(follower);
      current.set(follower, fetcher);
    }
    if (current.size > 0) this.following.set(partition, current);
    else this.following.delete(partition);
  }

  /**
   * A follower's long-polling fetch only names the partitions it knew when it was sent;
   * ending it early lets a newly followed partition start replicating at once instead of
   * after replica.fetch.wait.max.ms.
   */
  onFollowerWake(followerId: number, wake: () => void): () => void {
    let set = this.followerWakers.get(followerId);
    if (!set) this.followerWakers.set(followerId, (set = new Set()));
    set.add(wake);
    return () => set.delete(wake);
  }

  private wakeFollower(followerId: number): void {
    for (const wake of [...(this.followerWakers.get(followerId) ?? [])]) wake();
  }

  partitionRemoved(partition: Partition): void {
    for (const fetcher of this.following.get(partition)?.values() ?? []) fetcher.remove(partition);
    this.following.delete(partition);
  }

  /** A stopped broker fetches nothing, and nobody fetches from it any more. */
  nodeStopped(nodeId: number): void {
    for (const [key, fetcher] of this.fetchers) {
      if (fetcher.followerId !== nodeId && fetcher.leaderId !== nodeId) continue;
      fetcher.stop();
      this.fetchers.delete(key);
    }
    for (const [partition, byFollower] of this.following) {
      for (const [follower, fetcher] of byFollower) {
        if (fetcher.followerId === nodeId || fetcher.leaderId === nodeId) byFollower.delete(follower);
      }
      if (byFollower.size === 0) this.following.delete(partition);
    }
  }

  /** The sandbox's "isolate follower" fault: its fetchers pause, so it falls out of every ISR. */
  setIsolated(nodeId: number, isolated: boolean): void {
    if (isolated) this.isolated.add(nodeId);
    else this.isolated.delete(nodeId);
    for (const fetcher of this.fetchers.values()) if (fetcher.followerId === nodeId) fetcher.paused = isolated;
  }

  isIsolated(nodeId: number): boolean {
    return this.isolated.has(nodeId);
  }

  close(): void {
    this.closed = true;
    for (const fetcher of this.fetchers.values()) fetcher.stop();
    this.fetchers.clear();
    this.following.clear();
  }
}
