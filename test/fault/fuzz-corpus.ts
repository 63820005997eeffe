// Seed requests for the fuzzer: a valid frame for every (api key, version) the broker
// advertises, with meaningful bodies for the APIs that touch data, so mutations start from
// input the broker parses deep into its handlers. Data-changing admin APIs are validate-only
// or aimed at the fuzz topic; broker config changes are left out so a run cannot change the
// broker under the clean-client check that follows it.
import { encodeRequestFrame } from '../../embedded-broker/protocol/frame.js';
import { buildRecordBatch } from '../../embedded-broker/protocol/record-batch-builder.js';

export interface Seed {
  apiKey: number;
  apiVersion: number;
  name: string;
  frame: Buffer;
}

export interface CorpusTarget {
  topic: string;
  topicId: string;
  partitions: number;
}

/** Broker-wide config changes would outlive the run; skipped as seeds (random keys may still hit them). */
const SKIPPED_KEYS = new Set([33, 44]);

function recordSet(n: number): Buffer {
  return buildRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`fuzz-seed-${i}`), headers: [{ key: 'h', value: Buffer.from('v') }] })) });
}

function bodyFor(apiKey: number, version: number, t: CorpusTarget): object {
  const partitions = Array.from({ length: t.partitions }, (_, i) => i);
  switch (apiKey) {
    case 0:
      return { transactionalId: null, acks: version % 2 === 0 ? 1 : -1, timeoutMs: 1000, topicData: [{ name: t.topic, partitionData: partitions.map((index) => ({ index, records: recordSet(1 + index) })) }] };
    case 1:
      return {
        replicaId: -1, maxWaitMs: 20, minBytes: 1, maxBytes: 65536, isolationLevel: version % 2, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: t.topic, topicId: t.topicId, partitions: partitions.map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 16384 })) }],
        forgottenTopicsData: [], rackId: '',
      };
    case 2:
      return { replicaId: -1, isolationLevel: 0, topics: [{ name: t.topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp: [-1, -2, -3, 0][partitionIndex % 4], maxNumOffsets: 1 })) }] };
    case 3:
      return { topics: version % 3 === 0 ? null : [{ name: t.topic, topicId: t.topicId }, { name: 'fuzz-missing', topicId: '' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true };
    case 19:
      return { topics: [{ name: 'fuzz-created', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }], timeoutMs: 1000, validateOnly: true };
    case 20:
      return { topicNames: ['fuzz-missing'], topics: [{ name: 'fuzz-missing' }], timeoutMs: 1000 };
    case 21:
      return { topics: [{ name: t.topic, partitions: [{ partitionIndex: 0, offset: 0 }] }], timeoutMs: 1000 };
    case 23:
      return { replicaId: -1, topics: [{ topic: t.topic, partitions: partitions.map((partition) => ({ partition, currentLeaderEpoch: -1, leaderEpoch: 0 })) }] };
    case 32:
      return { resources: [{ resourceType: 2, resourceName: t.topic, configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms'] }], includeSynonyms: true, includeDocumentation: true };
    case 37:
      return { topics: [{ name: t.topic, count: t.partitions + 1, assignments: null }], timeoutMs: 1000, validateOnly: true };
    default:
      return {};
  }
}

/** One seed per advertised (api key, version); versions the codec cannot encode are skipped. */
export function buildCorpus(apis: { apiKey: number; minVersion: number; maxVersion: number }[], target: CorpusTarget): Seed[] {
  const seeds: Seed[] = [];
  for (const api of apis) {
    if (SKIPPED_KEYS.has(api.apiKey)) continue;
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      try {
        seeds.push({ apiKey: api.apiKey, apiVersion: v, name: `${api.apiKey}v${v}`, frame: encodeRequestFrame(api.apiKey, v, 1, 'keel-fuzz', bodyFor(api.apiKey, v, target)) });
        if (api.apiKey === 1) {
          // A fetch that can never be satisfied: it waits (for up to ~24 days) until its client hangs up.
          const longPoll = { ...bodyFor(1, v, target), maxWaitMs: 0x7fffffff, minBytes: 0x7fffffff };
          seeds.push({ apiKey: 1, apiVersion: v, name: `1v${v}-longpoll`, frame: encodeRequestFrame(1, v, 1, 'keel-fuzz', longPoll) });
        }
      } catch {
        // No schema for it in this codec: only random frames will reach it.
      }
    }
  }
  return seeds;
}
