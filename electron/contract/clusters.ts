// Cluster registry and cluster-wide views. Secrets (passwords, private keys) are write-only:
// they go in through save and never come back out; views say only whether one is stored.
import { z } from 'zod';
import { clusterIdSchema, clusterRef, okSchema } from './common.js';

export const saslMechanismSchema = z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);

export const clusterTlsInput = z.object({
  enabled: z.boolean(),
  /** PEM CA bundle used to verify the brokers; empty uses the system roots. */
  ca: z.string().optional(),
  /** PEM client certificate for mTLS. */
  cert: z.string().optional(),
  /** PEM client key (a secret). Omit on update to keep the stored one; '' clears it. */
  key: z.string().optional(),
  skipVerify: z.boolean().default(false),
});

export const clusterSaslInput = z.object({
  mechanism: saslMechanismSchema,
  username: z.string().min(1),
  /** A secret. Omit on update to keep the stored one. */
  password: z.string().optional(),
});

export const clusterConfigInput = z.object({
  name: z.string().min(1).max(200),
  bootstrapServers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')).min(1),
  tls: clusterTlsInput.optional(),
  sasl: clusterSaslInput.optional(),
  connectionTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  requestTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
});
export type ClusterConfigInput = z.input<typeof clusterConfigInput>;

export const clusterKindSchema = z.enum(['sandbox', 'remote']);

export const clusterSummarySchema = z.object({
  id: clusterIdSchema,
  kind: clusterKindSchema,
  name: z.string(),
  bootstrapServers: z.array(z.string()),
  tls: z
    .object({ enabled: z.boolean(), hasCa: z.boolean(), hasClientCert: z.boolean(), hasClientKey: z.boolean(), skipVerify: z.boolean() })
    .optional(),
  sasl: z.object({ mechanism: saslMechanismSchema, username: z.string(), hasPassword: z.boolean() }).optional(),
  connectionTimeoutMs: z.number().int(),
  requestTimeoutMs: z.number().int(),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

export const testConnectionOutput = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  clusterId: z.string().nullable(),
  brokerCount: z.number().int(),
  /** Present when ok is false: the same stable shape as a failed call. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TestConnectionResult = z.infer<typeof testConnectionOutput>;

export const brokerViewSchema = z.object({
  nodeId: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  rack: z.string().nullable(),
  isController: z.boolean(),
});

export const clusterOverviewSchema = z.object({
  clusterId: z.string().nullable(),
  controllerId: z.number().int().nullable(),
  brokers: z.array(brokerViewSchema),
  version: z.object({
    /** Highest Metadata/Fetch/Produce versions the cluster answers: a rough Kafka version hint. */
    apiVersions: z.array(z.object({ apiKey: z.number().int(), minVersion: z.number().int(), maxVersion: z.number().int() })),
    kafkaVersionHint: z.string().nullable(),
  }),
  counts: z.object({
    topics: z.number().int(),
    internalTopics: z.number().int(),
    partitions: z.number().int(),
    replicas: z.number().int(),
    groups: z.number().int().nullable(),
  }),
  underReplicatedPartitions: z.number().int(),
  offlinePartitions: z.number().int(),
});
export type ClusterOverview = z.infer<typeof clusterOverviewSchema>;

export const clusterMethods = {
  'clusters.list': { input: z.strictObject({}), output: z.array(clusterSummarySchema) },
  'clusters.get': { input: clusterRef, output: clusterSummarySchema },
  /** Adds a remote cluster; returns it with its new id. */
  'clusters.add': { input: clusterConfigInput, output: clusterSummarySchema },
  'clusters.update': { input: clusterConfigInput.extend({ clusterId: clusterIdSchema }), output: clusterSummarySchema },
  'clusters.remove': { input: clusterRef, output: okSchema },
  /** Tests an unsaved config (the add dialog) without storing it. */
  'clusters.testConfig': { input: clusterConfigInput, output: testConnectionOutput },
  /** Tests a saved cluster, with its stored secrets. */
  'clusters.test': { input: clusterRef, output: testConnectionOutput },
  'clusters.overview': { input: clusterRef, output: clusterOverviewSchema },
} as const;
