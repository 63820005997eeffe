// Messages between the app and the sandbox worker thread (sandbox-host.ts ⇄
// sandbox-worker-main.ts). Everything is structured-clone data: no functions cross.
import type { BrokerStatus, StartClusterOptions } from '../../embedded-broker/public-types.js';

/** What the worker starts the cluster with: the options minus the logger, which stays here. */
export interface SandboxWorkerData {
  options: Omit<StartClusterOptions, 'logger'>;
  /** Forward broker log lines to the app instead of the broker's own stderr default. */
  forwardLogs: boolean;
  /** How often the worker re-checks status for changes no event announced (partition counts). */
  statusPollMs: number;
}

export type ControlMethod =
  | 'stopBroker'
  | 'crashBroker'
  | 'startBroker'
  | 'injectFault'
  | 'setLatency'
  | 'isolateBroker'
  | 'moveLeader'
  | 'clearFaults'
  | 'close';

export type ToWorker = { t: 'call'; id: number; method: ControlMethod; args: unknown[] };

export type FromWorker =
  | { t: 'ready'; clusterId: string; bootstrap: string[]; status: BrokerStatus[] }
  | { t: 'startFailed'; message: string }
  | { t: 'result'; id: number; ok: true; status: BrokerStatus[] }
  | { t: 'result'; id: number; ok: false; error: { name: string; message: string }; status: BrokerStatus[] }
  | { t: 'changed'; status: BrokerStatus[] }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };
