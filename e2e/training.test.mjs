// The training card (issue 22): the same logistic regression on every rung
// of the ladder (scalar, SIMD, SIMD on every thread, the GPU through
// WebGPU), and swept over thread counts. Chromium started with
// --enable-unsafe-webgpu offers SwiftShader's software adapter; without the
// flag it offers none, and the CPU rungs run alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, browser, drawnPixels, open, ready, serve, downloaded } from './lib.mjs';

let site;
after(() => site?.close());

/** Chooses the card's numbers, presses `button`, and waits for the runs to end. */
async function train(page, button, { batch = '4096', features = '64', steps = 20 } = {}) {
  const card = page.locator('section.training');
  await card.locator('#training-batch').selectOption(batch);
  await card.locator('#training-features').selectOption(features);
  await card.locator('#training-steps').fill(String(steps));
  await card.locator('#training-steps').dispatchEvent('change');
  await card.locator(button).click();
  await page.waitForFunction(() => document.querySelector('#training-climb')?.disabled, null, { timeout: 10000 }).catch(() => {});
  await page.waitForFunction(() => !document.querySelector('#training-climb')?.disabled, null, { timeout: 180000 });
}

/** Clicks the training card's `button` and returns the downloaded file's text. */
async function download(page, button) {
  return (await downloaded(page, page.locator('section.training').getByRole('button', { name: button, exact: true }))).text;
}

/** The card's charts, each as a PNG data URL, by name. */
async function pictures(page) {
  return page.$$eval('section.training canvas[data-name]', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.name, c.toDataURL()])));
}

/** The ladder's cells: { rung, batch, ms, loss, uploadMs } each. */
async function ladderCells(page) {
  return page.$$eval('table.training-ladder td[data-rung]', (cs) => cs.map((c) => ({ ...c.dataset })));
}

async function opened(args) {
  site ??= await serve();
  const b = await browser({ args });
  await open(b.page, site.url);
  await ready(b.page);
  return b;
}

test('with a software GPU: every rung trains, the GPU agrees with the CPU, and the adapter is named a fallback', async () => {
  const b = await opened(['--enable-unsafe-webgpu']);
  try {
    const { page } = b;
    await train(page, '#training-climb', { batch: '4096' });
    const gpuLine = await page.locator('.training-gpu').textContent();
    assert.match(gpuLine, /swiftshader/i, gpuLine);
    assert.match(gpuLine, /software fallback/, gpuLine);
    const cells = await ladderCells(page);
    // 1,024 and 4,096 samples a step, four rungs each.
    assert.deepEqual([...new Set(cells.map((c) => c.rung))], ['scalar', 'simd', 'threads', 'gpu']);
    assert.deepEqual([...new Set(cells.map((c) => c.batch))], ['1024', '4096']);
    for (const c of cells) {
      assert.ok(Number(c.ms) > 0, `${c.rung} at ${c.batch}: a measured step time, got ${c.ms}`);
      assert.ok(Number.isFinite(Number(c.loss)), `${c.rung} at ${c.batch}: a loss`);
    }
    // The same model on the same samples: the GPU's f32 sums (in another
    // order) agree with the CPU's fixed-point ones. Measured here: the
    // losses after 20 steps differ by about 1e-7; 1e-4 leaves room for any
    // GPU's rounding, and still fails a wrong gradient (a missing feature
    // or sample moves the loss by more than 1e-3).
    for (const batch of ['1024', '4096']) {
      const at = (rung) => Number(cells.find((c) => c.rung === rung && c.batch === batch).loss);
      assert.ok(Math.abs(at('gpu') - at('simd')) < 1e-4, `GPU ${at('gpu')} against SIMD ${at('simd')} at ${batch}`);
      assert.ok(Math.abs(at('scalar') - at('simd')) < 1e-5, `scalar ${at('scalar')} against SIMD ${at('simd')}`);
      // The checksum: every thread count gives the same bits.
      assert.equal(at('threads'), at('simd'), `SIMD on every thread against one at ${batch}`);
    }
    assert.ok(Number(cells.find((c) => c.rung === 'gpu').uploadMs) > 0, 'the data set upload is timed apart');
    const sentences = (await page.locator('.training-sentence').allTextContents()).join(' ');
    assert.match(sentences, /bit for bit/, sentences);
    assert.match(sentences, /software fallback \(google, swiftshader\)/, sentences);
    for (const name of ['training-ladder', 'training-loss', 'training-phases']) {
      assert.ok((await drawnPixels(page, `canvas[data-name=${name}]`)) > 500, `${name} is drawn`);
    }
    await page.locator('section.training').screenshot({ path: join(ARTIFACTS, 'training-ladder.png') });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('without WebGPU: the page says so, and the CPU rungs still train', async () => {
  const b = await opened([]);
  try {
    const { page } = b;
    await train(page, '#training-climb', { batch: '1024', features: '16', steps: 10 });
    const gpuLine = await page.locator('.training-gpu').textContent();
    assert.match(gpuLine, /no GPU adapter|no WebGPU/, gpuLine);
    const rungs = [...new Set((await ladderCells(page)).map((c) => c.rung))];
    assert.deepEqual(rungs, ['scalar', 'simd', 'threads']);
    const sentences = (await page.locator('.training-sentence').allTextContents()).join(' ');
    assert.doesNotMatch(sentences, /the GPU/, sentences);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('scaling up and out: a row per thread count, both ways of summing, and the fits stated', async () => {
  const b = await opened([]);
  try {
    const { page } = b;
    await train(page, '#training-scale', { batch: '4096', steps: 20 });
    const rows = await page.$$eval('table.training-scaling tbody tr', (rs) => rs.map((r) => ({ ...r.dataset })));
    const pool = Number(await page.locator('[data-fact=pool]').textContent().then((t) => t.match(/\d+/)?.[0] ?? '0'));
    assert.ok(pool >= 2, `a pool of ${pool}`);
    const up = rows.filter((r) => r.kind === 'up');
    const out = rows.filter((r) => r.kind === 'out');
    // p = 1 once, then both ways of summing at each p > 1.
    assert.equal(up.length, 1 + 2 * (pool - 1), JSON.stringify(up));
    assert.equal(out.length, pool, JSON.stringify(out));
    for (const r of rows) {
      assert.ok(Number(r.ms) > 0, JSON.stringify(r));
      for (const share of [r.allreduceShare, r.waitShare]) assert.ok(Number(share) >= 0 && Number(share) < 1, JSON.stringify(r));
    }
    // Each thread count once (both ways of summing above one), in order.
    assert.deepEqual(out.map((r) => Number(r.threads)), Array.from({ length: pool }, (_, i) => i + 1));
    assert.deepEqual([...new Set(up.map((r) => Number(r.threads)))], Array.from({ length: pool }, (_, i) => i + 1));
    // Scaling out: p threads train p times one thread's samples.
    for (const r of out) assert.equal(Number(r.batch), Number(r.threads) * Number(out[0].batch), JSON.stringify(out));
    // Scaling up: the same samples on every row.
    assert.equal(new Set(up.map((r) => r.batch)).size, 1, JSON.stringify(up));
    const sentences = (await page.locator('.training-sentence').allTextContents()).join(' ');
    assert.match(sentences, /Scaling up \(the same 4,096 samples a step\)/, sentences);
    assert.match(sentences, /weak-scaling efficiency \d+ %/, sentences);
    assert.match(sentences, /Gustafson's law fits/, sentences);
    assert.ok((await drawnPixels(page, 'canvas[data-name=training-scaling]')) > 500, 'the scaling chart is drawn');
    // Every run as a band of its threads' phases, and its replay: at any
    // instant each thread is in one phase of one step, or idle.
    const stack = page.locator('canvas[data-name=training-timelines]');
    assert.equal(Number(await stack.getAttribute('data-bands')), rows.length);
    assert.ok((await drawnPixels(page, 'canvas[data-name=training-timelines]')) > 500, 'the timelines are drawn');
    const scrubber = page.getByRole('slider', { name: 'Training replay position' });
    const end = Number(await scrubber.getAttribute('max'));
    assert.ok(end > 0, `the replay spans the runs: ${end}`);
    const seen = [];
    for (const at of [0.25, 0.5, 0.75].map((f) => f * end)) {
      await scrubber.fill(String(at));
      const moment = page.locator('.training-moment');
      await page.waitForFunction((t) => Math.abs(Number(document.querySelector('.training-moment')?.dataset.at) - t) < 1e-6, at);
      const lines = await moment.locator('dd').allTextContents();
      // A band's threads: one line each, for every run.
      assert.equal(lines.length, rows.reduce((n, r) => n + Number(r.threads), 0), lines.join(' | '));
      for (const l of lines) assert.match(l, /^(step \d+: (computing its gradient|waiting at the barrier|summing its share \(all-reduce\))|idle); \d+ steps? done$/, l);
      seen.push(...(await moment.locator('dd').evaluateAll((ds) => ds.map((d) => Number(d.dataset.stepsDone)))));
    }
    assert.ok(seen.some((n) => n > 0), `steps finish as the cursor moves: ${seen}`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test("the card's numbers travel in the link, and a bad one is said, not obeyed", async () => {
  site ??= await serve();
  const b = await browser();
  try {
    const { page } = b;
    await open(page, site.url, 'train_features=16&train_batch=1024&train_steps=7&train_reduce=to-one');
    await ready(page);
    const card = page.locator('section.training');
    assert.equal(await card.locator('#training-features').inputValue(), '16');
    assert.equal(await card.locator('#training-batch').inputValue(), '1024');
    assert.equal(await card.locator('#training-steps').inputValue(), '7');
    assert.equal(await card.locator('#training-reduce').inputValue(), 'to-one');
    // A change goes back into the address, beside the settings.
    await card.locator('#training-batch').selectOption('4096');
    await page.waitForFunction(() => location.search.includes('train_batch=4096'), null, { timeout: 5000 });
    assert.match(page.url(), /train_features=16/);
    // A value the card does not offer: the nearest is used, and said.
    await open(page, site.url, 'train_batch=5000&train_steps=lots');
    await ready(page);
    assert.equal(await card.locator('#training-batch').inputValue(), '4096');
    const status = await card.locator('.training-status').textContent();
    assert.match(status, /From the link: training: Samples per step: 5,000 is not offered; 4,096 used/, status);
    assert.match(status, /train_steps: lots is not a whole number/, status);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a result link carries the training card\'s runs: another page without WebGPU shows the same figures, the sender\'s adapter named', async () => {
  const b = await opened(['--enable-unsafe-webgpu']);
  try {
    const { page } = b;
    await train(page, '#training-climb', { batch: '4096', features: '16', steps: 12 });
    await train(page, '#training-scale', { batch: '4096', features: '16', steps: 12 });
    const card = page.locator('section.training');
    const sent = {
      cells: await ladderCells(page),
      rows: await page.$$eval('table.training-scaling tbody tr', (rs) => rs.map((r) => ({ ...r.dataset }))),
      sentences: await card.locator('.training-sentence').allTextContents(),
      charts: await pictures(page),
    };
    await card.screenshot({ path: join(ARTIFACTS, 'training-sent.png') });
    assert.ok(sent.cells.some((c) => c.rung === 'gpu'), 'the sender ran the GPU rung');
    // The report holds the table's figures; the trace, every device's phases.
    const report = JSON.parse(await download(page, 'Training report (JSON)'));
    assert.equal(report.kind, 'training');
    assert.equal(report.ladder.length, sent.cells.length);
    for (const c of sent.cells) {
      const r = report.ladder.find((x) => x.rung === c.rung && String(x.batch) === c.batch);
      // Times to the microsecond (the clock's), losses to the last digit.
      assert.ok(Math.abs(r.ms_per_step - Number(c.ms)) <= 0.0005, `${c.rung} at ${c.batch}: ${r.ms_per_step} against ${c.ms}`);
      assert.equal(r.last_loss, Number(c.loss), `${c.rung} at ${c.batch}`);
      assert.equal(r.losses.length, 12);
    }
    assert.equal(report.scaling_up.length + report.scaling_out.length, sent.rows.length);
    assert.match(report.software_adapter, /swiftshader/i);
    const trace = JSON.parse(await download(page, 'Training trace for Perfetto / DevTools'));
    const phases = trace.traceEvents.filter((e) => e.ph === 'X');
    assert.deepEqual([...new Set(phases.map((e) => e.cat))].sort(), ['all-reduce', 'barrier wait', 'gradient']);
    assert.ok(phases.some((e) => e.tid === 2), 'a second device');
    await card.getByRole('button', { name: 'Share these runs (link)' }).click();
    const made = card.locator('.training-share');
    await made.waitFor({ timeout: 15000 });
    const link = await made.locator('input').inputValue();
    assert.match(link, /train_features=16.*#r=/, link);
    assert.ok(Number(await made.getAttribute('data-link-bytes')) <= 8192, 'within the link budget');
    assert.match(await made.locator('.caption').textContent(), /the losses at the largest batch/);

    const other = await browser();
    try {
      await open(other.page, link);
      await other.page.locator('.training-received').waitFor({ timeout: 15000 });
      const there = other.page.locator('section.training');
      const notice = await there.locator('.training-received').textContent();
      assert.match(notice, /These runs came in a link: measured on .*Nothing of them ran here/, notice);
      assert.match(notice, /swiftshader/i, notice);
      // Every figure of the table, to the last digit, and the same words:
      // the sender's software adapter named though this page has no WebGPU.
      assert.deepEqual(await ladderCells(other.page), sent.cells);
      assert.deepEqual(await other.page.$$eval('table.training-scaling tbody tr', (rs) => rs.map((r) => ({ ...r.dataset }))), sent.rows);
      assert.deepEqual(await there.locator('.training-sentence').allTextContents(), sent.sentences);
      assert.equal(await there.locator('#training-features').inputValue(), '16');
      // A report would be of this page's machine: none is offered for them.
      assert.equal(await there.getByRole('button', { name: 'Training report (JSON)' }).count(), 0);
      // The charts, pixel for pixel (same viewport, same theme): drawn
      // from the figures and the steps that travelled.
      const charts = await pictures(other.page);
      // Each run's every step stays with the sender: no timelines, said.
      assert.ok('training-timelines' in sent.charts);
      assert.equal(await there.locator('canvas[data-name=training-timelines]').count(), 0);
      assert.match(await there.locator('.training-no-timelines').textContent(), /stay with the machine that measured/);
      assert.equal(await there.getByText(/Replay it slowly/).count(), 0, 'no promise of a chart that is not there');
      for (const name of Object.keys(sent.charts).filter((n) => n !== 'training-timelines')) {
        assert.ok((await drawnPixels(other.page, `canvas[data-name=${name}]`)) > 500, `${name} is drawn from the link`);
        assert.ok(charts[name] === sent.charts[name], `${name} is drawn as the sender drew it`);
      }
      await there.screenshot({ path: join(ARTIFACTS, 'training-received.png') });
      // Measuring here replaces the sender's runs, and the notice goes.
      await train(other.page, '#training-climb', { batch: '1024', features: '16', steps: 5 });
      assert.equal(await there.locator('.training-received').count(), 0);
      assert.deepEqual([...new Set((await ladderCells(other.page)).map((c) => c.rung))], ['scalar', 'simd', 'threads']);
      assert.equal(await there.locator('table.training-scaling').count(), 0, "the sender's sweeps went with its ladder");
      assert.deepEqual(other.errors, []);
    } finally {
      await other.close();
    }
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('390 px: the training card with every chart, the replay and a link made passes axe, light and dark', async () => {
  site ??= await serve();
  // Its own browser: axe is injected, which the page's policy forbids.
  const s = await browser({ width: 390, height: 900, bypassCSP: true });
  try {
    const { page } = s;
    await open(page, site.url);
    await ready(page);
    await train(page, '#training-climb', { batch: '4096', features: '16', steps: 12 });
    await train(page, '#training-scale', { batch: '4096', features: '16', steps: 12 });
    const card = page.locator('section.training');
    const scrubber = card.getByRole('slider', { name: 'Training replay position' });
    await scrubber.fill(String(Number(await scrubber.getAttribute('max')) / 2));
    await card.getByRole('button', { name: 'Share these runs (link)' }).click();
    await card.locator('.training-share').waitFor({ timeout: 15000 });
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
    const found = {};
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      found[scheme] = await page.evaluate(async () => {
        const r = await globalThis.axe.run(document.querySelector('section.training'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      });
    }
    assert.deepEqual(found, { light: [], dark: [] });
    // Nothing wider than the phone: the tables scroll inside their wraps.
    const wide = await page.evaluate(() => [...document.querySelectorAll('section.training > *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).map((e) => e.className || e.tagName));
    assert.deepEqual(wide, []);
    await card.screenshot({ path: join(ARTIFACTS, 'training-390.png') });
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});
