// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPage } from '../../renderer/pages/settings-page.js';
import { createFakeApi } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(() => {
  cleanup();
  window.location.hash = '';
  document.documentElement.removeAttribute('data-theme');
});

describe('SettingsPage', () => {
  it('lists the sandbox first, then remote clusters, each with its connection status', async () => {
    const api = createFakeApi();
    api.override('clusters.test', (input) =>
      input.clusterId === 'remote-1'
        ? { ok: false, latencyMs: 5000, clusterId: null, brokerCount: 0, error: { code: 'AUTH_FAILED', message: 'SASL authentication failed for user "alice"' } }
        : { ok: true, latencyMs: 3, clusterId: 'c', brokerCount: 3 },
    );
    renderWithApi(<SettingsPage />, api);
    const table = await screen.findByRole('table', { name: 'Configured clusters' });
    await waitFor(() => expect(within(table).getAllByRole('row').map((r) => r.getAttribute('aria-label'))).toEqual([null, 'Sandbox', 'Production']));
    const prod = within(table).getByRole('row', { name: 'Production' });
    await within(prod).findByText('AUTH_FAILED');
    expect(prod.textContent).toContain('SASL authentication failed for user "alice"');
    const sandbox = within(table).getByRole('row', { name: 'Sandbox' });
    await within(sandbox).findByText('connected · 3 brokers');
    // The sandbox cannot be edited or removed.
    expect(within(sandbox).queryByRole('button', { name: /Remove|Edit/ })).toBeNull();
    expect(screen.getByText(/stored in a file readable only by your user account/)).toBeTruthy();
  });

  it('removes a remote cluster only after confirmation', async () => {
    const api = createFakeApi();
    renderWithApi(<SettingsPage />, api);
    const row = await screen.findByRole('row', { name: 'Production' });
    fireEvent.click(within(row).getByRole('button', { name: 'Remove Production' }));
    expect(api.callsOf('clusters.remove')).toEqual([]);
    fireEvent.click(within(row).getByRole('button', { name: 'Keep' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Remove Production' }));
    api.override('clusters.remove', () => ({ ok: true }));
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Confirm remove' })));
    await waitFor(() => expect(api.callsOf('clusters.remove')).toEqual([{ clusterId: 'remote-1' }]));
  });

  it('tests an unsaved cluster config and adds it', async () => {
    const api = createFakeApi();
    api.override('clusters.testConfig', () => ({ ok: true, latencyMs: 12, clusterId: 'abc', brokerCount: 2 }));
    api.override('clusters.add', (input) => ({ id: 'new-1', kind: 'remote', name: input.name, bootstrapServers: input.bootstrapServers, connectionTimeoutMs: 5000, requestTimeoutMs: 15000 }));
    window.location.hash = '#/settings?add=1';
    renderWithApi(<SettingsPage />, api);
    const dialog = await screen.findByRole('dialog', { name: 'Add cluster' });
    const add = within(dialog).getByRole('button', { name: 'Add cluster' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'staging' } });
    fireEvent.change(within(dialog).getByLabelText('Bootstrap servers'), { target: { value: 'kafka-1:9092, kafka-2:9092' } });
    fireEvent.click(within(dialog).getByLabelText('SASL authentication'));
    fireEvent.change(within(dialog).getByLabelText('Mechanism'), { target: { value: 'SCRAM-SHA-256' } });
    fireEvent.change(within(dialog).getByLabelText('User name'), { target: { value: 'alice' } });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 's3cret' } });
    await within(dialog).findByText(/not in the OS keychain/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    await within(dialog).findByText(/Connected in 12 ms · 2 brokers · cluster id abc/);
    expect(api.callsOf('clusters.testConfig')[0]).toMatchObject({
      name: 'staging', bootstrapServers: ['kafka-1:9092', 'kafka-2:9092'], sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 's3cret' },
    });
    await act(async () => fireEvent.click(add));
    await waitFor(() => expect(api.callsOf('clusters.add')).toHaveLength(1));
  });

  it('shows a clusters read error with a retry, and switches the theme', async () => {
    const api = createFakeApi();
    api.failNext('clusters.list', 'INTERNAL', 'settings file is corrupt');
    renderWithApi(<SettingsPage />, api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('settings file is corrupt');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByRole('row', { name: 'Production' });
    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(screen.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('radio', { name: 'Follow system' }));
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });
});
