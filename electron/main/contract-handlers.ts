// One handler per contract method, each a thin call into a service. The mapped type makes a
// missing or extra method a compile error.
import { ContractError } from '../contract/errors.js';
import { ok, type MethodOutput, type SandboxStatus } from '../contract/index.js';
import type { ClusterHandle } from '../../embedded-broker/public-types.js';
import { SANDBOX_CLUSTER_ID, type ClusterRegistry } from '../services/cluster-registry.js';
import { deleteGroup, getGroup, listGroups, resetOffsets } from '../services/group-service.js';
import { browseMessages } from '../services/message-browser.js';
import { exportMessages, produceMessage, startTail } from '../services/message-service.js';
import {
  addPartitions,
  clusterOverview,
  createTopic,
  deleteRecords,
  deleteTopic,
  getTopic,
  getTopicConfigs,
  listTopics,
  updateTopicConfigs,
} from '../services/topic-service.js';
import { checkEvent, type CallContext, type Handlers } from './contract-server.js';

export interface HandlerDeps {
  registry: ClusterRegistry;
  requireSandbox(): ClusterHandle;
  sandboxStatus(): SandboxStatus;
  appInfo(): MethodOutput<'app.info'>;
  /** Lag/throughput history and the Prometheus endpoint; absent where the host runs no sampler. */
  metrics?: MetricsHandlers;
}

/** The history and metrics methods, implemented by the metrics service (app-services wires it). */
export type MetricsHandlers = Pick<Handlers, 'groups.lagHistory' | 'topics.throughputHistory' | 'metrics.status' | 'metrics.updateSettings' | 'metrics.clearHistory'>;

export function createHandlers(deps: HandlerDeps): Handlers {
  const { registry } = deps;
  const tails = new Map<string, { stop(): void; callerId: string }>();
  // Browses in flight by caller and progress token, so messages.cancelBrowse can stop them.
  const browses = new Map<string, AbortController>();
  const browseKey = (callerId: string, token: string) => `${callerId}\u0000${token}`;
  const adapter = (clusterId: string) => {
    registry.get(clusterId); // CLUSTER_NOT_FOUND / SANDBOX_UNAVAILABLE before any connection attempt
    return registry.adapter(clusterId);
  };
  const metrics = (): MetricsHandlers => {
    if (!deps.metrics) throw new ContractError('UNSUPPORTED', 'Lag history and metrics are not running in this host');
    return deps.metrics;
  };
  const knownCluster = (clusterId: string) => {
    if (clusterId !== SANDBOX_CLUSTER_ID) registry.get(clusterId);
  };
  const brokerExists = (nodeId: number) => {
    const h = deps.requireSandbox();
    if (!h.control.status().some((b) => b.nodeId === nodeId)) throw new ContractError('NOT_FOUND', `The sandbox has no broker ${nodeId}`);
    return h;
  };

  return {
    'app.info': async () => deps.appInfo(),

    'clusters.list': async () => registry.list(),
    'clusters.get': async ({ clusterId }) => registry.get(clusterId),
    'clusters.add': async (input) => registry.add(input),
    'clusters.update': async ({ clusterId, ...input }) => registry.update(clusterId, input),
    'clusters.remove': async ({ clusterId }) => (await registry.remove(clusterId), ok),
    'clusters.testConfig': async (input) => registry.testConfig(input),
    'clusters.test': async ({ clusterId }) => (registry.get(clusterId), registry.test(clusterId)),
    'clusters.overview': async ({ clusterId }) => clusterOverview(adapter(clusterId)),

    'topics.list': async (input) => listTopics(adapter(input.clusterId), input),
    'topics.get': async ({ clusterId, topic }) => getTopic(adapter(clusterId), topic),
    'topics.create': async (input) => (await createTopic(adapter(input.clusterId), input), ok),
    'topics.delete': async ({ clusterId, topic }) => (await deleteTopic(adapter(clusterId), topic), ok),
    'topics.addPartitions': async ({ clusterId, topic, totalPartitions }) => (await addPartitions(adapter(clusterId), topic, totalPartitions), ok),
    'topics.getConfigs': async ({ clusterId, topic }) => getTopicConfigs(adapter(clusterId), topic),
    'topics.updateConfigs': async (input) => updateTopicConfigs(adapter(input.clusterId), input),
    'topics.deleteRecords': async (input) => deleteRecords(adapter(input.clusterId), input),

    'groups.list': async (input) => listGroups(adapter(input.clusterId), input),
    'groups.get': async ({ clusterId, groupId }) => getGroup(adapter(clusterId), groupId),
    'groups.delete': async ({ clusterId, groupId }) => (await deleteGroup(adapter(clusterId), groupId), ok),
    'groups.resetOffsets': async (input) => resetOffsets(adapter(input.clusterId), input),

    'messages.browse': async (input, ctx) => {
      const token = input.progressToken;
      if (token === undefined) return browseMessages(adapter(input.clusterId), input);
      const key = browseKey(ctx.callerId, token);
      const abort = new AbortController();
      browses.get(key)?.abort(); // a token reused while its browse still runs: the newer one wins
      browses.set(key, abort);
      try {
        return await browseMessages(adapter(input.clusterId), input, {
          signal: abort.signal,
          progress: (p) => ctx.emit('messages.browseProgress', checkEvent('messages.browseProgress', { progressToken: token, ...p })),
        });
      } finally {
        if (browses.get(key) === abort) browses.delete(key);
      }
    },
    'messages.cancelBrowse': async ({ progressToken }, ctx) => {
      const abort = browses.get(browseKey(ctx.callerId, progressToken));
      abort?.abort();
      return { ok: true as const, cancelled: !!abort };
    },
    'messages.produce': async (input) => produceMessage(adapter(input.clusterId), input),
    'messages.tailStart': async (input, ctx: CallContext) => {
      const { subscriptionId, tail } = await startTail(adapter(input.clusterId), input, (payload) => {
        if (payload.error) tails.delete(payload.subscriptionId);
        ctx.emit('messages.tail', checkEvent('messages.tail', payload));
      });
      tails.set(subscriptionId, { stop: tail.stop, callerId: ctx.callerId });
      // A closed window or socket must not leave a poller running.
      ctx.onClose(() => {
        tail.stop();
        tails.delete(subscriptionId);
      });
      return { subscriptionId };
    },
    'messages.tailStop': async ({ subscriptionId }, ctx) => {
      const t = tails.get(subscriptionId);
      if (!t || t.callerId !== ctx.callerId) throw new ContractError('NOT_FOUND', `No live tail "${subscriptionId}"`);
      t.stop();
      tails.delete(subscriptionId);
      return ok;
    },
    'messages.export': async (input) => exportMessages(adapter(input.clusterId), input),

    'sandbox.status': async () => deps.sandboxStatus(),
    'sandbox.stopBroker': async ({ nodeId }) => (await brokerExists(nodeId).control.stopBroker(nodeId), ok),
    'sandbox.crashBroker': async ({ nodeId }) => (await brokerExists(nodeId).control.crashBroker(nodeId), ok),
    'sandbox.startBroker': async ({ nodeId }) => (await brokerExists(nodeId).control.startBroker(nodeId), ok),
    'sandbox.injectFault': async ({ apiKey, count, nodeId, errorCode, dropResponse }) => {
      if (nodeId !== undefined) brokerExists(nodeId);
      // Awaited: on the worker-hosted sandbox these return promises that carry the broker's errors.
      await deps.requireSandbox().control.injectFault({
        apiKey,
        count,
        ...(nodeId !== undefined ? { nodeId } : {}),
        ...(errorCode !== undefined ? { errorCode } : {}),
        ...(dropResponse ? { dropResponse: true } : {}),
      });
      return ok;
    },
    'sandbox.setLatency': async ({ nodeId, ms }) => (await brokerExists(nodeId).control.setLatency(nodeId, ms), ok),
    'sandbox.isolateBroker': async ({ nodeId, isolated }) => (await brokerExists(nodeId).control.isolateBroker(nodeId, isolated), ok),
    'sandbox.moveLeader': async ({ topic, partition, nodeId }) => {
      brokerExists(nodeId);
      try {
        await deps.requireSandbox().control.moveLeader(topic, partition, nodeId);
      } catch (err) {
        const msg = (err as Error).message;
        throw new ContractError(/unknown partition/i.test(msg) ? 'NOT_FOUND' : 'INVALID_INPUT', msg);
      }
      return ok;
    },
    'sandbox.clearFaults': async () => (await deps.requireSandbox().control.clearFaults(), ok),

    // History outlives a stopped sandbox, so only unknown remote ids are refused here.
    'groups.lagHistory': async (input, ctx) => (knownCluster(input.clusterId), metrics()['groups.lagHistory'](input, ctx)),
    'topics.throughputHistory': async (input, ctx) => (knownCluster(input.clusterId), metrics()['topics.throughputHistory'](input, ctx)),
    'metrics.status': async (input, ctx) => metrics()['metrics.status'](input, ctx),
    'metrics.updateSettings': async (input, ctx) => metrics()['metrics.updateSettings'](input, ctx),
    'metrics.clearHistory': async (input, ctx) => metrics()['metrics.clearHistory'](input, ctx),
  };
}

export { SANDBOX_CLUSTER_ID };
