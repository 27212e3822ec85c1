import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS } from '@tally/contracts';
import { defaultPriceBook, priceAction } from '@tally/credits';
import { BrowserContext, chromium } from 'playwright-core';
import { actionExecuted, ActionSpec, periodStarted } from '../support/action-fixtures';
import { AppProcess, startAppProcess } from '../support/app-process';

// The billing page in real headless Chromium (Debian's package, installed by
// scripts/ensure-chromium.sh) against the embedded app running as a process.
const chromiumPath = '/usr/bin/chromium';
// Without the background-networking flags Chromium waits on the closed network.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// The suite never rewrites tracked files: it saves to a temporary file unless asked to refresh
// the documentation's screenshot (TALLY_UPDATE_SCREENSHOT=1).
const screenshotPath =
  process.env.TALLY_UPDATE_SCREENSHOT === '1'
    ? join(__dirname, '..', '..', 'docs', 'billing-page.png')
    : join(tmpdir(), `tally-billing-page-${process.pid}.png`);
const waitMs = 180_000;
const pollIntervalMs = 250;
const packMicro = 10_000_000n;

const dayMix: ActionSpec[] = [
  { kind: 'record.create' },
  { kind: 'record.update' },
  { kind: 'http.request' },
  { kind: 'code.run', durationMs: 1_800 },
  { kind: 'email.send', recipients: 3 },
  {
    kind: 'ai.generate',
    ai: { model: 'gpt-4o-mini', inputTokens: 2_400, outputTokens: 600, cachedInputTokens: 0 },
  },
  {
    kind: 'ai.generate',
    ai: { model: 'claude-sonnet-4', inputTokens: 1_200, outputTokens: 350, cachedInputTokens: 400 },
  },
  { kind: 'web.search' },
];

/** A few actions a day from the period start to now, a busier day now and then. */
function sampleUsage(
  workspaceId: string,
  periodStartMs: number,
  nowMs: number,
): { messages: unknown[]; usedMicro: bigint } {
  const messages: unknown[] = [];
  let usedMicro = 0n;
  for (let dayMs = periodStartMs, day = 0; dayMs < nowMs; dayMs += DAY_MS, day += 1) {
    const count = 3 + ((day * 7) % 5) + (day % 4 === 2 ? 6 : 0);
    for (let index = 0; index < count; index += 1) {
      const action = dayMix[(day + index * 3) % dayMix.length] as ActionSpec;
      const occurredAt = new Date(
        Math.min(nowMs - 1_000, dayMs + 3_600_000 + index * 600_000),
      ).toISOString();
      messages.push(actionExecuted(workspaceId, action, { occurredAt }));
      usedMicro += priceAction(action as never, defaultPriceBook).amountMicro;
    }
  }
  return { messages, usedMicro };
}

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

// This file compiles without the DOM library: the one browser call it needs beyond Element's.
interface BrowserStyles {
  getComputedStyle(element: unknown): { cursor: string };
}

interface PackSize {
  credits: string;
  creditsMicro: string;
}

/** The pack sizes as the page reads them (public) and as the API names them when it refuses a size. */
async function packSizesOfServer(
  baseUrl: string,
  token: string,
  workspaceId: string,
): Promise<{ served: PackSize[]; accepted: string[] }> {
  const response = await fetch(`${baseUrl}/billing/pack-sizes.json`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { packSizes: PackSize[] };
  expect(Object.keys(body)).toEqual(['packSizes']);
  const refused = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credit-packs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ credits: '0.000001', paymentRef: `not-a-pack-${randomUUID()}` }),
  });
  expect(refused.status).toBe(400);
  const error = (await refused.json()) as { code: string; details: { packSizes: string[] } };
  expect(error.code).toBe('INVALID_PACK_SIZE');
  return { served: body.packSizes, accepted: error.details.packSizes };
}

/** GET /v1/price-book as a test serves it: a book other than the default, and a later one. */
const servedPriceBook = {
  current: {
    version: '2027-01',
    effectiveAt: '2027-01-01T00:00:00.000Z',
    stepDefaultMicro: '200',
    kinds: { 'record.create': '200', 'enrich.lookup': '3' },
    codeRun: { baseMicro: '200', perMsMicro: '0.2' },
    emailSend: { perRecipientMicro: '0' },
    models: { 'claude-sonnet-4': { input: '7.5', output: '22.5', cachedInput: '0.75' } },
    fallback: { input: '2000000', output: '10000000', cachedInput: '1' },
    publishedAt: '2026-12-01T00:00:00.000Z',
  },
  versions: [
    {
      version: '2026-01-default',
      effectiveAt: '2000-01-01T00:00:00.000Z',
      publishedAt: '2026-01-01T00:00:00.000Z',
    },
    {
      version: '2027-01',
      effectiveAt: '2027-01-01T00:00:00.000Z',
      publishedAt: '2026-12-01T00:00:00.000Z',
    },
    {
      version: '2027-07',
      effectiveAt: '2027-07-01T00:00:00.000Z',
      publishedAt: '2026-12-02T00:00:00.000Z',
    },
  ],
};

describe('billing page (headless Chromium against the embedded app)', () => {
  let dataDir: string;
  let profileDir: string;
  let app: AppProcess;
  let browser: BrowserContext | undefined;
  let baseUrl: string;
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-billing-page-'));
    profileDir = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
    // Empty DATABASE_URL / KAFKA_BROKERS count as unset: the embedded mode.
    app = startAppProcess('tally', {
      TALLY_DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: '',
      KAFKA_BROKERS: '',
    });
    const printed = await until('the billing page URL', async () => {
      if (app.child.exitCode !== null) throw new Error(`tally exited:\n${app.output()}`);
      return (
        /Billing page: (http:\/\/localhost:\d+)\/billing\?token=([A-Za-z0-9._-]+)/.exec(
          app.output(),
        ) ?? undefined
      );
    });
    baseUrl = printed[1] as string;
    token = printed[2] as string;
  }, waitMs + 10_000);

  /** The one browser of the suite, launched by whichever test needs it first. */
  async function openBrowser(): Promise<BrowserContext> {
    browser ??= await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      viewport: { width: 1280, height: 900 },
    });
    return browser;
  }

  afterAll(async () => {
    await browser?.close();
    await app?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  });

  it(
    'shows the four credit lines and raises Total Available by exactly 10 credits after buying a pack, without a reload',
    async () => {
      const workspaceId = `acme-${randomUUID().slice(0, 8)}`;
      const now = new Date();
      // A monthly period that began 24 days ago (a period runs from the subscription's day, not the
      // calendar month's first), so whatever the date the chart has weeks of usage to show.
      const periodStart = new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 24),
      );
      const periodStartMs = periodStart.getTime();
      const period = periodStarted(workspaceId, {
        periodStart: periodStart.toISOString(),
        periodEnd: new Date(
          Date.UTC(
            periodStart.getUTCFullYear(),
            periodStart.getUTCMonth() + 1,
            periodStart.getUTCDate(),
          ),
        ).toISOString(),
      });
      const usage = sampleUsage(workspaceId, periodStartMs, now.getTime());
      const ingest = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([period, ...usage.messages]),
      });
      expect(ingest.status).toBe(202);
      const packSizes = await packSizesOfServer(baseUrl, token, workspaceId);
      expect(packSizes.served.map((pack) => pack.credits)).toEqual(packSizes.accepted);
      const balance = await until('the ingested usage in the balance', async () => {
        const response = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credits`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as {
          usedThisPeriodMicro: string;
          totalAvailableMicro: string;
        };
        return body.usedThisPeriodMicro === usage.usedMicro.toString() ? body : undefined;
      });

      browser = await openBrowser();
      const page = browser.pages()[0] ?? (await browser.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${baseUrl}/billing?token=${token}&workspace=${workspaceId}`);

      // The token moves to sessionStorage and leaves the address bar.
      expect(page.url()).toBe(`${baseUrl}/billing?workspace=${workspaceId}`);
      const total = page.locator('[data-line="total"] [data-field="totalAvailable"]');
      await total
        .and(page.locator(`[data-micro="${balance.totalAvailableMicro}"]`))
        .waitFor({ timeout: waitMs });
      for (const line of ['Period credits', 'Rollover Credits', 'Purchased', 'Total Available'])
        await page.getByRole('heading', { name: line, exact: true }).waitFor({ timeout: waitMs });
      await page.locator('#live-indicator[data-state="on"]').waitFor({ timeout: waitMs });
      await page.locator('#chart svg rect').first().waitFor({ timeout: waitMs });
      expect(await page.locator('#forecast-text').textContent()).toMatch(
        /^(At this rate, credits run out on [A-Z][a-z]{2} \d{1,2}\.|Credits last beyond this period\.)$/,
      );

      // What a credit buys under the shipped default book, the one in force.
      await page
        .locator('#buys-actions li', { hasText: 'workflow steps' })
        .waitFor({ timeout: waitMs });
      expect(await page.locator('#price-book-version').textContent()).toBe(
        'Price book 2026-01-default, in force since Jan 1, 2000',
      );
      expect(await page.locator('#buys-actions li').allTextContents()).toEqual([
        '≈ 10,000 workflow steps',
        '≈ 1,000 HTTP requests',
        '≈ 100 web searches',
        '≈ 5,000 one-second code runs',
        '≈ 3,333 email recipients',
      ]);
      expect(await page.locator('#buys-models li').allTextContents()).toEqual([
        '≈ 1M claude-haiku-4 input tokens / 200k output tokens',
        '≈ 333k claude-sonnet-4 input tokens / 66,667 output tokens',
        '≈ 400k gpt-4o input tokens / 100k output tokens',
        '≈ 6.67M gpt-4o-mini input tokens / 1.67M output tokens',
        '≈ 66,667 input tokens / 13,333 output tokens on any other model',
      ]);
      expect(await page.locator('#price-book-next').isHidden()).toBe(true);

      // One button per pack size the API sells, in its order, and nothing in the sidebar that
      // looks like a link but goes nowhere.
      await page.locator('#packs button').first().waitFor({ timeout: waitMs });
      const packButtons = await page.locator('#packs button').evaluateAll((buttons) =>
        buttons.map((button) => ({
          credits: button.getAttribute('data-credits'),
          name: button.getAttribute('aria-label'),
        })),
      );
      expect(packButtons).toEqual(
        packSizes.served.map((pack) => ({
          credits: pack.credits,
          name: `Buy ${pack.credits} credits`,
        })),
      );
      const navItems = await page.locator('nav li, nav .nav-item').evaluateAll((items) =>
        items.map((item) => ({
          tag: item.tagName,
          text: item.textContent?.trim(),
          href: item.getAttribute('href'),
        })),
      );
      expect(navItems).toEqual([
        { tag: 'LI', text: 'Billing', href: null },
        { tag: 'A', text: 'Billing', href: '/billing' },
      ]);
      expect(await page.locator('[aria-disabled]').count()).toBe(0);
      // Whatever shows a pointer is a link that goes somewhere or a button that can be pressed.
      const pointers = await page.locator('body *').evaluateAll((elements) =>
        elements
          .filter(
            (element) =>
              (globalThis as unknown as BrowserStyles).getComputedStyle(element).cursor ===
              'pointer',
          )
          .filter((element) => element.getClientRects().length > 0)
          .filter(
            (element) =>
              !element.matches('a[href], button:not([disabled]), button:not([disabled]) *'),
          )
          .map((element) => element.outerHTML.slice(0, 120)),
      );
      expect(pointers).toEqual([]);

      // A reload would drop this marker: the rise must come from the live stream.
      await page.evaluate(() => Object.assign(globalThis, { billingTestMarker: 'same page' }));
      await page.getByRole('button', { name: 'Buy 10 credits' }).click();
      await page.locator('#buy-status[data-state="done"]').waitFor({ timeout: waitMs });
      const raised = (BigInt(balance.totalAvailableMicro) + packMicro).toString();
      await total.and(page.locator(`[data-micro="${raised}"]`)).waitFor({ timeout: waitMs });
      expect(
        await page.evaluate(() => (globalThis as { billingTestMarker?: string }).billingTestMarker),
      ).toBe('same page');
      expect(await page.locator('[data-field="purchased"]').textContent()).toBe('10 credits');

      // Every amount on the page is credits with at most six decimals: no float artefacts.
      const amounts = await page.locator('[data-field]').allTextContents();
      for (const amount of amounts)
        expect(amount).toMatch(/^−?\d{1,3}(,\d{3})*(\.\d{1,6})? credits?$/);
      expect(pageErrors).toEqual([]);

      await page
        .locator('#ledger-rows tr', { hasText: 'Credit pack purchased' })
        .waitFor({ timeout: waitMs });

      // A hold shows on its own line while it is live, and comes off Total Available.
      expect(await page.locator('#reserved-line').isHidden()).toBe(true);
      const reserved = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credits/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reservationId: 'agent-run-1', amountMicro: '1000000' }),
      });
      expect(reserved.status).toBe(201);
      await page.locator('#reserved-line [data-micro="1000000"]').waitFor({ timeout: waitMs });
      const lowered = (BigInt(raised) - 1_000_000n).toString();
      await total.and(page.locator(`[data-micro="${lowered}"]`)).waitFor({ timeout: waitMs });
      await page
        .locator('#ledger-rows tr', { hasText: 'Credits reserved (agent-run-1)' })
        .waitFor({ timeout: waitMs });
      await page.screenshot({ path: screenshotPath, fullPage: true });
    },
    2 * waitMs,
  );

  it(
    'offers the packs and shows the prices the server names, not a list of its own',
    async () => {
      // The server is the one source: given other sizes, the page offers exactly those.
      const page = await (await openBrowser()).newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const offered = [
        { credits: '25', creditsMicro: '25000000' },
        { credits: '1000', creditsMicro: '1000000000' },
      ];
      await page.route('**/billing/pack-sizes.json', (route) =>
        route.fulfill({ json: { packSizes: offered } }),
      );
      // The same for prices: the card shows the book the API serves, and the one scheduled next.
      await page.route('**/v1/price-book', (route) => route.fulfill({ json: servedPriceBook }));
      await page.goto(
        `${baseUrl}/billing?token=${token}&workspace=acme-${randomUUID().slice(0, 8)}`,
      );
      await page.locator('#packs button').first().waitFor({ timeout: waitMs });
      expect(
        await page
          .locator('#packs button')
          .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label'))),
      ).toEqual(['Buy 25 credits', 'Buy 1,000 credits']);
      await page
        .locator('#buys-actions li', { hasText: 'workflow steps' })
        .waitFor({ timeout: waitMs });
      expect(await page.locator('#price-book-version').textContent()).toBe(
        'Price book 2027-01, in force since Jan 1, 2027',
      );
      expect(await page.locator('#buys-actions li').allTextContents()).toEqual([
        '≈ 5,000 workflow steps',
        '≈ 333k enrich.lookup actions',
        '≈ 2,500 one-second code runs',
        'email recipients: free',
      ]);
      expect(await page.locator('#buys-models li').allTextContents()).toEqual([
        '≈ 133k claude-sonnet-4 input tokens / 44,444 output tokens',
        '≈ 0.5 input tokens / 0.1 output tokens on any other model',
      ]);
      expect(await page.locator('#price-book-next').textContent()).toBe(
        'Price book 2027-07 takes effect on Jul 1, 2027 (UTC).',
      );
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    waitMs,
  );
});
