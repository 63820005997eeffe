// The embedded broker's entry point: plain Node, no Electron or UI imports, so it can run
// in the app's main process, a worker, or headless from the command line.
import { Cluster } from './cluster/cluster.js';
import type { BrokerStatus, ClusterHandle, StartClusterOptions } from './public-types.js';

export type * from './public-types.js';

export async function startCluster(options: StartClusterOptions): Promise<ClusterHandle> {
  const cluster = await Cluster.start(options);
  return {
    clusterId: cluster.clusterId,
    bootstrap: cluster.nodes.map((n) => `${n.host}:${n.port}`),
    control: {
      status: (): BrokerStatus[] =>
        cluster.nodes.map((n) => {
          let leaderOf = 0;
          let replicaOf = 0;
          for (const topic of cluster.topics.values()) {
            for (const p of topic.partitions) {
              if (p.state.leader === n.nodeId) leaderOf++;
              if (p.state.replicas.includes(n.nodeId)) replicaOf++;
            }
          }
          return { nodeId: n.nodeId, host: n.host, port: n.port, state: n.state, leaderOf, replicaOf, isolated: cluster.replication.isIsolated(n.nodeId), latencyMs: n.latencyMs };
        }),
      stopBroker: (nodeId) => cluster.stopBroker(nodeId, false),
      crashBroker: (nodeId) => cluster.stopBroker(nodeId, true),
      startBroker: (nodeId) => cluster.startBroker(nodeId),
      injectFault: (fault) => cluster.faults.inject(fault),
      setLatency: (nodeId, ms) => {
        if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
        cluster.node(nodeId).latencyMs = ms;
        cluster.emitChange();
      },
      isolateBroker: (nodeId, isolated) => {
        cluster.node(nodeId);
        cluster.replication.setIsolated(nodeId, isolated);
        cluster.emitChange();
      },
      moveLeader: (topic, partition, nodeId) => {
        const p = cluster.partition(topic, partition);
        if (!p) throw new Error(`unknown partition ${topic}-${partition}`);
        cluster.controller.moveLeader(p, nodeId);
      },
      clearFaults: () => {
        cluster.faults.clear();
        for (const n of cluster.nodes) {
          n.latencyMs = 0;
          cluster.replication.setIsolated(n.nodeId, false);
        }
        cluster.emitChange();
      },
      onChange: (listener) => cluster.onChange(listener),
    },
    close: () => cluster.close(),
  };
}
