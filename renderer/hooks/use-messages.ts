// Messages: browse with cursors and progress, live tail, produce (repeatable), export. These
// are user-driven actions with their own lifecycles, so they are small state machines over
// the API rather than cached queries; mutations invalidate the topic's prefix.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BrowseOutput, KeelApi, MessageView, MethodInput } from '../../electron/contract/index.js';
import { useApi } from '../api/api-context.js';
import { toUiError, type UiError } from '../api/errors.js';
import { keys } from '../api/query-keys.js';

export type BrowseRequest = Omit<MethodInput<'messages.browse'>, 'clusterId' | 'topic' | 'progressToken'>;

export interface BrowseState {
  status: 'idle' | 'loading' | 'done' | 'error' | 'cancelled';
  page: BrowseOutput | null;
  progress: { scanned: number; matched: number; elapsedMs: number } | null;
  error: UiError | null;
  request: BrowseRequest | null;
}

let tokenSeq = 0;
const newToken = (kind: string) => `${kind}-${Date.now()}-${++tokenSeq}`;

/** Asks the host to stop a scan; hosts without messages.cancelBrowse just let it run out its budget. */
function cancelOnServer(api: KeelApi, progressToken: string | null): void {
  if (progressToken) void api.call('messages.cancelBrowse', { progressToken }).catch(() => undefined);
}

export function useMessageBrowser(clusterId: string, topic: string) {
  const api = useApi();
  const [state, setState] = useState<BrowseState>({ status: 'idle', page: null, progress: null, error: null, request: null });
  const generation = useRef(0);
  const inFlight = useRef<string | null>(null);

  useEffect(
    () => () => {
      generation.current++;
      cancelOnServer(api, inFlight.current);
    },
    [api],
  );

  const run = useCallback(
    async (request: BrowseRequest) => {
      const gen = ++generation.current;
      cancelOnServer(api, inFlight.current);
      const progressToken = newToken('browse');
      inFlight.current = progressToken;
      setState((s) => ({ ...s, status: 'loading', progress: null, error: null, request }));
      const off = api.on('messages.browseProgress', (p) => {
        if (p.progressToken === progressToken && gen === generation.current) setState((s) => ({ ...s, progress: p }));
      });
      try {
        const page = await api.call('messages.browse', { ...request, clusterId, topic, progressToken });
        if (gen === generation.current) setState((s) => ({ ...s, status: 'done', page, progress: null }));
      } catch (err) {
        if (gen === generation.current) setState((s) => ({ ...s, status: 'error', error: toUiError(err), progress: null }));
      } finally {
        off();
        if (inFlight.current === progressToken) inFlight.current = null;
      }
    },
    [api, clusterId, topic],
  );

  /** Stops the scan in flight, here and on the host; the page on screen stays. */
  const cancel = useCallback(() => {
    generation.current++;
    cancelOnServer(api, inFlight.current);
    inFlight.current = null;
    setState((s) => ({ ...s, status: s.page ? 'cancelled' : 'idle', progress: null }));
  }, [api]);

  const page = state.page;
  const newerCursor = page ? (page.direction === 'forward' ? page.nextCursor : page.prevCursor) : null;
  const olderCursor = page ? (page.direction === 'forward' ? page.prevCursor : page.nextCursor) : null;
  const withCursor = (cursor: string) => state.request && run({ ...state.request, cursor });

  return {
    state,
    run,
    cancel,
    newer: newerCursor ? () => withCursor(newerCursor) : null,
    older: olderCursor ? () => withCursor(olderCursor) : null,
  };
}

const TAIL_BUFFER = 500;

export function useLiveTail(clusterId: string, topic: string) {
  const api = useApi();
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [running, setRunning] = useState(false);
  const [paused, setPaused] = useState(false);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<UiError | null>(null);
  const sub = useRef<string | null>(null);
  const pausedRef = useRef(false);
  const held = useRef<MessageView[]>([]);
  const offRef = useRef<(() => void) | null>(null);

  const push = (batch: MessageView[]) => setMessages((m) => [...batch.slice().reverse(), ...m].slice(0, TAIL_BUFFER));

  const stop = useCallback(async () => {
    offRef.current?.();
    offRef.current = null;
    const id = sub.current;
    sub.current = null;
    setRunning(false);
    setPaused(false);
    pausedRef.current = false;
    if (id) await api.call('messages.tailStop', { subscriptionId: id }).catch(() => undefined);
  }, [api]);

  const start = useCallback(
    async (input: Omit<MethodInput<'messages.tailStart'>, 'clusterId' | 'topic'>) => {
      await stop();
      setError(null);
      setMessages([]);
      held.current = [];
      setPending(0);
      let myId: string | null = null;
      offRef.current = api.on('messages.tail', (ev) => {
        if (!myId || ev.subscriptionId !== myId) return;
        if (ev.error) {
          setError({ code: ev.error.code as UiError['code'], message: ev.error.message });
          setRunning(false);
          sub.current = null;
        }
        if (ev.messages.length === 0) return;
        if (pausedRef.current) {
          held.current.push(...ev.messages);
          setPending(held.current.length);
        } else push(ev.messages);
      });
      try {
        const { subscriptionId } = await api.call('messages.tailStart', { clusterId, topic, ...input });
        myId = subscriptionId;
        sub.current = subscriptionId;
        setRunning(true);
      } catch (err) {
        offRef.current?.();
        offRef.current = null;
        setError(toUiError(err));
      }
    },
    [api, clusterId, topic, stop],
  );

  const pause = useCallback((on: boolean) => {
    pausedRef.current = on;
    setPaused(on);
    if (!on && held.current.length) {
      push(held.current);
      held.current = [];
      setPending(0);
    }
  }, []);

  useEffect(() => () => void stop(), [stop]);

  return { messages, running, paused, pending, error, start, stop, pause, clear: () => setMessages([]) };
}

export interface ProduceProgress {
  done: number;
  total: number;
  last: { partition: number; offset: string | null } | null;
}

export type ProduceInput = Omit<MethodInput<'messages.produce'>, 'clusterId' | 'topic'>;

/** Produces `repeat` times, one call each, reporting progress; stops between calls when cancelled. */
export function useProduce(clusterId: string, topic: string) {
  const api = useApi();
  const qc = useQueryClient();
  const [progress, setProgress] = useState<ProduceProgress | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const cancelled = useRef(false);

  const produce = useCallback(
    async (input: ProduceInput, repeat: number) => {
      cancelled.current = false;
      setBusy(true);
      setError(null);
      setProgress({ done: 0, total: repeat, last: null });
      try {
        for (let i = 0; i < repeat && !cancelled.current; i++) {
          const res = await api.call('messages.produce', { clusterId, topic, ...input });
          setProgress({ done: i + 1, total: repeat, last: res });
        }
        return !cancelled.current;
      } catch (err) {
        setError(toUiError(err));
        return false;
      } finally {
        setBusy(false);
        void qc.invalidateQueries({ queryKey: keys.topic(clusterId, topic) });
      }
    },
    [api, clusterId, topic, qc],
  );

  return { produce, progress, error, busy, cancel: () => void (cancelled.current = true), reset: () => (setProgress(null), setError(null)) };
}

export interface ExportProgress {
  phase: 'collecting' | 'exporting' | 'done';
  done: number;
  total: number;
}

export const EXPORT_CHUNK = 2_000;

/** Exports the given messages in chunks, so progress shows and cancel stops between chunks. */
export function useMessageExport(clusterId: string, topic: string) {
  const api = useApi();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const cancelled = useRef(false);
  const scanning = useRef<string | null>(null);

  const exportMessages = useCallback(
    async (selection: Array<{ partition: number; offset: string }>, format: 'jsonl' | 'csv') => {
      cancelled.current = false;
      setError(null);
      const parts: string[] = [];
      let filename = `${topic}.${format}`;
      let mimeType = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
      setProgress({ phase: 'exporting', done: 0, total: selection.length });
      try {
        for (let i = 0; i < selection.length; i += EXPORT_CHUNK) {
          if (cancelled.current) return null;
          const out = await api.call('messages.export', { clusterId, topic, format, selection: selection.slice(i, i + EXPORT_CHUNK) });
          filename = out.filename;
          mimeType = out.mimeType;
          // A CSV header appears once, not once per chunk.
          parts.push(format === 'csv' && i > 0 ? out.content.replace(/^[^\n]*\n/, '') : out.content);
          setProgress({ phase: 'exporting', done: Math.min(selection.length, i + EXPORT_CHUNK), total: selection.length });
        }
        setProgress({ phase: 'done', done: selection.length, total: selection.length });
        return { filename, mimeType, content: parts.join('') };
      } catch (err) {
        setError(toUiError(err));
        return null;
      }
    },
    [api, clusterId, topic],
  );

  /** Pages through a browse (same start, filter, partitions) collecting up to `max` message ids. */
  const collect = useCallback(
    async (request: BrowseRequest, max: number) => {
      cancelled.current = false;
      setError(null);
      const out: Array<{ partition: number; offset: string }> = [];
      let cursor: string | undefined = request.cursor;
      setProgress({ phase: 'collecting', done: 0, total: max });
      try {
        for (;;) {
          if (cancelled.current) return null;
          const progressToken = newToken('export');
          scanning.current = progressToken;
          const page: BrowseOutput = await api.call('messages.browse', {
            ...request,
            clusterId,
            topic,
            cursor,
            limits: { results: Math.min(1000, max - out.length), scan: 1_000_000, timeBudgetMs: 10_000 },
            progressToken,
          });
          scanning.current = null;
          if (cancelled.current) return null;
          for (const m of page.messages) out.push({ partition: m.partition, offset: m.offset });
          setProgress({ phase: 'collecting', done: out.length, total: max });
          if (out.length >= max || page.messages.length === 0 || !page.nextCursor || page.stats.stoppedBy === 'end') break;
          cursor = page.nextCursor;
        }
        return out.slice(0, max);
      } catch (err) {
        setError(toUiError(err));
        return null;
      }
    },
    [api, clusterId, topic],
  );

  const cancel = useCallback(() => {
    cancelled.current = true;
    cancelOnServer(api, scanning.current);
    scanning.current = null;
  }, [api]);

  return { collect, exportMessages, progress, error, cancel, reset: () => (setProgress(null), setError(null)) };
}
