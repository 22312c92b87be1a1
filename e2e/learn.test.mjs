// Learn's presets (the article's examples) as a person uses them: a card
// asks for a prediction before it runs and shows it beside the measurement;
// each Try it runs and states a measured number on its card, each card keeps its
// sentence while others run, and the 10,000-connection chat server keeps
// the page responsive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, BUSY_CORES, attempts, clickAndSee, closeSite, facts, open, openSite, retry, rows } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

const NUMBER = /\d+(\.\d+)? ?(ms|s|%|×)/;

/** Runs the card's experiment without a prediction (Skip the prediction) and returns its sentence once measured. */
async function tryIt(page, card, timeout = 90000) {
  // The card says "Running…" as soon as Try it is pressed (before the
  // experiment's first run): a click that started nothing fails here,
  // instead of reading the card's earlier sentence as this one.
  const id = await card.getAttribute('data-id');
  const kind = await card.evaluate((e) => (e.classList.contains('preset') ? 'preset' : 'lesson'));
  await clickAndSee(page, card.getByRole('button', { name: 'Skip the prediction' }), `.${kind}[data-id="${id}"] .result.running`);
  await card.locator('.result:not(.running)').waitFor({ timeout });
  return card.locator('.result').textContent();
}

test('every preset runs from its Try it and states a measured number, and every sentence stays on its card', async () => {
  const { page } = b;
  await open(page, site.url);
  const presets = page.locator('.preset');
  const count = await presets.count();
  assert.ok(count >= 6, `${count} presets`);
  const said = {};
  for (let i = 0; i < count; i++) {
    const card = presets.nth(i);
    const id = await card.getAttribute('data-id');
    said[id] = await tryIt(page, card);
    console.log(`# ${id}: ${said[id]}`);
    assert.match(said[id], NUMBER, `${id}: ${said[id]}`);
    assert.doesNotMatch(said[id], /did not complete/, `${id}: ${said[id]}`);
  }
  // Every card still shows its own sentence after the others ran.
  for (const [id, sentence] of Object.entries(said)) {
    assert.equal(await page.locator(`.preset[data-id="${id}"] .result`).textContent(), sentence, id);
  }
  // The chat server states the refused thread-per-connection run with its estimate.
  assert.match(said['chat-server'], /need 10,000 threads; on this pool's \d+ .* refused/, said['chat-server']);
  // Half of the work on pools of up to 8 threads (lessons.rs says why).
  assert.match(said.mapreduce, /set to 50 % of the work; .* finds \d+\.\d % serial/, said.mapreduce);
  // The training lessons run on the training card and state what it measured.
  assert.match(said['gpu-training'], /At 16,384 samples a step; scalar on one thread took/, said['gpu-training']);
  assert.match(said['up-vs-out'], /weak-scaling efficiency \d+ %/, said['up-vs-out']);
  assert.deepEqual(b.errors, []);
});

test('a lesson keeps its sentence when another lesson runs', async () => {
  const { page } = b;
  await open(page, site.url);
  const first = page.locator('.lesson[data-id="concurrency"]');
  const second = page.locator('.lesson[data-id="blocked-threads"]');
  const a = await tryIt(page, first);
  const c = await tryIt(page, second);
  assert.match(a, NUMBER);
  assert.match(c, NUMBER);
  assert.equal(await first.locator('.result').textContent(), a);
});

test('a lesson asks first: Try it without an answer runs nothing and says so; with one, prediction and measurement side by side', async () => {
  const { page } = b;
  await open(page, site.url);
  const card = page.locator('.lesson[data-id="concurrency"]');
  await card.getByRole('button', { name: 'Try it', exact: true }).click();
  await card.getByRole('alert').waitFor({ timeout: 5000 });
  assert.match(await card.getByRole('alert').textContent(), /Pick one/);
  // Nothing ran: no "Running…", no sentence.
  await page.waitForTimeout(500);
  assert.equal(await card.locator('.result').count(), 0, 'Try it without a prediction started the experiment');
  // The question is a choice between the modes it runs, labelled by its legend.
  const group = card.getByRole('group', { name: /Predict first: Which finishes first\?/ });
  await group.getByRole('radio', { name: 'Sequential' }).check();
  await card.getByRole('button', { name: 'Try it', exact: true }).click();
  await card.locator('.result:not(.running)').waitFor({ timeout: 60000 });
  const prediction = card.locator('.prediction');
  // Sequential waits one wait after another; overlapping them on one thread wins.
  assert.equal(await prediction.getAttribute('data-right'), 'false');
  assert.match(await prediction.textContent(), /You predicted Sequential; Concurrent \(async\) finished first, \d+(\.\d)?× as fast\..*Wall time, as measured: Sequential: [\d.]+ m?s; Concurrent \(async\): [\d.]+ m?s\./);
  await card.locator('.prediction').screenshot({ path: join(ARTIFACTS, 'prediction-after.png') });
  assert.deepEqual(b.errors, []);
});

test('10,000 connections on the event loop finish in about the longest wait with a longest frame gap of at most 50 ms', async (t) => {
  const { page } = b;
  // Measured on this 2-core machine (2026-11-26, release site, the preset's
  // Try it; a 60 Hz frame is 16.7 ms): quiet, n = 10: longest frame gap 16.7 ms
  // nine times and 33.3 ms once, makespan 2294–2295 ms (longest wait 2.29 s);
  // with another program spinning on one core, n = 8: 16.7 ms four times, 33.3
  // ms four times, makespan 2294–2301 ms. No run dropped more than one frame
  // in a row, so the bound of 50 ms (three frames; the browsers' long-task
  // threshold) holds with a frame to spare; a retry absorbs a rare outlier,
  // and a machine busy in every attempt skips, saying so.
  const { passed, busy, seen } = await retry(
    3,
    async () => {
      await open(page, site.url);
      const sentence = await tryIt(page, page.locator('.preset[data-id="chat-server"]'));
      const r = (await rows(page)).concurrent;
      // The longest wait as the sentence states it (from the run's spans).
      const [, value, unit] = sentence.match(/and ([\d.]+) (ms|s) at the longest/) ?? [];
      const longestWait = unit === 's' ? value * 1000 : +value;
      return { makespan: r?.makespan, longestWait, gap: r?.gap, longGaps: r?.longGaps, finished: r?.finished, sentence };
    },
    (x) => x.finished === 10000 && x.gap <= 50 && x.makespan <= 1.1 * x.longestWait,
    { needsFreeCores: true },
  );
  console.log(`# chat server, 10,000 connections:${attempts(seen)}`);
  assert.ok(seen.every((x) => x.finished === 10000), `every connection answered:${attempts(seen)}`);
  if (!passed && busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt; every attempt:${attempts(seen)}`);
    return;
  }
  assert.ok(passed, `makespan ≤ 1.1 × the longest wait and longest frame gap ≤ 50 ms in one of ${seen.length} attempts:${attempts(seen)}`);
});

test('with more threads than cores (?pool=8), the oversubscription preset states the plateau', async () => {
  const { page } = b;
  await open(page, site.url, 'pool=8');
  const f = await facts(page);
  if (f.pool !== '8') {
    // The pool setting is not applied by this build: say so rather than pass.
    assert.fail(`?pool=8 started a pool of ${f.pool}`);
  }
  const sentence = await tryIt(page, page.locator('.preset[data-id="oversubscription"]'), 120000);
  console.log(`# oversubscription, ?pool=8: ${sentence}`);
  assert.match(sentence, /With \d+–8 threads, more than the cores, the best took/, sentence);
  // On this 2-core machine (two runs, 2026-11-26): 1.8× and 2.1× at best beyond
  // the cores, against 1.8× and 1.9× on 2 threads: within the 15 % the sentence
  // allows past the core count before it blames the cores reported.
  assert.match(sentence, /add lanes, not speed/, sentence);
});
