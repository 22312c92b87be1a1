// Shared state on real threads (issue 11) as a person meets it: the four
// lessons run on the pool's workers and state their numbers; racy counting
// on one thread loses nothing; a link asking for the counter on the main
// thread is moved to the Parallel mode, saying so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_CORES, attempts, clickAndSee, closeSite, facts, open, openSite, retry, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** Runs the lesson's experiment without a prediction (Skip the prediction) and returns its sentence once measured. */
async function tryLesson(page, id, timeout = 90000) {
  const card = page.locator(`.lesson[data-id="${id}"]`);
  // The card says "Running…" as soon as Try it is pressed (before the
  // experiment's first run): a click that started nothing fails here,
  // instead of reading the card's earlier sentence as this one.
  await clickAndSee(page, card.getByRole('button', { name: 'Skip the prediction' }), `.lesson[data-id="${id}"] .result.running`);
  await card.locator('.result:not(.running)').waitFor({ timeout });
  return card.locator('.result').textContent();
}

/** Which threads the page's latest runs used: the timeline's spans' workers are counted by the engine. */
async function workersOfLatest(page) {
  return page.evaluate(() => document.querySelector('.timeline .caption')?.textContent ?? '');
}

const count = (s) => Number(s.replaceAll(',', ''));

test('the race lesson runs on workers: one thread loses nothing, the pool loses updates', async (t) => {
  const { page } = b;
  await open(page, site.url);
  const pool = Number((await facts(page)).pool);
  // Racy counting on 2 threads of this 2-core machine loses a share of its
  // updates whenever the two lanes overlap; natively (tests/shared_state.rs)
  // 194,000–441,000 of 1,000,000. In this page (release site, 2026-11-26,
  // n = 2) the lesson's 4,000,000 updates on 2 threads lost 524,401 and
  // 1,047,155; on 1 thread 0 both times. On 2026-12-03 another host's runs
  // of 4,000,000 lost none in 7 of 16 attempts: its tasks took a few ms,
  // and the second lane often started as the first ended. The lesson now
  // counts 16,000,000. The bound is only "some". Zero losses means the
  // lanes never ran at once: another program held a core. Retried, and
  // skipped (saying so) when the machine was busy in every attempt.
  const { passed, busy, seen } = await retry(
    3,
    async () => {
      const sentence = await tryLesson(page, 'race');
      const [, lost1, made1] = sentence.match(/On 1 thread the racy counter lost ([\d,]+) of ([\d,]+) updates/) ?? [];
      const [, lostN] = sentence.match(/On \d+ threads it lost ([\d,]+)/) ?? [];
      return { sentence, lost1: count(lost1 ?? 'NaN'), made1: count(made1 ?? 'NaN'), lostN: lostN === undefined ? null : count(lostN), caption: await workersOfLatest(page) };
    },
    (x) => x.lost1 === 0 && (pool === 1 || x.lostN > 0),
    { needsFreeCores: true },
  );
  console.log(`# race lesson:${attempts(seen)}`);
  assert.ok(seen.every((x) => x.lost1 === 0 && x.made1 === 16000000), `one thread never loses an update:${attempts(seen)}`);
  if (pool === 1) {
    assert.match(seen[0].sentence, /one thread cannot race/, seen[0].sentence);
    return;
  }
  // The last run was on every thread of the pool, on workers.
  assert.match(seen.at(-1).caption, new RegExp(`^Parallel.* ${pool} worker threads took part`), seen.at(-1).caption);
  if (!passed && busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt; every attempt:${attempts(seen)}`);
    return;
  }
  assert.ok(passed, `updates lost on ${pool} threads in one of ${seen.length} attempts:${attempts(seen)}`);
});

test('the contention, false-sharing and lock lessons state their numbers', async (t) => {
  const { page } = b;
  await open(page, site.url);
  const pool = Number((await facts(page)).pool);

  const contention = await tryLesson(page, 'contention');
  console.log(`# contention: ${contention}`);
  assert.match(
    contention,
    pool === 1
      ? /Time per update on 1 thread: atomic [\d.]+ ns, mutex [\d.]+ ns, local [\d.]+ ns/
      : new RegExp(`Time per update, 1 → ${pool} threads: atomic [\\d.]+ → [\\d.]+ ns, mutex [\\d.]+ → [\\d.]+ ns, local [\\d.]+ → [\\d.]+ ns`),
    contention,
  );
  // The lesson's runs fill the counter card's table: a cell per strategy and thread count.
  const cells = await page.locator('table.contention td[data-ns]').count();
  assert.equal(cells, 3 * (pool === 1 ? 1 : 2), `${cells} cells`);

  // False sharing: adjacent against padded. Natively 5.6–6.4× on 2 threads;
  // in this page 3.6× and 3.0× (2026-11-26) and 2.1× (2026-12-04) on the
  // development host, but 0.67–0.83× in all three attempts on a CI host
  // (2026-12-04) with both cores otherwise idle: its two vCPUs share a line
  // without cost (one physical core, or a host that shares them). So whether
  // padding helps is the host's, retried up to 3 times for a factor ≥ 1.0
  // and said when never seen; what every attempt must do is state its own
  // measurement: the words the sentence picks follow from the card's factor
  // (PER_UPDATE_NOISE = 1.2, as the engine rounds it: one decimal).
  const fs = await retry(
    3,
    async () => {
      const sentence = await tryLesson(page, 'false-sharing');
      // The card's own figure, unrounded: the sentence's "1.0×" could be 0.95.
      const factor = Number(await page.locator('.false-sharing').getAttribute('data-factor'));
      return { sentence, factor };
    },
    (x) => pool === 1 || x.factor >= 1.0,
    { needsFreeCores: true },
  );
  console.log(`# false sharing:${attempts(fs.seen)}`);
  if (pool > 1) {
    for (const { sentence, factor } of fs.seen) {
      assert.ok(factor > 0, `the card states the factor: ${factor}`);
      const [, adjacent, padded] = sentence.match(/side by side took ([\d.]+) ns per update and counters padded apart ([\d.]+) ns/) ?? [];
      assert.ok(adjacent && padded, sentence);
      // The sentence's two figures give the card's factor (each rounded to 0.1 ns).
      const ratio = Number(adjacent) / Number(padded);
      assert.ok(Math.abs(ratio - factor) <= factor * (0.05 / Number(padded) + 0.05 / Number(adjacent)) + 1e-9, `${ratio} from the sentence, ${factor} on the card: ${sentence}`);
      const shown = (x) => Math.round(x * 10) / 10;
      const words = shown(1 / factor) >= 1.2 ? /padded apart was the slower/ : shown(factor) >= 1.2 ? /side by side was [\d.]+× as slow/ : /no slowdown was measured/;
      assert.match(sentence, words, `factor ${factor}`);
    }
    if (!fs.passed) {
      t.diagnostic(`padding did not help on this host in ${fs.seen.length} attempts${fs.busy ? ' (another program kept the cores busy)' : ''}; each sentence said so:${attempts(fs.seen)}`);
    }
  }

  // The lock: 60 % of each task under one lock, read back by the sweep.
  // Natively 0.598–0.618 on 2 threads (tests/shared_state.rs); in this page
  // (2026-11-26, n = 2) 64 % both times; the bound is ±10 points.
  // Retried, and skipped (saying so) when the machine was busy throughout.
  const lock = await retry(
    3,
    async () => {
      const sentence = await tryLesson(page, 'lock-amdahl', 120000);
      const [, read] = sentence.match(/Read back from the sweep: (\d+) %/) ?? [];
      const line = await page.locator('.lock-share').textContent().catch(() => '');
      return { sentence, read: read === undefined ? null : Number(read), line };
    },
    (x) => pool === 1 || (x.read !== null && Math.abs(x.read - 60) <= 10),
    { needsFreeCores: true },
  );
  console.log(`# lock share:${attempts(lock.seen)}`);
  if (pool === 1) {
    assert.match(lock.seen[0].sentence, /cannot be read back/, lock.seen[0].sentence);
  } else if (!lock.passed && lock.busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt:${attempts(lock.seen)}`);
  } else {
    assert.ok(lock.passed, `the lock share read back within 60 ± 10 %:${attempts(lock.seen)}`);
    assert.match(lock.seen.at(-1).line, /configured 60 %, read back from the sweep \d+ %/, lock.seen.at(-1).line);
  }
  assert.deepEqual(b.errors, []);
});

test('racy counting on one thread loses nothing, and the card says what it counted', async () => {
  const { page } = b;
  await open(page, site.url, 'workload=counter&mode=parallel&strategy=racy&threads=1&tasks=4&updates=500000');
  await runAndWait(page, 'Run');
  const tally = await page.locator('dl.tally').evaluate((e) => ({ ...e.dataset }));
  assert.equal(tally.strategy, 'racy');
  assert.equal(tally.threads, '1');
  assert.equal(tally.expected, '2000000');
  assert.equal(tally.actual, '2000000');
  assert.equal(tally.lost, '0');
  assert.ok(Number(tally.ns) > 0, `ns per update ${tally.ns}`);
  assert.match(await page.locator('dl.tally').textContent(), /Expected total2,000,000.*Actual total2,000,000.*Updates lost0 \(0\.0 %\)/s);
});

test('a link asking for the counter on the main thread is moved to Parallel, with a notice', async () => {
  const { page } = b;
  await open(page, site.url, 'workload=counter&mode=concurrent');
  assert.equal(await page.locator('#setting-mode').inputValue(), 'parallel');
  const notices = await page.locator('.notices').textContent();
  assert.match(notices, /the shared counter runs on the pool's threads only, so Parallel \(threads\) instead of Concurrent/i, notices);
  // The counter's own settings are shown while it is the workload.
  assert.ok(await page.locator('#setting-strategy').isVisible());
  assert.ok(await page.locator('#setting-updates').isVisible());
  assert.match(page.url(), /mode=parallel/);
  // Choosing a main-thread mode by hand is refused the same way.
  await page.locator('#setting-mode').selectOption('sequential');
  assert.equal(await page.locator('#setting-mode').inputValue(), 'parallel');
  assert.match(await page.locator('.notices').textContent(), /pool's threads only/);
});
