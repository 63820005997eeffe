// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../electron/contract/index.js';
import { clearSamples } from '../../renderer/hooks/sample-history.js';
import { OverviewPage } from '../../renderer/pages/overview-page.js';
import { createFakeApi } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(() => {
  cleanup();
  clearSamples();
});

describe('OverviewPage', () => {
  it('shows counts, partition health, brokers with the controller, and the groups with the most lag', async () => {
    renderWithApi(<OverviewPage clusterId="sandbox" />);
    const brokers = await screen.findByRole('table', { name: 'Brokers' });
    expect(within(brokers).getAllByRole('row')).toHaveLength(4);
    expect(within(brokers).getAllByText('controller')).toHaveLength(1);
    expect(screen.getByLabelText('Topics').textContent).toContain('25');
    expect(screen.getByLabelText('Under-replicated partitions').className).toContain('bad');
    expect(screen.getByLabelText('Offline partitions').className).toContain('good');
    expect(screen.getByRole('heading', { name: 'Sandbox', level: 1 })).toBeTruthy();
    const groups = await screen.findByRole('region', { name: 'Groups with the most lag' });
    await within(groups).findByRole('link', { name: 'billing' });
    // Most lag first.
    expect(within(groups).getAllByRole('link').map((a) => a.textContent)).toEqual(['All groups →', 'billing', 'audit']);
  });

  it('ranks top topics by the backend sampler’s recent throughput', async () => {
    const api = createFakeApi({ topics: 8 });
    api.override('topics.throughputHistory', (input) => {
      const rate = input.topic === 'topic-00003' ? 120 : input.topic === 'topic-00005' ? 40 : null;
      const t = Date.now();
      return {
        topic: input.topic, from: t - 300_000, to: t, resolution: 'raw', bucketMs: 30_000, sampleIntervalMs: 5_000, sizesAvailable: false, partitions: [],
        total: [
          { t: t - 60_000, messagesPerSec: rate === null ? null : rate / 2, bytesPerSec: null, messagesPerSecMax: null },
          { t: t - 30_000, messagesPerSec: rate, bytesPerSec: null, messagesPerSecMax: null },
          { t, messagesPerSec: null, bytesPerSec: null, messagesPerSecMax: null },
        ],
      };
    });
    renderWithApi(<OverviewPage clusterId="sandbox" />, api);
    const top = await screen.findByRole('region', { name: 'Top topics by throughput' });
    await waitFor(() => expect(within(top).getAllByRole('link')[0]!.textContent).toBe('topic-00003'));
    const rows = within(top).getAllByRole('row');
    expect(rows[1]!.textContent).toContain('120');
    expect(rows[2]!.textContent).toContain('topic-00005');
    expect(rows[3]!.textContent).toContain('measuring…');
    expect(top.textContent).toContain('from the Keel sampler');
    const asked = api.callsOf('topics.throughputHistory');
    expect(asked.length).toBe(8);
    expect(asked[0]!.to! - asked[0]!.from!).toBe(5 * 60_000);
  });

  it('falls back to this window’s polling when the host keeps no history', async () => {
    renderWithApi(<OverviewPage clusterId="sandbox" />);
    const top = await screen.findByRole('region', { name: 'Top topics by throughput' });
    await within(top).findByText(/seen by this window/);
    expect(within(top).getAllByRole('link')).toHaveLength(5);
  });

  it('shows why the cluster cannot be loaded, with a retry that works', async () => {
    const api = createFakeApi();
    const healthy = createFakeApi();
    let down = true;
    api.override('clusters.overview', async (input) => {
      if (down) throw new ContractError('CONNECTION_FAILED', 'Connection refused');
      return healthy.call('clusters.overview', input);
    });
    renderWithApi(<OverviewPage clusterId="remote-1" />, api);
    // The overview retries once (a second later) before it shows the error.
    const alert = await screen.findByRole('alert', {}, { timeout: 4_000 });
    expect(alert.textContent).toContain('Cannot load the cluster');
    expect(alert.textContent).toContain('Check the bootstrap servers');
    down = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByRole('table', { name: 'Brokers' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
