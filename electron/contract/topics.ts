// Topics: list with server-side search and paging, per-partition detail, admin actions.
import { z } from 'zod';
import { clusterRef, offsetSchema, okSchema, pageInput, pageOutput, partitionSchema, topicNameSchema, topicRef } from './common.js';

export const topicSummarySchema = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.number().int(),
  replicationFactor: z.number().int(),
  underReplicatedPartitions: z.number().int(),
  offlinePartitions: z.number().int(),
  /** Bytes on disk when the cluster reports it (DescribeLogDirs), else null. */
  sizeBytes: z.number().nullable(),
  /** Sum over partitions of high watermark minus log start: exact unless compacted or transactional. */
  messageCountEstimate: z.number().nullable(),
});
export type TopicSummary = z.infer<typeof topicSummarySchema>;

export const topicListInput = clusterRef.extend({
  search: z.string().max(500).optional(),
  includeInternal: z.boolean().default(false),
  sort: z.enum(['name', 'partitions', 'messages']).default('name'),
  /** Message counts and sizes cost a ListOffsets and a DescribeLogDirs round per page; the list can skip them. */
  withCounts: z.boolean().default(true),
  ...pageInput.shape,
});

export const partitionDetailSchema = z.object({
  partition: z.number().int(),
  leader: z.number().int().nullable(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
  offlineReplicas: z.array(z.number().int()),
  logStartOffset: offsetSchema,
  highWatermark: offsetSchema,
  errorCode: z.number().int(),
  /**
   * Bytes on disk of the leader replica (DescribeLogDirs); null when the cluster does not say.
   * Optional only so older fixtures stay valid; the service always sets it.
   */
  sizeBytes: z.number().nullable().optional(),
});
export type PartitionDetail = z.infer<typeof partitionDetailSchema>;

export const topicDetailSchema = z.object({
  name: z.string(),
  internal: z.boolean(),
  replicationFactor: z.number().int(),
  partitions: z.array(partitionDetailSchema),
  messageCountEstimate: z.number(),
  /** Sum of the leader replicas' sizes; null when the cluster refuses DescribeLogDirs (always set by the service). */
  sizeBytes: z.number().nullable().optional(),
});
export type TopicDetail = z.infer<typeof topicDetailSchema>;

export const configEntrySchema = z.object({
  name: z.string(),
  value: z.string().nullable(),
  /** Kafka's default (the broker/static/default synonym), when the cluster reports synonyms. */
  defaultValue: z.string().nullable(),
  isOverridden: z.boolean(),
  source: z.string(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
});
export type ConfigEntry = z.infer<typeof configEntrySchema>;

export const createTopicInput = clusterRef.extend({
  topic: topicNameSchema,
  partitions: z.number().int().min(1).max(100_000).default(1),
  replicationFactor: z.number().int().min(1).max(100).default(1),
  configs: z.record(z.string(), z.string()).default({}),
});

export const topicMethods = {
  'topics.list': { input: topicListInput, output: pageOutput(topicSummarySchema) },
  'topics.get': { input: topicRef, output: topicDetailSchema },
  'topics.create': { input: createTopicInput, output: okSchema },
  'topics.delete': { input: topicRef, output: okSchema },
  'topics.addPartitions': {
    input: topicRef.extend({ totalPartitions: z.number().int().min(1) }),
    output: okSchema,
  },
  'topics.getConfigs': { input: topicRef, output: z.array(configEntrySchema) },
  /** `set` overrides values, `reset` returns names to Kafka's default. Other overrides stay. */
  'topics.updateConfigs': {
    input: topicRef.extend({
      set: z.record(z.string(), z.string()).default({}),
      reset: z.array(z.string()).default([]),
    }),
    output: z.array(configEntrySchema),
  },
  /** Deletes records below `offset` ("-1" = up to the high watermark) in each listed partition. */
  'topics.deleteRecords': {
    input: topicRef.extend({
      partitions: z.array(z.object({ partition: partitionSchema, offset: offsetSchema })).min(1),
    }),
    output: z.array(z.object({ partition: z.number().int(), lowWatermark: offsetSchema })),
  },
} as const;
