// The controller's durable record of the cluster: topics, their ids, partition
// assignments, leaders, ISR and config overrides. One JSON file replaced atomically on
// every change, so a crash leaves either the old or the new state, never half of one.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface PartitionState {
  partition: number;
  replicas: number[];
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** Bumped whenever replicas or ISR change (Kafka's partition epoch). */
  partitionEpoch: number;
  /** An ongoing reassignment: replicas being added and removed (both inside `replicas`). */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

export interface TopicState {
  name: string;
  topicId: string;
  partitions: PartitionState[];
  configs: Record<string, string>;
}

export interface ClusterMetadata {
  clusterId: string;
  topics: TopicState[];
  brokerConfigs: Record<string, string>;
}

/** Kafka's Uuid string form: 16 random bytes in unpadded base64url; never the all-zero id. */
export function newUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.some((b) => b !== 0)) return bytes.toString('base64url');
  }
}

export class MetadataStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'cluster-metadata.json');
  }

  load(clusterId?: string): ClusterMetadata {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as ClusterMetadata;
      if (typeof parsed.clusterId === 'string' && Array.isArray(parsed.topics)) {
        parsed.brokerConfigs ??= {};
        return parsed;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cluster metadata at ${this.file} is unreadable: ${(err as Error).message}`);
    }
    return { clusterId: clusterId ?? newUuid(), topics: [], brokerConfigs: {} };
  }

  save(metadata: ClusterMetadata): void {
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(metadata));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}
