// Consumer groups: list with lag, detail per member and partition, delete, offset reset.
import { z } from 'zod';
import { groupIdSchema, groupRef, offsetSchema, okSchema, partitionSchema, timestampSchema, topicNameSchema, clusterRef } from './common.js';

export const groupStateSchema = z.enum(['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty']);

export const groupSummarySchema = z.object({
  groupId: z.string(),
  state: groupStateSchema,
  protocolType: z.string(),
  protocol: z.string(),
  members: z.number().int(),
  /** Sum of per-partition lag over committed partitions; null if offsets could not be read. */
  totalLag: z.number().nullable(),
  topics: z.array(z.string()),
});
export type GroupSummary = z.infer<typeof groupSummarySchema>;

export const groupMemberSchema = z.object({
  memberId: z.string(),
  clientId: z.string(),
  host: z.string(),
  assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })),
});

export const groupPartitionSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** null when the group has no committed offset for the partition. */
  committedOffset: offsetSchema.nullable(),
  logEndOffset: offsetSchema,
  logStartOffset: offsetSchema,
  lag: z.number().nullable(),
  /** Milliseconds the oldest unconsumed message has waited (now minus its timestamp); 0 when caught up. */
  timeLagMs: z.number().nullable(),
  memberId: z.string().nullable(),
  metadata: z.string().nullable(),
});
export type GroupPartition = z.infer<typeof groupPartitionSchema>;

export const groupDetailSchema = z.object({
  groupId: z.string(),
  state: groupStateSchema,
  protocolType: z.string(),
  protocol: z.string(),
  members: z.array(groupMemberSchema),
  partitions: z.array(groupPartitionSchema),
  totalLag: z.number(),
});
export type GroupDetail = z.infer<typeof groupDetailSchema>;

export const resetStrategySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  /** Clamped to [log start, log end] per partition. */
  z.object({ kind: z.literal('offset'), offset: offsetSchema }),
  /** The earliest offset whose timestamp is >= the given time (log end if none). */
  z.object({ kind: z.literal('timestamp'), timestamp: timestampSchema }),
  /** Moves each committed offset by N (negative = back), clamped. */
  z.object({ kind: z.literal('shift'), by: z.number().int() }),
  /** Copies another group's committed offsets for the same partitions. */
  z.object({ kind: z.literal('group'), groupId: groupIdSchema }),
]);
export type ResetStrategy = z.infer<typeof resetStrategySchema>;

export const resetOffsetsInput = groupRef.extend({
  topics: z
    .array(z.object({ topic: topicNameSchema, partitions: z.array(partitionSchema).optional() }))
    .min(1),
  strategy: resetStrategySchema,
  dryRun: z.boolean().default(true),
});

export const resetPlanRowSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  before: offsetSchema.nullable(),
  after: offsetSchema,
  logStartOffset: offsetSchema,
  logEndOffset: offsetSchema,
});
export type ResetPlanRow = z.infer<typeof resetPlanRowSchema>;

export const resetOffsetsOutput = z.object({ applied: z.boolean(), rows: z.array(resetPlanRowSchema) });

export const groupMethods = {
  'groups.list': {
    input: clusterRef.extend({ search: z.string().max(500).optional(), withLag: z.boolean().default(true) }),
    output: z.array(groupSummarySchema),
  },
  'groups.get': { input: groupRef, output: groupDetailSchema },
  'groups.delete': { input: groupRef, output: okSchema },
  /** Dry-run returns the plan; apply commits it and refuses (GROUP_NOT_EMPTY) while the group has members. */
  'groups.resetOffsets': { input: resetOffsetsInput, output: resetOffsetsOutput },
} as const;
