// Clusters: registry, connection status, overview. Keys under ['clusters'].
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ClusterConfigInput, MethodInput } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys } from '../api/query-keys.js';

export const SANDBOX_ID = 'sandbox';

export function useAppInfo() {
  const api = useApi();
  return useQuery({ queryKey: keys.app(), queryFn: () => api.call('app.info', {}), staleTime: Infinity });
}

export function useClusters() {
  const api = useApi();
  return useQuery({
    queryKey: keys.clusters(),
    queryFn: async () => {
      const list = await api.call('clusters.list', {});
      // The sandbox first, remote clusters after, by name.
      return [...list].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'sandbox' ? -1 : 1));
    },
    staleTime: 30_000,
  });
}

/** A cheap reachability check per cluster, for the switcher's status dots. */
export function useClusterStatus(clusterId: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: keys.clusterStatus(clusterId),
    queryFn: () => api.call('clusters.test', { clusterId }),
    enabled,
    staleTime: 20_000,
    refetchInterval: 30_000,
    retry: false,
  });
}

export function useClusterOverview(clusterId: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.overview(clusterId),
    queryFn: () => api.call('clusters.overview', { clusterId }),
    refetchInterval: 5_000,
    retry: 1,
  });
}

export function useAddCluster() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ClusterConfigInput) => api.call('clusters.add', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.clusters() }),
  });
}

export function useUpdateCluster() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<'clusters.update'>) => api.call('clusters.update', input),
    onSuccess: (_r, input) => qc.invalidateQueries({ queryKey: keys.cluster(input.clusterId) }).then(() => qc.invalidateQueries({ queryKey: keys.clusters(), exact: true })),
  });
}

export function useRemoveCluster() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (clusterId: string) => api.call('clusters.remove', { clusterId }),
    onSuccess: (_r, clusterId) => {
      qc.removeQueries({ queryKey: keys.cluster(clusterId) });
      return qc.invalidateQueries({ queryKey: keys.clusters(), exact: true });
    },
  });
}

export function useTestClusterConfig() {
  const api = useApi();
  return useMutation({ mutationFn: (input: ClusterConfigInput) => api.call('clusters.testConfig', input) });
}
