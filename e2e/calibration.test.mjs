// "Work per task (ms)" means what it says, for every kernel, on the main
// thread and on a worker.
//
// The page calibrates each kernel on the main thread and uses that one rate
// for every mode (so that every mode computes the same units). So a worker
// must run the kernels at the main thread's speed: that is what is tested,
// with the page's own measurement (fastest of 5 batches after a warm-up) run
// on each thread (bench_rate, a test hook); then that "50 ms" tasks measure
// 50 ms on both threads, as long as no other program takes the cores (see
// below). Native tests check that units cost the same wherever a task lies
// (tests/modes.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_CORES, attempts, closeSite, open, openSite, retry } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

for (const kernel of ['primes', 'mandelbrot', 'hash']) {
  test(`${kernel}: a worker runs the kernel at the main thread's calibrated speed (± 15 %)`, async () => {
    await open(b.page, site.url);
    const rate = (onWorker) => b.page.evaluate(([k, w]) => window.wasmBindings.bench_rate(k, w), [kernel, onWorker]);
    // Measured (2 cores, 2026-11-26, 5 runs of each kernel): worker / main
    // 0.957–1.080 quiet, 0.981–1.111 with one core kept busy.
    // Up to 3 attempts; every one is printed on failure.
    const { passed, seen } = await retry(
      3,
      async () => {
        const main = await rate(false);
        const worker = await rate(true);
        return { main: +main.toFixed(1), worker: +worker.toFixed(1), ratio: +(worker / main).toFixed(3) };
      },
      (r) => Math.abs(r.ratio - 1) <= 0.15,
    );
    assert.ok(passed, `units/ms on a worker against the main thread, want a ratio within 1 ± 0.15: ${JSON.stringify(seen)}`);
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
  const sorted = [...perTask.values()].sort((x, y) => x - y);
  return +sorted[Math.floor(sorted.length / 2)].toFixed(1);
}

for (const kernel of ['primes', 'mandelbrot', 'hash']) {
  test(`${kernel}: a 50 ms task measures 50 ms ± 15 % on the main thread and on a worker`, async (t) => {
    await open(b.page, site.url);
    const base = `workload=cpu&kernel=${kernel}&tasks=6&work_ms=50&threads=1`;
    // Measured (2 cores, 2026-11-26, 5 runs of each kernel), median task:
    // quiet 49.4–52.4 ms on the main thread, 50.3–56.8 ms on a worker; with
    // one core kept busy by another program 51–58 ms and 52–79 ms: a worker
    // sharing its core is preempted, and its spans stretch. So, as for the
    // speedups (e2e/lib.mjs, retry), attempts made while other programs held
    // more than half a core cannot judge the calibration: if every attempt was
    // such, the test says so (a skip, every attempt printed).
    const { passed, busy, seen } = await retry(
      3,
      async () => ({
        main: await medianTaskMs(b.page, `mode=sequential&${base}`),
        worker: await medianTaskMs(b.page, `mode=parallel&${base}`),
      }),
      (r) => Math.abs(r.main / 50 - 1) <= 0.15 && Math.abs(r.worker / 50 - 1) <= 0.15,
      { needsFreeCores: true },
    );
    if (busy) {
      t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt; every attempt:${attempts(seen)}`);
      return;
    }
    assert.ok(passed, `median task (ms) on the main thread and on a worker, want 50 ± 15 %; every attempt:${attempts(seen)}`);
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
