// The embedded sandbox: status pushed by `sandbox.changed` events (polling as a fallback),
// broker controls, isolation, leader moves and fault injection. A control invalidates the
// sandbox cluster's prefix too, since leaders and ISR change with it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MethodInput } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys } from '../api/query-keys.js';
import { SANDBOX_ID } from './use-clusters.js';

export function useSandboxStatus() {
  const api = useApi();
  const qc = useQueryClient();
  useEffect(
    () =>
      api.on('sandbox.changed', (status) => {
        qc.setQueryData(keys.sandbox(), status);
        void qc.invalidateQueries({ queryKey: keys.cluster(SANDBOX_ID) });
      }),
    [api, qc],
  );
  return useQuery({ queryKey: keys.sandbox(), queryFn: () => api.call('sandbox.status', {}), refetchInterval: 5_000 });
}

type Control = 'sandbox.stopBroker' | 'sandbox.crashBroker' | 'sandbox.startBroker';

export function useBrokerControl() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, nodeId }: { action: Control; nodeId: number }) => api.call(action, { nodeId }),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: keys.sandbox() }), qc.invalidateQueries({ queryKey: keys.cluster(SANDBOX_ID) })]),
  });
}

export function useInjectFault() {
  const api = useApi();
  return useMutation({ mutationFn: (input: MethodInput<'sandbox.injectFault'>) => api.call('sandbox.injectFault', input) });
}

export function useSetLatency() {
  const api = useApi();
  const refresh = useRefreshSandbox();
  return useMutation({ mutationFn: (input: MethodInput<'sandbox.setLatency'>) => api.call('sandbox.setLatency', input), onSettled: refresh });
}

/** Refreshes what a replication change moves: broker counts, leaders and ISR of every topic. */
function useRefreshSandbox() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: keys.sandbox() }), qc.invalidateQueries({ queryKey: keys.cluster(SANDBOX_ID) })]);
}

/** Cuts a broker off from replication as a follower (isolated: true) or heals it. */
export function useIsolateBroker() {
  const api = useApi();
  const refresh = useRefreshSandbox();
  return useMutation({
    mutationFn: (input: MethodInput<'sandbox.isolateBroker'>) => api.call('sandbox.isolateBroker', input),
    onSettled: refresh,
  });
}

export function useMoveLeader() {
  const api = useApi();
  const refresh = useRefreshSandbox();
  return useMutation({
    mutationFn: (input: MethodInput<'sandbox.moveLeader'>) => api.call('sandbox.moveLeader', input),
    onSettled: refresh,
  });
}

/** Removes every armed fault, latency and isolation. */
export function useClearFaults() {
  const api = useApi();
  const refresh = useRefreshSandbox();
  return useMutation({ mutationFn: () => api.call('sandbox.clearFaults', {}), onSettled: refresh });
}
