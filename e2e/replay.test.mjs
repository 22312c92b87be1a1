// Replay of a recorded run: its pace, its cursor on the exact span boundaries
// the trace holds, keyboard control, and what a new run does to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { closeSite, open, openSite, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

// Eight 200 ms waits overlapping on the main thread: a run of about 200 ms.
const RUN_200MS = 'mode=concurrent&workload=io&tasks=8&latency_ms=200&jitter_ms=0&threads=2';
// Waits on the main thread, computation on two workers: many distinct boundaries.
const MIXED = 'mode=both&workload=mixed&kernel=hash&tasks=6&work_ms=8&latency_ms=20&threads=2';

const GROUP = '.replay-controls';
/** The replay's state as the page exposes it. */
const replayState = (page) =>
  page.evaluate((sel) => {
    const d = document.querySelector(sel).dataset;
    return { state: d.state, cursor: Number(d.cursorMs), duration: Number(d.durationMs), slowdown: Number(d.slowdown), inFlight: d.inFlight, done: d.done, paint: d.paint };
  }, GROUP);

/** The run's spans as the page exports them (Report (JSON)). */
async function exportedSpans(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Report (JSON)', exact: true }).click()]);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
  return report.runs[0].spans;
}

/** Microsecond rounding, as the export writes times (engine::export::json_number). */
const us = (ms) => Math.round(ms * 1000) / 1000;

test('a 200 ms run replayed at 1/10 lasts 2 s, and only the cursor layer is redrawn', async () => {
  const page = b.page;
  await open(page, site.url, RUN_200MS);
  await runAndWait(page, 'Run');
  await page.getByLabel('Replay speed').selectOption('10');
  // Timestamps of the replay's state changes, taken in the page.
  await page.evaluate((sel) => {
    const g = document.querySelector(sel);
    window.replaySeen = [];
    new MutationObserver(() => window.replaySeen.push({ state: g.dataset.state, at: performance.now(), cursor: Number(g.dataset.cursorMs) })).observe(g, {
      attributes: true,
      attributeFilter: ['data-state'],
    });
  }, GROUP);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  // Three consecutive frames, a quarter into the replay: the cursor layer and the timeline under it.
  await page.waitForTimeout(500);
  const frames = await page.evaluate(async () => {
    const layer = document.querySelector('canvas.cursor-layer');
    const base = document.querySelector('.timeline canvas:not(.cursor-layer)');
    const out = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      out.push({ layer: layer.toDataURL(), base: base.toDataURL(), cursor: Number(document.querySelector('.replay-controls').dataset.cursorMs) });
    }
    return out;
  });
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'ended', GROUP, { timeout: 10000 });
  const seen = await page.evaluate(() => window.replaySeen);
  const { duration, cursor } = await replayState(page);
  const began = seen.find((s) => s.state === 'playing');
  const ended = seen.find((s) => s.state === 'ended');
  const wall = ended.at - began.at;
  const what = `run of ${duration} ms, replay took ${wall.toFixed(1)} ms; state changes: ${JSON.stringify(seen)}`;
  console.log(`[replay] ${what}`);
  assert.ok(duration > 190 && duration < 260, `the run lasts about 200 ms: ${what}`);
  // The goal: 2 s ± 20 %. Measured on this machine (2 cores, headless
  // Chromium, this test's steps in a loop, 10 runs): runs of 200.5–204.6 ms
  // replayed in 2018–2057 ms, 10.04–10.11× the run (10× plus at most a frame,
  // ended on the first frame past the end). The ±20 % margin is the issue's,
  // over 30 times the measured spread.
  assert.ok(Math.abs(wall - 2000) <= 400, `2 s ± 20 %: ${what}`);
  assert.ok(Math.abs(wall - 10 * duration) <= 0.2 * 10 * duration, `10× the run ± 20 %: ${what}`);
  assert.equal(cursor, duration, 'the cursor stops at the end of the run');
  const moved = frames.map((f) => f.cursor);
  assert.ok(moved[0] < moved[1] && moved[1] < moved[2], `the cursor moves every frame: ${moved}`);
  assert.notEqual(frames[0].layer, frames[2].layer, 'the cursor layer changes between frames');
  assert.equal(frames[0].base, frames[2].base, 'the timeline under it is not redrawn');
  assert.deepEqual(b.errors, []);
});

test('stepping with the keyboard lands on the exact span boundaries of the trace', async () => {
  const page = b.page;
  await open(page, site.url, MIXED);
  await runAndWait(page, 'Run');
  const spans = await exportedSpans(page);
  const bounds = [...new Set(spans.flatMap((s) => [s.start_ms, s.end_ms]))].sort((x, y) => x - y);
  assert.ok(bounds.length >= 10, `a run with boundaries to step through: ${bounds}`);
  const scrubber = page.getByLabel('Replay position');
  await scrubber.focus();

  // Back from the end, one event a key, until the first event (where a key changes nothing).
  await page.keyboard.press('End');
  const back = [(await replayState(page)).cursor];
  for (let i = 0; i < bounds.length + 2; i++) {
    await page.keyboard.press('ArrowLeft');
    const { cursor } = await replayState(page);
    if (cursor === back.at(-1)) break;
    back.push(cursor);
  }
  // Forward again from there.
  const forward = [back.at(-1)];
  for (let i = 0; i < bounds.length + 2; i++) {
    await page.keyboard.press('ArrowRight');
    const { cursor } = await replayState(page);
    if (cursor === forward.at(-1)) break;
    forward.push(cursor);
  }
  const { duration } = await replayState(page);
  console.log(`[replay] ${bounds.length} distinct boundaries in the export; ${back.length - 1} steps back, ${forward.length - 1} forward`);
  const what = `trace boundaries (µs-rounded, from the export): ${bounds}\nback: ${back}\nforward: ${forward}`;
  for (let i = 1; i < back.length; i++) assert.ok(back[i] < back[i - 1], `each step back goes back: ${what}`);
  for (let i = 1; i < forward.length; i++) assert.ok(forward[i] > forward[i - 1], `each step forward goes forward: ${what}`);
  const boundSet = new Set(bounds);
  // Every stop is a boundary of the trace (the first stop back is the end of the run, from End).
  for (const t of back.slice(1)) assert.ok(boundSet.has(us(t)), `step back to ${t}, not a span boundary: ${what}`);
  for (const t of forward) assert.ok(boundSet.has(us(t)), `step forward to ${t}, not a span boundary: ${what}`);
  assert.ok(back[0] >= duration, `End goes to the end of the run (or of a span stamped after it): ${what}`);
  // And every boundary is a stop, both ways.
  const stopsForward = new Set(forward.map(us));
  const stopsBack = new Set(back.map(us));
  for (const t of bounds) {
    assert.ok(stopsForward.has(t), `forward skipped the boundary ${t}: ${what}`);
    assert.ok(stopsBack.has(t) || t === us(duration), `back skipped the boundary ${t}: ${what}`);
  }
  assert.deepEqual([...stopsForward].reverse(), [...stopsBack].filter((t) => stopsForward.has(t)), `the same stops both ways: ${what}`);

  // At a stop, the page says what each thread does, and counts tasks.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const lanes = await page.evaluate(() => [...document.querySelectorAll('.replay-lanes dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling.textContent}`));
  assert.ok(lanes.some((l) => l.startsWith('main thread: ')), JSON.stringify(lanes));
  assert.ok(lanes.some((l) => /^worker \d+: (computing task \d+|waiting for|idle)/.test(l)), JSON.stringify(lanes));
  assert.ok(lanes.some((l) => l.startsWith('the page: ')), JSON.stringify(lanes));
  const at = await replayState(page);
  assert.ok(Number(at.inFlight) >= 1, `a task is in flight at the first event: ${JSON.stringify(at)}`);
  assert.match(await page.locator('section.replay [role=status][aria-live=polite]').last().textContent(), /tasks in flight/);

  // Space plays and pauses, from the scrubber.
  await page.keyboard.press(' ');
  assert.equal((await replayState(page)).state, 'playing');
  await page.keyboard.press(' ');
  assert.equal((await replayState(page)).state, 'paused');
  assert.deepEqual(b.errors, []);
});

test('each mode of a comparison can be replayed', async () => {
  const page = b.page;
  await open(page, site.url, 'workload=cpu&kernel=hash&tasks=4&work_ms=10&threads=2');
  await runAndWait(page, 'Compare all modes');
  const r = await rows(page);
  const modes = Object.keys(r);
  assert.equal(modes.length, 4, JSON.stringify(r));
  const options = await page.getByLabel('Run to replay').locator('option').allTextContents();
  for (const mode of ['Sequential', 'Concurrent', 'Parallel', 'Both'].map((m) => m.toLowerCase())) {
    const value = `compare-${mode}`;
    await page.getByLabel('Run to replay').selectOption(value);
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    const s = await replayState(page);
    assert.ok(Math.abs(s.duration - r[mode].makespan) < 1e-6, `${mode}: replays its own run (${s.duration} ms, the table says ${r[mode].makespan}); options ${options}`);
    assert.equal(s.state, 'paused');
  }
  assert.deepEqual(b.errors, []);
});

test('a new run stops the replay cleanly, and the replay refuses to start during it', async () => {
  const page = b.page;
  await open(page, site.url, RUN_200MS);
  await runAndWait(page, 'Run');
  await page.getByLabel('Replay speed').selectOption('100');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForTimeout(200);
  assert.equal((await replayState(page)).state, 'playing');
  // A longer run, so that it is still going when we look.
  await page.getByLabel('Mode', { exact: true }).selectOption('sequential');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.status progress'), null, { timeout: 5000 });
  const during = await replayState(page);
  assert.equal(during.state, 'off', `the replay stopped: ${JSON.stringify(during)}`);
  assert.ok(await page.getByRole('button', { name: 'Play', exact: true }).isDisabled(), 'Play is refused during a run');
  assert.ok(await page.getByLabel('Replay position').isDisabled());
  await page.getByLabel('Replay position').focus().catch(() => {});
  await page.keyboard.press(' ');
  assert.equal((await replayState(page)).state, 'off', 'Space is refused during a run');
  assert.equal(await page.evaluate(() => document.querySelector('canvas.cursor-layer').getContext('2d').getImageData(0, 0, 50, 50).data.some((v) => v !== 0)), false, 'no cursor over the live run');
  await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 30000 });
  // After the run, its own trace replays.
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  const afterRun = await replayState(page);
  const r = await rows(page);
  assert.equal(afterRun.state, 'paused');
  assert.ok(Math.abs(afterRun.duration - r.sequential.makespan) < 1e-6, `the new run: ${JSON.stringify(afterRun)} ${JSON.stringify(r.sequential)}`);
  assert.deepEqual(b.errors, []);
});

test('the replay says when the page could not paint: while the main thread computes', async () => {
  const page = b.page;
  // Two 150 ms tasks computed on the main thread, one after the other.
  await open(page, site.url, 'mode=sequential&workload=cpu&kernel=primes&tasks=2&work_ms=150&threads=2');
  await runAndWait(page, 'Run');
  await page.getByLabel('Replay position').focus();
  // Home is the run's start, or the first span's when one starts at once.
  await page.keyboard.press('Home');
  const atStart = await replayState(page);
  const mainNow = () => page.evaluate(() => document.querySelector('.replay-lanes dd').textContent);
  if ((await mainNow()) === 'idle') await page.keyboard.press('ArrowRight');
  const first = await replayState(page);
  const paint = await page.locator('.replay-paint').textContent();
  const main = await mainNow();
  const what = `at the start: ${JSON.stringify(atStart)}; at the first event: ${JSON.stringify(first)}, main thread "${main}", page "${paint}"`;
  assert.equal(main, 'computing task 1', what);
  assert.equal(first.paint, 'frozen', what);
  assert.match(paint, /^could not paint: no frame from .* \((1\d\d|2\d\d) ms\)$/, `a gap of about 150 ms: ${what}`);
  // The last event is the second task's end: the page paints again after
  // it. With another program keeping a core busy, frames come unevenly and
  // the end can fall in a short gap of their own (measured 2026-12-03, one
  // core busy, 3 runs: 29, 42 and 47 ms, from 3 ms before the end): never
  // the 150 ms of a task's computation, which is what this checks.
  await page.keyboard.press('End');
  const end = await replayState(page);
  const endPaint = await page.locator('.replay-paint').textContent();
  const gap = Number(endPaint.match(/\(([\d.]+) ms\)$/)?.[1] ?? NaN);
  assert.ok(end.paint === 'painting' || (end.paint === 'frozen' && gap < 100), `after the run: ${JSON.stringify(end)}, page "${endPaint}"`);
  assert.deepEqual(b.errors, []);
});
