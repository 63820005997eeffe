// Partition reassignment as Kafka does it: the replica set first grows to old ∪ new, the
// added replicas fetch until they join the ISR, then the set shrinks to the target (the
// leader moving if it is not in the target) and the removed replicas' data is deleted.
import { ErrorCode, KafkaError } from './error-codes.js';
import type { Cluster } from './cluster.js';
import type { Partition } from './partition.js';

export class ReassignmentManager {
  constructor(private readonly cluster: Cluster) {}

  /** Starts (target) or cancels (null) a reassignment; the caller persists. */
  alter(partition: Partition, target: number[] | null): void {
    const state = partition.state;
    if (target === null) {
      if (!state.addingReplicas?.length && !state.removingReplicas?.length) {
        throw new KafkaError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, `No reassignment of ${partition.name} is in progress.`);
      }
      // Cancel: back to the original set (everything but the replicas being added).
      this.finish(partition, state.replicas.filter((r) => !state.addingReplicas?.includes(r)));
      return;
    }
    if (target.length === 0 || new Set(target).size !== target.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid target replicas ${target.join(',')} for ${partition.name}.`);
    }
    const unknown = target.find((id) => !this.cluster.hasNode(id));
    if (unknown !== undefined) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker ${unknown}.`);
    const original = state.replicas.filter((r) => !state.addingReplicas?.includes(r));
    state.addingReplicas = target.filter((r) => !original.includes(r));
    state.removingReplicas = original.filter((r) => !target.includes(r));
    state.replicas = [...target, ...state.removingReplicas];
    state.partitionEpoch++;
    this.cluster.replication.partitionChanged(partition);
    this.maybeComplete(partition);
  }

  /** Completes a reassignment once every target replica is in sync. */
  maybeComplete(partition: Partition): void {
    const state = partition.state;
    if (!state.addingReplicas && !state.removingReplicas) return;
    const target = state.replicas.filter((r) => !state.removingReplicas?.includes(r));
    if (target.every((r) => state.isr.includes(r))) this.finish(partition, target);
  }

  private finish(partition: Partition, replicas: number[]): void {
    const state = partition.state;
    const removed = state.replicas.filter((r) => !replicas.includes(r));
    state.replicas = replicas;
    state.isr = state.isr.filter((r) => replicas.includes(r));
    if (state.isr.length === 0) state.isr = [replicas[0]!];
    delete state.addingReplicas;
    delete state.removingReplicas;
    state.partitionEpoch++;
    for (const follower of removed) partition.followers.delete(follower);
    if (!replicas.includes(state.leader)) this.cluster.controller.elect(partition);
    this.cluster.replication.partitionChanged(partition);
    for (const node of removed) {
      try {
        partition.deleteReplica(node);
      } catch (err) {
        this.cluster.log('warn', `could not delete the removed replica of ${partition.name} on broker ${node}: ${(err as Error).message}`);
      }
    }
    partition.advanceHighWatermark();
    partition.notifyProgress();
  }

  ongoing(): Partition[] {
    const out: Partition[] = [];
    for (const topic of this.cluster.topics.values()) {
      for (const p of topic.partitions) if (p.state.addingReplicas || p.state.removingReplicas) out.push(p);
    }
    return out;
  }
}
