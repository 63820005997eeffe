// Kafka's default key partitioner (murmur2, as the Java client), taken from kafkajs rather than
// rewritten, so the partition we predict is the partition kafkajs produces to.
import kafkajs from 'kafkajs';

const { Partitioners } = kafkajs;

const partitioner = Partitioners.DefaultPartitioner();

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: Buffer | string, numPartitions: number): number {
  const partitionMetadata = Array.from({ length: numPartitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key: Buffer.isBuffer(key) ? key : Buffer.from(key), value: null } });
}
