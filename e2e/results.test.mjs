// Results that travel: every mode's timeline on one axis; a result link that
// carries the measured runs into a fresh browser; "Run it here" (the modes
// recorded, and only those); a thread sweep that travels with its speedup
// chart; a JSON report opened again, from the file picker and dropped on the
// page (and a dropped file that is no report); and 34 hostile fragments, each refused (or shown as
// plain text) with no console error, no script run, and a page that still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ARTIFACTS, ROOT, browser, closeSite, drawnPixels, open, openSite, ready, rows, runAndWait } from './lib.mjs';

/**
 * The size the page keeps its result links under, read from the engine
 * (src/engine/travel/recorded.rs, `LINK_BUDGET_BYTES`) so that the test and
 * the page cannot disagree about it.
 */
const LINK_BUDGET_BYTES = (() => {
  const source = readFileSync(join(ROOT, 'src/engine/travel/recorded.rs'), 'utf8');
  const m = source.match(/pub const LINK_BUDGET_BYTES: usize = ([\d_]+(?: \* [\d_]+)*);/);
  if (!m) throw new Error('LINK_BUDGET_BYTES = <a product of integers> not found in src/engine/travel/recorded.rs');
  return m[1].split('*').reduce((product, n) => product * Number(n.trim().replaceAll('_', '')), 1);
})();

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

// The typical comparison of the issue: 4 modes × 64 tasks; the concurrent
// mode slices each task 10 times (20 ms in 2 ms slices), 640 spans.
const TYPICAL = 'mode=parallel&workload=cpu&kernel=primes&tasks=64&work_ms=20&threads=2&slice_ms=2';
// A large one: 3,000 tasks of 1 ms, 3,000 spans a mode.
const LARGE = 'mode=parallel&workload=cpu&kernel=hash&tasks=3000&work_ms=1&threads=2&slice_ms=1';

/** The recorded result's table, by mode. */
const recordedRows = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('table.machines tbody tr')].map((tr) => [tr.dataset.mode, {
  makespan: +tr.dataset.recordedMakespan, cpu: +tr.dataset.recordedCpu, spans: +tr.dataset.recordedSpans,
  checksum: tr.dataset.recordedChecksum, local: +tr.dataset.localMakespan,
}])));

/** The sequence number of links and files read so far. */
const seq = (page) => page.evaluate(() => +(document.querySelector('.received-state')?.dataset.seq ?? -1));

/** Waits until the page has read one more link or file than `before`. */
const readOne = (page, before) => page.waitForFunction((n) => +(document.querySelector('.received-state')?.dataset.seq ?? -1) > n, before, { timeout: 15000 });

/** Shares what is on screen; returns the link and its sizes. */
async function share(page) {
  await page.getByRole('button', { name: 'Share this result', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.share-made, .share-error'), null, { timeout: 15000 });
  return page.evaluate(() => {
    const made = document.querySelector('.share-made');
    if (!made) return { error: document.querySelector('.share-error').textContent };
    const d = made.dataset;
    return { link: document.querySelector('.share-link').value, bytes: +d.linkBytes, full: +d.fullBytes, raw: +d.rawBytes, compressed: +d.compressedBytes, spans: +d.spans, summarised: d.summarised === 'true' };
  });
}

/**
 * Checks a link the page made for `what`: the size the page states is the
 * link's own length, and within the budget. Then prints its figures
 * (`details`), for the closing notes.
 */
function assertLinkSize(what, link, details) {
  assert.equal(link.bytes, Buffer.byteLength(link.link), `${what}: the size the page states is the link's length`);
  assert.ok(link.bytes <= LINK_BUDGET_BYTES, `${what}: the link fits ${LINK_BUDGET_BYTES} B: ${link.bytes} B`);
  console.log(`link size, ${what}: ${details}`);
}

/** Asserts that the recorded table shows `sent` (the sender's comparison rows), to the microsecond. */
function assertSame(shown, sent, spans, what) {
  for (const [mode, r] of Object.entries(sent)) {
    const s = shown[mode];
    assert.ok(s, `${what}: ${mode} is shown: ${JSON.stringify(shown)}`);
    assert.ok(Math.abs(s.makespan - r.makespan) <= 0.0005, `${what}: ${mode} wall time ${s.makespan} vs ${r.makespan}`);
    // CPU time is a sum of span lengths, each rounded to the µs on the way.
    assert.ok(Math.abs(s.cpu - r.cpu) <= 0.0005 * (s.spans + 1), `${what}: ${mode} CPU time ${s.cpu} vs ${r.cpu}`);
    assert.equal(s.checksum, r.checksum, `${what}: ${mode} checksum`);
    assert.equal(s.spans, spans[mode], `${what}: ${mode} spans`);
  }
  assert.equal(Object.keys(shown).length, Object.keys(sent).length, what);
}

let sent; // the sender's comparison: rows, spans per mode, link, report file

test('Compare all modes draws one timeline per mode on one time axis', async () => {
  await open(b.page, site.url, TYPICAL);
  await runAndWait(b.page, 'Compare all modes');
  const r = await rows(b.page);
  assert.deepEqual(Object.keys(r).sort(), ['both', 'concurrent', 'parallel', 'sequential']);
  const canvas = 'canvas[data-name=modes-timelines]';
  const d = await b.page.$eval(canvas, (c) => ({ ...c.dataset }));
  assert.equal(+d.bands, 4, 'one band per mode');
  const longest = Math.max(...Object.values(r).map((x) => x.makespan));
  assert.ok(Math.abs(+d.xMax - longest) < 1e-6, `the axis ends at the longest run: ${d.xMax} vs ${longest}`);
  const axes = d.axes.split(';');
  assert.equal(axes.length, 4);
  assert.equal(new Set(axes).size, 1, `every band's plot spans the same pixels: ${d.axes}`);
  assert.ok((await drawnPixels(b.page, canvas)) > 5000, 'the bands are drawn');
  // The stack is drawn again only when its bands or its size change: a
  // window made shorter (same width) draws nothing; narrower, it draws once.
  const draws = async () => +(await b.page.$eval(canvas, (c) => c.dataset.draws));
  const before = await draws();
  await b.page.setViewportSize({ width: 1280, height: 700 });
  await b.page.waitForTimeout(300);
  assert.equal(await draws(), before, 'same width, same bands: not drawn again');
  await b.page.setViewportSize({ width: 1000, height: 700 });
  await b.page.waitForFunction(([sel, n]) => +document.querySelector(sel).dataset.draws > n, [canvas, before], { timeout: 5000 });
  const narrower = await b.page.$eval(canvas, (c) => c.dataset.axes.split(';'));
  assert.notDeepEqual(narrower, axes, 'drawn again to the new width');
  assert.ok((await drawnPixels(b.page, canvas)) > 5000, 'the bands are drawn at the new width');
  await b.page.setViewportSize({ width: 1280, height: 900 });

  // The spans per mode, from the report the page exports.
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByRole('button', { name: 'Report (JSON)', exact: true }).click()]);
  const file = join(ARTIFACTS, 'results-report.json');
  await download.saveAs(file);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const spans = Object.fromEntries(report.runs.map((x) => [x.mode, x.spans.length]));
  assert.equal(+d.spans, Object.values(spans).reduce((a, x) => a + x, 0), 'the stack draws every span');
  const link = await share(b.page);
  assert.ok(!link.error, link.error);
  assertLinkSize('typical comparison (4 modes x 64 tasks)', link, `${link.spans} spans, record ${link.raw} B, deflate-raw ${link.compressed} B, link ${link.bytes} B${link.summarised ? ` (summarised; ${link.full} B with every span)` : ''}`);
  assert.equal(link.summarised, false, 'a typical comparison travels whole');
  assert.ok(link.link.includes('#r='), link.link.slice(0, 200));
  sent = { rows: r, spans, link, file };
});

test('a result link opens in a fresh browser with the same figures and spans; Run it here adds this machine', async () => {
  assert.ok(sent, 'the first test shared a comparison');
  const other = await browser();
  try {
    await other.page.goto(sent.link.link);
    await other.page.waitForFunction(() => document.querySelector('.received-state')?.dataset.shown === 'true', null, { timeout: 15000 });
    const shown = await recordedRows(other.page);
    assertSame(shown, sent.rows, sent.spans, 'from the link');
    const label = await other.page.textContent('.recorded-label');
    const cores = await b.page.evaluate(() => navigator.hardwareConcurrency);
    assert.match(label, new RegExp(`measured on ${cores} logical cores?, Chromium \\d+, \\d{4}-\\d\\d-\\d\\d`), label);
    assert.match(label, /^Recorded, not measured here/);
    // Nothing ran on its own: the page's own results are empty.
    await ready(other.page);
    assert.equal(await other.page.$$eval('.compare tbody tr', (r) => r.length), 0, 'nothing runs without a click');
    const stack = await other.page.$eval('canvas[data-name=recorded]', (c) => ({ ...c.dataset }));
    assert.equal(+stack.bands, 4);
    // Each recorded run can be replayed, from its trace alone.
    for (const [i, mode] of ['sequential', 'concurrent', 'parallel', 'both'].entries()) {
      await other.page.getByLabel('Run to replay').selectOption(`recorded-${i}`);
      await other.page.getByRole('button', { name: 'Step forward', exact: true }).click();
      const d = await other.page.$eval('.replay-controls', (e) => ({ ...e.dataset }));
      assert.ok(Math.abs(+d.durationMs - shown[mode].makespan) < 0.01, `recorded ${mode} replays its own run: ${JSON.stringify(d)} against ${shown[mode].makespan}`);
      assert.equal(d.state, 'paused');
    }
    assert.equal(+stack.spans, Object.values(sent.spans).reduce((a, x) => a + x, 0));

    await runAndWait(other.page, 'Run it here');
    await other.page.waitForFunction(() => [...document.querySelectorAll('table.machines tbody tr')].every((tr) => +tr.dataset.localMakespan > 0), null, { timeout: 20000 });
    const both = await recordedRows(other.page);
    for (const [mode, x] of Object.entries(both)) assert.ok(x.local > 0 && x.makespan > 0, `${mode}: both columns: ${JSON.stringify(x)}`);
    const after = await other.page.$eval('canvas[data-name=recorded]', (c) => ({ ...c.dataset }));
    assert.equal(+after.bands, 8, 'each mode, recorded then here');
    assert.equal(new Set(after.axes.split(';')).size, 1, `one axis: ${after.axes}`);
    const sentence = await other.page.textContent('.difference');
    assert.match(sentence, /against Sequential: your \d+ logical cores?: [\d.]+×.*; the recorded \d+ logical cores?: [\d.]+×/, sentence);
    const el = await other.page.$('#recorded');
    // A picture for people, not for the test: docs/shared-result.png (in the
    // README) is copied from it by hand when the view changes.
    await el.screenshot({ path: join(ARTIFACTS, 'shared-result.png') });
    assert.deepEqual(other.errors, [], 'no console error');
  } finally {
    await other.close();
  }
});

test('an exported JSON report opens with the same figures and spans', async () => {
  assert.ok(sent, 'the first test exported a report');
  const other = await browser();
  try {
    await open(other.page, site.url);
    const n = await seq(other.page);
    await other.page.setInputFiles('.open-report-input', sent.file);
    await readOne(other.page, n);
    const notice = await other.page.$eval('.received-state', (e) => e.textContent);
    assert.equal(notice, '', `no refusal: ${notice}`);
    assertSame(await recordedRows(other.page), sent.rows, sent.spans, 'from the file');
    assert.match(await other.page.textContent('.recorded-label'), /Opened from the report file results-report\.json/);
    assert.deepEqual(other.errors, [], 'no console error');
  } finally {
    await other.close();
  }
});

/**
 * Drops a file on the "Open a report" box the way a browser does: a `drop`
 * event whose DataTransfer holds a File built in the page. `bytes` of
 * zeros when `text` is null (a file too large to be a report).
 */
async function drop(page, name, text, bytes = 0) {
  await page.evaluate(([name, text, bytes]) => {
    const file = new File([text ?? new Uint8Array(bytes)], name, { type: name.endsWith('.json') ? 'application/json' : 'text/plain' });
    const dt = new DataTransfer();
    dt.items.add(file);
    const target = document.querySelector('.open-report');
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, [name, text, bytes]);
}

test('a report dropped on the page opens with the same figures; a dropped file that is no report gets a clear notice', async () => {
  assert.ok(sent, 'the first test exported a report');
  const other = await browser();
  try {
    await open(other.page, site.url);
    let n = await seq(other.page);
    await drop(other.page, 'dropped-report.json', readFileSync(sent.file, 'utf8'));
    await readOne(other.page, n);
    const notice = await other.page.$eval('.received-state', (e) => e.textContent);
    assert.equal(notice, '', `no refusal: ${notice}`);
    assertSame(await recordedRows(other.page), sent.rows, sent.spans, 'dropped');
    assert.match(await other.page.textContent('.recorded-label'), /Opened from the report file dropped-report\.json/);
    const stack = await other.page.$eval('canvas[data-name=recorded]', (c) => ({ ...c.dataset }));
    assert.equal(+stack.spans, Object.values(sent.spans).reduce((a, x) => a + x, 0), 'the stack draws every dropped span');

    // Files that are no report: each refused with a sentence, the report shown before kept.
    for (const [name, text, bytes, expect] of [
      ['notes.txt', 'hello, this is not JSON', 0, /not a conpar report: it is not valid JSON\./],
      ['other.json', '{"app": "something else", "runs": []}', 0, /JSON, but not a conpar report\./],
      ['huge.json', null, (32 << 20) + 1, /larger than 32 MB, more than any conpar report; it was not read\./],
    ]) {
      n = await seq(other.page);
      await drop(other.page, name, text, bytes);
      await readOne(other.page, n);
      const refused = await other.page.$eval('.received-notice', (e) => e.textContent);
      assert.match(refused, expect, `${name}: ${refused}`);
      assert.match(await other.page.textContent('.recorded-label'), /dropped-report\.json/, `${name}: the result shown before stays`);
    }
    assert.deepEqual(other.errors, [], 'no console error');
  } finally {
    await other.close();
  }
});

test('Run it here re-runs the modes recorded, and only those', async () => {
  // Two modes, run one after the other: the comparison holds just these two.
  const query = 'mode=sequential&workload=cpu&kernel=primes&tasks=8&work_ms=20&threads=2&slice_ms=2';
  await open(b.page, site.url, query);
  await runAndWait(b.page, 'Run');
  await b.page.getByLabel('Mode', { exact: true }).selectOption('parallel');
  await runAndWait(b.page, 'Run');
  const mine = await rows(b.page);
  assert.deepEqual(Object.keys(mine).sort(), ['parallel', 'sequential'], JSON.stringify(mine));
  const link = await share(b.page);
  assert.ok(!link.error, link.error);
  assertLinkSize('2 modes x 8 tasks', link, `${link.spans} spans, record ${link.raw} B, link ${link.bytes} B`);
  const other = await browser();
  try {
    await other.page.goto(link.link);
    await other.page.waitForFunction(() => document.querySelector('.received-state')?.dataset.shown === 'true', null, { timeout: 15000 });
    await ready(other.page);
    await runAndWait(other.page, 'Run it here');
    await other.page.waitForFunction(() => [...document.querySelectorAll('table.machines tbody tr')].every((tr) => +tr.dataset.localMakespan > 0), null, { timeout: 20000 });
    const here = await rows(other.page);
    assert.deepEqual(Object.keys(here).sort(), ['parallel', 'sequential'], `only the recorded modes ran here: ${JSON.stringify(Object.keys(here))}`);
    const shown = await recordedRows(other.page);
    assert.deepEqual(Object.keys(shown).sort(), ['parallel', 'sequential']);
    const stack = await other.page.$eval('canvas[data-name=recorded]', (c) => ({ ...c.dataset }));
    assert.equal(+stack.bands, 4, 'each recorded mode, then here');
    assert.match(await other.page.textContent('.difference'), /^Parallel \(threads\) against Sequential: your \d+ logical cores?: [\d.]+×/);
    assert.deepEqual(other.errors, [], 'no console error');
  } finally {
    await other.close();
  }
});

// A sweep: 16 tasks of 20 ms on 1, 2, … threads of the pool.
const SWEEP = 'mode=parallel&workload=cpu&kernel=primes&tasks=16&work_ms=20&threads=2&slice_ms=2';

/** The speedup chart named `name`: its points (threads → speedup) and fitted serial fraction. */
const speedupChart = (page, name) => page.$eval(`canvas[data-name=${name}]`, (c) => ({
  points: Object.fromEntries((c.dataset.points || '').split(';').filter(Boolean).map((p) => p.split(':').map(Number))),
  serial: c.dataset.serialFraction === '' ? null : +c.dataset.serialFraction,
}));

test('a thread sweep travels: the link opens its speedup chart and Amdahl fit, labelled as recorded; Run it here sweeps this machine', async () => {
  await open(b.page, site.url, SWEEP);
  await runAndWait(b.page, 'Sweep threads', 120000);
  const theirs = await speedupChart(b.page, 'speedup');
  const threads = Object.keys(theirs.points).map(Number);
  assert.ok(threads.length >= 1 && threads[0] === 1, `the sweep starts at 1 thread: ${JSON.stringify(theirs)}`);
  const link = await share(b.page);
  assert.ok(!link.error, link.error);
  const made = await b.page.$eval('.share-made', (e) => ({ ...e.dataset }));
  assert.equal(made.kind, 'sweep', 'the sweep is what is on screen, so the sweep travels');
  assert.equal(+made.runs, threads.length, 'one run per thread count');
  assertLinkSize(`thread sweep on ${threads.length} thread counts x 16 tasks`, link, `${link.spans} spans, record ${link.raw} B, deflate-raw ${link.compressed} B, link ${link.bytes} B`);

  const other = await browser();
  try {
    await other.page.goto(link.link);
    await other.page.waitForFunction(() => document.querySelector('.received-state')?.dataset.shown === 'true', null, { timeout: 15000 });
    assert.equal(await other.page.$eval('.recorded-result', (e) => e.dataset.kind), 'sweep');
    assert.match(await other.page.textContent('.recorded-label'), /^Recorded, not measured here: measured on \d+ logical cores?, Chromium \d+, \d{4}-\d\d-\d\d/);
    const recorded = await speedupChart(other.page, 'recorded-speedup');
    assert.deepEqual(Object.keys(recorded.points), Object.keys(theirs.points), 'the same thread counts');
    for (const p of threads) {
      // Run lengths travel in whole microseconds: a speedup of runs over 100 ms moves by under 1e-4.
      assert.ok(Math.abs(recorded.points[p] - theirs.points[p]) < 1e-4, `${p} threads: ${recorded.points[p]} vs ${theirs.points[p]}`);
    }
    if (theirs.serial === null) assert.equal(recorded.serial, null);
    else assert.ok(Math.abs(recorded.serial - theirs.serial) < 1e-3, `the same Amdahl fit: ${recorded.serial} vs ${theirs.serial}`);
    assert.ok((await drawnPixels(other.page, 'canvas[data-name=recorded-speedup]')) > 2000, 'the recorded chart is drawn');
    assert.match(await other.page.textContent('.recorded-fit'), theirs.serial === null ? /Too few points/ : /^Recorded: Fitted serial fraction [\d.]+ %/);
    const table = await other.page.$$eval('table.machines.sweep tbody tr', (trs) => trs.map((tr) => ({ ...tr.dataset })));
    assert.deepEqual(table.map((r) => +r.threads), threads);
    // Nothing ran on its own.
    await ready(other.page);
    assert.equal(await other.page.$$eval('canvas[data-name=here-speedup]', (c) => c.length), 0, 'nothing runs without a click');

    await runAndWait(other.page, 'Run it here', 120000);
    await other.page.waitForSelector('canvas[data-name=here-speedup]', { timeout: 20000 });
    const here = await speedupChart(other.page, 'here-speedup');
    assert.ok(here.points[1] === 1, `this machine's sweep starts at 1 thread, speedup 1: ${JSON.stringify(here)}`);
    const both = await other.page.$$eval('table.machines.sweep tbody tr', (trs) => trs.map((tr) => ({ ...tr.dataset })));
    for (const r of both) assert.ok(+r.localMakespan > 0 || !(r.threads in here.points), `both columns: ${JSON.stringify(r)}`);
    const sentence = await other.page.textContent('.difference');
    assert.match(sentence, /^Speedup against 1 thread: your \d+ logical cores?: [\d.]+× on \d+ threads?; the recorded \d+ logical cores?: [\d.]+× on \d+ threads?\./, sentence);
    const stack = await other.page.$eval('canvas[data-name=recorded]', (c) => ({ ...c.dataset }));
    assert.equal(+stack.bands, threads.length + Object.keys(here.points).filter((p) => p in theirs.points).length, 'each recorded thread count, then here');
    await (await other.page.$('#recorded')).screenshot({ path: join(ARTIFACTS, 'shared-sweep.png') });
    assert.deepEqual(other.errors, [], 'no console error');
  } finally {
    await other.close();
  }
});

// A mid-sized one: 256 tasks, each sliced 10 times in the concurrent mode (2,560 spans).
const MEDIUM = 'mode=parallel&workload=cpu&kernel=primes&tasks=256&work_ms=10&threads=2&slice_ms=1';

test('bigger runs are summarised for the link, or the JSON report is offered', async () => {
  for (const [what, query] of [['4 modes x 256 tasks, 10 slices each', MEDIUM], ['4 modes x 3000 tasks', LARGE]]) {
    await open(b.page, site.url, query);
    await runAndWait(b.page, 'Compare all modes', 120000);
    const link = await share(b.page);
    if (link.error) {
      assert.match(link.error, /too large for a link: \d+ KB with every span, \d+ KB with each task's slices merged/);
      console.log(`link size, ${what}: ${link.error}`);
    } else {
      assertLinkSize(what, link, `${link.spans} spans in the link, record ${link.raw} B, link ${link.bytes} B (${link.full} B with every span), summarised ${link.summarised}`);
      // Whole when whole fits; summarised only when it did not.
      assert.ok(link.summarised ? link.full > LINK_BUDGET_BYTES : link.full === link.bytes, JSON.stringify({ ...link, link: undefined }));
      if (link.summarised) assert.match(await b.page.textContent('.share-made'), /slices on a lane were merged into one bar \(\d+ spans became \d+\)/);
    }
  }
});

// ---------------------------------------------------------------- hostile fragments

const SETTINGS = 'mode=parallel&workload=cpu&kernel=primes&tasks=2&work_ms=50&latency_ms=200&jitter_ms=0&threads=2&slice_ms=5&seed=1';

/** LEB128 varint bytes of a non-negative integer (BigInt-safe). */
function varint(n) {
  let v = BigInt(n);
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const zigzag = (n) => (n >= 0 ? 2 * n : -2 * n - 1);
const str = (s) => { const bytes = [...Buffer.from(s, 'utf8')]; return [...varint(bytes.length), ...bytes]; };

/** A run of the record format (src/engine/result_link.rs), with overrides. */
function run(o = {}) {
  const r = { mode: 2, lanes: 2, tasks: 2, finished: 2, dur: 100000, origin: 0, outcome: [0], frames: [0, 0, 0, 0], cancel: 0, checksum: Array(8).fill(7), slices: 2, spans: [{ task: 0, code: 2, start: 0, len: 50000 }, { task: 1, code: 4, start: 0, len: 50000 }], count: undefined, ...o };
  const n = r.count ?? r.spans.length;
  let prevTask = 0;
  let prevStart = 0;
  return [
    ...varint(r.mode), ...varint(r.lanes), ...varint(r.tasks), ...varint(r.finished), ...varint(r.dur), ...varint(r.origin),
    ...r.outcome, ...r.frames.flatMap(varint), ...varint(r.cancel), ...r.checksum, ...varint(r.slices), ...(r.counter ?? []), ...varint(n),
    ...r.spans.flatMap((s) => { const d = s.task - prevTask; prevTask = s.task; return varint(zigzag(d)); }),
    ...r.spans.flatMap((s) => varint(s.code)),
    ...r.spans.flatMap((s) => { const d = s.start - prevStart; prevStart = s.start; return varint(zigzag(d)); }),
    ...r.spans.flatMap((s) => varint(s.len)),
  ];
}

/** A run as format 2 and later write it: a counter flag (0, none), and lane row × 4 + kind. */
const run3 = () => run({ counter: [0], spans: [{ task: 0, code: 4, start: 0, len: 50000 }, { task: 1, code: 8, start: 0, len: 50000 }] });

/** A whole record, with overrides. */
function record(o = {}) {
  const r = { version: 1, settings: SETTINGS, cores: 16, pool: 15, iso: 1, browser: 'Chromium 156', date: '2026-11-26', kind: 0, summary: [0], prediction: [0], runs: [run()], runCount: undefined, tail: [], ...o };
  return Buffer.from([
    ...Buffer.from('CPR'), r.version, ...str(r.settings), ...varint(r.cores), ...varint(r.pool), ...varint(r.iso), ...str(r.browser), ...str(r.date),
    // Version 2 says what the runs are (0 modes, 1 a thread sweep); version 1 does not.
    ...(r.version >= 2 ? varint(r.kind) : []),
    ...r.summary,
    // Version 3 carries the sender's prediction (0: none).
    ...(r.version >= 3 ? r.prediction : []),
    ...varint(r.runCount ?? r.runs.length), ...r.runs.flat(), ...r.tail,
  ]);
}

const b64 = (buf) => Buffer.from(buf).toString('base64url');
const packed = (buf) => b64(deflateRawSync(buf));

/** [name, fragment after '#', expected: 'refused' or 'shown' (hostile text shown as text)]. */
const HOSTILE = [
  ['empty', 'r=', 'refused'],
  ['not base64', 'r=!!!***', 'refused'],
  ['markup', 'r=<script>window.__pwned=1</script>', 'refused'],
  ['percent-encoded markup', 'r=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E', 'refused'],
  ['one character', 'r=A', 'refused'],
  ['base64 of plain text', `r=${b64(Buffer.from('hello, world'))}`, 'refused'],
  ['deflate of plain text', `r=${packed(Buffer.from('hello, world'))}`, 'refused'],
  ['uncompressed record', `r=${b64(record())}`, 'refused'],
  ['other version', `r=${packed(record({ version: 4 }))}`, 'refused'],
  ['a prediction of no known kind', `r=${packed(record({ version: 3, prediction: [3], runs: [run3()] }))}`, 'refused'],
  ['a predicted number that is not a number', `r=${packed(record({ version: 3, prediction: [2, ...new Uint8Array(new Float64Array([NaN]).buffer)], runs: [run3()] }))}`, 'left out'],
  ['a predicted choice past the options', `r=${packed(record({ version: 3, prediction: [1, 99], runs: [run3()] }))}`, 'left out'],
  ['a sweep that is not parallel runs', `r=${packed(record({ version: 2, kind: 1, runs: [run({ mode: 0, lanes: 1 }), run({ mode: 0, lanes: 2 })] }))}`, 'refused'],
  ['truncated record', `r=${packed(record().subarray(0, 40))}`, 'refused'],
  ['truncated link', `r=${packed(record()).slice(0, 30)}`, 'refused'],
  ['trailing bytes', `r=${packed(record({ tail: [1, 2, 3] }))}`, 'refused'],
  ['decompression bomb (64 MB of zeros)', `r=${b64(deflateRawSync(Buffer.alloc(64 << 20), { level: 9 }))}`, 'refused'],
  ['huge fragment', `r=${'A'.repeat(300000)}`, 'refused'],
  ['negative time', `r=${packed(record({ runs: [run({ spans: [{ task: 0, code: 2, start: -5000, len: 10 }] })] }))}`, 'refused'],
  ['absurd time (two hours)', `r=${packed(record({ runs: [run({ spans: [{ task: 0, code: 2, start: 7_200_000_000, len: 10 }] })] }))}`, 'refused'],
  ['absurd length', `r=${packed(record({ runs: [run({ dur: 9e15 })] }))}`, 'refused'],
  ['thousands of lanes', `r=${packed(record({ runs: [run({ spans: [{ task: 0, code: 2 * 5000, start: 0, len: 10 }] })] }))}`, 'refused'],
  ['thousands of threads', `r=${packed(record({ runs: [run({ lanes: 4000 })] }))}`, 'refused'],
  ['a million runs claimed', `r=${packed(record({ runCount: 1_000_000 }))}`, 'refused'],
  ['a billion spans claimed', `r=${packed(record({ runs: [run({ count: 1_000_000_000 })] }))}`, 'refused'],
  ['span of a missing task', `r=${packed(record({ runs: [run({ spans: [{ task: 9, code: 2, start: 0, len: 10 }] })] }))}`, 'refused'],
  ['unknown mode', `r=${packed(record({ runs: [run({ mode: 9 })] }))}`, 'refused'],
  ['varint overflow', `r=${packed(Buffer.concat([Buffer.from('CPR\x01'), Buffer.alloc(12, 0xff)]))}`, 'refused'],
  ['settings with markup', `r=${packed(record({ settings: 'mode=<script>alert(1)</script>' }))}`, 'refused'],
  ['tasks disagree with the settings', `r=${packed(record({ runs: [run({ tasks: 3, finished: 3 })] }))}`, 'refused'],
  ['date with markup', `r=${packed(record({ date: '<b>2026</b>' }))}`, 'refused'],
  ['no runs', `r=${packed(record({ runs: [] }))}`, 'refused'],
  ['browser name with markup', `r=${packed(record({ browser: '<img src=x onerror="window.__pwned=1">' }))}`, 'shown'],
  ['failure message with markup', `r=${packed(record({ runs: [run({ outcome: [2, 1, ...str('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">')], finished: 1 })] }))}`, 'shown'],
];

test('34 hostile fragments: a clear notice each, no console error, no script run, the page still works', async () => {
  assert.equal(HOSTILE.length, 34);
  const other = await browser();
  const { page, errors } = other;
  try {
    await open(page, site.url, 'workload=io&tasks=4&latency_ms=50&threads=2');
    const outcomes = [];
    for (const [name, fragment, expected] of HOSTILE) {
      const n = await seq(page);
      await page.evaluate((h) => { location.hash = h; }, fragment);
      await readOne(page, n);
      const state = await page.evaluate(() => ({
        notice: document.querySelector('.received-notice')?.textContent ?? '',
        label: document.querySelector('.recorded-label')?.textContent ?? '',
        failure: document.querySelector('.recorded-result')?.textContent ?? '',
        pwned: window.__pwned,
        injected: document.querySelectorAll('.recorded img, .recorded script, .recorded b').length,
        fatal: !!document.getElementById('fatal'),
        sent: document.querySelector('.recorded-result .sent')?.textContent ?? '',
      }));
      outcomes.push({ name, notice: state.notice.slice(0, 140) });
      assert.equal(state.pwned, undefined, `${name}: no script ran`);
      assert.equal(state.injected, 0, `${name}: nothing rendered as HTML`);
      assert.equal(state.fatal, false, `${name}: no panic`);
      if (expected === 'left out') {
        // The runs are shown; the prediction is left out, saying what it was.
        assert.equal(state.notice, '', `${name}: shown`);
        assert.match(state.sent, /^The link carries a prediction \((NaN|choice 100)\) that does not answer the question its runs ask .*left out; the runs are shown\.$/, `${name}: ${state.sent}`);
      } else if (expected === 'refused') {
        assert.ok(state.notice.length > 25 && /[.]$/.test(state.notice.trim()), `${name}: a clear notice, got ${JSON.stringify(state.notice)}`);
      } else {
        assert.equal(state.notice, '', `${name}: shown`);
        assert.ok(state.label.includes('<img src=x') || state.failure.includes('<script>') || state.label.includes('Chromium'), `${name}: the markup is shown as text: ${state.label}`);
      }
    }
    console.log(outcomes.map((o) => `  ${o.name}: ${o.notice || '(shown as text)'}`).join('\n'));
    assert.deepEqual(errors, [], 'no console error');
    // The page still works: a run completes.
    await page.getByLabel('Mode', { exact: true }).selectOption('concurrent');
    await runAndWait(page, 'Run');
    const r = await rows(page);
    assert.equal(r.concurrent?.finished, 4, JSON.stringify(r));
    writeFileSync(join(ARTIFACTS, 'hostile-fragments.json'), JSON.stringify(outcomes, null, 2));
  } finally {
    await other.close();
  }
});
