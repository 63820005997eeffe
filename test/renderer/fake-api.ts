// A fake KeelApi for component tests only: in-memory clusters, topics, groups, messages and
// sandbox that honour the contract's types (end-to-end tests use the real backend). Every
// call is recorded; `failNext` makes a method throw a contract error once.
import {
  ContractError, type ErrorCode, type EventName, type EventPayload, type GroupDetail, type KeelApi, type MessageView, type MethodInput, type MethodName, type MethodOutput, type TopicSummary } from '../../electron/contract/index.js';

type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;

export interface FakeApi extends KeelApi {
  calls: Array<{ method: MethodName; input: unknown }>;
  callsOf<M extends MethodName>(method: M): Array<MethodInput<M>>;
  failNext(method: MethodName, code: ErrorCode, message: string): void;
  override<M extends MethodName>(method: M, handler: Handler<M>): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  state: FakeState;
}

export interface FakeState {
  topics: TopicSummary[];
  messages: MessageView[];
  group: GroupDetail;
}

export function makeTopics(count: number): TopicSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `topic-${String(i).padStart(5, '0')}`,
    internal: false,
    partitions: 1 + (i % 12),
    replicationFactor: 3,
    underReplicatedPartitions: i % 97 === 0 ? 1 : 0,
    offlinePartitions: 0,
    sizeBytes: null,
    messageCountEstimate: i * 10,
  }));
}

export function textValue(text: string, encoding: 'text' | 'json' = 'text') {
  return { encoding, text, sizeBytes: text.length, truncated: false } as const;
}

export function createFakeApi(options: { topics?: number } = {}): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const failures = new Map<string, { code: ErrorCode; message: string }>();
  const overrides = new Map<string, Handler<any>>();
  const state: FakeState = {
    topics: makeTopics(options.topics ?? 25),
    messages: [
      { partition: 0, offset: '0', timestamp: 1_700_000_000_000, key: textValue('k1'), value: textValue('{"a":1,"nested":{"b":[1,2]}}', 'json'), headers: [{ key: 'trace', value: textValue('t-1') }] },
      { partition: 1, offset: '0', timestamp: 1_700_000_001_000, key: textValue('k2'), value: textValue('<img src=x onerror=alert(1)>'), headers: [] },
    ],
    group: {
      groupId: 'billing',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm-1', clientId: 'billing-1', host: '/10.0.0.1', assignments: [{ topic: 'orders', partitions: [0, 1] }] }],
      partitions: [
        { topic: 'orders', partition: 0, committedOffset: '10', logEndOffset: '15', logStartOffset: '0', lag: 5, timeLagMs: 2000, memberId: 'm-1', metadata: null },
        { topic: 'orders', partition: 1, committedOffset: '20', logEndOffset: '20', logStartOffset: '0', lag: 0, timeLagMs: 0, memberId: 'm-1', metadata: null },
      ],
      totalLag: 5,
    },
  };

  // Faults the sandbox page reads back from sandbox.status.
  const sandboxFaults = { isolated: new Set<number>(), latency: new Map<number, number>() };
  const handlers: { [M in MethodName]?: Handler<M> } = {
    'app.info': () => ({ version: 'test', shell: 'web', secretsStorage: 'user-file', platform: 'test' }),
    'clusters.list': () => [
      { id: 'remote-1', kind: 'remote', name: 'Production', bootstrapServers: ['kafka:9092'], connectionTimeoutMs: 5000, requestTimeoutMs: 15000 },
      { id: 'sandbox', kind: 'sandbox', name: 'Sandbox', bootstrapServers: ['127.0.0.1:9092'], connectionTimeoutMs: 5000, requestTimeoutMs: 15000 },
    ],
    'clusters.test': () => ({ ok: true, latencyMs: 3, clusterId: 'c', brokerCount: 3 }),
    'topics.list': (input) => {
      const needle = (input.search ?? '').toLowerCase();
      let list = state.topics.filter((t) => t.name.includes(needle));
      if (input.sort === 'partitions') list = [...list].sort((a, b) => b.partitions - a.partitions);
      const offset = input.offset ?? 0;
      const limit = input.limit ?? 100;
      return { items: list.slice(offset, offset + limit), total: list.length, offset, limit };
    },
    'topics.create': (input) => {
      state.topics.push({ ...makeTopics(1)[0]!, name: input.topic });
      return { ok: true };
    },
    'topics.delete': (input) => {
      state.topics = state.topics.filter((t) => t.name !== input.topic);
      return { ok: true };
    },
    'topics.get': (input) => ({
      sizeBytes: 4096,
      name: input.topic,
      internal: false,
      replicationFactor: 3,
      messageCountEstimate: 35,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offlineReplicas: [], logStartOffset: '0', highWatermark: '15', errorCode: 0, sizeBytes: 2048 },
        { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3], offlineReplicas: [], logStartOffset: '0', highWatermark: '20', errorCode: 0, sizeBytes: 2048 },
      ],
    }) as MethodOutput<'topics.get'>,
    'messages.browse': (input) => ({
      messages: state.messages.filter((m) => !input.filter?.text || JSON.stringify(m).includes(input.filter.text)),
      nextCursor: 'next',
      prevCursor: 'prev',
      direction: 'forward',
      stats: { scanned: state.messages.length, matched: state.messages.length, elapsedMs: 4, stoppedBy: 'end' },
    }),
    'messages.cancelBrowse': () => ({ ok: true, cancelled: true }),
    'groups.list': () => [
      { groupId: 'billing', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: 1, totalLag: state.group.totalLag, topics: ['orders'] },
      { groupId: 'audit', state: 'Empty', protocolType: 'consumer', protocol: '', members: 0, totalLag: 0, topics: ['orders'] },
    ],
    'groups.get': () => state.group,
    'groups.resetOffsets': (input) => {
      if (!input.dryRun && state.group.members.length > 0) throw new ContractError('GROUP_NOT_EMPTY', 'Group "billing" is Stable with 1 active member(s)');
      return {
        applied: !input.dryRun,
        rows: state.group.partitions.map((p) => ({ topic: p.topic, partition: p.partition, before: p.committedOffset, after: '0', logStartOffset: '0', logEndOffset: p.logEndOffset })),
      };
    },
    'clusters.overview': () => ({
      clusterId: 'sb-cluster',
      controllerId: 1,
      brokers: [1, 2, 3].map((n) => ({ nodeId: n, host: '127.0.0.1', port: 9091 + n, rack: null, isController: n === 1 })),
      version: { apiVersions: [], kafkaVersionHint: '3.7' },
      counts: { topics: state.topics.length, internalTopics: 1, partitions: 40, replicas: 120, groups: 2 },
      underReplicatedPartitions: 1,
      offlinePartitions: 0,
    }),
    'messages.produce': (input) => ({ partition: input.partition ?? 0, offset: String(api.callsOf('messages.produce').length - 1) }),
    'messages.export': (input) => ({
      filename: `${input.topic}.${input.format}`,
      mimeType: input.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      content: input.selection.map((s) => `${JSON.stringify({ partition: s.partition, offset: s.offset })}\n`).join(''),
      count: input.selection.length,
    }),
    'sandbox.stopBroker': () => ({ ok: true }),
    'sandbox.crashBroker': () => ({ ok: true }),
    'sandbox.startBroker': () => ({ ok: true }),
    'sandbox.isolateBroker': (input) => {
      if (input.isolated) sandboxFaults.isolated.add(input.nodeId);
      else sandboxFaults.isolated.delete(input.nodeId);
      return { ok: true };
    },
    'sandbox.moveLeader': () => ({ ok: true }),
    'sandbox.clearFaults': () => {
      sandboxFaults.isolated.clear();
      sandboxFaults.latency.clear();
      return { ok: true };
    },
    'sandbox.injectFault': () => ({ ok: true }),
    'sandbox.setLatency': (input) => {
      sandboxFaults.latency.set(input.nodeId, input.ms);
      return { ok: true };
    },
    'sandbox.status': () => ({ running: true, clusterId: 'sb', bootstrap: ['127.0.0.1:9092'], dataDir: '/tmp/sb', error: null, brokers: [1, 2, 3].map((n) => ({ nodeId: n, host: '127.0.0.1', port: 9091 + n, state: 'running' as const, leaderOf: 1, replicaOf: 3, isolated: sandboxFaults.isolated.has(n), latencyMs: sandboxFaults.latency.get(n) ?? 0 })) }),
  };

  const api: FakeApi = {
    calls: [],
    state,
    callsOf<M extends MethodName>(method: M) {
      return api.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
    },
    failNext(method, code, message) {
      failures.set(method, { code, message });
    },
    override(method, handler) {
      overrides.set(method, handler);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      api.calls.push({ method, input });
      const failure = failures.get(method);
      if (failure) {
        failures.delete(method);
        throw new ContractError(failure.code, failure.message);
      }
      const h = (overrides.get(method) ?? handlers[method]) as Handler<M> | undefined;
      if (!h) throw new ContractError('UNSUPPORTED', `fake: ${method} not implemented`);
      return await h(input);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set!.delete(listener as (p: unknown) => void);
    },
  };
  return api;
}
