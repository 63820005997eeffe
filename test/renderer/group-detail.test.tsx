// @vitest-environment happy-dom
import { act, cleanup, fireEvent, renderHook, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../renderer/api/api-context.js';
import { recordSample, clearSamples } from '../../renderer/hooks/sample-history.js';
import { useClientLagHistory, useGroups, useLagHistory } from '../../renderer/hooks/use-groups.js';
import { GroupDetailPage } from '../../renderer/pages/group-detail-page.js';
import { createFakeApi } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(() => {
  cleanup();
  clearSamples();
});

describe('GroupDetailPage', () => {
  it('shows per-partition lag, members and the lag chart area', async () => {
    renderWithApi(<GroupDetailPage clusterId="sandbox" groupId="billing" />);
    const table = await screen.findByRole('table', { name: 'Partition lag' });
    const row = within(table).getByRole('row', { name: 'orders partition 0' });
    expect(row.textContent).toContain('10');
    expect(row.textContent).toContain('15');
    expect(row.textContent).toContain('5');
    expect(screen.getByLabelText('Total lag').textContent).toContain('5');
    expect(within(screen.getByRole('table', { name: 'Members' })).getByText('billing-1')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Time range' })).toBeTruthy();
  });

  it('explains the refusal while the group has members, previews, and applies once it is empty', async () => {
    const { api } = renderWithApi(<GroupDetailPage clusterId="sandbox" groupId="billing" />);
    await screen.findByRole('table', { name: 'Partition lag' });
    fireEvent.click(screen.getByRole('button', { name: 'Reset offsets…' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('note').textContent).toMatch(/cannot be reset while the group has members/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Preview changes (dry run)' }));
    const preview = await within(dialog).findByRole('table', { name: 'Reset preview' });
    expect(within(preview).getAllByRole('row')).toHaveLength(3);
    expect(api.callsOf('groups.resetOffsets')[0]).toMatchObject({ dryRun: true, strategy: { kind: 'earliest' }, topics: [{ topic: 'orders' }] });
    const apply = within(dialog).getByRole('button', { name: /Apply reset/ }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);

    // The consumers stop: the next poll sees an empty group and applying becomes possible.
    api.state.group = { ...api.state.group, state: 'Empty', members: [] };
    await act(async () => {
      await new Promise((r) => setTimeout(r, 5_300));
    });
    await waitFor(() => expect(apply.disabled).toBe(false), { timeout: 3_000 });
    fireEvent.click(apply);
    await within(dialog).findByRole('table', { name: 'Reset result' });
    expect(api.callsOf('groups.resetOffsets').at(-1)).toMatchObject({ dryRun: false });
  }, 15_000);
});

describe('lag history hooks', () => {
  it('accumulate group totals from polling and filter them by range', async () => {
    const api = createFakeApi();
    const client = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <ApiProvider api={api}>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </ApiProvider>
    );
    const now = Date.now();
    recordSample('group-lag:sandbox:billing', now - 2 * 60 * 60_000, 100);
    const groups = renderHook(() => useGroups('sandbox'), { wrapper });
    await waitFor(() => expect(groups.result.current.data).toBeTruthy());
    const h15 = renderHook(() => useClientLagHistory('sandbox', 'billing', 15 * 60_000), { wrapper });
    expect(h15.result.current.points.map((p) => p.v)).toEqual([5]);
    expect(h15.result.current.source).toBe('client-polling');
    const h6 = renderHook(() => useClientLagHistory('sandbox', 'billing', 6 * 60 * 60_000), { wrapper });
    expect(h6.result.current.points.map((p) => p.v)).toEqual([100, 5]);
  });

  it('read the backend sampler through groups.lagHistory when the host has it', async () => {
    const api = createFakeApi();
    const to = Date.now();
    api.override('groups.lagHistory', (input) => ({
      groupId: input.groupId,
      from: input.from ?? to - 3_600_000,
      to,
      resolution: 'minute',
      bucketMs: 60_000,
      sampleIntervalMs: 5_000,
      total: [
        { t: to - 120_000, lag: 7, lagMin: 5, timeLagMs: 100 },
        { t: to - 60_000, lag: null, lagMin: null, timeLagMs: null },
        { t: to, lag: 3, lagMin: 3, timeLagMs: 0 },
      ],
      partitions: [],
    }));
    const client = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <ApiProvider api={api}>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </ApiProvider>
    );
    const h = renderHook(() => useLagHistory('sandbox', 'billing', 7 * 24 * 60 * 60_000), { wrapper });
    await waitFor(() => expect(h.result.current.points.map((p) => p.v)).toEqual([7, 3]));
    expect(h.result.current.source).toBe('backend');
    const call = api.callsOf('groups.lagHistory')[0]!;
    expect(call.to! - call.from!).toBe(7 * 24 * 60 * 60_000);
    expect(call.points).toBe(400);
  });

  it('fall back to client-side samples when the host answers UNSUPPORTED', async () => {
    const api = createFakeApi();
    recordSample('group-lag:sandbox:audit', Date.now() - 1000, 42);
    const client = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <ApiProvider api={api}>
        <QueryClientProvider client={client}>{children}</QueryClientProvider>
      </ApiProvider>
    );
    const h = renderHook(() => useLagHistory('sandbox', 'audit', 15 * 60_000), { wrapper });
    await waitFor(() => expect(h.result.current.source).toBe('client-polling'));
    expect(h.result.current.points.map((p) => p.v)).toEqual([42]);
    expect(h.result.current.error).toBeNull();
  });
});
