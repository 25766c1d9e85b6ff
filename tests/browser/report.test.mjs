// Opens leadaudit's report.html in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and checks what a person and a browser would see. Run by run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const REPORT_DIR = process.env.REPORT_DIR;
const DEMO_REPORT_DIR = process.env.DEMO_REPORT_DIR || '';
const ARTIFACT_DIR = process.env.ARTIFACT_DIR;
const PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

assert.ok(REPORT_DIR && ARTIFACT_DIR, 'REPORT_DIR and ARTIFACT_DIR must be set (use run.sh)');

let browser;

before(async () => {
  // playwright gives the browser a new temporary --user-data-dir and runs it headless.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
});

/** Opens a report and records everything that must not happen. */
async function open(dir, options = {}) {
  const url = pathToFileURL(path.join(dir, 'report.html')).href;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const seen = { console: [], errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url) seen.requests.push(r.url());
  });
  page.on('dialog', async (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, seen };
}

function assertQuiet(seen) {
  assert.deepEqual(seen.console, [], 'console errors or warnings');
  assert.deepEqual(seen.errors, [], 'uncaught script errors');
  assert.deepEqual(seen.requests, [], 'network requests (the report must be self-contained)');
  assert.deepEqual(seen.dialogs, [], 'dialogs opened: injected script ran');
}

async function assertVerdictAndScorecard(page) {
  const verdict = page.locator('section.verdict');
  assert.ok(await verdict.isVisible(), 'verdict banner visible');
  assert.match(await verdict.locator('.badge').first().innerText(), /^(PASS|WARN|FAIL)$/);
  assert.ok((await verdict.locator('.headline').innerText()).length > 10, 'verdict says why');
  const card = page.locator('table.scorecard');
  assert.ok(await card.isVisible(), 'scorecard visible');
  assert.ok((await card.locator('tbody tr').count()) >= 1, 'scorecard has rows');
}

test('report loads with no console errors, script errors, dialogs or network requests', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  await page.waitForTimeout(300);
  assertQuiet(seen);
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'report-top.png') });
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'report-full.png'), fullPage: true });
  await context.close();
});

test('verdict and vendor scorecard are visible, with every source and the cost column', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  await assertVerdictAndScorecard(page);
  assert.equal(await page.locator('section.verdict .badge').first().innerText(), 'FAIL');
  const sources = await page.locator('table.scorecard tbody th[scope=row]').allInnerTexts();
  assert.deepEqual(sources, ['vendor_a', PAYLOADS[0], 'web']);
  const headers = await page.locator('table.scorecard thead th').allInnerTexts();
  assert.ok(headers.some((h) => h.includes('cost per accepted lead')), headers.join('|'));
  // vendor_a: 12 rows at 2.50; its accepted count comes from summary.json.
  const summary = JSON.parse(await (await import('node:fs/promises')).readFile(path.join(REPORT_DIR, 'summary.json'), 'utf8'));
  const a = summary.scorecard.find((r) => r.source === 'vendor_a');
  const expected = (2.5 * a.rows / a.accepted).toFixed(2);
  const cells = await page.locator('table.scorecard tbody tr').first().locator('td').allInnerTexts();
  assert.equal(cells[cells.length - 1], expected);
  assertQuiet(seen);
  await context.close();
});

test('payloads show as text everywhere and nothing executes', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const text = await page.evaluate(() => document.body.innerText);
  for (const payload of PAYLOADS) assert.ok(text.includes(payload), `shown as text: ${payload}`);
  const dom = await page.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    scripts: document.scripts.length,
    handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
    bold: document.querySelectorAll('main b').length,
    svgPayloadText: Array.from(document.querySelectorAll('svg text, svg title'))
      .some((t) => t.textContent.includes('<script>alert(1)</script>')),
  }));
  assert.equal(dom.images, 0, 'an <img> payload became an element');
  assert.equal(dom.scripts, 1, 'only the page script exists');
  assert.equal(dom.handlers, 0, 'an event-handler attribute got through');
  assert.equal(dom.bold, 0, 'markup in data became elements');
  assert.ok(dom.svgPayloadText, 'chart labels carry the payload as text');
  assertQuiet(seen);
  await context.close();
});

test('scorecard sorts from the keyboard and announces the order', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  const header = page.locator('table.scorecard thead th').filter({ hasText: /^\s*accepted\s*$/ });
  const button = header.locator('button.sort');
  assert.equal(await button.count(), 1, 'header became a button');
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const column = await header.evaluate((th) => th.cellIndex);
  const values = async () => page.locator('table.scorecard tbody tr').evaluateAll(
    (rows, col) => rows.map((r) => parseFloat(r.cells[col].getAttribute('data-sort'))), column);
  const up = await values();
  assert.deepEqual(up, [...up].sort((x, y) => x - y));
  const live = await page.locator('[aria-live=polite]').textContent();
  assert.equal(live, 'Sorted by accepted, ascending.');
  await page.keyboard.press('Space');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const down = await values();
  assert.deepEqual(down, [...up].sort((x, y) => y - x));
  assertQuiet(seen);
  await context.close();
});

test('accessibility basics: skip link, heading order, table captions and scopes, chart text', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  await page.keyboard.press('Tab');
  const skip = page.locator('.skip-link');
  assert.equal(await skip.evaluate((a) => a === document.activeElement), true, 'first Tab stop');
  assert.ok(await skip.isVisible(), 'skip link visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'content');
  const facts = await page.evaluate(() => {
    const levels = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map((h) => +h.tagName[1]);
    return {
      levels,
      h1: document.querySelectorAll('h1').length,
      uncaptioned: Array.from(document.querySelectorAll('table')).filter((t) => !t.caption).length,
      unscoped: document.querySelectorAll('thead th:not([scope]), tbody th:not([scope])').length,
      unnamedCharts: Array.from(document.querySelectorAll('svg')).filter(
        (s) => s.getAttribute('role') !== 'img' || !s.getAttribute('aria-label') || !s.querySelector('title')).length,
      lang: document.documentElement.lang,
    };
  });
  assert.equal(facts.h1, 1);
  assert.equal(facts.levels[0], 1);
  facts.levels.forEach((level, i) => {
    if (i > 0) assert.ok(level <= facts.levels[i - 1] + 1, `heading level jumps: ${facts.levels}`);
  });
  assert.equal(facts.uncaptioned, 0, 'every table has a caption');
  assert.equal(facts.unscoped, 0, 'every header cell has a scope');
  assert.equal(facts.unnamedCharts, 0, 'every chart has role=img, aria-label and <title>');
  assert.equal(facts.lang, 'en');
  assertQuiet(seen);
  await context.close();
});

test('without JavaScript the page is complete and headers are plain text', async () => {
  const { context, page, seen } = await open(REPORT_DIR, { javaScriptEnabled: false });
  await assertVerdictAndScorecard(page);
  assert.equal(await page.locator('button.sort').count(), 0);
  assert.ok((await page.locator('table.checks tbody tr').count()) >= 1);
  assertQuiet(seen);
  await context.close();
});

test('print layout hides navigation, shows every sample table, and makes a PDF', async () => {
  const { context, page, seen } = await open(REPORT_DIR);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.toc').isVisible(), false, 'navigation hidden in print');
  assert.equal(await page.locator('.skip-link').isVisible(), false);
  const samples = page.locator('details.sample table');
  assert.ok((await samples.count()) >= 1);
  for (const table of await samples.all()) assert.ok(await table.isVisible(), 'sample table printed');
  const pdf = await page.pdf({ path: path.join(ARTIFACT_DIR, 'report.pdf'), format: 'A4', printBackground: true });
  assert.ok(pdf.length > 20000, `PDF has content (${pdf.length} bytes)`);
  assertQuiet(seen);
  await context.close();
});

test('the README demo report, when present, passes the same page checks', { skip: !DEMO_REPORT_DIR && 'fixtures/demo not present' }, async () => {
  const { context, page, seen } = await open(DEMO_REPORT_DIR);
  await assertVerdictAndScorecard(page);
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'demo-full.png'), fullPage: true });
  assertQuiet(seen);
  await context.close();
});
