// The foundation: the page renders, is cross-origin isolated, starts a pool
// of real threads and runs work on them in parallel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, closeSite, drawnPixels, facts, open, openSite, retry, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => {
  ({ site, b } = await openSite());
  await open(b.page, site.url, 'mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=60&threads=2&slice_ms=5');
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

test('a CPU-bound parallel run uses two workers and beats the sequential one', async () => {
  // A machine can be busy for a moment (another process on the other core):
  // up to three comparisons, each reported if none shows the speedup.
  const { passed, seen } = await retry(
    3,
    async () => {
      await runAndWait(b.page, 'Compare all modes');
      const r = await rows(b.page);
      return { seq: r.sequential.makespan, par: r.parallel.makespan, workers: r.parallel.workers, checksums: [r.sequential.checksum, r.parallel.checksum] };
    },
    (r) => r.workers >= 2 && r.par < 0.7 * r.seq,
  );
  assert.ok(passed, `parallel wall time should be < 0.7 × sequential with ≥ 2 workers; saw ${JSON.stringify(seen)}`);
  const last = seen.at(-1);
  assert.equal(last.checksums[0], last.checksums[1], 'both modes computed the same result');
});

test('concurrent tasks interleave on the main thread alone', async () => {
  const r = (await rows(b.page)).concurrent;
  assert.deepEqual(r.rows, [0], 'only the main thread ran spans');
  assert.equal(r.peak, 8, 'all eight tasks were in flight at once');
  assert.equal(r.outcome, 'completed');
});

test('the charts have drawn pixels, and a screenshot is kept', async () => {
  assert.ok((await drawnPixels(b.page, '.timeline canvas')) > 5000, 'timeline drawn');
  assert.ok((await drawnPixels(b.page, '.compare canvas')) > 5000, 'comparison drawn');
  await b.page.screenshot({ path: join(ARTIFACTS, 'foundation-1280.png'), fullPage: true });
  assert.deepEqual(b.errors, []);
});
