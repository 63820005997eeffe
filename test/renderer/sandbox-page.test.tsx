// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxPage } from '../../renderer/pages/sandbox-page.js';
import { createFakeApi, type FakeApi } from './fake-api.js';
import { renderWithApi } from './render.js';

afterEach(cleanup);
beforeEach(() => sessionStorage.clear());

function sandboxApi(): FakeApi {
  const api = createFakeApi({ topics: 1 });
  // One topic, partition 0 led by broker 1 with every replica in sync; partition 1 with 3 out of sync.
  api.override('topics.get', (input) => ({
    name: input.topic, internal: false, replicationFactor: 3, messageCountEstimate: 0, sizeBytes: null,
    partitions: [
      { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offlineReplicas: [], logStartOffset: '0', highWatermark: '0', errorCode: 0, sizeBytes: null },
      { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 1], offlineReplicas: [], logStartOffset: '0', highWatermark: '0', errorCode: 0, sizeBytes: null },
    ],
  }));
  return api;
}

describe('SandboxPage', () => {
  it('lists the brokers and stops one', async () => {
    const api = sandboxApi();
    renderWithApi(<SandboxPage />, api);
    const b2 = await screen.findByRole('region', { name: 'Broker 2' });
    expect(b2.textContent).toContain('127.0.0.1:9093');
    fireEvent.click(within(b2).getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(api.callsOf('sandbox.stopBroker')).toEqual([{ nodeId: 2 }]));
  });

  it('isolates a broker from replication and heals it', async () => {
    const api = sandboxApi();
    renderWithApi(<SandboxPage />, api);
    const b3 = await screen.findByRole('region', { name: 'Broker 3' });
    fireEvent.click(within(b3).getByRole('button', { name: 'Isolate' }));
    await within(b3).findByText('isolated');
    expect(api.callsOf('sandbox.isolateBroker')).toEqual([{ nodeId: 3, isolated: true }]);
    fireEvent.click(within(b3).getByRole('button', { name: 'Heal' }));
    await waitFor(() => expect(within(b3).queryByText('isolated')).toBeNull());
    expect(api.callsOf('sandbox.isolateBroker').at(-1)).toEqual({ nodeId: 3, isolated: false });
  });

  it('moves a partition’s leader to an in-sync follower from the partition map', async () => {
    const api = sandboxApi();
    renderWithApi(<SandboxPage />, api);
    const row = await screen.findByRole('row', { name: 'topic-00000 partition 0' });
    expect(within(row).getByLabelText('ISR').textContent).toBe('1, 2, 3');
    // Followers in sync are buttons; the leader and out-of-sync replicas are not.
    expect(within(row).getAllByRole('button')).toHaveLength(2);
    const p1 = screen.getByRole('row', { name: 'topic-00000 partition 1' });
    expect(within(p1).getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['Move leader of topic-00000 partition 1 to broker 1']);
    fireEvent.click(within(row).getByRole('button', { name: 'Move leader of topic-00000 partition 0 to broker 3' }));
    await waitFor(() => expect(api.callsOf('sandbox.moveLeader')).toEqual([{ topic: 'topic-00000', partition: 0, nodeId: 3 }]));
  });

  it('shows a refused leader move where it happened', async () => {
    const api = sandboxApi();
    api.failNext('sandbox.moveLeader', 'INVALID_INPUT', 'Broker 3 is not in the ISR of topic-00000-0');
    renderWithApi(<SandboxPage />, api);
    const row = await screen.findByRole('row', { name: 'topic-00000 partition 0' });
    fireEvent.click(within(row).getByRole('button', { name: 'Move leader of topic-00000 partition 0 to broker 3' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The leader was not moved');
    expect(alert.textContent).toContain('not in the ISR');
  });

  it('arms a drop-responses fault, an error fault, and clears every fault and isolation', async () => {
    const api = sandboxApi();
    renderWithApi(<SandboxPage />, api);
    const faults = await screen.findByRole('region', { name: 'Fault injection' });
    fireEvent.change(within(faults).getByLabelText('Next N requests'), { target: { value: '2' } });
    fireEvent.change(within(faults).getByLabelText('Error'), { target: { value: 'drop' } });
    fireEvent.change(within(faults).getByLabelText('Broker'), { target: { value: '2' } });
    fireEvent.click(within(faults).getByRole('button', { name: 'Drop responses' }));
    await within(faults).findByText('Next 2 Produce requests are processed but get no response');
    expect(api.callsOf('sandbox.injectFault')).toEqual([{ apiKey: 0, dropResponse: true, count: 2, nodeId: 2 }]);

    fireEvent.change(within(faults).getByLabelText('API'), { target: { value: '1' } });
    fireEvent.change(within(faults).getByLabelText('Error'), { target: { value: '19' } });
    fireEvent.click(within(faults).getByRole('button', { name: 'Inject error' }));
    await within(faults).findByText('Next 2 Fetch requests fail with NOT_ENOUGH_REPLICAS');
    expect(api.callsOf('sandbox.injectFault')[1]).toEqual({ apiKey: 1, errorCode: 19, count: 2, nodeId: 2 });

    const b1 = screen.getByRole('region', { name: 'Broker 1' });
    fireEvent.click(within(b1).getByRole('button', { name: 'Isolate' }));
    await within(b1).findByText('isolated');
    fireEvent.click(within(faults).getByRole('button', { name: 'Clear all faults' }));
    await within(faults).findByText('All faults cleared');
    expect(api.callsOf('sandbox.clearFaults')).toHaveLength(1);
    expect(within(b1).queryByText('isolated')).toBeNull();
    expect(within(faults).queryByText(/Next 2 Fetch/)).toBeNull();
  });

  it('says why when the sandbox is not running, and shows a read error with retry', async () => {
    const api = createFakeApi();
    api.override('sandbox.status', () => ({ running: false, clusterId: null, bootstrap: [], dataDir: null, brokers: [], error: 'Port 9092 is in use' }));
    renderWithApi(<SandboxPage />, api);
    await screen.findByText('Port 9092 is in use');
    expect(screen.queryByRole('region', { name: 'Partition map' })).toBeNull();
    cleanup();

    const failing = createFakeApi();
    failing.failNext('sandbox.status', 'SANDBOX_UNAVAILABLE', 'The sandbox did not start');
    renderWithApi(<SandboxPage />, failing);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The sandbox did not start');
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Retry' })));
    await screen.findByRole('region', { name: 'Broker 1' });
  });
});
