// Topics: paged list (fetched a page at a time as the virtual list scrolls), detail, configs,
// admin mutations. Keys under ['clusters', id, 'topics'].
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { MethodInput, TopicDetail, TopicSummary } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { keys, type TopicListParams } from '../api/query-keys.js';
import { getSamples, recordSample, toRate, useSamples, type Sample } from './sample-history.js';

export const TOPIC_PAGE_SIZE = 500;

export interface TopicRows {
  total: number | null;
  rowAt(index: number): TopicSummary | undefined;
  isLoading: boolean;
  error: unknown;
  refetch(): void;
}

/** Loads page 0 always (it carries the total) and whichever other pages are visible. */
export function useTopicRows(clusterId: string, params: TopicListParams, visiblePages: number[]): TopicRows {
  const api = useApi();
  const pages = useMemo(() => Array.from(new Set([0, ...visiblePages])).sort((a, b) => a - b), [visiblePages.join(',')]);
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: keys.topicPage(clusterId, params, page),
      queryFn: () =>
        api.call('topics.list', {
          clusterId,
          search: params.search || undefined,
          sort: params.sort,
          includeInternal: params.includeInternal,
          withCounts: true,
          offset: page * TOPIC_PAGE_SIZE,
          limit: TOPIC_PAGE_SIZE,
        }),
      staleTime: 15_000,
      refetchInterval: 30_000,
    })),
  });
  const byPage = new Map<number, TopicSummary[]>();
  results.forEach((r, i) => r.data && byPage.set(pages[i]!, r.data.items));
  const first = results[0];
  return {
    total: first?.data?.total ?? null,
    rowAt: (index) => byPage.get(Math.floor(index / TOPIC_PAGE_SIZE))?.[index % TOPIC_PAGE_SIZE],
    isLoading: first?.isLoading ?? true,
    error: results.find((r) => r.error)?.error ?? null,
    refetch: () => results.forEach((r) => void r.refetch()),
  };
}

export function sumHighWatermarks(detail: TopicDetail): number {
  return detail.partitions.reduce((n, p) => n + Number(p.highWatermark), 0);
}

export function useTopic(clusterId: string, topic: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.topicDetail(clusterId, topic),
    queryFn: async () => {
      const detail = await api.call('topics.get', { clusterId, topic });
      recordSample(`topic-hw:${clusterId}:${topic}`, Date.now(), sumHighWatermarks(detail));
      return detail;
    },
    refetchInterval: 5_000,
  });
}

/** Messages/second into the topic, from high-watermark deltas between polls of useTopic. */
export function useTopicThroughput(clusterId: string, topic: string): Sample[] {
  const samples = useSamples(`topic-hw:${clusterId}:${topic}`);
  return useMemo(() => toRate(samples), [samples]);
}

/**
 * Messages/second over the last `rangeMs` from the backend sampler (`topics.throughputHistory`);
 * where the host has none (UNSUPPORTED), from this window's polling of the topic.
 */
export function useThroughputHistory(clusterId: string, topic: string, rangeMs = 15 * 60_000): { points: Sample[]; source: 'backend' | 'client-polling'; error: unknown } {
  const api = useApi();
  const q = useQuery({
    queryKey: [...keys.topic(clusterId, topic), 'throughput-history', rangeMs],
    queryFn: () => {
      const to = Date.now();
      return api.call('topics.throughputHistory', { clusterId, topic, from: to - rangeMs, to, points: 300 });
    },
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const client = useTopicThroughput(clusterId, topic);
  const backend = useMemo(
    () => (q.data ? q.data.total.filter((p) => p.messagesPerSec !== null).map((p) => ({ t: p.t, v: p.messagesPerSec as number })) : null),
    [q.data],
  );
  const code = (q.error as { code?: string } | null)?.code;
  if (code === 'UNSUPPORTED' || (!backend && q.error)) return { points: client, source: 'client-polling', error: code === 'UNSUPPORTED' ? null : q.error };
  return { points: backend ?? [], source: 'backend', error: null };
}

export interface TopTopic {
  name: string;
  messages: number | null;
  /** Messages/s over the last few minutes; null until there are two samples. */
  perSecond: number | null;
}

/** How many of the largest topics are ranked by recent throughput. */
export const TOP_TOPIC_CANDIDATES = 25;
const TOP_WINDOW_MS = 5 * 60_000;

function recentRate(points: Array<{ messagesPerSec: number | null }>): number | null {
  // The newest bucket may be partly filled; the last one with a rate is the best guess of "now".
  for (let i = points.length - 1; i >= 0; i--) if (points[i]!.messagesPerSec !== null) return points[i]!.messagesPerSec;
  return null;
}

/**
 * Top topics by recent throughput among the largest topics: rates come from the backend
 * sampler (topics.throughputHistory, kept on disk, so they survive a reload). Where the host
 * keeps no history (UNSUPPORTED), from message-count deltas between this window's polls.
 */
export function useTopTopicsByThroughput(clusterId: string, limit = 5) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.topics(clusterId), 'throughput'],
    queryFn: async (): Promise<{ rows: TopTopic[]; source: 'backend' | 'client-polling' }> => {
      const page = await api.call('topics.list', { clusterId, sort: 'messages', withCounts: true, limit: TOP_TOPIC_CANDIDATES, offset: 0 });
      const now = Date.now();
      let source: 'backend' | 'client-polling' = 'backend';
      const rows = await Promise.all(
        page.items.map(async (t): Promise<TopTopic> => {
          const key = `topic-count:${clusterId}:${t.name}`;
          recordSample(key, now, t.messageCountEstimate ?? 0);
          if (source === 'backend') {
            try {
              const h = await api.call('topics.throughputHistory', { clusterId, topic: t.name, from: now - TOP_WINDOW_MS, to: now, points: 10 });
              return { name: t.name, messages: t.messageCountEstimate, perSecond: recentRate(h.total) };
            } catch (err) {
              if ((err as { code?: string }).code !== 'UNSUPPORTED') throw err;
              source = 'client-polling';
            }
          }
          const rate = toRate(getSamples(key).slice(-2));
          return { name: t.name, messages: t.messageCountEstimate, perSecond: rate.length ? rate[rate.length - 1]!.v : null };
        }),
      );
      rows.sort((a, b) => (b.perSecond ?? -1) - (a.perSecond ?? -1) || (b.messages ?? 0) - (a.messages ?? 0));
      return { rows: rows.slice(0, limit), source };
    },
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });
}

export function useTopicConfigs(clusterId: string, topic: string) {
  const api = useApi();
  return useQuery({ queryKey: keys.topicConfigs(clusterId, topic), queryFn: () => api.call('topics.getConfigs', { clusterId, topic }) });
}

export function useCreateTopic(clusterId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<MethodInput<'topics.create'>, 'clusterId'>) => api.call('topics.create', { clusterId, ...input }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: keys.topics(clusterId) }), qc.invalidateQueries({ queryKey: keys.overview(clusterId) })]),
  });
}

export function useDeleteTopic(clusterId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (topic: string) => api.call('topics.delete', { clusterId, topic }),
    onSuccess: (_r, topic) => {
      qc.removeQueries({ queryKey: keys.topic(clusterId, topic) });
      return Promise.all([qc.invalidateQueries({ queryKey: keys.topics(clusterId) }), qc.invalidateQueries({ queryKey: keys.overview(clusterId) })]);
    },
  });
}

export function useAddPartitions(clusterId: string, topic: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (totalPartitions: number) => api.call('topics.addPartitions', { clusterId, topic, totalPartitions }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: keys.topic(clusterId, topic) }), qc.invalidateQueries({ queryKey: keys.topics(clusterId), exact: false })]),
  });
}

export function useUpdateTopicConfigs(clusterId: string, topic: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (change: { set?: Record<string, string>; reset?: string[] }) => api.call('topics.updateConfigs', { clusterId, topic, ...change }),
    onSuccess: (configs) => qc.setQueryData(keys.topicConfigs(clusterId, topic), configs),
  });
}
