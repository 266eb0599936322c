// Browser tests of the search page (/) and the embeddable widget (/widget.js) in headless Debian
// Chromium driven by playwright-core. Starts the real `passage serve` on the sample corpus on
// 127.0.0.1 (free port), plus two tiny static servers on other loopback ports that embed the
// widget: one origin on the server's CORS allow-list, one not.
//
// Environment (set by tests/CMakeLists.txt): PASSAGE_BINARY, PASSAGE_SOURCE_DIR,
// PASSAGE_SCREENSHOTS (folder for screenshots), optional CHROMIUM (the browser binary).
// Exits 77 (ctest: skipped) only when Chromium is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.PASSAGE_BINARY;
const sourceDir = process.env.PASSAGE_SOURCE_DIR || path.resolve(here, '../..');
const shotsDir = process.env.PASSAGE_SCREENSHOTS || path.join(os.tmpdir(), 'passage-screenshots');

function findChromium() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((c) => c && fs.existsSync(c));
}
const chromiumPath = findChromium();
if (!chromiumPath) {
  console.log('\n*** SKIPPED: browser tests need Chromium (Debian package `chromium`; ' +
    'scripts/install-deps.sh --tests installs it) ***\n');
  process.exit(77);
}
if (!binary || !fs.existsSync(binary)) {
  console.error(`browser tests: PASSAGE_BINARY is not set or missing: ${binary}`);
  process.exit(1);
}

// playwright-core, pinned in package.json / package-lock.json: installed by scripts/test.sh
// (npm ci); installed here when it is missing or another version, so a plain ctest run works.
function loadPlaywright() {
  const pinned = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8')).dependencies['playwright-core'];
  const installed = path.join(here, 'node_modules', 'playwright-core', 'package.json');
  const version = fs.existsSync(installed) ? JSON.parse(fs.readFileSync(installed, 'utf8')).version : null;
  if (version !== pinned) {
    console.log(`browser tests: installing playwright-core ${pinned} (npm ci in tests/browser)`);
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', here], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm ci in tests/browser failed');
  }
  return createRequire(path.join(here, 'package.json'))('playwright-core');
}
const { chromium } = loadPlaywright();

// ---- Fixtures ------------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'passage-browser-'));
let server;        // the passage serve child process
let base;          // http://127.0.0.1:PORT/
let allowed;       // static server whose origin is on the allow-list
let refused;       // static server whose origin is not
let context;       // the browser (persistent context with a fresh profile)

function run(args) {
  const r = spawnSync(binary, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`passage ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function widgetPage(passageBase, attrs) {
  // The host page's own CSS tries to restyle and hide everything: the Shadow DOM must shield the widget.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<style>
  body { font-family: serif; }
  input, button, li, ol, ul, p, mark { display: none !important; color: red !important; }
  #embed { --passage-accent: rgb(0, 100, 0); }
</style></head><body><h1>A city's website</h1>
<div id="embed" data-passage-search ${attrs}></div>
<script src="${passageBase}widget.js"></script></body></html>`;
}

function staticServer(attrs) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(widgetPage(base, attrs));
    });
    s.listen(0, '127.0.0.1', () => resolve({ server: s, url: `http://127.0.0.1:${s.address().port}/` }));
  });
}

function startPassage(index, corsOrigin) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--index', index, '--bind', '127.0.0.1', '--port', '0', '-j', '2',
      '--cors-origin', corsOrigin, '--document-root', path.join(sourceDir, 'sample-corpus')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`passage serve did not start:\n${out}\n${err}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}/` });
      }
    });
    child.stderr.on('data', (d) => { err += d; if (err.length > 1e6) err = err.slice(-1e5); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`passage serve exited ${code}:\n${err}`)); });
  });
}

async function api(pathAndQuery) {
  const res = await fetch(new URL(pathAndQuery, base));
  assert.equal(res.status, 200, `GET ${pathAndQuery}`);
  return res.json();
}

async function shot(page, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

// Hits of the page as plain objects.
const hits = (page) => page.locator('li.hit').evaluateAll((items) => items.map((li) => ({
  id: li.dataset.id,
  org: li.querySelector('.org')?.textContent,
  kind: li.querySelector('.kind')?.textContent,
  year: li.querySelector('.year')?.textContent,
})));

async function search(page, q) {
  const box = page.getByRole('combobox', { name: 'Search query' });
  await box.fill(q);
  await box.press('Enter');
  await page.waitForFunction((query) => {
    const host = document.querySelector('[data-passage-search]');
    return host.dataset.state === 'ready' && new URL(location.href).searchParams.get('q') === query;
  }, q);
}

const ready = (page) => page.waitForFunction(() =>
  !document.querySelector('[data-passage-search]').hasAttribute('aria-busy'));

before(async () => {
  const index = path.join(tmp, 'index');
  run(['index', '-q', '--config', path.join(sourceDir, 'corpus-config', 'sample.toml'), '--index', index]);
  // Origins first: the allowed one goes on passage's --cors-origin list.
  allowed = await staticServer('data-filter="org:COMPAS"');
  refused = await staticServer('');
  const p = await startPassage(index, allowed.url.replace(/\/$/, ''));
  server = p.child;
  base = p.url;
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    acceptDownloads: true,
    locale: 'en-GB',
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15000);
});

after(async () => {
  if (context) await context.close();
  if (server) { server.removeAllListeners('exit'); server.kill('SIGTERM'); }
  for (const s of [allowed, refused]) if (s) s.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- Scenarios -----------------------------------------------------------------------------------

test('a query shows results with highlighted snippets and the exact count', async () => {
  const page = await context.newPage();
  const problems = [];  // script errors, CSP violations and failed loads (the favicon is inline)
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(base);
  await search(page, 'migration');
  const expected = await api('api/search?q=migration&size=10');
  assert.ok(expected.total > 0);
  const got = await hits(page);
  assert.deepEqual(got.map((h) => h.id), expected.results.map((r) => r.id));
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: `${expected.total} results` }).waitFor());
  // <mark> became elements, never visible markup.
  assert.ok(await page.locator('li.hit .snippet mark').count() > 0);
  const text = await page.locator('li.hit .snippet').first().textContent();
  assert.ok(!text.includes('<mark>') && !text.includes('&#39;'), text);
  await shot(page, 'page-results');
  const unexpected = problems;
  assert.deepEqual(unexpected, [], unexpected.join('\n'));
  assert.ok(requests.every((u) => u.startsWith(base)), requests.join('\n'));  // nothing from elsewhere
  await page.close();
});

test('autocomplete suggests completions and picking one searches', async () => {
  const page = await context.newPage();
  await page.goto(base);
  const box = page.getByRole('combobox', { name: 'Search query' });
  await box.pressSequentially('resett', { delay: 30 });
  const option = page.getByRole('option', { name: /^resettlement/ });
  await option.waitFor();
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  await shot(page, 'page-autocomplete');
  await box.press('ArrowDown');
  assert.equal(await page.getByRole('option').first().getAttribute('aria-selected'), 'true');
  await box.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'resettlement');
  await ready(page);
  assert.equal(await box.inputValue(), 'resettlement');
  assert.equal(await page.getByRole('listbox').isVisible(), false);
  assert.ok((await hits(page)).length > 0);
  await page.close();
});

test('a facet checkbox filters results and updates counts; values within a facet are ORed', async () => {
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'migration');
  const before = await page.locator('fieldset[data-facet=organisation] .count').allTextContents();
  const blog = page.locator('input[data-filter="kind:blog"]');
  const blogCount = Number(await blog.locator('xpath=..').locator('.count').textContent());
  await blog.check();
  await page.waitForFunction(() => new URL(location.href).searchParams.getAll('filter').includes('kind:blog'));
  await ready(page);
  let got = await hits(page);
  const blogs = await api('api/search?q=migration&filter=kind:blog&size=10');
  assert.equal(blogs.total, blogCount);
  assert.deepEqual(got.map((h) => h.id), blogs.results.map((r) => r.id));
  assert.ok(got.length > 0 && got.every((h) => h.kind === 'blog'), JSON.stringify(got));
  await page.getByRole('status').filter({ hasText: `${blogCount} result` }).waitFor();
  const after = await page.locator('fieldset[data-facet=organisation] .count').allTextContents();
  assert.notDeepEqual(after, before);
  // A second value of the same facet widens the result (OR), and both stay checked.
  const report = page.locator('input[data-filter="kind:report"]');
  const reportCount = Number(await report.locator('xpath=..').locator('.count').textContent());
  await report.check();
  await page.waitForFunction(() => new URL(location.href).searchParams.getAll('filter').length === 2);
  await ready(page);
  got = await hits(page);
  const both = await api('api/search?q=migration&filter=kind:blog&filter=kind:report&size=10');
  assert.equal(both.total, blogCount + reportCount);
  await page.getByRole('status').filter({ hasText: `${both.total} results` }).waitFor();
  assert.deepEqual(got.map((h) => h.id), both.results.map((r) => r.id));
  assert.ok(got.every((h) => h.kind === 'blog' || h.kind === 'report'));
  assert.ok(await page.locator('input[data-filter="kind:blog"]').isChecked());
  await shot(page, 'page-facets');
  await page.close();
});

test('clicking a bar of the year plot filters to that year', async () => {
  const page = await context.newPage();
  await page.goto(base);
  await ready(page);
  const bars = page.locator('svg rect.bar');
  assert.ok(await bars.count() > 1);
  const all = await api('api/search?q=&size=1');
  const bar = bars.nth(1);
  const year = await bar.getAttribute('data-year');
  const expected = all.facets.year.find((v) => v.value === year).count;
  assert.match(await bar.getAttribute('aria-label'), new RegExp(`^${year}: ${expected} result`));
  await bar.click();
  await page.waitForFunction((y) => new URL(location.href).searchParams.getAll('filter').includes(`year:${y}`), year);
  await ready(page);
  const got = await hits(page);
  const inYear = await api(`api/search?q=&filter=year:${year}&size=10`);
  assert.equal(inYear.total, expected);
  assert.deepEqual(got.map((h) => h.id), inYear.results.map((r) => r.id));
  assert.ok(got.length > 0 && got.every((h) => h.year === year), JSON.stringify(got));
  assert.equal(await page.locator(`svg rect.bar[data-year="${year}"]`).getAttribute('aria-pressed'), 'true');
  await shot(page, 'page-year');
  // Keyboard: Enter on the focused bar removes the filter again.
  await page.locator(`svg rect.bar[data-year="${year}"]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.getAll('filter').length === 0);
  await page.close();
});

test('paging forward, then back and forward through history restores each state', async () => {
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'migration');
  const page1 = (await hits(page)).map((h) => h.id);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('page') === '2');
  await ready(page);
  const page2 = (await hits(page)).map((h) => h.id);
  const expected2 = (await api('api/search?q=migration&size=10&page=2')).results.map((r) => r.id);
  assert.deepEqual(page2, expected2);
  assert.notDeepEqual(page2, page1);
  await page.getByText(/^Page 2 of \d+$/).waitFor();
  await search(page, 'asylum');
  await page.goBack();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'migration');
  await ready(page);
  assert.equal(await page.getByRole('combobox', { name: 'Search query' }).inputValue(), 'migration');
  assert.deepEqual((await hits(page)).map((h) => h.id), page2);
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('page'));
  await ready(page);
  assert.deepEqual((await hits(page)).map((h) => h.id), page1);
  await page.goForward();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('page') === '2');
  await ready(page);
  assert.deepEqual((await hits(page)).map((h) => h.id), page2);
  // A shared link opens the same state.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await ready(shared);
  assert.deepEqual((await hits(shared)).map((h) => h.id), page2);
  await shared.close();
  await page.close();
});

test('export buttons download BibTeX and CSV that parse', async () => {
  const probe = await fetch(new URL('api/search?q=migration&format=csv', base));
  assert.equal(probe.status, 200, 'the server offers CSV export');
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'migration');
  const total = (await api('api/search?q=migration&size=1')).total;
  const download = async (name) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    const file = path.join(tmp, d.suggestedFilename());
    await d.saveAs(file);
    return { name: d.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
  };
  const bib = await download('BibTeX');
  assert.match(bib.name, /\.bib$/);
  const entries = bib.text.match(/^@\w+\s*\{[^,\s]+,/gm) || [];
  assert.ok(entries.length > 0 && entries.length <= total, bib.text.slice(0, 300));
  let depth = 0;
  for (const c of bib.text.replace(/\\[{}]/g, '')) { depth += c === '{' ? 1 : c === '}' ? -1 : 0; assert.ok(depth >= 0); }
  assert.equal(depth, 0);
  const csv = await download('CSV');
  assert.match(csv.name, /\.csv$/);
  const rows = parseCsv(csv.text);
  const width = rows[0].length;
  assert.ok(rows[0].map((h) => h.toLowerCase()).includes('title'), rows[0].join(','));
  assert.ok(rows.length > 1 && rows.every((r) => r.length === width));
  assert.equal(rows.length - 1, entries.length);
  assert.ok(await page.locator('a.export.atom').getAttribute('href'));
  await page.close();
});

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  assert.equal(quoted, false, 'unterminated quoted CSV field');
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('"did you mean" offers the corrected query and searches it', async () => {
  const typo = await api('api/search?q=migraton&size=1');
  assert.ok(typo.did_you_mean, 'the server suggests a correction for "migraton"');
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'migraton');
  const link = page.locator('p.dym a');
  assert.equal(await link.textContent(), typo.did_you_mean);
  await link.click();
  await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, typo.did_you_mean);
  await ready(page);
  const fixed = await api(`api/search?q=${encodeURIComponent(typo.did_you_mean)}&size=10`);
  assert.deepEqual((await hits(page)).map((h) => h.id), fixed.results.map((r) => r.id));
  await page.close();
});

test('the UI language switch translates the page and is kept in the URL', async () => {
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'migration');
  await page.getByLabel('Language', { exact: true }).selectOption('de');
  await page.getByRole('button', { name: 'Suchen' }).waitFor();
  await page.getByRole('status').filter({ hasText: /\d+ Treffer/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  assert.equal(new URL(page.url()).searchParams.get('hl'), 'de');
  await shot(page, 'page-german');
  await page.reload();
  await page.getByRole('button', { name: 'Suchen' }).waitFor();
  await page.getByLabel('Sprache', { exact: true }).selectOption('fr');
  await page.getByRole('button', { name: 'Rechercher' }).waitFor();
  await page.getByRole('status').filter({ hasText: /\d+ résultats/ }).waitFor();
  await page.close();
});

test('a hit opens its PDF at the matching page from the document file endpoint', async () => {
  const page = await context.newPage();
  await page.goto(base);
  await search(page, 'care work');
  const link = page.locator('li.hit a.at-page').first();
  const href = await link.getAttribute('href');
  assert.match(href, /\/api\/documents\/[^/]+\/file#page=\d+$/);
  const res = await page.request.get(href.replace(/#.*/, ''));
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.equal((await res.body()).subarray(0, 5).toString(), '%PDF-');
  await page.close();
});

test('the widget works from another origin on the allow-list, shielded from the host CSS', async () => {
  const page = await context.newPage();
  await page.goto(allowed.url);
  await ready(page);
  const box = page.getByRole('combobox', { name: 'Search query' });
  assert.ok(await box.isVisible(), 'the host page CSS hid the widget input');
  await box.fill('migration');
  await box.press('Enter');
  await page.waitForFunction(() => {
    const host = document.querySelector('[data-passage-search]');
    return host.dataset.state === 'ready' && host.shadowRoot.querySelector('input').value === 'migration';
  });
  await ready(page);
  const got = await hits(page);
  const expected = await api('api/search?q=migration&filter=org:COMPAS&size=10');
  assert.ok(expected.total > 0);
  assert.deepEqual(got.map((h) => h.id), expected.results.map((r) => r.id));
  assert.ok(got.every((h) => h.org === 'COMPAS'));
  // The theme's accent reaches inside; the host's red does not.
  const button = page.getByRole('button', { name: 'Search' });
  assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 100, 0)');
  assert.notEqual(await box.evaluate((b) => getComputedStyle(b).color), 'rgb(255, 0, 0)');
  assert.equal(await page.locator('fieldset[data-facet=organisation]').count(), 0);
  assert.ok(await page.locator('fieldset[data-facet=kind]').count() === 1);
  assert.equal(page.url().startsWith(base), false);
  await shot(page, 'widget-allowed');
  await page.close();
});

test('the widget on an origin not on the allow-list shows an error and no results', async () => {
  const page = await context.newPage();
  await page.goto(refused.url);
  await page.waitForFunction(() => document.querySelector('[data-passage-search]').dataset.state === 'error');
  const alert = page.getByRole('alert');
  assert.ok(await alert.isVisible());
  assert.match(await alert.textContent(), /cannot be reached|does not allow/);
  assert.equal(await page.locator('li.hit').count(), 0);
  await shot(page, 'widget-refused');
  await page.close();
});
