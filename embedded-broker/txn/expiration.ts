// Keeps producer state and transactional ids from growing forever, as Kafka does:
//  - producer.id.expiration.ms, checked every producer.id.expiration.check.interval.ms, on
//    every open replica log: idle producers without an open transaction there are forgotten
//    (ProducerStateTable.removeExpired). Idleness comes from the log's own batch timestamps,
//    so a table rebuilt after a restart (logs open lazily) expires the same producers as soon
//    as it is built (producerStateOf's expiration argument, passed by Partition.logOn).
//  - transactional.id.expiration.ms, checked every
//    transaction.remove.expired.transaction.cleanup.interval.ms: a transactional id with no
//    transaction for that long is forgotten through a journal tombstone
//    (TransactionCoordinator.expireTransactionalIds), so it stays forgotten across restarts.
import type { Cluster } from '../cluster/cluster.js';
import { producerStateOf } from './log-producer-state.js';

/** Forgets idle producers on every open replica log; returns how many. */
export function expireIdleProducers(cluster: Cluster, now: number): number {
  const expirationMs = Number(cluster.brokerConfig('producer.id.expiration.ms'));
  let removed = 0;
  for (const topic of cluster.topics.values()) {
    for (const partition of topic.partitions) {
      for (const log of partition.openLogs().values()) removed += producerStateOf(log).removeExpired(now, expirationMs);
    }
  }
  return removed;
}

/** Starts both periodic checks; returns a stop function. */
export function startExpiryChecks(cluster: Cluster, expireTransactionalIds: (now: number) => void): () => void {
  const runProducers = () => {
    try {
      const n = expireIdleProducers(cluster, Date.now());
      if (n > 0) cluster.log('info', `expired ${n} idle producer ids`);
    } catch (err) {
      cluster.log('error', `producer id expiration failed: ${(err as Error).message}`);
    }
  };
  const runTxnIds = () => {
    try {
      expireTransactionalIds(Date.now());
    } catch (err) {
      cluster.log('error', `transactional id expiration failed: ${(err as Error).message}`);
    }
  };
  const interval = (name: string) => Math.min(Number(cluster.brokerConfig(name)), 2 ** 31 - 1);
  const producers = setInterval(runProducers, interval('producer.id.expiration.check.interval.ms'));
  const txnIds = setInterval(runTxnIds, interval('transaction.remove.expired.transaction.cleanup.interval.ms'));
  producers.unref();
  txnIds.unref();
  return () => {
    clearInterval(producers);
    clearInterval(txnIds);
  };
}
