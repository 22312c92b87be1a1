// Each mode × workload shows its physics, measured in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, QUERIES, assertSameChecksums, attempts, closeSite, open, openSite, BUSY_CORES, retry, rows, runModes as runModesOn } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** Opens the page with `query`, runs `modes` (through the mode selector and Run), returns the rows. */
const runModes = (query, modes) => runModesOn(b.page, site.url, query, modes);

test('I/O-bound: concurrency overlaps the waits, threads hold them', async () => {
  // Waits do not need a core, so load hardly moves these (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core):
  //   sequential 1604–1627 ms (median 1612), quiet n = 20, loaded n = 22 (1604–1625)
  //   concurrent  200–209 ms (median 201),   quiet n = 20, loaded n = 22 (200–208)
  //   parallel    801–809 ms (median 803),   quiet n = 20, loaded n = 22 (801–809)
  const r = await runModes(QUERIES.io, ['sequential', 'concurrent', 'parallel']);
  const msg = JSON.stringify(r);
  assert.ok(r.sequential.makespan >= 8 * 200, msg);
  assert.ok(r.concurrent.makespan < 0.3 * r.sequential.makespan, `concurrent I/O: ${msg}`);
  assert.ok(r.concurrent.makespan < 1.5 * 200, `≈ one wait: ${msg}`);
  assert.equal(r.concurrent.peak, 8);
  assert.ok(r.parallel.makespan >= 4 * 200 && r.parallel.makespan < 5 * 200, `2 threads, 8 waits ≈ 4 waits: ${msg}`);
  assert.equal(r.parallel.peak, 2);
  assertSameChecksums(r, ['sequential', 'concurrent', 'parallel'], 'I/O-bound: ');
});

test('CPU-bound: slicing gives no speedup, threads do', async (t) => {
  // Measured (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core), one attempt = sequential, concurrent, parallel runs on QUERIES.cpu:
  //   concurrent / sequential: quiet 1.016–1.114 (median 1.081, n = 8); loaded 1.044–1.175 (median 1.098, n = 10);
  //     a busier quiet batch (n = 12) 1.067–1.251: slicing never gave a speedup.
  //   parallel / sequential: quiet 0.545–0.614 (median 0.583, n = 8); loaded 0.549–1.056 (median 0.783, n = 10;
  //     4 of 10 at ≥ 0.9), and a second loaded batch 0.547–0.988 (median 0.734, n = 12; 2 of 12 at ≥ 0.9).
  // Under load Linux's autogroup scheduler gives the browser about one core once its
  // share settles, so two threads beat one only part of the time. Bounds: concurrent
  // ≥ 0.9 (no speedup from slicing), parallel < 0.9 (a speedup slicing never showed),
  // in any of 5 attempts, every attempt printed; threads that never overlap (ratio ≥ 1
  // every time) still fail. The benchmark's "figures the browser tests assert" tracks
  // this ratio over every run, so a speedup that vanishes in most runs shows there.
  const { passed, busy, seen } = await retry(
    5,
    async () => {
      const r = await runModes(QUERIES.cpu, ['sequential', 'concurrent', 'parallel']);
      return {
        seq: r.sequential.makespan, conc: r.concurrent.makespan, par: r.parallel.makespan,
        concRatio: +(r.concurrent.makespan / r.sequential.makespan).toFixed(3), parRatio: +(r.parallel.makespan / r.sequential.makespan).toFixed(3),
        peak: r.concurrent.peak, workers: r.parallel.workers, r,
      };
    },
    (x) => LIMITS.cpuConcurrent.ok(x.concRatio) && LIMITS.cpuParallel.ok(x.parRatio) && x.workers === 2,
    { needsFreeCores: true },
  );
  const shown = seen.map(({ r, ...x }) => ({ ...x, checksums: [r.sequential.checksum, r.concurrent.checksum, r.parallel.checksum] }));
  console.log(`# CPU-bound, makespan ratios:${attempts(shown)}`);
  for (const x of seen) assertSameChecksums(x.r, ['sequential', 'concurrent', 'parallel'], 'CPU-bound: ');
  assert.equal(seen.at(-1).peak, 8, 'concurrent slices interleave all 8 tasks');
  if (busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt, so no speedup can be measured; every attempt:${attempts(shown)}`);
    return;
  }
  assert.ok(passed, `want concurrent/sequential ${LIMITS.cpuConcurrent.text} and parallel/sequential ${LIMITS.cpuParallel.text} on 2 workers; every attempt:${attempts(shown)}`);
});

test('mixed: waits overlap on the main thread while the pool computes', async (t) => {
  // Measured (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core), both / concurrent makespan: quiet 298–326 / 426–474 ms (n = 8);
  // loaded both 431–587 ms against concurrent 470–520 ms (n = 10): with one core
  // busy the pool's computing shares a core with the main thread, and "both" beats
  // concurrent in only part of the runs. Up to 5 attempts, every one printed;
  // both / parallel never came near (both ≤ 587 ms, parallel ≥ 743 ms, n = 30).
  const modes = ['concurrent', 'parallel', 'both'];
  const { passed, busy, seen } = await retry(
    5,
    async () => {
      const r = await runModes(QUERIES.mixed, modes);
      return { conc: r.concurrent.makespan, par: r.parallel.makespan, both: r.both.makespan, ratio: +(r.both.makespan / r.concurrent.makespan).toFixed(3), rows: r.both.rows, workers: r.both.workers, r };
    },
    (x) => x.both < x.par && LIMITS.mixedBoth.ok(x.ratio),
    { needsFreeCores: true },
  );
  const shown = seen.map(({ r, ...x }) => ({ ...x, checksums: modes.map((m) => r[m].checksum) }));
  console.log(`# mixed, both / concurrent:${attempts(shown)}`);
  for (const x of seen) assertSameChecksums(x.r, modes, 'mixed: ');
  const last = seen.at(-1);
  assert.ok(last.rows.includes(0) && last.workers === 2, `waits on main, computation on two workers: ${JSON.stringify(shown.at(-1))}`);
  if (busy) {
    t.skip(`another program kept more than ${BUSY_CORES} of the 2 cores busy in every attempt, so no speedup can be measured; every attempt:${attempts(shown)}`);
    return;
  }
  assert.ok(passed, `want both faster than parallel and than concurrent (both / concurrent ${LIMITS.mixedBoth.text}); every attempt:${attempts(shown)}`);
});

test('the main thread freezes only when it computes', async () => {
  // Measured (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core), longest frame gap:
  //   sequential 250–333 ms (median 283), 4 gaps over 50 ms in every run; quiet n = 20, loaded n = 22
  //   parallel 16.7 ms in every quiet run (n = 8); loaded 16.7–50 ms (median 16.7, n = 22), no gap over 50 ms;
  //     one run of a busier quiet batch (n = 12) 116.7 ms with 3 gaps over 50 ms.
  // A main thread that computed even one task would freeze ≥ 250 ms (a task's length):
  // parallel < 150 ms and ≤ 2 long gaps still catch it; sequential > 200 ms shows the freeze.
  const r = await runModes(QUERIES.freeze, ['sequential', 'parallel']);
  const msg = JSON.stringify({ sequential: r.sequential, parallel: r.parallel });
  console.log(`# longest frame gap: sequential ${r.sequential.gap} ms, parallel ${r.parallel.gap} ms (${r.parallel.longGaps} over 50 ms)`);
  assert.ok(LIMITS.freezeSequentialGap.ok(r.sequential.gap), `sequential 1 s run: longest frame gap ${LIMITS.freezeSequentialGap.text}: ${msg}`);
  assert.ok(LIMITS.freezeParallelGap.ok(r.parallel.gap), `parallel run: longest frame gap ${LIMITS.freezeParallelGap.text}: ${msg}`);
  assert.ok(LIMITS.freezeParallelLongGaps.ok(r.parallel.longGaps), `parallel run: gaps over 50 ms ${LIMITS.freezeParallelLongGaps.text}: ${msg}`);
  assertSameChecksums(r, ['sequential', 'parallel'], 'freeze: ');
});

test('Stop ends a run within 100 ms in every mode, and the next run works', async () => {
  const modes = ['sequential', 'concurrent', 'parallel', 'both'];
  await open(b.page, site.url, QUERIES.stop);
  for (const mode of modes) {
    await b.page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await b.page.getByRole('button', { name: 'Run', exact: true }).click();
    await b.page.waitForTimeout(500);
    await b.page.getByRole('button', { name: 'Stop', exact: true }).click();
    await b.page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
    const row = (await rows(b.page))[mode];
    assert.equal(row.outcome, 'cancelled', mode);
    assert.ok(row.finished < 60, mode);
    // Stop latency measured (2026-11-26, this 2-core machine; 'loaded': another program spinning on one core): sequential 4.1–24.2 ms, concurrent 0.2–11.8,
    // parallel 0.3–8.2, both 4.6–28.5; quiet n = 20, loaded n = 22 per mode. 100 ms
    // is the product's promise and leaves 3× room.
    assert.ok(row.cancelLatency >= 0 && row.cancelLatency < 100, `${mode}: Stop took ${row.cancelLatency} ms`);
  }
  const after = await runModes('workload=cpu&tasks=4&work_ms=10&threads=2', ['parallel']);
  assert.equal(after.parallel.outcome, 'completed');
  assert.equal(after.parallel.finished, 4);
  assert.deepEqual(b.errors, []);
});
