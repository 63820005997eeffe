// End-to-end: the Sandbox page's guided scenario, run from the browser against the real
// embedded 3-broker sandbox: acks=all with min.insync.replicas=2 survives one broker loss and
// is refused after a second. Each step's outcome is read from the page, as a person would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openConsole, screenshot, type Backend, type BrowserSession, type ConsoleSession } from './support.js';

const chromium = chromiumAvailable();
const TOPIC = 'keel-acks-demo';

describe.skipIf(!chromium.available)('Sandbox guided scenario in a browser', () => {
  let c: ConsoleSession;
  let be: Backend;
  let s: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    c = await openConsole('/sandbox');
    ({ be, browser: s, page } = c);
  }, 240_000);

  afterAll(async () => {
    await c?.close();
  });

  it('accepts acks=all writes with one broker down and refuses them with two down, step by step', async () => {
    const scenario = page.getByRole('region', { name: 'Guided scenario' });
    const steps = scenario.getByRole('listitem');
    const log = scenario.getByRole('log', { name: 'Scenario log' });
    await expect(steps.count()).resolves.toBe(6);
    await scenario.getByRole('button', { name: 'Run scenario' }).click();

    // Every step ends done, in order, and the log says what happened at each.
    await expect.poll(() => steps.evaluateAll((els) => els.map((e) => e.className)), { timeout: 120_000, interval: 500 }).toEqual(Array(6).fill('done'));
    const lines = (await log.textContent())!.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^✓ Create “${TOPIC}”: (created|already there)`));
    expect(lines[1]).toMatch(/^✓ Write with acks=all: accepted at offset \d+$/);
    const stopped = /^✓ Stop the partition leader: broker (\d+) stopped; leader is now (\d+), ISR \[(\d+), (\d+)\]$/.exec(lines[2]!);
    expect(stopped).not.toBeNull();
    expect(stopped![2]).not.toBe(stopped![1]);
    expect(lines[3]).toMatch(/^✓ Write with acks=all again: accepted at offset \d+$/);
    const second = /^✓ Stop a second broker: broker (\d+) stopped; ISR \[(\d+)\]$/.exec(lines[4]!);
    expect(second).not.toBeNull();
    expect(lines[5]).toMatch(/^✓ Write with acks=all once more: refused as expected — .*(NOT_ENOUGH_REPLICAS|not enough|in-sync)/i);
    expect(lines.at(-1)).toContain('Start the stopped brokers');

    // The rest of the page agrees: two brokers down, the demo partition with one replica in sync.
    for (const id of [stopped![1], second![1]]) await page.getByRole('region', { name: `Broker ${id}` }).getByText('stopped').waitFor();
    const row = page.getByRole('table', { name: 'Partition map' }).getByRole('row', { name: `${TOPIC} partition 0` });
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 20_000 }).toMatch(/^\d$/);
    await expect(scenario.getByRole('button', { name: 'Run scenario' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'sandbox-scenario-done');

    // Restoring: both brokers start, catch up and rejoin the ISR.
    await scenario.getByRole('button', { name: 'Start stopped brokers' }).click();
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 60_000 }).toMatch(/^\d, \d, \d$/);
    await expect.poll(() => scenario.getByRole('button', { name: 'Run scenario' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    expect(s.pageErrors).toEqual([]);
  }, 240_000);

  it('moves the demo partition’s leader from the partition map, isolates and heals a follower', async () => {
    const row = page.getByRole('table', { name: 'Partition map' }).getByRole('row', { name: `${TOPIC} partition 0` });
    const leaderOf = () => row.getByTitle('leader').evaluate((el) => {
      const cell = el.closest('td')!;
      const index = Array.from(cell.parentElement!.children).indexOf(cell);
      return Number(/Broker (\d+)/.exec(cell.closest('table')!.querySelectorAll('th')[index]!.textContent!)![1]);
    });
    const before = await leaderOf();
    const target = [1, 2, 3].find((n) => n !== before)!;
    await row.getByRole('button', { name: `Move leader of ${TOPIC} partition 0 to broker ${target}` }).click();
    await expect.poll(leaderOf, { timeout: 20_000 }).toBe(target);

    const follower = [1, 2, 3].find((n) => n !== target)!;
    const card = page.getByRole('region', { name: `Broker ${follower}` });
    await card.getByRole('button', { name: 'Isolate' }).click();
    await card.getByText('isolated').waitFor();
    // The isolation comes from the sandbox's status, so another window shows it too.
    const other = await page.context().newPage();
    await other.goto(be.server.openUrl);
    await other.goto(`${be.server.url}/#/sandbox`);
    await other.getByRole('region', { name: `Broker ${follower}` }).getByText('isolated').waitFor();
    await other.close();
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 30_000 }).not.toContain(String(follower));
    await screenshot(page, 'sandbox-isolated');
    await page.getByRole('region', { name: 'Fault injection' }).getByRole('button', { name: 'Clear all faults' }).click();
    await expect.poll(() => card.getByText('isolated').count()).toBe(0);
    await expect.poll(() => row.getByLabel('ISR').textContent(), { timeout: 30_000 }).toMatch(/^\d, \d, \d$/);
    expect(s.pageErrors).toEqual([]);
  }, 120_000);
});
