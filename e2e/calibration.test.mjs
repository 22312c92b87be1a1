// "Work per task (ms)" means what it says, for every kernel, on the main
// thread and on a worker.
//
// The page calibrates each kernel on the main thread and uses that one rate
// for every mode (so that every mode computes the same units). So a worker
// must run the kernels at the main thread's speed: that is what is tested,
// with the page's own measurement (fastest of 5 batches after a warm-up) run
// on each thread (bench_rate, a test hook). Whether "50 ms" tasks then
// measure 50 ms wall time is the benchmark's figure (bench/run.mjs), not a
// test's: another program on a 2-core machine stretches a worker's spans by
// 30–60 % (measured: quiet, median task 49.4–52.4 ms on the main thread and
// 50.3–56.8 ms on a worker; with one core kept busy, 51–58 ms and 52–79 ms),
// while the fastest batch is the same either way. Native tests check that
// units cost the same wherever a task lies (tests/modes.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSite, open, openSite, retry } from './lib.mjs';

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
