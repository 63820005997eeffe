// The embedded sandbox: its state and the in-process controls that bypass the Kafka wire.
import { z } from 'zod';
import { okSchema, partitionSchema, topicNameSchema } from './common.js';

export const brokerStatusSchema = z.object({
  nodeId: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  state: z.enum(['running', 'stopped', 'crashed']),
  leaderOf: z.number().int(),
  replicaOf: z.number().int(),
  /** Sandbox faults in force: cut off from replication as a follower; delay added to each response. */
  isolated: z.boolean(),
  latencyMs: z.number().int().min(0),
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
  /**
   * Arms a fault for the next `count` requests of an API key (on one broker, or any): answer
   * with `errorCode`, or process the request and drop the connection instead of answering.
   */
  'sandbox.injectFault': {
    input: z
      .object({
        apiKey: z.number().int().min(0).max(32767),
        errorCode: z.number().int().min(-1).max(32767).optional(),
        dropResponse: z.boolean().optional(),
        count: z.number().int().min(1).max(1_000_000),
        nodeId: z.number().int().min(0).optional(),
      })
      .refine((f) => (f.errorCode !== undefined) !== (f.dropResponse === true), 'give either errorCode or dropResponse: true'),
    output: okSchema,
  },
  'sandbox.setLatency': { input: nodeRef.extend({ ms: z.number().int().min(0).max(60_000) }), output: okSchema },
  /** Cuts a broker off from replication as a follower (it drops out of every ISR); false heals it. */
  'sandbox.isolateBroker': { input: nodeRef.extend({ isolated: z.boolean() }), output: okSchema },
  /** Moves a partition's leadership to another in-sync replica. */
  'sandbox.moveLeader': {
    input: z.object({ topic: topicNameSchema, partition: partitionSchema, nodeId: z.number().int().min(0) }),
    output: okSchema,
  },
  /** Removes every armed fault, latency and isolation. */
  'sandbox.clearFaults': { input: z.strictObject({}), output: okSchema },
} as const;

export const sandboxEvents = {
  /** Pushed on any broker up/down, leadership/ISR change, isolation or latency change. */
  'sandbox.changed': sandboxStatusSchema,
} as const;
