// The sandbox's thread: starts the embedded cluster and serves its control API over the
// worker port, so broker work (request decoding, log appends, replication) never competes
// with the window's main process or the web server for the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { ClusterHandle, SandboxControl } from '../../embedded-broker/public-types.js';
import { loadStartCluster } from './broker-module.js';
import type { FromWorker, SandboxWorkerData, ToWorker } from './sandbox-worker-protocol.js';


const port = parentPort!;
const data = workerData as SandboxWorkerData;
const post = (msg: FromWorker) => port.postMessage(msg);

async function main(): Promise<void> {
  let handle: ClusterHandle;
  try {
    // Located at run time: a missing or broken broker module becomes a start error, not a crash.
    const startCluster = await loadStartCluster();
    handle = await startCluster({
      ...data.options,
      ...(data.forwardLogs ? { logger: (level, message) => post({ t: 'log', level, message }) } : {}),
    });
  } catch (err) {
    post({ t: 'startFailed', message: (err as Error)?.message ?? String(err) });
    return;
  }

  const control = handle.control;
  let lastSent = '';
  const snapshot = () => control.status();
  const sendIfChanged = (force = false) => {
    const status = snapshot();
    const json = JSON.stringify(status);
    if (!force && json === lastSent) return;
    lastSent = json;
    post({ t: 'changed', status });
  };
  // Many changes land in one turn (a broker stop moves every leadership): send one snapshot.
  let scheduled = false;
  const unsubscribe = control.onChange(() => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      sendIfChanged(true);
    });
  });
  const poll = setInterval(() => sendIfChanged(), data.statusPollMs);

  const status0 = snapshot();
  lastSent = JSON.stringify(status0);
  post({ t: 'ready', clusterId: handle.clusterId, bootstrap: handle.bootstrap, status: status0 });

  port.on('message', (msg: ToWorker) => {
    if (msg?.t !== 'call') return;
    void (async () => {
      try {
        if (msg.method === 'close') {
          clearInterval(poll);
          unsubscribe();
          await handle.close();
        } else {
          const fn = control[msg.method as keyof SandboxControl] as (...args: unknown[]) => unknown;
          await fn.apply(control, msg.args);
        }
        post({ t: 'result', id: msg.id, ok: true, status: msg.method === 'close' ? [] : snapshot() });
        if (msg.method === 'close') port.close();
      } catch (err) {
        const e = err as Error;
        post({ t: 'result', id: msg.id, ok: false, error: { name: e?.name ?? 'Error', message: e?.message ?? String(err) }, status: snapshot() });
      }
    })();
  });
}

void main();
