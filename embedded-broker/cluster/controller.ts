// The controller's decisions: broker liveness, leader election, ISR changes and
// preferred-leader rebalancing. Each decision is one synchronous step followed by a
// persisted metadata write, so clients never observe a half-made change.
import type { Cluster } from './cluster.js';
import type { Partition } from './partition.js';
import { ErrorCode, KafkaError } from './error-codes.js';

export class Controller {
  /** Crashed brokers the controller has not noticed yet (Kafka: broker session timeout). */
  private readonly pendingFence = new Map<number, NodeJS.Timeout>();
  private isrTimer: NodeJS.Timeout | null = null;

  constructor(private readonly cluster: Cluster) {}

  start(): void {
    const lagMax = Number(this.cluster.brokerConfig('replica.lag.time.max.ms'));
    this.isrTimer = setInterval(() => this.shrinkLaggingIsr(Date.now()), Math.max(100, Math.floor(lagMax / 2)));
    this.isrTimer.unref();
  }

  close(): void {
    if (this.isrTimer) clearInterval(this.isrTimer);
    for (const t of this.pendingFence.values()) clearTimeout(t);
    this.pendingFence.clear();
  }

  private running(nodeId: number): boolean {
    return this.cluster.hasNode(nodeId) && this.cluster.node(nodeId).isRunning;
  }

  private *partitions(): Iterable<Partition> {
    for (const topic of this.cluster.topics.values()) yield* topic.partitions;
  }

  /** A graceful stop is noticed at once; a crash only after broker.session.timeout.ms. */
  async stopBroker(nodeId: number, crash: boolean): Promise<void> {
    const node = this.cluster.node(nodeId);
    if (!node.isRunning) return;
    const listenerClosed = node.shutdownListener(crash ? 'crashed' : 'stopped');
    this.cluster.replication.nodeStopped(nodeId);
    for (const partition of this.partitions()) partition.closeLogOn(nodeId, crash);
    if (crash) {
      const timeout = Number(this.cluster.brokerConfig('broker.session.timeout.ms'));
      const timer = setTimeout(() => {
        this.pendingFence.delete(nodeId);
        this.fence(nodeId);
      }, timeout);
      timer.unref();
      this.pendingFence.set(nodeId, timer);
      this.cluster.emitChange();
    } else {
      this.fence(nodeId);
    }
    await listenerClosed;
  }

  /** The broker is gone: it leaves every ISR (never emptying one) and its leaderships move. */
  fence(nodeId: number): void {
    if (this.running(nodeId)) return;
    for (const partition of this.partitions()) {
      const state = partition.state;
      if (!state.replicas.includes(nodeId)) continue;
      if (state.isr.includes(nodeId) && state.isr.length > 1) {
        state.isr = state.isr.filter((id) => id !== nodeId);
        state.partitionEpoch++;
      }
      if (state.leader === nodeId) this.elect(partition);
      else partition.advanceHighWatermark();
      partition.notifyProgress();
    }
    this.cluster.persist();
  }

  async startBroker(nodeId: number): Promise<void> {
    const node = this.cluster.node(nodeId);
    if (node.isRunning) return;
    const pending = this.pendingFence.get(nodeId);
    if (pending) {
      // Restarted before anyone noticed the crash: fence now so epochs move and followers truncate.
      clearTimeout(pending);
      this.pendingFence.delete(nodeId);
      this.fence(nodeId);
    }
    await node.listen();
    for (const partition of this.partitions()) {
      const state = partition.state;
      if (!state.replicas.includes(nodeId)) continue;
      if (state.leader < 0) this.elect(partition);
      this.cluster.replication.partitionChanged(partition);
    }
    this.cluster.persist();
  }

  /**
   * Chooses a leader: the first running replica in preferred order that is in the ISR;
   * with unclean election allowed, any running replica. Bumps the leader epoch on change.
   */
  elect(partition: Partition, options: { preferred?: number; unclean?: boolean } = {}): boolean {
    const state = partition.state;
    const eligible = (id: number) => this.running(id) && state.isr.includes(id);
    let leader: number;
    if (options.preferred !== undefined) {
      leader = eligible(options.preferred) ? options.preferred : state.leader;
    } else {
      leader = state.replicas.find(eligible) ?? -1;
      const unclean = options.unclean || partition.topic.config('unclean.leader.election.enable') === 'true';
      if (leader < 0 && unclean) {
        leader = state.replicas.find((id) => this.running(id)) ?? -1;
        if (leader >= 0) {
          state.isr = [leader];
          state.partitionEpoch++;
        }
      }
    }
    if (leader === state.leader) return false;
    state.leader = leader;
    state.leaderEpoch++;
    partition.leaderSince = Date.now();
    partition.leadershipChanged();
    this.cluster.replication.partitionChanged(partition);
    return true;
  }

  /** Called on the leader after each follower fetch: a caught-up follower rejoins the ISR. */
  followerFetched(partition: Partition, replica: number): void {
    const state = partition.state;
    if (state.isr.includes(replica) || !this.running(replica)) {
      partition.advanceHighWatermark();
      return;
    }
    const progress = partition.followers.get(replica);
    if (!progress) return;
    const hw = partition.highWatermark;
    if (progress.logEndOffset >= hw && progress.logEndOffset >= partition.leaderEpochStartOffset) {
      state.isr = [...state.isr, replica].sort((a, b) => state.replicas.indexOf(a) - state.replicas.indexOf(b));
      state.partitionEpoch++;
      partition.advanceHighWatermark();
      partition.notifyProgress();
      this.cluster.reassignments.maybeComplete(partition);
      this.maybeRestorePreferredLeader(partition);
      this.cluster.persist();
    }
  }

  /** Followers that have not caught up within replica.lag.time.max.ms leave the ISR. */
  shrinkLaggingIsr(now: number): void {
    const lagMax = Number(this.cluster.brokerConfig('replica.lag.time.max.ms'));
    let changed = false;
    for (const partition of this.partitions()) {
      const state = partition.state;
      if (state.leader < 0 || state.isr.length <= 1 || !this.running(state.leader)) continue;
      const lagging = state.isr.filter((id) => {
        if (id === state.leader) return false;
        const caughtUp = partition.followers.get(id)?.lastCaughtUpTime ?? 0;
        return now - Math.max(caughtUp, partition.leaderSince) > lagMax;
      });
      if (lagging.length === 0) continue;
      state.isr = state.isr.filter((id) => !lagging.includes(id));
      state.partitionEpoch++;
      partition.advanceHighWatermark();
      partition.notifyProgress();
      changed = true;
    }
    if (changed) this.cluster.persist();
  }

  /** auto.leader.rebalance.enable: the preferred replica takes leadership back once in sync. */
  private maybeRestorePreferredLeader(partition: Partition): void {
    if (this.cluster.brokerConfig('auto.leader.rebalance.enable') !== 'true') return;
    const preferred = partition.state.replicas[0]!;
    if (partition.state.leader !== preferred && partition.state.isr.includes(preferred)) this.elect(partition, { preferred });
  }

  /** ElectLeaders and the sandbox's "move leader" control. */
  moveLeader(partition: Partition, target: number): void {
    const state = partition.state;
    if (!state.replicas.includes(target)) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Broker ${target} holds no replica of ${partition.name}.`);
    if (state.leader === target) throw new KafkaError(ErrorCode.ELECTION_NOT_NEEDED, `Broker ${target} already leads ${partition.name}.`);
    if (!this.running(target) || !state.isr.includes(target)) {
      throw new KafkaError(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, `Broker ${target} is not a running in-sync replica of ${partition.name}.`);
    }
    this.elect(partition, { preferred: target });
    this.cluster.persist();
  }
}
