// Messages: browse with filters and cursors, produce, live tail (a push stream), export.
import { z } from 'zod';
import { offsetSchema, partitionSchema, timestampSchema, topicRef } from './common.js';

export const encodingSchema = z.enum(['auto', 'text', 'json', 'hex', 'base64']);
export type Encoding = z.infer<typeof encodingSchema>;

export const decodedSchema = z.object({
  /** The encoding actually used ('auto' resolves to json, text or hex). */
  encoding: z.enum(['text', 'json', 'hex', 'base64']),
  text: z.string(),
  sizeBytes: z.number().int(),
  truncated: z.boolean(),
});
export type Decoded = z.infer<typeof decodedSchema>;

export const messageViewSchema = z.object({
  partition: z.number().int(),
  offset: offsetSchema,
  timestamp: z.number(),
  key: decodedSchema.nullable(),
  value: decodedSchema.nullable(),
  headers: z.array(z.object({ key: z.string(), value: decodedSchema.nullable() })),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const browseStartSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('beginning') }),
  /** Newest first, paging backwards. */
  z.object({ from: z.literal('end') }),
  /** Same offset in every chosen partition (clamped to each partition's range). */
  z.object({ from: z.literal('offset'), offset: offsetSchema }),
  z.object({ from: z.literal('timestamp'), timestamp: timestampSchema }),
  /** The newest N across the chosen partitions, returned oldest first. */
  z.object({ from: z.literal('newest'), count: z.number().int().min(1).max(10_000) }),
]);
export type BrowseStart = z.infer<typeof browseStartSchema>;

export const filterSchema = z.object({
  /** Case-insensitive substring of key, value or a header value. */
  text: z.string().max(10_000).optional(),
  /**
   * A JavaScript expression (or function body with `return`) over `key`, `value` (parsed JSON
   * when it parses, else a string), `headers`, `partition`, `offset`, `timestamp`.
   */
  js: z.string().max(20_000).optional(),
  jsTimeoutMs: z.number().int().min(1).max(1_000).default(50),
});

export const decodeOptionsSchema = z.object({
  key: encodingSchema.default('auto'),
  value: encodingSchema.default('auto'),
  maxBytes: z.number().int().min(16).max(10_000_000).default(64 * 1024),
});

export const browseInput = topicRef.extend({
  /** Omit for all partitions. */
  partitions: z.array(partitionSchema).optional(),
  start: browseStartSchema.default({ from: 'end' }),
  /** An opaque cursor from a previous page; when set, `start` and `partitions` are ignored. */
  cursor: z.string().optional(),
  filter: filterSchema.optional(),
  decode: decodeOptionsSchema.default({ key: 'auto', value: 'auto', maxBytes: 64 * 1024 }),
  limits: z
    .object({
      results: z.number().int().min(1).max(10_000).default(100),
      scan: z.number().int().min(1).max(10_000_000).default(100_000),
      timeBudgetMs: z.number().int().min(10).max(120_000).default(10_000),
    })
    .default({ results: 100, scan: 100_000, timeBudgetMs: 10_000 }),
  /** When set, `messages.browseProgress` events carrying this token are pushed while scanning. */
  progressToken: z.string().max(200).optional(),
});
export type BrowseInput = z.input<typeof browseInput>;

export const browseOutput = z.object({
  messages: z.array(messageViewSchema),
  /** Continue in the same direction; null when that side is exhausted. */
  nextCursor: z.string().nullable(),
  /** Page the other way from this page's edge. */
  prevCursor: z.string().nullable(),
  direction: z.enum(['forward', 'backward']),
  stats: z.object({
    scanned: z.number().int(),
    matched: z.number().int(),
    elapsedMs: z.number(),
    /** 'cancelled': messages.cancelBrowse stopped the scan; the page holds what was found so far. */
    stoppedBy: z.enum(['results', 'scan', 'time', 'end', 'cancelled']),
  }),
});
export type BrowseOutput = z.infer<typeof browseOutput>;

export const produceInput = topicRef.extend({
  key: z.string().nullable().default(null),
  value: z.string().nullable(),
  /** How key and value strings are turned into bytes. */
  encoding: z.enum(['text', 'hex', 'base64']).default('text'),
  headers: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
  /** Omit to let Kafka's default murmur2 partitioner hash the key (round-robin-ish when null). */
  partition: partitionSchema.optional(),
  compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
  acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(-1),
});

export const produceOutput = z.object({ partition: z.number().int(), offset: offsetSchema.nullable() });

export const tailStartInput = topicRef.extend({
  partitions: z.array(partitionSchema).optional(),
  filter: filterSchema.optional(),
  decode: decodeOptionsSchema.default({ key: 'auto', value: 'auto', maxBytes: 64 * 1024 }),
});

export const exportInput = topicRef.extend({
  selection: z.array(z.object({ partition: partitionSchema, offset: offsetSchema })).min(1).max(100_000),
  format: z.enum(['jsonl', 'csv']),
  decode: decodeOptionsSchema.default({ key: 'auto', value: 'auto', maxBytes: 10_000_000 }),
});

export const exportOutput = z.object({
  filename: z.string(),
  mimeType: z.string(),
  content: z.string(),
  count: z.number().int(),
});

export const messageMethods = {
  'messages.browse': { input: browseInput, output: browseOutput },
  /**
   * Stops this caller's browse that carries `progressToken` at its next check (between fetches,
   * and every few ms of filtering); it then answers with what it found. `cancelled` is false
   * when no such browse is running (already finished, or another caller's).
   */
  'messages.cancelBrowse': {
    input: z.object({ progressToken: z.string().min(1).max(200) }),
    output: z.object({ ok: z.literal(true), cancelled: z.boolean() }),
  },
  'messages.produce': { input: produceInput, output: produceOutput },
  /** Starts pushing `messages.tail` events for new messages to this caller. */
  'messages.tailStart': { input: tailStartInput, output: z.object({ subscriptionId: z.string() }) },
  'messages.tailStop': { input: z.object({ subscriptionId: z.string() }), output: z.object({ ok: z.literal(true) }) },
  'messages.export': { input: exportInput, output: exportOutput },
} as const;

export const messageEvents = {
  'messages.tail': z.object({
    subscriptionId: z.string(),
    messages: z.array(messageViewSchema),
    /** Set when the tail stopped by itself (topic deleted, cluster gone). */
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  'messages.browseProgress': z.object({
    progressToken: z.string(),
    scanned: z.number().int(),
    matched: z.number().int(),
    elapsedMs: z.number(),
  }),
} as const;
