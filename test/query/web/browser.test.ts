import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryServer, type QueryServer } from '../../../functions/cli/commands/serve';
import { processPage } from '../../../functions/pipeline/process-page';
import { seedArchive } from '../helpers/seed-archive';

const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page whose text contains markup-looking strings: the web view must show them as text. */
const HOSTILE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;window.pwned=1&lt;/script&gt; Council agenda leaks</title></head><body><article>
<h1>&lt;script&gt;window.pwned=1&lt;/script&gt; Council agenda leaks</h1>
<p>The agenda contained the string &lt;img src=x onerror="window.pwned=2"&gt; in its footer, which readers noticed on Tuesday morning.</p>
<p>Officials said the odd markup came from a template that had been copied from an old intranet page years ago.</p>
<p>A spokesperson added that no personal data was exposed and that the page would be corrected by the end of the week.</p>
<p>Councillors asked for a review of how agendas are published, citing two earlier mistakes in the same year.</p>
</article></body></html>`;

describe('web view in headless Chromium', () => {
  let dataDir: string;
  let server: QueryServer;
  let browser: Browser;
  let base: string;
  let originId: string;
  let copyId: string;
  let hostileId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'web-view-'));
    const seeded = await seedArchive(dataDir);
    const ids = seeded.outcomes.map((o) => (o.kind === 'stored' ? o.articleId : ''));
    originId = ids[0];
    copyId = ids[7];
    const hostile = await processPage(seeded.pipeline.deps, {
      url: 'https://hostile.example/agenda',
      body: new TextEncoder().encode(HOSTILE_PAGE),
      contentType: 'text/html',
      fetchedAt: '2026-11-24T20:00:00.000Z',
    });
    hostileId = hostile.kind === 'stored' ? hostile.articleId : '';
    // The embedded store allows one process at a time: hand the data directory over to `serve`.
    await seeded.pipeline.close();
    server = await startQueryServer(seeded.config, { port: 0 });
    base = `http://127.0.0.1:${server.port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('list → aggregator article → highlighted paragraph links to its first appearance', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(`${base}/`);
    await page.selectOption('#host', 'wirewatch.example');
    await Promise.all([
      page.waitForURL(/host=wirewatch\.example/),
      page.click('form.filters button[type=submit]'),
    ]);
    await expect(page.locator('#articles tbody tr').count()).resolves.toBe(3);
    await expect(page.locator('#host-stats').textContent()).resolves.toMatch(/syndicated: 66\.7%/);

    const copyRow = page
      .locator('#articles tbody tr', { hasText: 'copy of dailyplanet.example' })
      .filter({ hasText: 'Harbour Street' });
    await Promise.all([
      page.waitForURL(`**/view/articles/${copyId}`),
      copyRow.locator('a.article-link').click(),
    ]);

    const highlighted = page.locator('.para.seen-elsewhere');
    expect(await highlighted.count()).toBe(8);
    const background = await highlighted
      .first()
      .evaluate(
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      );
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    const link = highlighted.first().locator('a.first-seen');
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/view/articles/${originId}#p-[0-9a-f]{32}$`));
    await expect(link.textContent()).resolves.toMatch(/first seen on dailyplanet\.example/);
    const copiedText = await highlighted.first().locator('p').textContent();

    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'web-view.png'), fullPage: true });

    await Promise.all([page.waitForURL(`**/view/articles/${originId}#p-*`), link.click()]);
    const target = page.locator(`[id="${href!.split('#')[1]}"]`);
    await expect(target.locator('p').textContent()).resolves.toBe(copiedText);
    // On the original nothing is highlighted: every paragraph was first seen there.
    expect(await page.locator('.para.seen-elsewhere').count()).toBe(0);
    await expect(page.locator('#copies a').getAttribute('href')).resolves.toBe(`/view/articles/${copyId}`);

    await Promise.all([page.waitForURL('**/story'), page.click('#story-link')]);
    await expect(page.locator('#members tbody tr').count()).resolves.toBe(2);
    await expect(page.locator('#origin').getAttribute('href')).resolves.toBe(`/view/articles/${originId}`);
    expect(consoleErrors.join('\n')).toBe('');
    await page.close();
  });

  it('shows markup found in archived text as text; no script runs', async () => {
    expect(hostileId).toMatch(/^[0-9a-f]{32}$/);
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs += 1;
      await d.dismiss();
    });
    const response = await page.goto(`${base}/view/articles/${hostileId}`);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    await expect(page.locator('#title').textContent()).resolves.toContain('<script>window.pwned=1</script>');
    await expect(page.locator('.body').textContent()).resolves.toContain(
      '<img src=x onerror="window.pwned=2">',
    );
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('.body img, .body script').count()).toBe(0);
    expect(dialogs).toBe(0);
    await page.close();
  });

  it('bad filters and unknown ids get an error page, not a crash', async () => {
    const page = await browser.newPage();
    const bad = await page.goto(`${base}/?host=wirewatch.example&from=2026-99-01`);
    expect(bad?.status()).toBe(400);
    await expect(page.locator('.error').textContent()).resolves.toMatch(/from must be a day/);
    const missing = await page.goto(`${base}/view/articles/${'0'.repeat(32)}`);
    expect(missing?.status()).toBe(404);
    await page.close();
  });
});
