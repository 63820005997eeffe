// Hosts the embedded sandbox on a worker thread and hands back a ClusterHandle that looks
// like the in-process one. status() stays synchronous: the worker pushes a snapshot on
// every change (and after every control call), and the proxy answers from that. The
// control calls typed `void` in SandboxControl return promises here, so callers that await
// them see the broker's errors (an unknown partition for moveLeader, say).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BrokerStatus, ClusterHandle, SandboxControl, StartClusterOptions } from '../../embedded-broker/public-types.js';
import type { ControlMethod, FromWorker, SandboxWorkerData, ToWorker } from './sandbox-worker-protocol.js';

export interface WorkerClusterHandle extends ClusterHandle {
  /** Resolves when the worker ends; `unexpected` is false only after close(). */
  readonly exited: Promise<{ unexpected: boolean; reason: string }>;
  readonly threadId: number;
  /** Ends the thread without closing the cluster, as a crash would (tests, last-resort shutdown). */
  terminate(): Promise<void>;
}

export interface StartInWorkerOptions {
  /** Milliseconds to wait for the cluster to come up. */
  startTimeoutMs?: number;
  statusPollMs?: number;
  /** Overrides the worker script (tests); defaults to sandbox-worker.mjs beside this module. */
  workerUrl?: URL;
}

// Bundled app: the worker bundle sits with the broker's (dist/broker/sandbox-worker.mjs, one
// folder over from dist/electron and dist/web). From source: the tsx bootstrap beside this file.
const WORKER_CANDIDATES = ['../broker/sandbox-worker.mjs', './sandbox-worker.mjs'];

export function sandboxWorkerUrl(): URL {
  for (const rel of WORKER_CANDIDATES) {
    const url = new URL(rel, import.meta.url);
    if (fs.existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`The sandbox worker script was not found (looked for ${WORKER_CANDIDATES.join(', ')} beside ${fileURLToPath(import.meta.url)})`);
}

export function startClusterInWorker(options: StartClusterOptions, host: StartInWorkerOptions = {}): Promise<WorkerClusterHandle> {
  const { logger, ...rest } = options;
  const data: SandboxWorkerData = { options: rest, forwardLogs: logger !== undefined, statusPollMs: host.statusPollMs ?? 1_000 };
  let worker: Worker;
  try {
    worker = new Worker(host.workerUrl ?? sandboxWorkerUrl(), { workerData: data, name: 'keel-sandbox' });
  } catch (err) {
    return Promise.reject(err);
  }

  let status: BrokerStatus[] = [];
  let nextId = 1;
  let closing = false;
  let ended: string | null = null;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const listeners = new Set<() => void>();
  let resolveExit!: (v: { unexpected: boolean; reason: string }) => void;
  const exited = new Promise<{ unexpected: boolean; reason: string }>((r) => (resolveExit = r));

  const notify = () => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the others still hear about the change.
      }
    }
  };

  const call = (method: ControlMethod, args: unknown[]): Promise<void> => {
    if (ended) return Promise.reject(new Error(`The sandbox worker is not running (${ended})`));
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ t: 'call', id, method, args } satisfies ToWorker);
    });
  };

  const control: SandboxControl = {
    status: () => status.map((b) => ({ ...b })),
    stopBroker: (nodeId) => call('stopBroker', [nodeId]),
    crashBroker: (nodeId) => call('crashBroker', [nodeId]),
    startBroker: (nodeId) => call('startBroker', [nodeId]),
    injectFault: (fault) => call('injectFault', [fault]),
    setLatency: (nodeId, ms) => call('setLatency', [nodeId, ms]),
    isolateBroker: (nodeId, isolated) => call('isolateBroker', [nodeId, isolated]),
    moveLeader: (topic, partition, nodeId) => call('moveLeader', [topic, partition, nodeId]),
    clearFaults: () => call('clearFaults', []),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };

  return new Promise<WorkerClusterHandle>((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => {
      if (started) return;
      void worker.terminate();
      reject(new Error(`The sandbox did not start within ${host.startTimeoutMs ?? 30_000} ms`));
    }, host.startTimeoutMs ?? 30_000);

    const end = (reason: string) => {
      if (ended) return;
      ended = reason;
      clearTimeout(timer);
      for (const p of pending.values()) p.reject(new Error(`The sandbox worker stopped: ${reason}`));
      pending.clear();
      if (!started) reject(new Error(reason));
      const hadBrokers = status.length > 0;
      status = [];
      resolveExit({ unexpected: !closing, reason });
      if (started && hadBrokers && !closing) notify();
    };

    worker.on('message', (msg: FromWorker) => {
      switch (msg.t) {
        case 'ready': {
          started = true;
          clearTimeout(timer);
          status = msg.status;
          resolve({
            clusterId: msg.clusterId,
            bootstrap: msg.bootstrap,
            control,
            exited,
            threadId: worker.threadId,
            async terminate() {
              await worker.terminate();
            },
            async close() {
              if (ended) return;
              closing = true;
              try {
                await call('close', []);
              } finally {
                await worker.terminate();
              }
            },
          });
          return;
        }
        case 'startFailed':
          void worker.terminate();
          end(msg.message);
          return;
        case 'changed':
          status = msg.status;
          notify();
          return;
        case 'result': {
          status = msg.status;
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (!p) return;
          if (msg.ok) p.resolve();
          else p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
          return;
        }
        case 'log':
          logger?.(msg.level, msg.message);
          return;
      }
    });
    worker.on('error', (err) => end(`the sandbox worker failed: ${err.message}`));
    worker.on('exit', (code) => end(closing ? 'closed' : `the sandbox worker exited with code ${code}`));
  });
}
