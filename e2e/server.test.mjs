// The server card (issue 21, goroutines): the same connections served one
// loop on the main thread (Node.js), a loop per pool thread pinned (Node's
// cluster mode), and M:N with stealing (Go, tokio), measured in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, BUSY_CORES, ROOT, attempts, browser, clickAndSee, closeSite, drawnPixels, open, openSite, ready, retry, downloaded } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** Sets the server card's numbers (by field id) and the hot connection. */
async function ask(page, fields, hot = false) {
  const card = page.locator('section.server');
  for (const [id, v] of Object.entries(fields)) {
    await card.locator(`#${id}`).fill(String(v));
    await card.locator(`#${id}`).dispatchEvent('change');
  }
  const box = card.getByRole('checkbox');
  if ((await box.isChecked()) !== hot) await box.click();
}

/**
 * Pixels of the canvas `selector` in colour `rgb` (exactly): each way's bars
 * are drawn in its colour, which only its legend swatch (12 × 12 px) shares.
 */
async function pixelsOf(page, selector, [r, g, b]) {
  return page.evaluate(([sel, c]) => {
    const canvas = document.querySelector(sel);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === c[0] && data[i + 1] === c[1] && data[i + 2] === c[2]) n++;
    return n;
  }, [selector, [r, g, b]]);
}

/** Each way's colour on the histogram, in Way::ALL's order (charts::task_colour). */
const WAY_COLOURS = [[0, 114, 178], [230, 159, 0], [0, 158, 115]];

/** Serves three ways and returns the table's rows (their data-* figures). */
async function serveThreeWays(page, timeout = 120000) {
  await page.locator('section.server').getByRole('button', { name: 'Serve three ways' }).click();
  await page.waitForFunction(
    () => document.querySelectorAll('table.served tbody tr').length === 3 && !document.querySelector('.server-status')?.textContent.includes('Serving'),
    null,
    { timeout },
  );
  return page.$$eval('table.served tbody tr', (rs) => rs.map((r) => ({ ...r.dataset, handledText: r.lastElementChild.textContent })));
}

test('10,000 connections, each way: every message handled, the same checksum, a histogram drawn', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 10000, 'server-messages': 1, 'server-handler': 0.02, 'server-wait': 20 });
  const rows = await serveThreeWays(page);
  assert.deepEqual(rows.map((r) => r.way), ['one-loop', 'pinned', 'stealing']);
  for (const r of rows) {
    assert.equal(r.handled, '10000', JSON.stringify(r));
    assert.equal(r.complete, 'true', JSON.stringify(r));
    assert.equal(r.checksum, rows[0].checksum, `${r.way}'s checksum against one loop's`);
  }
  assert.match(rows[2].handledText, /^all 10,000, checksum as one loop's$/);
  // The charts are drawn once every way is served (not between ways, where
  // drawing took a core's share from the next way's loops): wait for them.
  await page.waitForFunction(() => document.querySelector('canvas[data-name=server-timelines]')?.dataset.bands === '3');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.ok(Number(rows[0].requestsPerS) > 0 && Number(rows[0].p99) >= 0);
  // Each way's bars: more of its colour than its legend swatch alone (144
  // px at this page's device pixel ratio of 1).
  for (const [i, colour] of WAY_COLOURS.entries()) {
    const n = await pixelsOf(page, 'canvas[data-name=server-latency]', colour);
    assert.ok(n > 144 + 300, `${rows[i].way}'s bars: ${n} pixels of its colour`);
    // Its run queues, a band per loop in the same colour: 10,000 waits
    // ending within a few tens of ms fill every loop's queue.
    const q = await pixelsOf(page, `canvas[data-name=server-queues][data-way=${rows[i].way}]`, colour);
    assert.ok(q > 100, `${rows[i].way}'s run queues: ${q} pixels of its colour`);
  }
  assert.ok((await page.locator('.server-sentence').textContent()).length > 40);
  // The timelines: a band per way, every handler and every wait kept (a
  // message is two spans: 20,000 a run, of the 100,000 a run may keep), a
  // mark per steal, and bars drawn.
  const tl = await page.$eval('canvas[data-name=server-timelines]', (c) => ({ ...c.dataset }));
  assert.equal(tl.bands, '3', JSON.stringify(tl));
  assert.equal(tl.spans, String(3 * 2 * 10000), JSON.stringify(tl));
  assert.equal(tl.whole, 'true', JSON.stringify(tl));
  assert.equal(Number(tl.stealMarks), Number(rows[2].steals), 'a mark per steal');
  assert.ok((await drawnPixels(page, 'canvas[data-name=server-timelines]')) > 2000, 'bars drawn');
  assert.deepEqual(b.errors, []);
});

/** Clicks the server card's `button` and returns the downloaded file's path and text. */
async function download(page, button) {
  return downloaded(page, page.locator('section.server').getByRole('button', { name: button, exact: true }));
}

test('the server\'s report and trace hold the table\'s figures, and the page declines to open the report as a result', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 300, 'server-messages': 4, 'server-handler': 0.05, 'server-wait': 5 }, true);
  const rows = await serveThreeWays(page);
  const report = await download(page, 'Server report (JSON)');
  const json = JSON.parse(report.text);
  assert.equal(json.kind, 'server');
  assert.deepEqual(json.asked, { connections: 300, messages: 4, handler_ms: 0.05, wait_mean_ms: 5, hot: true });
  assert.deepEqual(json.runs.map((r) => r.way), rows.map((r) => r.way));
  for (const [i, r] of json.runs.entries()) {
    assert.equal(String(r.handled), rows[i].handled);
    assert.equal(r.checksum, rows[i].checksum);
    assert.equal(String(r.steals), rows[i].steals);
    // The table's figures are the report's, to the microsecond it keeps.
    assert.ok(Math.abs(r.scheduled_ms.p99 - Number(rows[i].p99)) < 0.001, `${r.way}: p99 ${r.scheduled_ms.p99} vs ${rows[i].p99}`);
    assert.equal(r.scheduled_ms.histogram_counts.reduce((a, x) => a + x, 0), r.handled, "the histogram counts every message");
  }
  const trace = JSON.parse((await download(page, 'Server trace for Perfetto / DevTools')).text);
  const events = trace.traceEvents;
  assert.equal(events.filter((e) => e.ph === 'X' && e.cat === 'run').length, 3 * 1200, 'a handler event per message, each way');
  assert.equal(events.filter((e) => e.ph === 'i' && e.name === 'steal').length, Number(rows[2].steals));
  assert.ok(events.some((e) => e.ph === 'C'), 'the run queues as counters');
  // Complete events on one thread nest (Perfetto drops those that do not):
  // a loop's handlers follow one another; its waits, which overlap, are
  // async pairs.
  const byThread = new Map();
  for (const e of events.filter((e) => e.ph === 'X')) byThread.set(`${e.pid}/${e.tid}`, [...(byThread.get(`${e.pid}/${e.tid}`) ?? []), e]);
  for (const [thread, xs] of byThread) {
    xs.sort((a, b) => a.ts - b.ts);
    // Times are kept to the nanosecond (0.001 µs); a float's error is far less.
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i].ts >= xs[i - 1].ts + xs[i - 1].dur - 1e-6, `${thread}: ${JSON.stringify(xs[i - 1])} overlaps ${JSON.stringify(xs[i])}`);
  }
  assert.equal(events.filter((e) => e.ph === 'b').length, events.filter((e) => e.ph === 'e').length);
  assert.equal(events.filter((e) => e.ph === 'b').length, 3 * 1200, 'a wait a message, each way');
  // Opened as a result, the report is declined in words, and nothing is lost.
  await page.setInputFiles('.open-report-input', report.path);
  await page.waitForFunction(() => /server card/.test(document.querySelector('.received-state')?.textContent ?? ''), null, { timeout: 15000 });
  assert.equal(await page.locator('table.served tbody tr').count(), 3, 'the card keeps its runs');
  assert.deepEqual(b.errors, []);
});

// Compute-heavy handlers (200 connections × 10 messages × 1 ms, waits of
// 5 ms on average): one loop computes every handler on the main thread,
// M:N splits them over the pool's two threads. Measured (2 cores, release
// site, 2026-12-03, 4 runs, the other cores free): M:N / one loop 1.70,
// 1.95, 2.14, 1.96 (more than 2: the one loop also yields to the page and
// idles on its timers); the main thread's longest frame gap during the M:N
// run 20.6-31.1 ms (its loops keep both cores busy, and the page's frames
// share them). The bar is 1.6×; the frame gap's is two frames
// (33.4 ms at 60 Hz). Each is asked of the best of 3 attempts, and neither
// is judged when another program kept more than BUSY_CORES busy in every
// attempt (it takes a core from the loops and from the page alike).
const RATIO = 1.6;
const TWO_FRAMES_MS = 2 * (1000 / 60);

test('compute-heavy handlers: M:N on two threads serves at least 1.6× one loop\'s requests per second, and the page keeps painting', async (t) => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 200, 'server-messages': 10, 'server-handler': 1, 'server-wait': 5 });
  await page.evaluate(() => {
    window.framesSeen = [];
    const f = () => {
      window.framesSeen.push(performance.timeOrigin + performance.now());
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  const { passed, busy, seen } = await retry(
    3,
    async () => {
      const rows = await serveThreeWays(page);
      const [one, , mn] = rows;
      const gap = await page.evaluate(({ start, wall }) => {
        const f = window.framesSeen.filter((x) => x >= +start && x <= +start + +wall);
        let g = 0;
        for (let i = 1; i < f.length; i++) g = Math.max(g, f[i] - f[i - 1]);
        return +g.toFixed(1);
      }, mn);
      return {
        ratio: +(Number(mn.requestsPerS) / Number(one.requestsPerS)).toFixed(2),
        rps: rows.map((r) => Math.round(Number(r.requestsPerS))),
        p99: rows.map((r) => +Number(r.p99).toFixed(1)),
        gap,
        complete: rows.every((r) => r.complete === 'true'),
      };
    },
    (x) => x.ratio >= RATIO && x.gap <= TWO_FRAMES_MS,
    { needsFreeCores: true },
  );
  console.log(`# M:N against one loop, compute-heavy:${attempts(seen)}`);
  assert.ok(seen.every((x) => x.complete), `every way handled every message:${attempts(seen)}`);
  if (busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt; every attempt:${attempts(seen)}`);
    return;
  }
  assert.ok(passed, `want M:N / one loop ≥ ${RATIO} and the M:N run's longest frame gap ≤ ${TWO_FRAMES_MS.toFixed(1)} ms in one attempt; every attempt:${attempts(seen)}`);
  assert.match(await page.locator('.server-sentence').textContent(), /^M:N with stealing \(Go, tokio\) on 2 threads served [\d,]+ requests\/s, \d\.\d× one loop's [\d,]+ requests\/s/);
});

// Stop during a long run (one loop, about 20 s of handlers): the loop sees
// the flag between handlers of 1 ms, or wakes from its timer at once. The
// page measures from Stop's click handler to the way's end on its own
// clock. Measured (release site, 2 cores, 2026-12-03, 6 runs): 0.7, 0.8,
// 0.9, 2.2, 4.1 and 5.3 ms. The bar is 100 ms: a loop that missed
// the flag would run its 20 s on.
test('Stop ends a server\'s run within 100 ms and says how many messages it handled', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 2000, 'server-messages': 10, 'server-handler': 1, 'server-wait': 5 });
  const card = page.locator('section.server');
  await card.getByRole('button', { name: 'Serve three ways' }).click();
  await page.waitForTimeout(600);
  await card.getByRole('button', { name: 'Stop serving' }).click();
  await page.waitForFunction(() => !document.querySelector('.server-status')?.textContent.includes('Serving'), null, { timeout: 10000 });
  const rows = await page.$$eval('table.served tbody tr', (rs) => rs.map((r) => ({ ...r.dataset, text: r.lastElementChild.textContent })));
  assert.equal(rows.length, 1, 'the other ways are not served after Stop');
  const [one] = rows;
  assert.equal(one.way, 'one-loop');
  assert.match(one.text, /^stopped: [\d,]+ of 20,000, [\d.]+ ms after Stop$/, one.text);
  console.log(`# stopped ${Number(one.stopLatency).toFixed(1)} ms after Stop`);
  assert.ok(Number(one.stopLatency) < 100, `stopped ${one.stopLatency} ms after Stop`);
  // Nothing claimed about a stopped run.
  assert.equal(await page.locator('.server-sentence').textContent(), '');
  assert.deepEqual(b.errors, []);
});

test('bad numbers are clamped and said; a run estimated past 30 s is refused, not started', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 100000, 'server-messages': 50, 'server-handler': 20, 'server-wait': 5 });
  await page.locator('section.server').getByRole('button', { name: 'Serve three ways' }).click();
  const status = page.locator('.server-status');
  await assert.doesNotReject(status.filter({ hasText: 'Not served' }).waitFor({ timeout: 5000 }));
  assert.match(await status.textContent(), /Not served: one loop would take about [\d.]+ s \(an estimate from the settings\), more than the 30\.00 s a run may take/);
  assert.equal(await page.locator('table.served').count(), 0);
  await ask(page, { 'server-connections': 1e9, 'server-messages': 0, 'server-handler': 0.05, 'server-wait': -4 });
  await page.locator('section.server').getByRole('button', { name: 'Serve three ways' }).click();
  await status.filter({ hasText: 'out of range' }).waitFor({ timeout: 5000 }).catch(async (e) => {
    const values = await page.$$eval('.server-form input[type=number]', (is) => is.map((i) => i.value));
    throw new Error(`the status reads: ${await status.textContent()}; the fields: ${values}; ${e.message}`);
  });
  const said = await status.textContent();
  assert.match(said, /Connections: 1000000000 is out of range, 100000 used \(1 to 100000\)\./);
  assert.match(said, /Messages per connection: 0 is out of range, 1 used/);
  assert.match(said, /Mean wait \(ms\): -4 is out of range, 0 used/);
  assert.equal(await page.locator('#server-connections').inputValue(), '100000');
  await page.locator('section.server').getByRole('button', { name: 'Stop serving' }).click();
  await page.waitForFunction(() => !document.querySelector('.server-status')?.textContent.includes('Serving'), null, { timeout: 10000 });
  assert.deepEqual(b.errors, []);
});

test('a panic on a pool thread fails the pinned run, naming the thread, instead of hanging', async () => {
  const own = await browser();
  try {
    const { page } = own;
    await open(page, site.url);
    await ready(page);
    await ask(page, { 'server-connections': 100, 'server-messages': 3, 'server-handler': 0.1, 'server-wait': 5 });
    await page.evaluate(() => window.wasmBindings.test_panic_on_worker());
    await page.locator('section.server').getByRole('button', { name: 'Serve three ways' }).click();
    await page.waitForFunction(() => !document.querySelector('.server-status')?.textContent.includes('Serving') && document.querySelectorAll('table.served tbody tr').length === 2, null, { timeout: 15000 });
    const rows = await page.$$eval('table.served tbody tr', (rs) => rs.map((r) => ({ ...r.dataset, text: r.lastElementChild.textContent })));
    assert.equal(rows[0].complete, 'true', 'one loop, on the main thread, is untouched');
    assert.equal(rows[1].way, 'pinned');
    assert.match(rows[1].text, /^failed: worker \d+ of the pool stopped for good while running a task: it panicked \(a panic injected on a pool thread by the worker-panic test\)$/, rows[1].text);
    assert.equal(await page.locator('.server-sentence').textContent(), '', 'nothing compared with a failed run');
  } finally {
    await own.close();
  }
});

test('the goroutines lesson asks first, serves on the server card, and puts the prediction beside the measurement', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  const card = page.locator('.preset[data-id="goroutines"]');
  await card.locator('h3').scrollIntoViewIfNeeded();
  assert.match(await card.locator('form.predict').textContent(), /Which serves more requests per second\?/);
  await card.getByRole('radio', { name: 'M:N with stealing (Go, tokio)' }).check();
  await clickAndSee(page, card.getByRole('button', { name: 'Try it', exact: true }), '.preset[data-id="goroutines"] .result.running');
  await card.locator('.result:not(.running)').waitFor({ timeout: 60000 });
  const prediction = await card.locator('.prediction').textContent();
  assert.match(prediction, /^(Right\.|Not this time\.) You predicted M:N with stealing \(Go, tokio\); (.+ served the most requests per second|they came closer than runs of one way differ \(1\.5×\))\. Measured: One event loop \(Node\.js\) [\d,]+ requests\/s, M:N with stealing \(Go, tokio\) [\d,]+ requests\/s\.$/, prediction);
  assert.match(await card.locator('.result').textContent(), /^M:N with stealing \(Go, tokio\) on 2 threads (served [\d,]+ requests\/s|and one loop served about as many)/);
  // The card's two ways, on the server card, with their figures.
  const ways = await page.$$eval('table.served tbody tr', (rs) => rs.map((r) => r.dataset.way));
  assert.deepEqual(ways, ['one-loop', 'stealing']);
  assert.equal(await page.locator('#server-connections').inputValue(), '200', 'the lesson\'s numbers, sized for a pool of 2');
  assert.deepEqual(b.errors, []);
});

test('390 px: the server card after a serve passes axe, light and dark, and its table scrolls by keyboard', async () => {
  // Its own browser: axe is injected, which the page's policy forbids.
  const s = await browser({ width: 390, height: 900, bypassCSP: true });
  try {
    const { page } = s;
    await open(page, site.url);
    await ready(page);
    await ask(page, { 'server-connections': 40, 'server-messages': 5, 'server-handler': 0.05, 'server-wait': 2 }, true);
    await serveThreeWays(page);
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
    const found = {};
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      found[scheme] = await page.evaluate(async () => {
        const r = await globalThis.axe.run(document.querySelector('section.server'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      });
    }
    assert.deepEqual(found, { light: [], dark: [] });
    const wrap = await page.evaluate(() => {
      const w = document.querySelector('section.server .table-wrap');
      return { tabindex: w.getAttribute('tabindex'), label: w.getAttribute('aria-label') };
    });
    assert.deepEqual(wrap, { tabindex: '0', label: "The server's runs, way by way" });
    await page.locator('section.server').screenshot({ path: join(ARTIFACTS, 'server-390.png') });
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('the card\'s numbers travel in the link: read back, bad ones said, changes written', async () => {
  const { page } = b;
  await open(page, site.url, 'server_connections=300&server_messages=abc&server_hot=1&server_wait_ms=7.5');
  await ready(page);
  const card = page.locator('section.server');
  assert.equal(await card.locator('#server-connections').inputValue(), '300');
  assert.equal(await card.locator('#server-messages').inputValue(), '5', 'the default kept');
  assert.equal(await card.locator('#server-wait').inputValue(), '7.5');
  assert.ok(await card.getByRole('checkbox').isChecked());
  assert.match(await card.locator('.server-status').textContent(), /From the link: server_messages: abc is not a number/);
  await ask(page, { 'server-connections': 400 }, true);
  await page.waitForFunction(() => location.search.includes('server_connections=400'));
  const search = await page.evaluate(() => location.search);
  assert.match(search, /server_wait_ms=7\.5/, search);
  assert.match(search, /server_hot=1/, search);
  assert.doesNotMatch(search, /server_messages/, 'the default is not written');
  assert.match(search, /mode=/, 'the settings stay in the link');
  // A reload restores the card as it was left.
  await page.reload();
  await ready(page);
  assert.equal(await page.locator('#server-connections').inputValue(), '400');
  assert.deepEqual(b.errors, []);
});

test('the server\'s replay: a cursor over the timelines, and each loop at that instant, up to every message handled', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 40, 'server-messages': 20, 'server-handler': 0.05, 'server-wait': 2 }, true);
  const rows = await serveThreeWays(page);
  const card = page.locator('section.server');
  const scrubber = card.getByRole('slider', { name: 'Server replay position' });
  const end = Number(await scrubber.getAttribute('max'));
  const wall = Math.max(...rows.map((r) => Number(r.wall)));
  assert.ok(end > 0 && Math.abs(end - wall) < 0.01, `the replay spans the runs: ${end} vs ${wall}`);
  /** Each way's handled messages over its lanes at the cursor. */
  const handledAt = async (t) => {
    await scrubber.fill(String(t));
    await page.waitForFunction((at) => Math.abs(+document.querySelector('.server-moment').dataset.at - at) < 1e-6, t);
    return page.$$eval('.server-moment dl', (dls) => dls.map((dl) => [...dl.querySelectorAll('dd')].reduce((a, d) => a + +d.dataset.handled, 0)));
  };
  const mid = await handledAt(end / 2);
  const last = await handledAt(end);
  assert.deepEqual(last, rows.map((r) => Number(r.handled)), 'at the end, every message handled, as the table says');
  for (const [i, n] of mid.entries()) assert.ok(n > 0 && n <= last[i], `${rows[i].way} halfway: ${n} of ${last[i]}`);
  assert.ok(await card.locator('.server-cursor').isVisible(), 'the cursor is drawn');
  assert.match(await card.locator('.server-moment').textContent(), /handling connection \d+|idle/);
  // Played in real time from the start, it moves and stops at the end.
  await scrubber.fill('0.001');
  await card.getByRole('button', { name: 'Replay' }).click();
  await card.getByLabel('Server replay speed').selectOption('1');
  await page.waitForFunction((e) => +document.querySelector('.server-moment').dataset.at >= e - 1e-6, end, { timeout: 10000 });
  await card.getByRole('button', { name: 'Replay' }).waitFor();
  assert.deepEqual(b.errors, []);
});

test('a result link carries the server\'s runs: another page shows the same figures, labelled as measured elsewhere', async () => {
  const { page } = b;
  await open(page, site.url);
  await ready(page);
  await ask(page, { 'server-connections': 300, 'server-messages': 4, 'server-handler': 0.05, 'server-wait': 5 }, true);
  const sent = await serveThreeWays(page);
  const card = page.locator('section.server');
  await card.getByRole('button', { name: 'Share these runs (link)' }).click();
  const made = card.locator('.server-share');
  await made.waitFor();
  const link = await made.locator('input').inputValue();
  assert.match(link, /server_connections=300.*#r=/, link);
  assert.equal(await made.getAttribute('data-lean'), 'false', 'the run queues came along');
  const other = await browser();
  try {
    await open(other.page, link);
    const theirs = other.page.locator('section.server');
    await theirs.locator('.server-received').waitFor({ timeout: 15000 });
    assert.match(await theirs.locator('.server-received').textContent(), /These runs came in a link: measured on \d+ logical cores?, Chrom/);
    const got = await other.page.$$eval('table.served tbody tr', (rs) => rs.map((r) => ({ ...r.dataset })));
    const fields = ['way', 'handled', 'checksum', 'complete', 'requestsPerS', 'p99', 'steals', 'wall'];
    assert.deepEqual(got.map((r) => fields.map((f) => r[f])), sent.map((r) => fields.map((f) => r[f])), 'every figure as the sender saw it');
    assert.equal(await other.page.locator('.server-sentence').textContent(), await page.locator('.server-sentence').textContent());
    assert.equal(await theirs.locator('#server-connections').inputValue(), '300');
    assert.ok(await theirs.locator('.server-no-timelines').isVisible(), 'the timelines stay with the sender');
    assert.equal(await theirs.locator('canvas[data-name=server-queues]').count(), 3, 'the run queues came along');
    assert.deepEqual(other.errors, []);
    // A damaged link is refused in words, and the page stays whole.
    await open(other.page, link.slice(0, -12));
    await other.page.waitForFunction(() => (document.querySelector('.received-state')?.textContent ?? '').length > 10, null, { timeout: 15000 });
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }
});
