// Consumer groups: list and detail polled for lag (refetchInterval), reset and delete.
// Keys under ['clusters', id, 'groups'].
//
// Lag history: `useLagHistory` reads the backend's sampler (`groups.lagHistory`, stored on
// disk and downsampled by the server). Where the host does not run the sampler (the call
// answers UNSUPPORTED) it falls back to `useClientLagHistory`, which accumulates the totals
// this window sees while polling, so the chart then covers only the time it has watched.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { MethodInput } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys } from '../api/query-keys.js';
import { recordSample, useSamples, type Sample } from './sample-history.js';

export const LAG_POLL_MS = 5_000;

const lagKey = (clusterId: string, groupId: string) => `group-lag:${clusterId}:${groupId}`;

export function useGroups(clusterId: string, search = '') {
  const api = useApi();
  return useQuery({
    queryKey: keys.groupList(clusterId, search),
    queryFn: async () => {
      const list = await api.call('groups.list', { clusterId, search: search || undefined, withLag: true });
      const now = Date.now();
      for (const g of list) if (g.totalLag !== null) recordSample(lagKey(clusterId, g.groupId), now, g.totalLag);
      return list;
    },
    refetchInterval: LAG_POLL_MS,
  });
}

export function useGroup(clusterId: string, groupId: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.group(clusterId, groupId),
    queryFn: async () => {
      const detail = await api.call('groups.get', { clusterId, groupId });
      recordSample(lagKey(clusterId, groupId), Date.now(), detail.totalLag);
      return detail;
    },
    refetchInterval: LAG_POLL_MS,
  });
}

export const LAG_RANGES = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 60 * 60_000 },
  { id: '6h', label: '6 h', ms: 6 * 60 * 60_000 },
  { id: '24h', label: '24 h', ms: 24 * 60 * 60_000 },
  { id: '7d', label: '7 d', ms: 7 * 24 * 60 * 60_000 },
] as const;
export type LagRangeId = (typeof LAG_RANGES)[number]['id'];

export interface LagSeries {
  points: Sample[];
  /** Where the points come from, shown under the chart. */
  source: 'backend' | 'client-polling';
  /** The earliest time covered; later than the range start when the window watched less. */
  coveredFrom: number | null;
}

/** Total lag over time for a group within the range, from samples this window collected. */
export function useClientLagHistory(clusterId: string, groupId: string, rangeMs: number, now = Date.now()): LagSeries {
  const all = useSamples(lagKey(clusterId, groupId));
  return useMemo(() => {
    const from = now - rangeMs;
    const points = all.filter((s) => s.t >= from);
    return { points, source: 'client-polling' as const, coveredFrom: points[0]?.t ?? null };
    // `now` moves every render; the samples array changing is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [all, rangeMs]);
}

/** Points the chart asks the backend for: enough for a wide chart, small on the wire. */
export const LAG_CHART_POINTS = 400;

/** Lag over the range from the backend sampler, or from this window's polling when the host has none. */
export function useLagHistory(clusterId: string, groupId: string, rangeMs: number): LagSeries & { isLoading: boolean; error: unknown; unsupported: boolean } {
  const api = useApi();
  const q = useQuery({
    queryKey: [...keys.group(clusterId, groupId), 'lag-history', rangeMs],
    queryFn: async () => {
      const to = Date.now();
      return api.call('groups.lagHistory', { clusterId, groupId, from: to - rangeMs, to, points: LAG_CHART_POINTS, includePartitions: false });
    },
    refetchInterval: rangeMs <= 60 * 60_000 ? LAG_POLL_MS : 30_000,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const unsupported = (q.error as { code?: string } | null)?.code === 'UNSUPPORTED';
  const client = useClientLagHistory(clusterId, groupId, rangeMs);
  const backend = useMemo<LagSeries | null>(() => {
    if (!q.data) return null;
    const points = q.data.total.filter((p) => p.lag !== null).map((p) => ({ t: p.t, v: p.lag as number }));
    return { points, source: 'backend', coveredFrom: points[0]?.t ?? null };
  }, [q.data]);
  if (unsupported || (!backend && q.error)) return { ...client, isLoading: false, error: unsupported ? null : q.error, unsupported };
  // A long range can come back empty while the sampler has only raw samples younger than its
  // first aggregate bucket; what this window saw is better than an empty chart then.
  if (backend && backend.points.length === 0 && client.points.length > 0) return { ...client, isLoading: false, error: null, unsupported: false };
  return { ...(backend ?? { points: [], source: 'backend', coveredFrom: null }), isLoading: q.isLoading, error: null, unsupported: false };
}

/** The last N totals for a sparkline in the list. */
export function useLagSparkline(clusterId: string, groupId: string, count = 30): Sample[] {
  const all = useSamples(lagKey(clusterId, groupId));
  return useMemo(() => all.slice(-count), [all, count]);
}

export function useResetOffsets(clusterId: string, groupId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<MethodInput<'groups.resetOffsets'>, 'clusterId' | 'groupId'>) =>
      api.call('groups.resetOffsets', { clusterId, groupId, ...input }),
    onSuccess: (result) => {
      if (result.applied) return qc.invalidateQueries({ queryKey: keys.groups(clusterId) });
    },
  });
}

export function useDeleteGroup(clusterId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (groupId: string) => api.call('groups.delete', { clusterId, groupId }),
    onSuccess: (_r, groupId) => {
      qc.removeQueries({ queryKey: keys.group(clusterId, groupId) });
      return qc.invalidateQueries({ queryKey: keys.groups(clusterId) });
    },
  });
}
