// Which broker coordinates a group (or transactional id). Kafka hashes the key onto a
// partition of __consumer_offsets and the partition's leader is the coordinator; the sandbox
// has no offsets topic, so it hashes the key over the node list directly and, when that node
// is down, walks forward to the next running one. Deterministic for a given set of running
// brokers, so every node gives the same answer and the answer moves only when brokers stop.
import type { Cluster } from '../cluster/cluster.js';

/** Java's String.hashCode, so the spread of keys matches what Kafka users are used to. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The coordinating node id given which nodes (ids 1..n, in order) run; -1 when none does. */
export function placeKey(key: string, running: readonly boolean[]): number {
  if (running.length === 0) return -1;
  const start = (javaStringHash(key) & 0x7fffffff) % running.length;
  for (let i = 0; i < running.length; i++) {
    const index = (start + i) % running.length;
    if (running[index]) return index + 1;
  }
  return -1;
}

export function runningMask(cluster: Cluster): boolean[] {
  return cluster.nodes.map((n) => n.isRunning);
}

/** The coordinating node id for a key, or -1 when no broker runs. */
export function coordinatorNodeFor(cluster: Cluster, key: string): number {
  return placeKey(key, runningMask(cluster));
}
