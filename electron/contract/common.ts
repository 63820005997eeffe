// Shared building blocks for the domain schemas. Offsets are int64 in Kafka, so they travel
// as decimal strings; lags and counts are plain numbers (they stay far below 2^53).
import { z } from 'zod';

export const offsetSchema = z.string().regex(/^-?\d+$/, 'an integer offset as a decimal string');
export const clusterIdSchema = z.string().min(1).max(200);
export const topicNameSchema = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only');
export const groupIdSchema = z.string().min(1).max(1000);
export const partitionSchema = z.number().int().min(0);
export const timestampSchema = z.number().int();

export const clusterRef = z.object({ clusterId: clusterIdSchema });
export const topicRef = clusterRef.extend({ topic: topicNameSchema });
export const groupRef = clusterRef.extend({ groupId: groupIdSchema });

export const okSchema = z.object({ ok: z.literal(true) });
export const ok = { ok: true as const };

export const pageInput = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});

export const pageOutput = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });
