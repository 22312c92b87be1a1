// "Work per task (ms)" means what it says, for every kernel, on the main
// thread and on a worker.
//
// The page calibrates each kernel on the main thread and uses that one rate
// for every mode (so that every mode computes the same units). So a worker
// must run the kernels at the main thread's speed: that is what is tested,
// with the page's own measurement (fastest of 5 batches after a warm-up) run
// on each thread (bench_rate, a test hook); then that "50 ms" tasks take the
// time the calibration says on both threads. Native tests check that units
// cost the same wherever a task lies (tests/modes.rs).
//
// This host (a shared VM) changes a thread's speed for a second or so at a
// time with no steal time to show for it, the hash kernel most: measured
// 2026-12-03 in the page, quiet (other programs 0–0.03 cores), 16 pairs of
// "rate, 6 tasks of 50 ms, rate" on each thread: hash tasks took 0.72–1.70
// × 50 ms, its rate moved by 0.62–1.70 × between the two measurements around
// one run, and one thread could run it a third slower than the other at the
// same moment; primes and Mandelbrot moved by 0.90–1.14 ×. A single pair
// cannot judge a ±15 % claim then (the CI run of 56253d2 failed that way:
// hash tasks 53–75 ms). A defect is systematic (a unit that costs more in a
// task than in the calibration, as when the calibration ran before the JIT's
// optimised code: tasks took 0.75 ×), and shows in every pair; the host's
// swings go either way. So each check is the median over 5 pairs, taken
// in turns. Tasks still run a little slower than the calibration says when
// the speed swings, since the calibration keeps the fastest of its batches:
// in 8 runs of the test (5 pairs each, quiet), the median task / expected
// read 1.006–1.092 for primes and Mandelbrot and 1.023–1.198 for hash, on
// either thread. Hence ± 15 % for those two and ± 25 % for hash.
//
// Against a fresh rate, a defect of the page's calibration itself would
// cancel out (the JIT defect above made the page's rate 0.75 of the true
// one: tasks and expectation both short). So the page's rate is also held
// against the fresh ones: for primes and Mandelbrot, whose speed moved by
// 0.90–1.14 between measurements, within ± 15 %. Not for hash: the page
// measured it once, at some moment of a swing (page / fresh read 0.75–1.25
// in those runs), so its ± 25 % could not tell the defect from the host; a
// defect of the calibration is the same for every kernel, and the two
// others catch it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_CORES, SPOILED, attempts, closeSite, open, openSite, otherCoresDuring } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/**
 * Why `pairs` cannot judge a speed, or '' if they can: another program kept
 * more than BUSY_CORES busy, or the host took SPOILED of the cores or more
 * (the clean-clone run of ede073f: worker tasks 1.24–1.35 × expected in 3
 * pairs of 5, the host taking 19–23 % of the cores in the native tests
 * just before), in the median pair.
 */
function spoiled(pairs) {
  const busy = median(pairs.map((p) => p.otherCores));
  const steal = median(pairs.map((p) => p.hostSteal ?? 0));
  if (busy > BUSY_CORES) return `another program kept ${busy} of the 2 cores busy (more than ${BUSY_CORES})`;
  if (steal >= SPOILED) return `the host took ${(steal * 100).toFixed(1)} % of the cores (${SPOILED * 100} % or more spoils a timing)`;
  return '';
}

/** How many pairs each check takes its median over. */
const PAIRS = 5;

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** The kernel's rate (units/ms) measured now on the main thread or on a worker. */
const rateNow = (kernel, onWorker) => b.page.evaluate(([k, w]) => window.wasmBindings.bench_rate(k, w), [kernel, onWorker]);

for (const kernel of ['primes', 'mandelbrot', 'hash']) {
  test(`${kernel}: a worker runs the kernel at the main thread's calibrated speed (± 15 %)`, async (t) => {
    await open(b.page, site.url);
    // Measured (2 cores, 2026-11-26, 5 runs of each kernel, one pair each):
    // worker / main 0.957–1.080 quiet, 0.981–1.111 with one core kept busy.
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
      pairs.push(
        await otherCoresDuring(async () => {
          const main = await rateNow(kernel, false);
          const worker = await rateNow(kernel, true);
          return { main: Math.round(main), worker: Math.round(worker), ratio: +(worker / main).toFixed(3) };
        }),
      );
    }
    const ratio = median(pairs.map((p) => p.ratio));
    if (Math.abs(ratio - 1) >= 0.15 && spoiled(pairs)) {
      t.skip(`${spoiled(pairs)}; every pair:${attempts(pairs)}`);
      return;
    }
    assert.ok(Math.abs(ratio - 1) < 0.15, `units/ms on a worker against the main thread, want a median ratio within 1 ± 0.15, got ${ratio}; every pair:${attempts(pairs)}`);
  });
}

/** Median over tasks of the time each task computed (its run spans summed), in one run of `query`. */
async function medianTaskMs(page, query) {
  const report = JSON.parse(await page.evaluate((q) => window.wasmBindings.bench_run(q, true), query));
  const run = report.runs[0];
  assert.equal(run.outcome, 'completed', query);
  const perTask = new Map();
  for (const s of run.spans) {
    if (s.kind === 'run') perTask.set(s.task, (perTask.get(s.task) ?? 0) + (s.end_ms - s.start_ms));
  }
  return median([...perTask.values()]);
}

/** The rate (units/ms) the page gave `kernel`, as its environment panel states it. */
async function pageRate(page, kernel) {
  const line = await page.locator('[data-fact=rates] .rate', { hasText: `${kernel}:` }).first().textContent();
  const m = line.match(/: ([\d,]+) units\/ms/);
  assert.ok(m, line);
  return +m[1].replaceAll(',', '');
}

for (const [kernel, margin] of [['primes', 0.15], ['mandelbrot', 0.15], ['hash', 0.25]]) {
  test(`${kernel}: a 50 ms task takes what the calibration says (± ${margin * 100} %) on the main thread and on a worker`, async (t) => {
    await open(b.page, site.url);
    const base = `workload=cpu&kernel=${kernel}&tasks=6&work_ms=50&threads=1`;
    // On each thread: the rate now, a run of 6 tasks of 50 ms, the rate
    // again. The tasks should take 50 ms × the page's rate / the rate now
    // (the page measured its rate once, at another moment of the host's).
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
      pairs.push(
        await otherCoresDuring(async () => {
          const r = {};
          for (const [thread, mode, onWorker] of [['main', 'sequential', false], ['worker', 'parallel', true]]) {
            const before = await rateNow(kernel, onWorker);
            const ms = await medianTaskMs(b.page, `mode=${mode}&${base}`);
            const after = await rateNow(kernel, onWorker);
            const given = await pageRate(b.page, kernel);
            const expected = (50 * given) / ((before + after) / 2);
            r[thread] = { ms: +ms.toFixed(1), expected: +expected.toFixed(1), ratio: +(ms / expected).toFixed(3), page: +(given / ((before + after) / 2)).toFixed(3) };
          }
          return r;
        }),
      );
    }
    const main = median(pairs.map((p) => p.main.ratio));
    const worker = median(pairs.map((p) => p.worker.ratio));
    const page = median(pairs.map((p) => p.main.page));
    const pageOk = kernel === 'hash' || Math.abs(page - 1) < margin;
    const ok = Math.abs(main - 1) < margin && Math.abs(worker - 1) < margin && pageOk;
    const said = `median task / expected: main thread ${main}, worker ${worker}, want 1 ± ${margin}; page rate / fresh rate ${page}${kernel === 'hash' ? ' (not judged for hash)' : `, want 1 ± ${margin}`}; every pair:${attempts(pairs)}`;
    // With one core kept busy a worker sharing its core is preempted and its
    // spans stretch (measured 2026-11-26: worker tasks 52–79 ms): no claim.
    if (!ok && spoiled(pairs)) {
      t.skip(`${spoiled(pairs)}; ${said}`);
      return;
    }
    assert.ok(ok, said);
    console.log(`# ${kernel}: ${said.split(';')[0]}`);
  });
}

// The page is ready for runs once its pool has started; its kernels are
// calibrated and run once on every thread in the background after that
// (runtime/lab.rs). A run pressed at once waits its turn, prepares its own
// kernel if the background has not yet, and completes; the page says the
// rate each kernel was given and when.
test('a run pressed as soon as the page is ready completes, and the page names the rate it used', async () => {
  const { page } = b;
  await page.goto(`${site.url}?mode=parallel&workload=cpu&kernel=hash&tasks=8&work_ms=20&threads=2`);
  await page.waitForFunction(() => {
    const status = document.querySelector('.status')?.textContent ?? '';
    const run = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Run');
    return document.querySelector('[data-fact=pool]') && !status.includes('Starting') && run && !run.disabled;
  });
  const prepared = await page.evaluate(() => performance.getEntriesByName('conpar:prepared').length > 0);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.compare tbody tr[data-mode=parallel]')?.dataset.outcome === 'completed', null, { timeout: 30000 });
  const rates = await page.locator('[data-fact=rates]').textContent();
  assert.match(rates, /hash: [\d,]+ units\/ms, measured [\d.]+ (ms|s) after load/, rates);
  console.log(`# run pressed at ready (background preparation ${prepared ? 'already done' : 'not yet done'}); rates: ${rates}`);
});
