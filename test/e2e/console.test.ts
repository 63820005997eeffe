// End-to-end: the built renderer in Chromium against the real web-mode backend and the
// embedded sandbox. Elements are found by role and label, as a person (or screen reader)
// would find them. Screenshots of each page go to test-artifacts/.
import fs from 'node:fs';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestCluster, type TestCluster } from '../helpers/embedded-cluster.js';
import { chromiumAvailable, openConsole, screenshot, type Backend, type BrowserSession, type ConsoleSession } from './support.js';

const chromium = chromiumAvailable();
const TOPIC = 'e2e-orders';
const GROUP = 'e2e-billing';
const XSS = '<img src=x onerror=alert(1)>';

describe.skipIf(!chromium.available)('Keel console in a browser', () => {
  let c: ConsoleSession;
  let be: Backend;
  let s: BrowserSession;
  let page: Page;
  let consumer: Consumer | null = null;
  let remote: TestCluster | null = null;

  const go = async (hash: string) => {
    await page.goto(`${be.server.url}/#${hash}`);
  };

  beforeAll(async () => {
    c = await openConsole();
    ({ be, browser: s, page } = c);
  }, 240_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await c?.close();
    await remote?.destroy();
  });

  it('shows the overview with three brokers and a controller', async () => {
    const brokers = page.getByRole('table', { name: 'Brokers' });
    await expect.poll(() => brokers.getByRole('row').count()).toBe(4);
    await expect(brokers.getByText('controller').count()).resolves.toBe(1);
    await screenshot(page, 'overview');
  });

  it('creates a topic', async () => {
    await go('/clusters/sandbox/topics');
    await page.getByRole('button', { name: 'Create topic' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create topic' });
    await dialog.getByLabel('Topic name').fill(TOPIC);
    await dialog.getByLabel('Partitions').fill('3');
    await dialog.getByLabel('Replication factor').fill('3');
    await dialog.getByLabel('Min in-sync replicas').fill('2');
    await dialog.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('heading', { name: TOPIC }).waitFor();
    const partitions = page.getByRole('table', { name: 'Partitions' });
    await expect.poll(() => partitions.getByRole('row').count()).toBe(4);
    await screenshot(page, 'topic-partitions');
    await go('/clusters/sandbox/topics');
    await page.getByRole('table', { name: 'Topics' }).getByRole('link', { name: TOPIC }).waitFor();
    await screenshot(page, 'topics');
  });

  it('produces keyed messages, including one that looks like HTML', async () => {
    await go(`/clusters/sandbox/topics/${TOPIC}`);
    await page.getByRole('button', { name: 'Produce message' }).click();
    const dialog = page.getByRole('dialog', { name: `Produce to ${TOPIC}` });
    await dialog.getByLabel('Key', { exact: true }).fill('customer-1');
    await dialog.getByLabel('Value', { exact: true }).fill('{"customer":1,"amount":42,"items":[{"sku":"a"},{"sku":"b"}]}');
    await dialog.getByRole('button', { name: '+ Add header' }).click();
    await dialog.getByLabel('Header 1 name').fill('trace-id');
    await dialog.getByLabel('Header 1 value').fill('abc-123');
    await dialog.getByLabel('Repeat').fill('5');
    await dialog.getByRole('button', { name: 'Produce 5×' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('Produced 5 messages');
    await screenshot(page, 'produce-dialog');

    await dialog.getByLabel('Key', { exact: true }).fill('customer-2');
    await dialog.getByLabel('Value', { exact: true }).fill(XSS);
    await dialog.getByLabel('Repeat').fill('1');
    await dialog.getByRole('button', { name: 'Produce', exact: true }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('Message produced');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('browses and filters messages, rendering content as text only', async () => {
    await go(`/clusters/sandbox/topics/${TOPIC}?tab=messages`);
    const table = page.getByRole('table', { name: 'Messages' });
    await expect.poll(() => table.getByRole('row').count(), { timeout: 20_000 }).toBe(7);
    // The HTML-looking value is shown literally and never becomes an element.
    await expect(table.getByText(XSS, { exact: true }).count()).resolves.toBe(1);
    await expect(page.locator('img').count()).resolves.toBe(0);

    await page.getByLabel('Filter kind').selectOption('js');
    await page.getByLabel('Filter', { exact: true }).fill("key === 'customer-1' && value.amount === 42");
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(6);
    await expect(table.getByText('customer-2').count()).resolves.toBe(0);

    await page.getByLabel('Filter kind').selectOption('text');
    await page.getByLabel('Filter', { exact: true }).fill('onerror');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);

    // Expanded: JSON pretty-printed and collapsible, headers listed.
    await page.getByLabel('Filter', { exact: true }).fill('customer');
    await page.getByLabel('Filter kind').selectOption('text');
    await page.getByLabel('Filter', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(7);
    await table.getByRole('button', { name: 'Show message' }).first().click();
    await page.getByRole('tree', { name: 'JSON value' }).first().waitFor();
    await page.getByRole('table', { name: 'Headers' }).getByText('abc-123').waitFor();
    await screenshot(page, 'topic-messages');

    // Errors from the backend stay where they happened and the form stays usable.
    await page.getByLabel('Filter kind').selectOption('js');
    await page.getByLabel('Filter', { exact: true }).fill('value.(');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Search failed' }).waitFor();
    await expect(page.getByRole('button', { name: 'Search', exact: true }).isEnabled()).resolves.toBe(true);
    expect(s.dialogs).toEqual([]);
  });

  it('exports messages as JSON Lines: the ones on screen, and every match from the search start', async () => {
    await go(`/clusters/sandbox/topics/${TOPIC}?tab=messages`);
    await page.reload(); // same hash as the last test: start from a fresh tab, no filter, nothing expanded
    const table = page.getByRole('table', { name: 'Messages' });
    await expect.poll(() => table.getByRole('row').count(), { timeout: 20_000 }).toBe(7);
    const readDownload = async (dialog: ReturnType<Page['getByRole']>) => {
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^${TOPIC}-.*\\.jsonl$`));
      const text = fs.readFileSync((await download.path())!, 'utf8');
      return text.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string; offset: string; partition: number; headers: Array<{ key: string; value: string }> });
    };

    await page.getByRole('button', { name: 'Export…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Export messages' });
    await expect(dialog.getByLabel('Format').inputValue()).resolves.toBe('jsonl');
    const all = await readDownload(dialog);
    await dialog.getByRole('status').filter({ hasText: 'Exported 6 messages' }).waitFor();
    await screenshot(page, 'export-dialog');
    expect(all).toHaveLength(6);
    expect(all.filter((m) => m.key === 'customer-1')).toHaveLength(5);
    expect(all.find((m) => m.key === 'customer-2')!.value).toBe(XSS);
    expect(JSON.parse(all.find((m) => m.key === 'customer-1')!.value)).toMatchObject({ customer: 1, amount: 42 });
    expect(all.find((m) => m.key === 'customer-1')!.headers).toEqual([{ key: 'trace-id', value: 'abc-123' }]);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();

    await page.getByLabel('Filter kind').selectOption('text');
    await page.getByLabel('Filter', { exact: true }).fill('customer-2');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await page.getByRole('button', { name: 'Export…' }).click();
    dialog = page.getByRole('dialog', { name: 'Export messages' });
    await dialog.getByLabel('Messages').selectOption('all');
    const matched = await readDownload(dialog);
    expect(matched.map((m) => m.key)).toEqual(['customer-2']);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(page.locator('img').count()).resolves.toBe(0);
  });

  it('shows a consumer group with its lag in the table and the chart', async () => {
    const kafka = new Kafka({ clientId: 'e2e-consumer', brokers: be.services.sandboxStatus().bootstrap, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitInterval: 200, eachMessage: async () => void seen++ });
    await expect.poll(() => seen, { timeout: 30_000 }).toBe(6);
    // Stop consuming but stay in the group, then produce more: that is lag.
    consumer.pause([{ topic: TOPIC }]);
    await new Promise((r) => setTimeout(r, 1_500)); // let a fetch already in flight drain
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `later ${i}` })) });
    await producer.disconnect();

    await go(`/clusters/sandbox/groups/${GROUP}`);
    await expect.poll(() => page.getByLabel('Total lag', { exact: true }).textContent(), { timeout: 30_000 }).toMatch(/lag [1-9]/);
    const lagTable = page.getByRole('table', { name: 'Partition lag' });
    await expect.poll(() => lagTable.getByRole('row').count()).toBe(4);
    await page.getByRole('img', { name: 'Total lag chart' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '7 d' }).click();
    await page.waitForTimeout(5_500); // a second sample for the line
    await page.getByRole('img', { name: 'Total lag chart' }).waitFor();
    await screenshot(page, 'group-detail');

    await go('/clusters/sandbox/groups');
    const row = page.getByRole('table', { name: 'Consumer groups' }).getByRole('row', { name: GROUP });
    await expect.poll(() => row.getByRole('cell').nth(4).textContent()).toMatch(/^[1-9]/);
    await screenshot(page, 'groups');
  }, 120_000);

  it('explains why a reset is refused while the group has members, then resets with a dry run', async () => {
    await go(`/clusters/sandbox/groups/${GROUP}`);
    await page.getByRole('button', { name: 'Reset offsets…' }).click();
    const dialog = page.getByRole('dialog', { name: `Reset offsets of ${GROUP}` });
    await dialog.getByRole('note').filter({ hasText: 'cannot be reset while the group has members' }).waitFor();
    await dialog.getByLabel('Strategy').selectOption('earliest');
    await dialog.getByRole('button', { name: 'Preview changes (dry run)' }).click();
    const preview = dialog.getByRole('table', { name: 'Reset preview' });
    await expect.poll(() => preview.getByRole('row').count()).toBe(4);
    await expect(dialog.getByRole('button', { name: /Apply reset/ }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'reset-refused');

    await consumer!.disconnect();
    consumer = null;
    await expect.poll(() => dialog.getByRole('button', { name: /Apply reset/ }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await dialog.getByRole('button', { name: /Apply reset/ }).click();
    await dialog.getByRole('table', { name: 'Reset result' }).waitFor();
    await screenshot(page, 'reset-applied');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Back at the earliest offsets: all 15 messages are lag again.
    await expect.poll(() => page.getByLabel('Total lag', { exact: true }).textContent(), { timeout: 20_000 }).toContain('15');
  }, 90_000);

  it('stops a broker on the Sandbox page and shows the ISR shrink and a leader move', async () => {
    await go('/sandbox');
    const map = page.getByRole('table', { name: 'Partition map' });
    const row = map.getByRole('row', { name: `${TOPIC} partition 0` });
    await expect.poll(() => row.getByLabel('ISR').textContent()).toMatch(/^\d, \d, \d$/);
    const leaderHeader = await row.getByTitle('leader').evaluate((el) => {
      const cell = el.closest('td')!;
      const index = Array.from(cell.parentElement!.children).indexOf(cell);
      return cell.closest('table')!.querySelectorAll('th')[index]!.textContent!;
    });
    const leader = Number(/Broker (\d+)/.exec(leaderHeader)![1]);
    await screenshot(page, 'sandbox');
    await page.getByRole('region', { name: `Broker ${leader}` }).getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('region', { name: `Broker ${leader}` }).getByText('stopped').waitFor();
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 30_000 }).not.toContain(String(leader));
    await expect.poll(() => row.getByLabel('ISR').textContent()).toMatch(/^\d, \d$/);
    const newLeaderHeader = await row.getByTitle('leader').evaluate((el) => {
      const cell = el.closest('td')!;
      const index = Array.from(cell.parentElement!.children).indexOf(cell);
      return cell.closest('table')!.querySelectorAll('th')[index]!.textContent!;
    });
    expect(newLeaderHeader).not.toContain(`Broker ${leader}`);
    await screenshot(page, 'sandbox-broker-stopped');

    await go('/clusters/sandbox/brokers');
    await page.getByRole('table', { name: 'Brokers' }).getByText('down (stopped)').waitFor();
    await screenshot(page, 'brokers');

    await go('/sandbox');
    await page.getByRole('region', { name: `Broker ${leader}` }).getByRole('button', { name: 'Start' }).click();
    await page.getByRole('region', { name: `Broker ${leader}` }).getByText('running').waitFor();
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 30_000 }).toMatch(/^\d, \d, \d$/);
  }, 90_000);

  it('adds a remote cluster with bad credentials and shows a clear error', async () => {
    remote = await startTestCluster({ brokers: 1, security: { sasl: { users: [{ mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'right-password' }] } } });
    await go('/settings?add=1');
    const dialog = page.getByRole('dialog', { name: 'Add cluster' });
    await dialog.getByLabel('Name').fill('staging');
    await dialog.getByLabel('Bootstrap servers').fill(remote.bootstrap[0]!);
    await dialog.getByLabel('SASL authentication').check();
    await dialog.getByLabel('Mechanism').selectOption('SCRAM-SHA-256');
    await dialog.getByLabel('User name').fill('alice');
    await dialog.getByLabel('Password').fill('wrong-password');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'Connection test failed' });
    await alert.waitFor({ timeout: 30_000 });
    await expect(alert.textContent()).resolves.toMatch(/AUTH_FAILED/);
    await screenshot(page, 'add-cluster-bad-credentials');
    await dialog.getByRole('button', { name: 'Add cluster' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('table', { name: 'Configured clusters' }).getByRole('row', { name: 'staging' });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('AUTH_FAILED');
    await screenshot(page, 'settings');
    await row.getByRole('link', { name: 'staging' }).click();
    const err = page.getByRole('alert').filter({ hasText: 'Cannot load the cluster' });
    await err.waitFor({ timeout: 30_000 });
    await expect(err.getByRole('button', { name: 'Retry' }).isEnabled()).resolves.toBe(true);
    await screenshot(page, 'remote-cluster-error');
  }, 90_000);

  it('opens the command palette with / and navigates with g shortcuts', async () => {
    await go('/clusters/sandbox/overview');
    await page.getByRole('heading', { name: 'Sandbox', level: 1 }).waitFor();
    await page.keyboard.press('/');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox').fill('e2e-ord');
    await palette.getByRole('option', { name: new RegExp(TOPIC) }).waitFor();
    await screenshot(page, 'command-palette');
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('g');
    await page.getByRole('heading', { name: 'Consumer groups', level: 1 }).waitFor();
  });

  it('follows a dark system theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await go(`/clusters/sandbox/topics/${TOPIC}?tab=messages`);
    await page.getByRole('table', { name: 'Messages' }).getByRole('row').nth(1).waitFor();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(15, 18, 23)');
    await screenshot(page, 'topic-messages-dark');
    await go('/clusters/sandbox/overview');
    await page.getByRole('table', { name: 'Brokers' }).waitFor();
    await screenshot(page, 'overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(s.dialogs).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
