// The playground as a person uses it: sliders by keyboard, links, the Learn
// lessons' "Try it", the exports, the live timeline, and both screen widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, assertSameChecksums, browser, closeSite, drawnPixels, open, openSite, rows, runAndWait, downloaded } from './lib.mjs';

const MODES = ['sequential', 'concurrent', 'parallel', 'both'];
// The timeline's chart; a second canvas (the replay cursor) lies over it.
const TIMELINE = '.timeline canvas[role=img]';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

const query = (page) => new URL(page.url()).searchParams;

test('a slider moved by keyboard changes its number and the URL', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=parallel&workload=cpu&tasks=8&work_ms=50&threads=2');
  const slider = page.getByRole('slider', { name: 'Tasks' });
  const number = page.getByRole('spinbutton', { name: 'Tasks', exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await assert.doesNotReject(page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '10'));
  assert.equal(await number.inputValue(), '10');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '9');
  assert.equal(await number.inputValue(), '9');
  // The number is editable too; out-of-range input is clamped, not refused.
  await number.fill('999999');
  await number.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '100000');
  assert.equal(await number.inputValue(), '100000');
  // The run is refused with its estimate rather than started.
  assert.match(await page.locator('.estimate').textContent(), /would take about [\d.]+ s/);
});

test('a link restores every setting, and history back restores the earlier one', async () => {
  const { page } = b;
  const link = 'mode=both&workload=mixed&kernel=mandelbrot&tasks=12&work_ms=30&latency_ms=120&jitter_ms=10&threads=2&slice_ms=7&seed=5';
  await open(page, site.url, link);
  assert.equal(await page.getByLabel('Mode', { exact: true }).inputValue(), 'both');
  assert.equal(await page.getByLabel('Workload', { exact: true }).inputValue(), 'mixed');
  assert.equal(await page.getByLabel('Kernel', { exact: true }).inputValue(), 'mandelbrot');
  for (const [name, value] of [['Tasks', '12'], ['Work per task (ms)', '30'], ['I/O latency (ms)', '120'], ['Jitter (± ms)', '10'], ['Threads (lanes)', '2'], ['Slice length (ms)', '7']]) {
    assert.equal(await page.getByRole('spinbutton', { name, exact: true }).inputValue(), value, name);
  }
  assert.equal(query(page).toString(), link, 'the URL is the link, unchanged');
  assert.equal(await page.locator('.notices').count(), 0, 'a good link raises no notice');

  await page.getByLabel('Mode', { exact: true }).selectOption('sequential');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('mode') === 'sequential');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#setting-mode')?.value === 'both');
  assert.equal(query(page).get('mode'), 'both');
});

test('every lesson asks first, runs from its "Try it" with the prediction, and shows it beside a measured number', async () => {
  const { page } = b;
  await open(page, site.url);
  const lessons = page.locator('.lesson');
  const count = await lessons.count();
  assert.ok(count >= 7, `${count} lessons`);
  for (let i = 0; i < count; i++) {
    const lesson = lessons.nth(i);
    const title = await lesson.locator('h3').textContent();
    // Answer the question: the first option, or a number in its range.
    const radios = lesson.getByRole('radio');
    if ((await radios.count()) > 0) {
      await radios.first().check();
    } else {
      const input = lesson.getByRole('spinbutton');
      const [min, max] = [Number(await input.getAttribute('min')), Number(await input.getAttribute('max'))];
      await input.fill(String(min + (max - min) / 4));
    }
    await lesson.getByRole('button', { name: 'Try it', exact: true }).click();
    await lesson.locator('.result:not(.running)').waitFor({ timeout: 60000 });
    const sentence = await lesson.locator('.result').textContent();
    // A measured number: a time, a share or a factor, or a count of
    // updates (the race lesson's, which on a busy machine, its lanes never
    // running at once, says it lost none of 16,000,000: measured, no unit).
    assert.match(sentence, /\d+(\.\d+)? ?(ms|s|%|×)|\d[\d,]* updates/, `${title}: ${sentence}`);
    assert.doesNotMatch(sentence, /did not complete/, `${title}: ${sentence}`);
    const prediction = lesson.locator('.prediction');
    assert.match(await prediction.textContent(), /You predicted .*\d/, `${title}: the prediction beside the measurement`);
    assert.match(await prediction.getAttribute('data-right'), /^(true|false)$/);
  }
  assert.deepEqual(b.errors, []);
});

/** Clicks `button` and returns the downloaded file's name and text. */
async function download(page, button) {
  return downloaded(page, page.getByRole('button', { name: button, exact: true }).first());
}

test('each export downloads a file that parses', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=parallel&workload=mixed&kernel=hash&tasks=6&work_ms=20&latency_ms=50&threads=2');
  await runAndWait(page, 'Compare all modes');
  assertSameChecksums(await rows(page), MODES, 'the exported runs: ');

  const csv = await download(page, 'Spans (CSV)');
  const lines = csv.text.trim().split('\n');
  assert.ok(lines.length > 4, csv.text);
  const width = lines[0].split(',').length;
  assert.ok(lines.every((l) => l.split(',').length === width), 'every row has every column');
  assert.ok(lines.slice(1).every((l) => l.split(',').slice(-3).every((x) => Number.isFinite(Number(x)))), 'times are numbers');

  const report = JSON.parse((await download(page, 'Report (JSON)')).text);
  assert.ok(report.environment && Array.isArray(report.runs), Object.keys(report).join());
  assert.match(report.link_query, /^mode=\w+&workload=mixed&kernel=hash&tasks=6&/);
  assert.equal(report.environment.cross_origin_isolated, true);
  assert.equal(report.runs.length, 4, 'one run per mode');
  assert.ok(report.runs.every((r) => r.makespan_ms > 0 && r.spans.length > 0), JSON.stringify(report.runs.map((r) => r.makespan_ms)));

  const trace = JSON.parse((await download(page, 'Trace for Perfetto / DevTools')).text);
  const complete = trace.traceEvents.filter((e) => e.ph === 'X');
  assert.ok(complete.length > 0);
  for (const e of complete) {
    assert.equal(typeof e.name, 'string');
    for (const k of ['ts', 'dur', 'pid', 'tid']) assert.ok(Number.isFinite(e[k]), `${k} in ${JSON.stringify(e)}`);
  }
  assert.ok(new Set(complete.map((e) => e.tid)).size >= 2, 'lanes are threads');

  // Every chart saves as a PNG.
  const pngs = page.getByRole('button', { name: 'PNG', exact: true });
  // Timeline, comparison and speedup charts at least (the page may add more).
  const charts = await pngs.count();
  assert.ok(charts >= 3, `${charts} PNG buttons`);
  for (let i = 0; i < charts; i++) {
    const [file] = await Promise.all([page.waitForEvent('download'), pngs.nth(i).click()]);
    const path = join(ARTIFACTS, file.suggestedFilename());
    await file.saveAs(path);
    const bytes = readFileSync(path);
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], `${file.suggestedFilename()} is a PNG`);
    assert.ok(bytes.length > 2000, `${file.suggestedFilename()}: ${bytes.length} bytes`);
  }
});

test('the timeline draws while a run goes on', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=concurrent&workload=io&tasks=40&latency_ms=1500&jitter_ms=1000&threads=2');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // Mid-run, the canvas shows the waits in flight, and keeps changing (the
  // time axis stretches as the run goes on). Measured 2026-11-26 on this 2-core
  // machine: 40 spans drawn at 600 ms and the run still going at 1 s in every run
  // (quiet n = 20, one core busy n = 12); the run ends at 2386–2392 ms.
  const signature = () =>
    page.evaluate((sel) => {
      const c = document.querySelector(sel);
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let h = 0;
      for (let i = 0; i < data.length; i += 4) h = (h * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
      return h;
    }, TIMELINE);
  await page.waitForTimeout(600);
  const early = Number(await page.locator(TIMELINE).getAttribute('data-spans'));
  const [earlyPixels, earlySignature] = [await drawnPixels(page, TIMELINE), await signature()];
  await page.waitForTimeout(400);
  const laterSignature = await signature();
  assert.ok(await page.locator('.status progress').count(), 'still running');
  assert.ok(early >= 40, `all 40 waits drawn in flight: ${early}`);
  assert.ok(earlyPixels > 5000, `the waits are drawn: ${earlyPixels} pixels`);
  assert.notEqual(laterSignature, earlySignature, 'the timeline was redrawn as the run went on');
  // Pointing at a wait in flight names it (the live view's copy of the spans).
  const canvas = page.locator(TIMELINE);
  const box = await canvas.boundingBox();
  let tip = null;
  for (let x = box.width * 0.15; x < box.width * 0.4 && !tip; x += box.width / 40) {
    for (const y of [0.18, 0.22, 0.26]) {
      await canvas.hover({ position: { x, y: y * box.height } });
      if (await page.locator('.tooltip').count()) {
        tip = await page.locator('.tooltip').textContent();
        break;
      }
    }
  }
  assert.ok(await page.locator('.status progress').count(), 'still running while pointing');
  assert.match(tip ?? '', /Task \d+.*wait.*main thread/i, `a wait in flight named: ${tip}`);
  await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
});

test('the ball moves on its own canvas with no write to the page per frame', async () => {
  const { page } = b;
  await open(page, site.url);
  // Three looks at the ball, 200 ms apart (a sweep takes 1.6 s, so it cannot
  // be in one place at all three), and every change to the card meanwhile:
  // drawn on a canvas, a frame writes no style or attribute (a moved element
  // cost a style recalculation every frame).
  const r = await page.evaluate(
    () =>
      new Promise((done) => {
        const card = document.querySelector('.responsiveness');
        const c = card.querySelector('canvas.ball');
        const ctx = c.getContext('2d', { desynchronized: true });
        const x = () => {
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) return (i / 4) % c.width;
          return -1;
        };
        let writes = 0;
        const watch = new MutationObserver((m) => (writes += m.length));
        watch.observe(card, { attributes: true, childList: true, characterData: true, subtree: true });
        const xs = [x()];
        setTimeout(() => xs.push(x()), 200);
        setTimeout(() => {
          xs.push(x());
          watch.disconnect();
          done({ xs, writes, width: c.width });
        }, 400);
      }),
  );
  assert.ok(r.xs.every((x) => x >= 0), `the ball is drawn: ${JSON.stringify(r)}`);
  assert.ok(new Set(r.xs).size >= 2, `the ball moves: ${JSON.stringify(r)}`);
  assert.equal(r.writes, 0, `no write to the card while the ball moves: ${JSON.stringify(r)}`);
});

test('pointing at a bar names its task, lane and times', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=parallel&workload=cpu&tasks=2&work_ms=200&threads=2');
  await runAndWait(page, 'Run');
  const canvas = page.locator(TIMELINE);
  const box = await canvas.boundingBox();
  // Sweep across the first worker lane until a bar answers.
  let tip = null;
  for (let x = box.width * 0.2; x < box.width * 0.95 && !tip; x += box.width / 20) {
    for (const row of [1.5, 2.5]) {
      await canvas.hover({ position: { x, y: (row * box.height) / 4 } });
      if (await page.locator('.tooltip').count()) {
        tip = await page.locator('.tooltip').textContent();
        break;
      }
    }
  }
  assert.ok(tip, 'a tooltip appeared over the bars');
  assert.match(tip, /Task \d+.*computing on worker \d.*from [\d.]+ ?m?s for [\d.]+ ?m?s/);
});

test('screenshots at 1280 and 390 pixels wide', async () => {
  for (const width of [1280, 390]) {
    const s = await browser({ width, height: 900 });
    try {
      await open(s.page, site.url, 'mode=parallel&workload=mixed&kernel=primes&tasks=8&work_ms=40&latency_ms=150&threads=2');
      await runAndWait(s.page, 'Compare all modes');
      assertSameChecksums(await rows(s.page), MODES, `${width} px: `);
      const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width} px: the page scrolls sideways by ${overflow} px`);
      await s.page.screenshot({ path: join(ARTIFACTS, `screenshot-${width}.png`), fullPage: true });
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  }
});
