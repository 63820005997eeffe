// History and metrics: lag over time per consumer group, throughput over time per topic (both
// recorded by the main process's sampler and served already downsampled), and the settings of
// the sampler and of the Prometheus endpoint.
import { z } from 'zod';
import { clusterIdSchema, groupRef, okSchema, timestampSchema, topicRef } from './common.js';

/**
 * A time range and how many points the chart wants. `from`/`to` default to the last hour up to
 * now; the server picks the stored resolution (raw, per-minute, per-hour) and buckets into at
 * most `points` points.
 */
export const historyRangeInput = z.object({
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
  points: z.number().int().min(2).max(5_000).default(300),
});

/** Which stored tier answered: raw samples, per-minute or per-hour aggregates. */
export const historyResolutionSchema = z.enum(['raw', 'minute', 'hour']);

/**
 * One bucket of a lag series. Downsampling keeps the shape: `lag` and `timeLagMs` are the
 * maximum within the bucket, `lagMin` the minimum, offsets the last value seen. Null where the
 * bucket has no sample for that value (e.g. no committed offset yet).
 */
export const lagPointSchema = z.object({
  /** Bucket start, ms since the epoch. */
  t: z.number(),
  lag: z.number().nullable(),
  lagMin: z.number().nullable(),
  timeLagMs: z.number().nullable(),
});
export type LagPoint = z.infer<typeof lagPointSchema>;

export const partitionLagPointSchema = lagPointSchema.extend({
  committedOffset: z.number().nullable(),
  logEndOffset: z.number().nullable(),
});
export type PartitionLagPoint = z.infer<typeof partitionLagPointSchema>;

export const lagHistoryInput = groupRef.extend({
  ...historyRangeInput.shape,
  /** Restrict to one topic of the group. */
  topic: z.string().min(1).max(249).optional(),
  /** Per-partition series cost bandwidth on big groups; the total is always returned. */
  includePartitions: z.boolean().default(true),
});

export const lagHistoryOutput = z.object({
  groupId: z.string(),
  from: z.number(),
  to: z.number(),
  resolution: historyResolutionSchema,
  /** Width of one returned bucket in ms. */
  bucketMs: z.number(),
  /** The sampler's interval, so the UI can tell a gap from a slow cadence. */
  sampleIntervalMs: z.number(),
  /** Sum over partitions per bucket (lag: max of per-sample totals; timeLagMs: max over partitions). */
  total: z.array(lagPointSchema),
  partitions: z.array(
    z.object({ topic: z.string(), partition: z.number().int(), points: z.array(partitionLagPointSchema) }),
  ),
});
export type LagHistory = z.infer<typeof lagHistoryOutput>;

export const throughputPointSchema = z.object({
  t: z.number(),
  /** Average over the bucket; null when there were not two samples to take a delta from. */
  messagesPerSec: z.number().nullable(),
  /** Null when the cluster does not report partition sizes. */
  bytesPerSec: z.number().nullable(),
  /** The highest per-sample rate inside the bucket, so bursts survive downsampling. */
  messagesPerSecMax: z.number().nullable(),
});
export type ThroughputPoint = z.infer<typeof throughputPointSchema>;

export const throughputHistoryInput = topicRef.extend({
  ...historyRangeInput.shape,
  includePartitions: z.boolean().default(false),
});

export const throughputHistoryOutput = z.object({
  topic: z.string(),
  from: z.number(),
  to: z.number(),
  resolution: historyResolutionSchema,
  bucketMs: z.number(),
  sampleIntervalMs: z.number(),
  sizesAvailable: z.boolean(),
  total: z.array(throughputPointSchema),
  partitions: z.array(z.object({ partition: z.number().int(), points: z.array(throughputPointSchema) })),
});
export type ThroughputHistory = z.infer<typeof throughputHistoryOutput>;

export const metricsSettingsSchema = z.object({
  lagHistory: z.object({
    enabled: z.boolean(),
    /** Sampling interval; 5 s by default. */
    intervalMs: z.number().int().min(100).max(3_600_000),
    /** Upper bound for the whole history folder; oldest files go first. */
    maxBytes: z.number().int().min(1_000_000),
  }),
  prometheus: z.object({
    /** Desktop: opt-in loopback port. Web mode also serves /metrics behind the access token. */
    enabled: z.boolean(),
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65_535),
  }),
});
export type MetricsSettings = z.infer<typeof metricsSettingsSchema>;

export const metricsSettingsPatch = z.strictObject({
  lagHistory: metricsSettingsSchema.shape.lagHistory.partial().optional(),
  prometheus: metricsSettingsSchema.shape.prometheus.partial().optional(),
});

export const metricsStatusSchema = z.object({
  settings: metricsSettingsSchema,
  sampler: z.object({
    running: z.boolean(),
    clusters: z.array(
      z.object({
        clusterId: clusterIdSchema,
        lastSampleAt: z.number().nullable(),
        lastDurationMs: z.number().nullable(),
        groups: z.number().int(),
        partitions: z.number().int(),
        lastError: z.string().nullable(),
      }),
    ),
  }),
  store: z.object({ dir: z.string(), bytes: z.number() }),
  prometheus: z.object({
    /** Where Prometheus can scrape (loopback); null while disabled or not listening. */
    url: z.string().nullable(),
    /** Web mode: the same output at /metrics on the web server, behind the access token. */
    webPath: z.string().nullable(),
    error: z.string().nullable(),
  }),
});
export type MetricsStatus = z.infer<typeof metricsStatusSchema>;

export const metricsMethods = {
  /** Lag over time for one group, total and per partition, downsampled to `points`. */
  'groups.lagHistory': { input: lagHistoryInput, output: lagHistoryOutput },
  /** Messages/s and bytes/s over time for one topic, from log-end-offset deltas. */
  'topics.throughputHistory': { input: throughputHistoryInput, output: throughputHistoryOutput },
  'metrics.status': { input: z.strictObject({}), output: metricsStatusSchema },
  'metrics.updateSettings': { input: metricsSettingsPatch, output: metricsStatusSchema },
  /** Drops the stored history of one cluster (or all when omitted). */
  'metrics.clearHistory': { input: z.object({ clusterId: clusterIdSchema.optional() }), output: okSchema },
} as const;
