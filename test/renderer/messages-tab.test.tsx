// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowseOutput, TopicDetail } from '../../electron/contract/index.js';
import { MessagesTab, toBrowseRequest } from '../../renderer/pages/messages-tab.js';
import { defaultForm } from '../../renderer/pages/messages-toolbar.js';
import { createFakeApi } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(cleanup);

const detail = {
  name: 'orders',
  internal: false,
  replicationFactor: 3,
  messageCountEstimate: 2,
  sizeBytes: null,
  partitions: [0, 1].map((p) => ({ partition: p, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], logStartOffset: '0', highWatermark: '1', errorCode: 0, sizeBytes: null })),
} as TopicDetail;

describe('MessagesTab', () => {
  it('shows the newest messages on open, HTML-looking values as plain text', async () => {
    const { container, api } = renderWithApi(<MessagesTab clusterId="sandbox" detail={detail} />);
    const table = await screen.findByRole('table', { name: 'Messages' });
    await within(table).findByText('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
    expect(api.callsOf('messages.browse')[0]).toMatchObject({ clusterId: 'sandbox', topic: 'orders', start: { from: 'newest', count: 50 } });
  });

  it('expands a JSON value into a collapsible tree and lists headers', async () => {
    renderWithApi(<MessagesTab clusterId="sandbox" detail={detail} />);
    const table = await screen.findByRole('table', { name: 'Messages' });
    await within(table).findByText('k1');
    fireEvent.click(within(table).getAllByRole('button', { name: 'Show message' })[0]!);
    const tree = screen.getByRole('tree', { name: 'JSON value' });
    expect(tree.textContent).toContain('"nested"');
    fireEvent.click(within(tree).getAllByRole('button', { name: 'Collapse' })[0]!);
    expect(tree.textContent).toContain('2 keys');
    expect(within(screen.getByRole('table', { name: 'Headers' })).getByText('t-1')).toBeTruthy();
  });

  it('sends a JavaScript filter to the backend and shows its error in place', async () => {
    const { api } = renderWithApi(<MessagesTab clusterId="sandbox" detail={detail} />);
    await screen.findByText('k1');
    fireEvent.change(screen.getByLabelText('Filter kind'), { target: { value: 'js' } });
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'value.a === 1' } });
    api.failNext('messages.browse', 'FILTER_ERROR', 'SyntaxError in filter');
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('SyntaxError in filter');
    expect(api.callsOf('messages.browse').at(-1)).toMatchObject({ filter: { js: 'value.a === 1' } });
    // The form stays usable: searching again works.
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('shows scan progress and can cancel a long scan', async () => {
    const api = createFakeApi();
    let release!: (v: BrowseOutput) => void;
    renderWithApi(<MessagesTab clusterId="sandbox" detail={detail} />, api);
    await screen.findByText('k1');
    api.override('messages.browse', () => new Promise<BrowseOutput>((r) => (release = r)));
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const token = await waitFor(() => {
      const t = api.callsOf('messages.browse').at(-1)!.progressToken;
      expect(t).toBeTruthy();
      return t!;
    });
    act(() => api.emit('messages.browseProgress', { progressToken: token, scanned: 12_345, matched: 3, elapsedMs: 1500 }));
    await screen.findByText(/Scanned 12,345, matched 3/);
    expect(screen.getByRole('progressbar', { name: 'Scanning messages' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel search' }));
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Scanning messages' })).toBeNull());
    // The host is told to stop scanning too, for exactly that browse.
    expect(api.callsOf('messages.cancelBrowse')).toEqual([{ progressToken: token }]);
    // A late answer to the cancelled scan is ignored.
    act(() => release({ messages: [], nextCursor: null, prevCursor: null, direction: 'forward', stats: { scanned: 0, matched: 0, elapsedMs: 1, stoppedBy: 'end' } }));
    expect(screen.getByText('k1')).toBeTruthy();
  });

  it('builds browse requests for each start mode', () => {
    expect(toBrowseRequest({ ...defaultForm, mode: 'offset', offset: '42', partitions: [1] })).toMatchObject({ start: { from: 'offset', offset: '42' }, partitions: [1] });
    expect(toBrowseRequest({ ...defaultForm, mode: 'beginning', filter: 'x', pageSize: 100 })).toMatchObject({ start: { from: 'beginning' }, filter: { text: 'x' }, limits: { results: 100 } });
    expect(toBrowseRequest({ ...defaultForm, mode: 'timestamp', time: '' })).toBe('Pick a date and time');
    expect(toBrowseRequest({ ...defaultForm, partitions: [] })).toBe('Choose at least one partition');
  });
});
