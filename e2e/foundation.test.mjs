// The foundation: the page renders, is cross-origin isolated, starts a pool
// of real threads and runs work on them in parallel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, LIMITS, QUERIES, assertSameChecksums, attempts, closeSite, drawnPixels, facts, open, openSite, BUSY_CORES, retry, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => {
  ({ site, b } = await openSite());
  await open(b.page, site.url, QUERIES.compare);
});
after(() => closeSite(site, b));

test('renders without console errors', async () => {
  await assert.doesNotReject(b.page.getByRole('heading', { name: 'conpar' }).waitFor());
  assert.deepEqual(b.errors, []);
});

test('is cross-origin isolated with a pool of at least two threads', async () => {
  const f = await facts(b.page);
  assert.equal(await b.page.evaluate(() => crossOriginIsolated), true);
  assert.equal(f.isolated, 'yes');
  assert.equal(f.sab, 'available');
  assert.ok(Number(f.pool) >= 2, `pool: ${f.pool}`);
  assert.match(f['pool-start'], /ms|s$/);
});

test('a CPU-bound parallel run uses two workers and beats the sequential one', async (t) => {
  // The CPU-bound task set of the modes test, run by Compare all modes. Measured
  // (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core), parallel / sequential: quiet 0.54–0.61 (n = 8, primes 8 × 60 ms, the set
  // this test used before; loaded that set gave 1.03–1.28, n = 10: the browser gets
  // one core once the scheduler settles, hence the shorter set); on this set see
  // the modes test: loaded 0.55–1.06 (median 0.78). Bound < 0.9 in any of 5 attempts,
  // every attempt printed; bench/run.mjs tracks the same figure over every run.
  const modes = ['sequential', 'concurrent', 'parallel', 'both'];
  const { passed, busy, seen } = await retry(
    5,
    async () => {
      await runAndWait(b.page, 'Compare all modes');
      const r = await rows(b.page);
      return { seq: r.sequential.makespan, par: r.parallel.makespan, ratio: +(r.parallel.makespan / r.sequential.makespan).toFixed(3), workers: r.parallel.workers, r };
    },
    (x) => x.workers >= 2 && LIMITS.compareParallel.ok(x.ratio),
    { needsFreeCores: true },
  );
  const shown = seen.map(({ r, ...x }) => ({ ...x, checksums: modes.map((m) => r[m].checksum) }));
  console.log(`# Compare all modes, parallel / sequential:${attempts(shown)}`);
  for (const x of seen) assertSameChecksums(x.r, modes, 'Compare all modes: ');
  if (busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt, so no speedup can be measured; every attempt:${attempts(shown)}`);
    return;
  }
  assert.ok(passed, `want parallel/sequential makespan ${LIMITS.compareParallel.text} with ≥ 2 workers; every attempt:${attempts(shown)}`);
});

test('concurrent tasks interleave on the main thread alone', async () => {
  const r = (await rows(b.page)).concurrent;
  assert.deepEqual(r.rows, [0], 'only the main thread ran spans');
  assert.equal(r.peak, 8, 'all eight tasks were in flight at once');
  assert.equal(r.outcome, 'completed');
});

test('the charts have drawn pixels, and a screenshot is kept', async () => {
  assert.ok((await drawnPixels(b.page, '.timeline canvas[role=img]')) > 5000, 'timeline drawn');
  assert.ok((await drawnPixels(b.page, '.compare canvas')) > 5000, 'comparison drawn');
  await b.page.screenshot({ path: join(ARTIFACTS, 'foundation-1280.png'), fullPage: true });
  assert.deepEqual(b.errors, []);
});
