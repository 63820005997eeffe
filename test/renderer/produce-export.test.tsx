// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowseOutput, MessageView } from '../../electron/contract/index.js';
import { ExportDialog } from '../../renderer/components/export-dialog.js';
import { ProduceDialog } from '../../renderer/components/produce-dialog.js';
import { EXPORT_CHUNK } from '../../renderer/hooks/use-messages.js';
import { createFakeApi, textValue } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(cleanup);

describe('ProduceDialog', () => {
  it('produces a keyed message with headers, partition, compression and acks', async () => {
    const api = createFakeApi();
    renderWithApi(<ProduceDialog clusterId="sandbox" topic="orders" partitions={3} onClose={() => undefined} />, api);
    const dialog = screen.getByRole('dialog', { name: 'Produce to orders' });
    fireEvent.change(within(dialog).getByLabelText('Key'), { target: { value: 'customer-1' } });
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: '{"amount":42}' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '+ Add header' }));
    fireEvent.change(within(dialog).getByLabelText('Header 1 name'), { target: { value: 'trace-id' } });
    fireEvent.change(within(dialog).getByLabelText('Header 1 value'), { target: { value: 'abc' } });
    fireEvent.change(within(dialog).getByLabelText('Partition'), { target: { value: '2' } });
    fireEvent.change(within(dialog).getByLabelText('Compression'), { target: { value: 'zstd' } });
    fireEvent.change(within(dialog).getByLabelText('Acks'), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Produce' }));
    await within(dialog).findByText(/Message produced · last at partition 2, offset 0/);
    expect(api.callsOf('messages.produce')).toEqual([
      { clusterId: 'sandbox', topic: 'orders', key: 'customer-1', value: '{"amount":42}', encoding: 'text', headers: [{ key: 'trace-id', value: 'abc' }], compression: 'zstd', acks: 1, partition: 2 },
    ]);
  });

  it('repeats N times with progress, sends a null key when asked, and can stop midway', async () => {
    const api = createFakeApi();
    let gate: (() => void) | null = null;
    api.override('messages.produce', async () => {
      const n = api.callsOf('messages.produce').length;
      if (n === 3) await new Promise<void>((r) => (gate = r));
      return { partition: 0, offset: String(n - 1) };
    });
    renderWithApi(<ProduceDialog clusterId="sandbox" topic="orders" partitions={1} onClose={() => undefined} />, api);
    const dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByLabelText('No key (null)'));
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'v' } });
    fireEvent.change(within(dialog).getByLabelText('Repeat'), { target: { value: '10' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Produce 10×' }));
    await waitFor(() => expect(gate).not.toBeNull());
    const bar = within(dialog).getByRole('progressbar', { name: 'Produce progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop' }));
    await act(async () => gate!());
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Close' })).toBeTruthy());
    expect(api.callsOf('messages.produce')).toHaveLength(3);
    expect(api.callsOf('messages.produce')[0]).toMatchObject({ key: null, value: 'v' });
    expect(within(dialog).getByText('3 / 10')).toBeTruthy();
  });

  it('shows a refused write where it happened', async () => {
    const api = createFakeApi();
    api.failNext('messages.produce', 'KAFKA_ERROR', 'NOT_ENOUGH_REPLICAS: 1 in sync, 2 required');
    renderWithApi(<ProduceDialog clusterId="sandbox" topic="orders" partitions={1} onClose={() => undefined} />, api);
    fireEvent.click(screen.getByRole('button', { name: 'Produce' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Produce failed');
    expect(alert.textContent).toContain('NOT_ENOUGH_REPLICAS');
  });
});

describe('ExportDialog', () => {
  let downloads: Array<{ name: string; type: string; text: Promise<string> }>;
  beforeEach(() => {
    downloads = [];
    let last: Blob | null = null;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => ((last = b as Blob), 'blob:test'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, type: last!.type, text: last!.text() });
    });
  });
  afterEach(() => vi.restoreAllMocks());

  const onScreen: MessageView[] = [0, 1, 2].map((i) => ({ partition: i % 2, offset: String(i), timestamp: 1, key: textValue(`k${i}`), value: textValue(`v${i}`), headers: [] }));

  it('exports the messages on screen as JSON Lines and downloads the file', async () => {
    const api = createFakeApi();
    renderWithApi(<ExportDialog clusterId="sandbox" topic="orders" onScreen={onScreen} request={null} onClose={() => undefined} />, api);
    const dialog = screen.getByRole('dialog', { name: 'Export messages' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }));
    await within(dialog).findByText('Exported 3 messages to orders.jsonl');
    expect(api.callsOf('messages.export')).toEqual([
      { clusterId: 'sandbox', topic: 'orders', format: 'jsonl', selection: [{ partition: 0, offset: '0' }, { partition: 1, offset: '1' }, { partition: 0, offset: '2' }] },
    ]);
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toBe('orders.jsonl');
    expect(downloads[0]!.type).toBe('application/x-ndjson');
    expect((await downloads[0]!.text).trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ partition: 0, offset: '0' }, { partition: 1, offset: '1' }, { partition: 0, offset: '2' }]);
  });

  it('collects every match from the search start, exports in chunks, and keeps one CSV header', async () => {
    const api = createFakeApi();
    const total = EXPORT_CHUNK + 500;
    let served = 0;
    api.override('messages.browse', (input) => {
      const n = Math.min(input.limits!.results!, total - served);
      const messages = Array.from({ length: n }, (_, i) => ({ ...onScreen[0]!, offset: String(served + i) }));
      served += n;
      return { messages, nextCursor: served < total ? `c${served}` : null, prevCursor: null, direction: 'forward', stats: { scanned: n, matched: n, elapsedMs: 1, stoppedBy: served < total ? 'results' : 'end' } } as BrowseOutput;
    });
    api.override('messages.export', (input) => ({
      filename: 'orders.csv', mimeType: 'text/csv', count: input.selection.length,
      content: 'partition,offset\r\n' + input.selection.map((s) => `${s.partition},${s.offset}\r\n`).join(''),
    }));
    renderWithApi(<ExportDialog clusterId="sandbox" topic="orders" onScreen={[]} request={{ start: { from: 'beginning' }, filter: { text: 'v' } }} onClose={() => undefined} />, api);
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Format'), { target: { value: 'csv' } });
    expect((within(dialog).getByLabelText('Messages') as HTMLSelectElement).value).toBe('all');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }));
    await within(dialog).findByText(`Exported 2,500 messages to orders.csv`, {}, { timeout: 5_000 });
    const browses = api.callsOf('messages.browse');
    expect(browses[0]).toMatchObject({ start: { from: 'beginning' }, filter: { text: 'v' }, cursor: undefined });
    expect(browses[1]).toMatchObject({ cursor: 'c1000' });
    expect(browses.every((b) => typeof b.progressToken === 'string')).toBe(true);
    expect(api.callsOf('messages.export').map((e) => e.selection.length)).toEqual([EXPORT_CHUNK, 500]);
    const lines = (await downloads[0]!.text).split('\r\n').filter(Boolean);
    expect(lines.filter((l) => l === 'partition,offset')).toHaveLength(1);
    expect(lines).toHaveLength(total + 1);
  });

  it('cancels a long collection here and on the host', async () => {
    const api = createFakeApi();
    api.override('messages.browse', () => new Promise<BrowseOutput>(() => undefined));
    renderWithApi(<ExportDialog clusterId="sandbox" topic="orders" onScreen={[]} request={{ start: { from: 'end' } }} onClose={() => undefined} />, api);
    const dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }));
    await within(dialog).findByRole('progressbar', { name: 'Export progress' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel export' }));
    const token = api.callsOf('messages.browse')[0]!.progressToken;
    await waitFor(() => expect(api.callsOf('messages.cancelBrowse')).toEqual([{ progressToken: token }]));
    expect(api.callsOf('messages.export')).toEqual([]);
  });
});
