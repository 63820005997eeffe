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
          return { nodeId: n.nodeId, host: n.host, port: n.port, state: n.state, leaderOf, replicaOf };
        }),
      stopBroker: (nodeId) => cluster.stopBroker(nodeId, false),
      crashBroker: (nodeId) => cluster.stopBroker(nodeId, true),
      startBroker: (nodeId) => cluster.startBroker(nodeId),
      injectFault: () => {
        throw new Error('Fault injection by error code is not available yet in this build of the sandbox.');
      },
      setLatency: (nodeId, ms) => {
        if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
        cluster.node(nodeId).latencyMs = ms;
      },
      onChange: (listener) => cluster.onChange(listener),
    },
    close: () => cluster.close(),
  };
}
