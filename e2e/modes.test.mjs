// Each mode × workload shows its physics, measured in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSite, open, openSite, retry, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** Opens the page with `query`, runs `modes` (through the mode selector and Run), returns the rows. */
async function runModes(query, modes) {
  await open(b.page, site.url, query);
  for (const mode of modes) {
    await b.page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await runAndWait(b.page, 'Run');
  }
  return rows(b.page);
}

test('I/O-bound: concurrency overlaps the waits, threads hold them', async () => {
  const r = await runModes('workload=io&tasks=8&latency_ms=200&jitter_ms=0&threads=2', ['sequential', 'concurrent', 'parallel']);
  const msg = JSON.stringify(r);
  assert.ok(r.sequential.makespan >= 8 * 200, msg);
  assert.ok(r.concurrent.makespan < 0.3 * r.sequential.makespan, `concurrent I/O: ${msg}`);
  assert.ok(r.concurrent.makespan < 1.5 * 200, `≈ one wait: ${msg}`);
  assert.equal(r.concurrent.peak, 8);
  assert.ok(r.parallel.makespan >= 4 * 200 && r.parallel.makespan < 5 * 200, `2 threads, 8 waits ≈ 4 waits: ${msg}`);
  assert.equal(r.parallel.peak, 2);
});

test('CPU-bound: slicing gives no speedup, threads do', async () => {
  const { passed, seen } = await retry(
    3,
    async () => {
      const r = await runModes('workload=cpu&kernel=mandelbrot&tasks=8&work_ms=40&threads=2&slice_ms=4', ['sequential', 'concurrent', 'parallel']);
      return { seq: r.sequential.makespan, conc: r.concurrent.makespan, par: r.parallel.makespan, peak: r.concurrent.peak, workers: r.parallel.workers };
    },
    (r) => r.conc >= 0.9 * r.seq && r.par < 0.7 * r.seq && r.workers === 2,
  );
  assert.ok(passed, `want concurrent ≥ 0.9× and parallel < 0.7× sequential; saw ${JSON.stringify(seen)}`);
  assert.equal(seen.at(-1).peak, 8, 'concurrent slices interleave all 8 tasks');
});

test('mixed: waits overlap on the main thread while the pool computes', async () => {
  const r = await runModes('workload=mixed&kernel=hash&tasks=8&work_ms=30&latency_ms=150&threads=2', ['concurrent', 'parallel', 'both']);
  const msg = JSON.stringify(r);
  assert.ok(r.both.makespan < r.parallel.makespan, `both beats parallel alone: ${msg}`);
  assert.ok(r.both.makespan < r.concurrent.makespan, `both beats concurrent alone: ${msg}`);
  assert.ok(r.both.rows.includes(0) && r.both.workers === 2, `waits on main, computation on two workers: ${msg}`);
  assert.equal(new Set([r.concurrent.checksum, r.parallel.checksum, r.both.checksum]).size, 1, 'same work in every mode');
});

test('the main thread freezes only when it computes', async () => {
  const r = await runModes('workload=cpu&kernel=primes&tasks=4&work_ms=250&threads=2', ['sequential', 'parallel']);
  const msg = JSON.stringify(r);
  assert.ok(r.sequential.gap > 200, `sequential 1 s run: longest frame gap > 200 ms: ${msg}`);
  assert.ok(r.parallel.gap < 50, `parallel run: longest frame gap < 50 ms: ${msg}`);
  assert.equal(r.parallel.longGaps, 0, msg);
});

test('Stop ends a run within 100 ms in every mode, and the next run works', async () => {
  const modes = ['sequential', 'concurrent', 'parallel', 'both'];
  await open(b.page, site.url, 'workload=mixed&kernel=primes&tasks=60&work_ms=40&latency_ms=300&threads=2&slice_ms=5');
  for (const mode of modes) {
    await b.page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await b.page.getByRole('button', { name: 'Run', exact: true }).click();
    await b.page.waitForTimeout(500);
    await b.page.getByRole('button', { name: 'Stop', exact: true }).click();
    await b.page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
    const row = (await rows(b.page))[mode];
    assert.equal(row.outcome, 'cancelled', mode);
    assert.ok(row.finished < 60, mode);
    assert.ok(row.cancelLatency >= 0 && row.cancelLatency < 100, `${mode}: Stop took ${row.cancelLatency} ms`);
  }
  const after = await runModes('workload=cpu&tasks=4&work_ms=10&threads=2', ['parallel']);
  assert.equal(after.parallel.outcome, 'completed');
  assert.equal(after.parallel.finished, 4);
  assert.deepEqual(b.errors, []);
});
