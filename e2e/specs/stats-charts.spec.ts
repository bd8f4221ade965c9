import { randomBytes } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createContainer, e2eHostId, removeContainers } from '../support/fleet-containers';
import { screens, SCREEN_WIDTHS } from '../support/screens';
import { adminUser, requiredEnv, signIn } from '../support/session';

const BYTE_UNIT = '(B|KiB|MiB|GiB)';

/** Text drawn in a chart (axis titles, ticks, the limit line's name), not the HTML tooltip. */
function chartText(card: Locator, text: RegExp | string): Locator {
  return card.locator('svg text').filter({ hasText: text });
}

const CLOCK_WITH_SECONDS = /^\d{2}:\d{2}:\d{2}$/;
const CLOCK_MINUTES = /^\d{2}:\d{2}$/;

function card(page: Page, name: string): Locator {
  return page.getByRole('region', { name, exact: true });
}

test('container stats: CPU, memory, network and block I/O charts with axes in units, a tooltip and a time range picker', async ({
  page,
}) => {
  // Four screenshots and several chart renders on a shared two-core machine.
  test.setTimeout(180_000);
  await signIn(page, adminUser, requiredEnv('BERTH_ADMIN_PASSWORD'));
  const hostId = await e2eHostId(page);
  const name = `e2e-stats-${randomBytes(4).toString('hex')}`;
  // 24 MB held in /dev/shm under a 64 MiB limit, so the limit is near enough to be drawn, and some
  // CPU work each second.
  const id = await createContainer(page, hostId, {
    name,
    memory: '64m',
    cmd: [
      'sh',
      '-c',
      'head -c 24000000 /dev/zero > /dev/shm/held; while true; do head -c 4000000 /dev/urandom > /tmp/noise; sleep 1; done',
    ],
    labels: { 'e2e.spec': 'stats-charts' },
  });
  try {
    await page.goto(`/containers/${hostId}/${id}?tab=stats`);
    await expect(page.getByRole('tab', { name: 'Stats' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('status').filter({ hasText: 'Stats: Live' })).toBeVisible();
    // Rates need two samples; wait for a few.
    await expect(page.getByText(/^([3-9]|\d{2,}) samples, about one a second$/)).toBeVisible({
      timeout: 30_000,
    });

    const cpu = card(page, 'CPU');
    const memory = card(page, 'Memory');
    const network = card(page, 'Network');
    const blockIo = card(page, 'Block I/O');

    await test.step('each chart names its value axis with the unit and has a clock axis', async () => {
      await expect(chartText(cpu, /^CPU \(%\)$/)).toBeVisible();
      // The 64 MiB limit is within the axis, so it is drawn in MiB, with the limit line named.
      await expect(chartText(memory, /^Memory \(MiB\)$/)).toBeVisible();
      await expect(chartText(memory, /^limit 64 MiB$/)).toBeVisible();
      await expect(memory.getByText('of a 64 MiB limit', { exact: false })).toBeVisible();
      await expect(chartText(network, new RegExp(`^Network \\(${BYTE_UNIT}/s\\)$`))).toBeVisible();
      await expect(
        chartText(blockIo, new RegExp(`^Block I/O \\(${BYTE_UNIT}/s\\)$`)),
      ).toBeVisible();
      for (const chart of [cpu, memory, network, blockIo]) {
        await expect(chartText(chart, /^Time$/)).toBeVisible();
        // The last minute, a tick every 15 s: clock times with seconds; the value ticks are numbers.
        await expect(chartText(chart, CLOCK_WITH_SECONDS).first()).toBeVisible();
        await expect(chartText(chart, /^\d+(\.\d+)?$/).first()).toBeVisible();
      }
      // The current values, in human units.
      await expect(cpu.getByText(/^\d+(\.\d)? %$/)).toBeVisible();
      await expect(memory.getByText(new RegExp(`^\\d+(\\.\\d)? ${BYTE_UNIT}$`))).toBeVisible();
      await expect(
        network.getByText(
          new RegExp(`^↓ \\d+(\\.\\d)? ${BYTE_UNIT}/s · ↑ \\d+(\\.\\d)? ${BYTE_UNIT}/s$`),
        ),
      ).toBeVisible();
    });

    await test.step('pointing at a chart, or arrow keys on it, show the time and the value with its unit', async () => {
      const chart = cpu.getByRole('application');
      const tooltip = cpu.locator('.recharts-tooltip-wrapper');
      await expect(tooltip).toBeHidden();
      await chart.focus();
      await page.keyboard.press('ArrowLeft');
      await expect(tooltip).toBeVisible();
      await expect(tooltip).toContainText(/\d{2}:\d{2}:\d{2}/);
      await expect(tooltip).toContainText(/CPU\s*:\s*\d+(\.\d)? %/);
      await chart.blur();

      const other = network.getByRole('application');
      const tip = network.locator('.recharts-tooltip-wrapper');
      const box = await other.boundingBox();
      if (!box) throw new Error('the network chart is not drawn');
      await expect(tip).toBeHidden();
      // Near the right edge: the newest sample.
      await other.hover({ position: { x: box.width - 12, y: box.height / 3 } });
      await expect(tip).toBeVisible();
      await expect(tip).toContainText(new RegExp(`received\\s*:\\s*\\d+(\\.\\d)? ${BYTE_UNIT}/s`));
      await expect(tip).toContainText(new RegExp(`sent\\s*:\\s*\\d+(\\.\\d)? ${BYTE_UNIT}/s`));
      await page.mouse.move(0, 0);
    });

    await test.step('the range picker is a labelled group of buttons that show which is on', async () => {
      const picker = page.getByRole('group', { name: 'Time range' });
      const one = picker.getByRole('button', { name: '1 min', exact: true });
      const five = picker.getByRole('button', { name: '5 min', exact: true });
      const fifteen = picker.getByRole('button', { name: '15 min', exact: true });
      await expect(one).toHaveAttribute('aria-pressed', 'true');
      await expect(five).toHaveAttribute('aria-pressed', 'false');

      await five.click();
      await expect(five).toHaveAttribute('aria-pressed', 'true');
      await expect(one).toHaveAttribute('aria-pressed', 'false');
      // Whole minutes now, and the tab says it holds less than five of them.
      await expect(chartText(cpu, CLOCK_MINUTES).first()).toBeVisible();
      await expect(chartText(cpu, CLOCK_WITH_SECONDS)).toHaveCount(0);
      await expect(page.getByText(/^Only .+ held so far of the last 5 min\.$/)).toBeVisible();

      // By keyboard: Tab from "5 min" reaches "15 min", Enter chooses it.
      await five.focus();
      await page.keyboard.press('Tab');
      await expect(fifteen).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(fifteen).toHaveAttribute('aria-pressed', 'true');
      await expect(five).toHaveAttribute('aria-pressed', 'false');
      await expect(page.getByText(/^Only .+ held so far of the last 15 min\.$/)).toBeVisible();

      await one.click();
      await expect(one).toHaveAttribute('aria-pressed', 'true');
      await expect(chartText(cpu, CLOCK_WITH_SECONDS).first()).toBeVisible();
    });

    await test.step('light and dark at 1440 and 390 px: the charts fit the width', async () => {
      await screens(page, 'stats-charts', async (p) => {
        await expect(chartText(card(p, 'Memory'), /^Memory \(MiB\)$/)).toBeVisible();
        const width = p.viewportSize()?.width ?? 0;
        if (width !== SCREEN_WIDTHS.phone) return;
        for (const name of ['CPU', 'Memory', 'Network', 'Block I/O']) {
          const box = await card(p, name).boundingBox();
          expect(box ? box.x + box.width : Infinity).toBeLessThanOrEqual(width);
        }
        const overflow = await p.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
      });
    });
  } finally {
    await removeContainers(page, hostId, [id]);
  }
});
