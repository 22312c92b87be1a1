// A second browser engine: a smoke test in Firefox (Debian's firefox-esr,
// never a downloaded browser) driven by puppeteer-core over WebDriver BiDi.
// The rest of the browser tests run in Chromium (e2e/lib.mjs); this one checks
// that the page's threads, modes and waits work in Gecko too, with the same
// selectors as e2e/modes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { BUSY_CORES, facts, noRunError, retry, rows, runSeen, serve, watchRun } from './lib.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const MODES = ['sequential', 'concurrent', 'parallel', 'both'];
// The task sets of e2e/modes.test.mjs: CPU work that two threads can split,
// and waits that only overlap if they run concurrently.
const QUERIES = {
  cpu: 'workload=cpu&kernel=mandelbrot&tasks=8&work_ms=40&threads=2&slice_ms=4',
  io: 'workload=io&tasks=8&latency_ms=200&jitter_ms=0&threads=2',
};

/** Every attempt of a `retry`, one a line, for the log and a failure message. */
const attempts = (seen) => seen.map((r, i) => `\n  attempt ${i + 1}: ${JSON.stringify(r)}`).join('');

let site, firefox, page, profile;
const errors = [];

before(async () => {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: run \`scripts/setup.sh test\``);
  site = await serve();
  profile = mkdtempSync(join(tmpdir(), 'conpar-firefox-'));
  firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile });
  page = await firefox.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  console.log(`# ${await firefox.version()}`);
});

after(async () => {
  await firefox?.close();
  await site?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * Opens the app with `query` and waits until it has started its pool (or
 * given up). The pool fact is in the environment panel, which is built with
 * the deeper cards (the training card among them) a frame after the page is
 * ready (src/ui/app.rs): once it shows, those cards are there.
 */
async function open(query) {
  await page.goto(`${site.url}?${query}`);
  await page.waitForFunction(
    () => {
      const pool = document.querySelector('[data-fact=pool]')?.textContent;
      const starting = document.querySelector('.status')?.textContent?.includes('Starting');
      return pool && pool !== 'starting…' && !starting;
    },
    { timeout: 30000 },
  );
}

/**
 * Chooses `mode`, presses Run, and waits for the run to end: it must start
 * (a progress bar or a changed timeline, as e2e/lib.mjs's `runAndWait` says),
 * then its progress bar must be gone.
 */
async function run(mode) {
  await page.select('#setting-mode', mode);
  await page.evaluate(watchRun);
  await page.locator('::-p-aria([name="Run"][role="button"])').click();
  try {
    await page.waitForFunction(runSeen, { timeout: 5000 });
  } catch {
    throw await noRunError(page, 'Run');
  }
  await page.waitForFunction(() => !document.querySelector('.status progress'), { timeout: 60000 });
}

/** Opens `query`, runs each of `modes` in turn, returns the comparison table's rows. */
async function runModes(query, modes) {
  await open(query);
  for (const mode of modes) await run(mode);
  return rows(page);
}

test('Firefox: cross-origin isolated, with a pool of at least 2 threads', async () => {
  await open(QUERIES.cpu);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const f = await facts(page);
  console.log(`# facts: ${JSON.stringify(f)}`);
  assert.equal(f.isolated, 'yes');
  assert.ok(Number(f.pool) >= 2, `pool: ${f.pool}`);
  assert.deepEqual(errors, []);
});

test('Firefox: every mode completes the same work, and parallel beats sequential on CPU work', async (t) => {
  // par/seq on QUERIES.cpu (8 × 40 ms of mandelbrot, 2 threads), firefox-esr
  // 153.7 on this 2-core machine, 6 runs with nothing else running:
  // 0.582, 0.607, 0.607, 0.616, 0.652, 0.665 (median 0.61). With another
  // process spinning on one core the pool has one core left and the ratio is
  // 0.905–1.229 (12 runs): < 0.8 keeps 20% of room above the worst idle run
  // and still fails when the two threads do not run at the same time.
  const { passed, busy, seen } = await retry(
    3,
    async () => {
      const r = await runModes(QUERIES.cpu, MODES);
      const sums = MODES.map((m) => r[m]?.checksum);
      assert.ok(sums.every(Boolean), `a checksum for every mode: ${JSON.stringify(r)}`);
      assert.equal(new Set(sums).size, 1, `every mode computes the same result: ${JSON.stringify(sums)}`);
      for (const m of MODES) {
        assert.equal(r[m].outcome, 'completed', `${m}: ${JSON.stringify(r[m])}`);
        assert.equal(r[m].finished, 8, `${m}: ${JSON.stringify(r[m])}`);
      }
      const seq = r.sequential.makespan;
      return {
        seq,
        conc: r.concurrent.makespan,
        par: r.parallel.makespan,
        both: r.both.makespan,
        ratio: +(r.parallel.makespan / seq).toFixed(3),
        workers: r.parallel.workers,
      };
    },
    (x) => x.ratio < 0.8 && x.workers >= 2,
    { needsFreeCores: true },
  );
  console.log(`# CPU work, parallel/sequential:${attempts(seen)}`);
  assert.deepEqual(errors, []);
  if (busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt, so no speedup can be measured; saw${attempts(seen)}`);
    return;
  }
  assert.ok(passed, `want parallel < 0.8× sequential on ≥ 2 workers; saw${attempts(seen)}`);
  assert.deepEqual(errors, []);
});

test('Firefox: concurrent waits overlap on the main thread', async () => {
  // Concurrent makespan of QUERIES.io (8 waits of 200 ms), firefox-esr 153.7,
  // 18 runs (6 of them with a core taken by another process): 200.4–212.3 ms.
  // One after another they take 1600 ms; < 400 ms (two waits) holds only if
  // they overlap.
  const { passed, seen } = await retry(
    3,
    async () => {
      const r = await runModes(QUERIES.io, ['concurrent']);
      return { makespan: r.concurrent.makespan, peak: r.concurrent.peak, outcome: r.concurrent.outcome };
    },
    (x) => x.outcome === 'completed' && x.makespan < 400 && x.peak === 8,
  );
  console.log(`# 8 waits of 200 ms, concurrent:${attempts(seen)}`);
  assert.ok(passed, `want 8 overlapping waits of 200 ms in < 400 ms; saw${attempts(seen)}`);
  assert.deepEqual(errors, []);
});

test('Firefox: the training card climbs the CPU rungs, SIMD on every thread ending with the same loss as on one', async () => {
  await open(QUERIES.cpu);
  await page.select('#training-batch', '1024');
  await page.select('#training-features', '16');
  await page.locator('#training-climb').click();
  await page.waitForFunction(() => document.querySelectorAll('table.training-ladder td[data-rung]').length > 0, { timeout: 120000 });
  await page.waitForFunction(() => !document.querySelector('#training-climb')?.disabled, { timeout: 120000 });
  const cells = await page.$$eval('table.training-ladder td[data-rung]', (cs) => cs.map((c) => ({ ...c.dataset })));
  const gpu = await page.$eval('.training-gpu', (p) => p.textContent);
  console.log(`# ${gpu}`);
  for (const rung of ['scalar', 'simd', 'threads']) {
    const c = cells.find((x) => x.rung === rung);
    assert.ok(c && Number(c.ms) > 0, `${rung}: ${JSON.stringify(c)}`);
  }
  const at = (rung) => cells.find((x) => x.rung === rung).loss;
  assert.equal(at('threads'), at('simd'));
  const text = await page.$eval('section.training', (s) => s.textContent);
  assert.match(text, /bit for bit/);
  assert.deepEqual(errors, []);
});
