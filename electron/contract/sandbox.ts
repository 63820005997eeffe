// The embedded sandbox: its state and the in-process controls that bypass the Kafka wire.
import { z } from 'zod';
import { okSchema } from './common.js';

export const brokerStatusSchema = z.object({
  nodeId: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  state: z.enum(['running', 'stopped', 'crashed']),
  leaderOf: z.number().int(),
  replicaOf: z.number().int(),
});

export const sandboxStatusSchema = z.object({
  running: z.boolean(),
  clusterId: z.string().nullable(),
  bootstrap: z.array(z.string()),
  dataDir: z.string().nullable(),
  brokers: z.array(brokerStatusSchema),
  /** Why the sandbox is not running, when it is not. */
  error: z.string().nullable(),
});
export type SandboxStatus = z.infer<typeof sandboxStatusSchema>;

const nodeRef = z.object({ nodeId: z.number().int().min(0) });

export const sandboxMethods = {
  'sandbox.status': { input: z.strictObject({}), output: sandboxStatusSchema },
  'sandbox.stopBroker': { input: nodeRef, output: okSchema },
  'sandbox.crashBroker': { input: nodeRef, output: okSchema },
  'sandbox.startBroker': { input: nodeRef, output: okSchema },
  'sandbox.injectFault': {
    input: z.object({
      apiKey: z.number().int().min(0).max(32767),
      errorCode: z.number().int().min(-1).max(32767),
      count: z.number().int().min(1).max(1_000_000),
      nodeId: z.number().int().min(0).optional(),
    }),
    output: okSchema,
  },
  'sandbox.setLatency': { input: nodeRef.extend({ ms: z.number().int().min(0).max(60_000) }), output: okSchema },
} as const;

export const sandboxEvents = {
  /** Pushed on any broker up/down or leadership/ISR change. */
  'sandbox.changed': sandboxStatusSchema,
} as const;
