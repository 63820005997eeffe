// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicsPage } from '../../renderer/pages/topics-page.js';
import { createFakeApi } from './fake-api.js';
import { installLayoutShim } from './layout-shim.js';
import { renderWithApi } from './render.js';

installLayoutShim();

afterEach(cleanup);

describe('TopicsPage', () => {
  it('renders 10,000 topics virtually: the total, and only a screenful of rows', async () => {
    const api = createFakeApi({ topics: 10_000 });
    renderWithApi(<TopicsPage clusterId="sandbox" />, api);
    await screen.findByRole('link', { name: 'topic-00000' });
    expect(screen.getByLabelText('Topic count').textContent).toBe('10,000');
    const rows = within(screen.getByRole('table', { name: 'Topics' })).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(80);
    // Only the first page was fetched, 500 at a time.
    expect(api.callsOf('topics.list')[0]).toMatchObject({ offset: 0, limit: 500, clusterId: 'sandbox' });
  });

  it('searches on the server and sorts by partitions', async () => {
    const api = createFakeApi({ topics: 200 });
    renderWithApi(<TopicsPage clusterId="sandbox" />, api);
    await screen.findByRole('link', { name: 'topic-00000' });
    fireEvent.change(screen.getByLabelText('Search topics'), { target: { value: '00042' } });
    await screen.findByRole('link', { name: 'topic-00042' });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'topic-00000' })).toBeNull());
    expect(api.callsOf('topics.list').some((c) => c.search === '00042')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Sort by Partitions' }));
    await waitFor(() => expect(api.callsOf('topics.list').some((c) => c.sort === 'partitions')).toBe(true));
  });

  it('deletes only after the topic name is typed, then refetches the list', async () => {
    const api = createFakeApi({ topics: 3 });
    renderWithApi(<TopicsPage clusterId="sandbox" />, api);
    await screen.findByRole('link', { name: 'topic-00001' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete topic topic-00001' }));
    const dialog = screen.getByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Delete topic' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type the topic name to confirm'), { target: { value: 'topic-0000' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type the topic name to confirm'), { target: { value: 'topic-00001' } });
    expect(confirm.disabled).toBe(false);
    const before = api.callsOf('topics.list').length;
    await act(async () => fireEvent.click(confirm));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'topic-00001' })).toBeNull());
    expect(api.callsOf('topics.delete')).toEqual([{ clusterId: 'sandbox', topic: 'topic-00001' }]);
    expect(api.callsOf('topics.list').length).toBeGreaterThan(before);
  });

  it('shows a contract error where it happened, with a working retry', async () => {
    const api = createFakeApi({ topics: 3 });
    api.failNext('topics.list', 'AUTH_FAILED', 'SASL authentication failed');
    renderWithApi(<TopicsPage clusterId="remote-1" />, api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('SASL authentication failed');
    expect(alert.textContent).toContain('AUTH_FAILED');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByRole('link', { name: 'topic-00000' });
  });
});
