// Everything behind the contract, shared by the Electron and web shells: settings, cluster
// registry, the embedded 3-broker sandbox, and the handler for every contract method.
import net from 'node:net';
import path from 'node:path';
import type { ClusterHandle, StartClusterOptions } from '../../embedded-broker/public-types.js';
import { ContractError } from '../contract/errors.js';
import type { EventName, EventPayload, SandboxStatus } from '../contract/index.js';
import { ClusterRegistry, SANDBOX_CLUSTER_ID } from '../services/cluster-registry.js';
import { MetricsService, type MetricsServiceOptions } from '../services/metrics/metrics-service.js';
import { SettingsStore, type SecretCipher } from '../services/settings-store.js';
import { createDispatcher, type CallContext, type Dispatcher } from './contract-server.js';
import { createHandlers } from './contract-handlers.js';
import { loadStartCluster } from './broker-module.js';
import { startClusterInWorker } from './sandbox-host.js';

export interface AppServicesOptions {
  /** The user-data folder: settings, secrets and the sandbox's logs live under it. */
  userDataDir: string;
  cipher: SecretCipher;
  shell: 'electron' | 'web';
  version?: string;
  sandbox?: {
    enabled?: boolean;
    brokers?: number;
    /** First port to try; the sandbox takes the next free ones from here (default 9092). */
    basePort?: number;
    /** 0 = ephemeral ports (tests). */
    ports?: number;
    host?: string;
    /** 'worker' (default) hosts the brokers on a worker thread; 'main' runs them in this thread. */
    thread?: 'worker' | 'main';
  };
  /** Lag sampler and Prometheus overrides (tests use a short interval; the CLI flags set ports). */
  metrics?: MetricsServiceOptions['overrides'] & { webPath?: string | null };
  log?: (msg: string, err?: unknown) => void;
}

export interface AppServices {
  dispatcher: Dispatcher;
  registry: ClusterRegistry;
  store: SettingsStore;
  metrics: MetricsService;
  sandbox: { handle: ClusterHandle | null; error: string | null; dataDir: string };
  sandboxStatus(): SandboxStatus;
  /** Registers a caller for broadcast events (sandbox changes); returns detach. */
  attach(ctx: CallContext): () => void;
  close(): Promise<void>;
}

// The broker is located at run time (see broker-module.ts); by default it runs on its own
// worker thread (sandbox-host.ts) so a heavy sandbox load never stalls the window.
export { loadStartCluster };

function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The default ports 9092.. when free, otherwise the next free ones above them. */
export async function findFreePorts(base: number, count: number, host: string): Promise<number[]> {
  const out: number[] = [];
  for (let port = base; out.length < count && port < 65535; port++) if (await isPortFree(port, host)) out.push(port);
  if (out.length < count) throw new Error(`No ${count} free ports from ${base}`);
  return out;
}

export async function startAppServices(options: AppServicesOptions): Promise<AppServices> {
  const log = options.log ?? ((msg, err) => console.error(`[keel] ${msg}`, err ?? ''));
  const store = new SettingsStore(path.join(options.userDataDir, 'settings'), options.cipher);
  const sandbox: AppServices['sandbox'] = { handle: null, error: null, dataDir: path.join(options.userDataDir, 'sandbox') };
  const attached = new Set<CallContext>();
  const broadcast = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const ctx of attached) ctx.emit(event, payload);
  };

  const registry = new ClusterRegistry(store, () => sandbox.handle?.bootstrap ?? null);

  const sandboxStatus = (): SandboxStatus => {
    const h = sandbox.handle;
    return {
      running: h !== null,
      clusterId: h?.clusterId ?? null,
      bootstrap: h?.bootstrap ?? [],
      dataDir: sandbox.dataDir,
      brokers: h ? h.control.status().map((b) => ({ ...b })) : [],
      error: sandbox.error,
    };
  };

  let unsubscribe: (() => void) | null = null;
  const sb = options.sandbox ?? {};
  if (sb.enabled !== false) {
    const host = sb.host ?? '127.0.0.1';
    const brokers = sb.brokers ?? 3;
    try {
      const ports = sb.ports === 0 ? 0 : await findFreePorts(sb.basePort ?? 9092, brokers, host);
      const clusterOptions: StartClusterOptions = { brokers, dataDir: sandbox.dataDir, host, ports };
      if (sb.thread === 'main') {
        sandbox.handle = await (await loadStartCluster())(clusterOptions);
      } else {
        const handle = await startClusterInWorker(clusterOptions);
        sandbox.handle = handle;
        void handle.exited.then(({ unexpected, reason }) => {
          if (!unexpected || sandbox.handle !== handle) return;
          // The sandbox's thread died under us: say so instead of timing out on its ports.
          sandbox.handle = null;
          sandbox.error = `The sandbox stopped unexpectedly: ${reason}`;
          log(sandbox.error);
          void registry.resetSandboxAdapter();
          broadcast('sandbox.changed', sandboxStatus());
        });
      }
      unsubscribe = sandbox.handle.control.onChange(() => broadcast('sandbox.changed', sandboxStatus()));
    } catch (err) {
      sandbox.error = `The sandbox did not start: ${(err as Error).message}`;
      log(sandbox.error, err);
    }
  }

  const requireSandbox = (): ClusterHandle => {
    if (!sandbox.handle) throw new ContractError('SANDBOX_UNAVAILABLE', sandbox.error ?? 'The sandbox cluster is not running');
    return sandbox.handle;
  };

  const { webPath, ...overrides } = options.metrics ?? {};
  const metrics = new MetricsService({
    userDataDir: options.userDataDir,
    clusterIds: () => registry.connectedIds(),
    adapter: (id) => registry.adapter(id),
    webPath: webPath ?? (options.shell === 'web' ? '/metrics' : null),
    overrides,
    log,
  });
  await metrics.start();

  const dispatcher = createDispatcher(
    createHandlers({
      registry,
      requireSandbox,
      sandboxStatus,
      appInfo: () => ({
        version: options.version ?? '0.0.0',
        shell: options.shell,
        secretsStorage: options.cipher.kind,
        platform: process.platform,
      }),
      metrics: {
        'groups.lagHistory': async (input) => metrics.lagHistory(input),
        'topics.throughputHistory': async (input) => metrics.throughputHistory(input),
        'metrics.status': async () => metrics.status(),
        'metrics.updateSettings': async (input) => metrics.updateSettings(input),
        'metrics.clearHistory': async ({ clusterId }) => metrics.clearHistory(clusterId),
      },
    }),
    log,
  );

  return {
    dispatcher,
    registry,
    store,
    metrics,
    sandbox,
    sandboxStatus,
    attach(ctx) {
      attached.add(ctx);
      return () => attached.delete(ctx);
    },
    async close() {
      unsubscribe?.();
      attached.clear();
      // Before the connections close, so the last tick finishes and partial buckets are written.
      await metrics.close();
      await registry.close();
      const h = sandbox.handle;
      sandbox.handle = null;
      await h?.close();
    },
  };
}

export { SANDBOX_CLUSTER_ID };
