// "Predict first" for the page's own buttons: with the switch on, Run,
// Compare all modes and Sweep threads each ask before they measure, and the
// prediction then stands beside the measurement, in words and on the chart
// that shows it (a time on the timeline's axis, a ring on the speedup
// chart). The switch is remembered in this browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ARTIFACTS, ROOT, browser, clickAndSee, closeSite, open, openSite, ready } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

const QUERY = 'mode=concurrent&workload=io&tasks=4&latency_ms=100&jitter_ms=0&threads=2';

/** The panel's question, once a button has asked it. */
const question = (page) => page.locator('.predict-first form.predict');

/**
 * Clicks `button` (the question's go button), waits for the run it started
 * to end and returns the prediction's paragraph. The panel says "Running…"
 * while the run goes on: a click that started nothing fails here instead of
 * reading the panel's earlier prediction. A MutationObserver, set before the
 * click, sees that state however short the run (a 60 ms run on a busy
 * machine came and went between two of Playwright's polls).
 */
async function scored(page, button) {
  await clickAndSee(page, button, '.predict-first .result.running');
  const panel = page.locator('.predict-first');
  await panel.locator('.prediction').waitFor({ timeout: 60000 });
  return panel.locator('.prediction');
}

test('with Predict first on, Run asks for a time, refuses to run without one, and draws the answer on the timeline', async () => {
  const { page } = b;
  await open(page, site.url, QUERY);
  const toggle = page.getByRole('checkbox', { name: /Predict first/ });
  await toggle.check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const form = question(page);
  await form.waitFor({ timeout: 5000 });
  // Nothing runs until the question is answered or skipped.
  assert.equal(await page.locator('.status progress').count(), 0, 'Run ran before the question was answered');
  const field = form.getByRole('spinbutton', { name: /How long will the run take \(Concurrent \(async\), 4 tasks\)\?.*milliseconds/ });
  // The keyboard's focus moved to the answer: the form appeared away from Run.
  assert.equal(await field.evaluate((e) => e === document.activeElement), true, 'focus on the answer');
  await form.getByRole('button', { name: 'Run with my prediction' }).click();
  await form.getByRole('alert').waitFor({ timeout: 5000 });
  assert.match(await form.getByRole('alert').textContent(), /Type a number from 0 to 600000/);
  // The hint describes the field, which says it is not yet answered.
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.match(await field.evaluate((e) => document.getElementById(e.getAttribute('aria-describedby'))?.textContent ?? ''), /Type a number/);
  assert.equal(await page.locator('.status progress').count(), 0, 'an empty answer started the run');
  // Four 100 ms waits at once on one thread: about 100 ms. Predict 400.
  await field.fill('400');
  const p = await scored(page, form.getByRole('button', { name: 'Run with my prediction' }));
  const text = await p.textContent();
  // At least the 100 ms wait; more on a busy machine (a 60 ms run took
  // 70.4 in a CI run): any time under the 400 predicted is "over".
  const [, took] = text.match(/You predicted 400 ms; measured ([\d.]+) ms: \d+ % over\./) ?? [];
  assert.ok(took && Number(took) >= 99.9 && Number(took) < 400, text);
  assert.equal(await p.getAttribute('data-right'), 'false', text);
  // The why comes from the run: its tasks, its time, the waits' overlap.
  const [, run, waits] = text.match(/4 tasks in ([\d.]+) ms: .* at most 4 tasks in flight at once\. The waits add up to (\d+) ms: they overlapped/) ?? [];
  assert.ok(run === took && Number(waits) >= 399, text);
  assert.equal(await form.count(), 0, 'the question closes once answered');
  const canvas = page.locator('.timeline canvas[data-predicted-ms]').first();
  assert.equal(await canvas.getAttribute('data-predicted-ms'), '400');
  await page.locator('.timeline').screenshot({ path: join(ARTIFACTS, 'predict-timeline.png') });
  // The next run without a prediction takes the marker away.
  await toggle.uncheck();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => !document.querySelector('.timeline canvas[data-predicted-ms]'), null, { timeout: 30000 });
  assert.deepEqual(b.errors, []);
});

test('Compare asks which mode finishes first, "About the same" included, and Sweep puts the predicted speedup on its chart', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=parallel&workload=cpu&kernel=mandelbrot&tasks=8&work_ms=20&threads=2');
  await page.getByRole('checkbox', { name: /Predict first/ }).check();
  await page.getByRole('button', { name: 'Compare all modes', exact: true }).click();
  const group = question(page).getByRole('group', { name: /Predict first: Which finishes first\?/ });
  await group.waitFor({ timeout: 5000 });
  const options = await group.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.labels[0].textContent.trim()));
  assert.deepEqual(options, ['Sequential', 'Concurrent (async)', 'Parallel (threads)', 'Concurrent + parallel', 'About the same'], options.join(' | '));
  await group.getByRole('radio', { name: 'About the same' }).check();
  const p = await scored(page, question(page).getByRole('button', { name: 'Compare with my prediction' }));
  const text = await p.textContent();
  // On 8 tasks of computation a thread pool of 2 beats one thread, and the
  // page says which came first; with another program on a core the pool
  // may not (parallel / sequential up to 1.06 measured, e2e/lib.mjs), and
  // all four can finish within 5 %: then "about the same" was right.
  assert.match(text, /You predicted about the same; (.* finished first, \d+(\.\d)?× as fast as .*|they were, within 5 % of each other\. )Wall time, as measured: Sequential: [\d.]+ m?s; Concurrent \(async\): [\d.]+ m?s; Parallel \(threads\): [\d.]+ m?s; Concurrent \+ parallel: [\d.]+ m?s\./, text);

  await page.getByRole('button', { name: 'Sweep threads', exact: true }).click();
  const field = question(page).getByRole('spinbutton', { name: /On 2 threads, how many times as fast as on one\?.*times as fast/ });
  await field.fill('1.5');
  const s = await scored(page, question(page).getByRole('button', { name: 'Sweep with my prediction' }));
  assert.match(await s.textContent(), /You predicted 1\.5×; measured \d\.\d+×/);
  const chart = page.locator('canvas[data-name=speedup]');
  await chart.waitFor({ timeout: 10000 });
  assert.equal(await chart.getAttribute('data-predicted'), '2:1.5');
  await page.locator('.speedup').screenshot({ path: join(ARTIFACTS, 'predict-speedup.png') });
  assert.deepEqual(b.errors, []);
});

test('the switch is remembered across a reload, and Skip runs without a prediction', async () => {
  const { page } = b;
  await open(page, site.url, QUERY);
  const toggle = page.getByRole('checkbox', { name: /Predict first/ });
  // Left on by the test before (this browser's storage).
  assert.equal(await toggle.isChecked(), true, 'the switch was not remembered');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await question(page).waitFor({ timeout: 5000 });
  // A setting changed while the question waits: the question follows it,
  // and the keyboard's focus stays on the setting.
  const tasks = page.getByRole('spinbutton', { name: 'Tasks', exact: true });
  await tasks.focus();
  await tasks.press('ArrowUp');
  await question(page).getByRole('spinbutton', { name: /5 tasks/ }).waitFor({ timeout: 5000 });
  assert.equal(await tasks.evaluate((e) => e === document.activeElement), true, 'the rebuilt question took the focus');
  await question(page).getByRole('button', { name: 'Skip the prediction' }).click();
  await page.waitForFunction(() => document.querySelector('.compare tbody tr[data-mode=concurrent]')?.dataset.outcome === 'completed', null, { timeout: 30000 });
  assert.equal(await page.locator('.predict-first .prediction').count(), 0, 'a skipped question has nothing to score');
  await toggle.uncheck();
  await page.reload();
  await page.getByRole('checkbox', { name: /Predict first/ }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: /Predict first/ }).isChecked(), false);
  assert.deepEqual(b.errors, []);
});

/** axe-core's WCAG 2.1 AA violations inside `selector`, light and dark. */
async function axe(page, selector) {
  const found = {};
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    found[scheme] = await page.evaluate(async (sel) => {
      const r = await globalThis.axe.run(document.querySelector(sel), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    }, selector);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

test('390 px: the questions and the predictions beside their measurements pass axe, light and dark', async () => {
  // Its own browser: axe is injected, which the page's policy forbids.
  const s = await browser({ width: 390, height: 900, bypassCSP: true });
  try {
    const { page } = s;
    await open(page, site.url, QUERY);
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
    await page.getByRole('checkbox', { name: /Predict first/ }).check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await question(page).waitFor({ timeout: 5000 });
    // Asked, with the hint an empty answer brings.
    await question(page).getByRole('button', { name: 'Run with my prediction' }).click();
    await question(page).getByRole('alert').waitFor({ timeout: 5000 });
    assert.deepEqual(await axe(page, '.predict-first'), { light: [], dark: [] }, 'asked');
    await question(page).getByRole('spinbutton').fill('120');
    await scored(page, question(page).getByRole('button', { name: 'Run with my prediction' }));
    assert.deepEqual(await axe(page, '.predict-first'), { light: [], dark: [] }, 'answered');
    await page.locator('.panel').screenshot({ path: join(ARTIFACTS, 'predict-panel-390.png') });
    // A lesson's card, answered and measured.
    const card = page.locator('.lesson[data-id="concurrency"]');
    await card.getByRole('radio', { name: 'About the same' }).check();
    await card.getByRole('button', { name: 'Try it', exact: true }).click();
    await card.locator('.prediction').waitFor({ timeout: 60000 });
    assert.deepEqual(await axe(page, '.lesson[data-id="concurrency"]'), { light: [], dark: [] }, 'a lesson answered');
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('a prediction travels in a result link: the receiver sees it beside the sender\'s runs, and predicts before Run it here', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=concurrent&workload=io&tasks=4&latency_ms=60&jitter_ms=0&threads=2');
  await page.getByRole('checkbox', { name: /Predict first/ }).check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await question(page).getByRole('spinbutton').fill('250');
  const mine = await (await scored(page, question(page).getByRole('button', { name: 'Run with my prediction' }))).textContent();
  await page.getByRole('checkbox', { name: /Predict first/ }).uncheck();
  await page.getByRole('button', { name: 'Share this result', exact: true }).click();
  await page.locator('.share-made').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('.share-made').getAttribute('data-predicted'), 'true');
  assert.match(await page.locator('.share-made .caption').textContent(), /carries your prediction/);
  const link = await page.locator('.share-link').inputValue();

  const other = await browser();
  try {
    await other.page.goto(link);
    await other.page.waitForFunction(() => document.querySelector('.received-state')?.dataset.shown === 'true', null, { timeout: 15000 });
    await ready(other.page);
    const sent = other.page.locator('.recorded-result .prediction.sent');
    const text = await sent.textContent();
    // The sender's own words, from the same runs: "predicted 250 ms; measured …".
    const measured = mine.match(/measured ([\d.]+ ms)/)[1];
    assert.match(text, new RegExp(`^Asked before the run: How long will the run take \\(Concurrent \\(async\\), 4 tasks\\)\\? The sender predicted 250 ms; measured ${measured.replace('.', '\\.')}: \\d+ % over\\.`), text);
    // The receiver is asked the same question of this machine's run.
    const form = other.page.locator('.recorded-result form.predict');
    const field = form.getByRole('spinbutton', { name: /How long will the run take \(Concurrent \(async\), 4 tasks\)\?/ });
    await field.fill('60');
    await form.getByRole('button', { name: 'Run it here with my prediction' }).click();
    const theirs = other.page.locator('.received-prediction .prediction');
    await theirs.waitFor({ timeout: 60000 });
    // Four 60 ms waits at once take at least 60 ms, and more on a busy
    // machine (70.4 ms in a CI run, 2026-12-03): the verdict follows from
    // the figure measured (right within 25 %, NEAR in lessons/predict.rs).
    const said = await theirs.textContent();
    const [, took] = said.match(/^(?:Right|Not this time)\. You predicted 60\.0 ms; measured ([\d.]+) ms: /) ?? [];
    assert.ok(took && Number(took) >= 59.9, said);
    // The share off, from the rounded figure shown: within a point of the
    // sentence's (either verdict where the 0.1 ms rounding straddles 25 %).
    const off = Math.abs(60 / Number(took) - 1);
    const [, stated] = said.match(said.startsWith('Right') && off <= 0.252 || off < 0.248 ? /^Right\. .*: right, (\d+) % off\./ : /^Not this time\. .*: (\d+) % under\./) ?? [];
    assert.ok(stated !== undefined && Math.abs(Number(stated) - off * 100) <= 1, `${off * 100} % off: ${said}`);
    // Its time is drawn on the timeline of the run it predicted.
    assert.equal(await other.page.locator('.timeline canvas[data-predicted-ms]').first().getAttribute('data-predicted-ms'), '60');
    await other.page.locator('.recorded-result').screenshot({ path: join(ARTIFACTS, 'predict-received.png') });
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(b.errors, []);
});
