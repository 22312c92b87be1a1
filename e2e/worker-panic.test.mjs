// A real panic on a pool thread: the page shows the failure (task, thread,
// reason) within moments instead of waiting for ever on the dead lane, says
// the pool lost a thread, and every mode still runs afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSite, facts, open, openSite, ready, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

const QUERY = 'mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=80&threads=2&slice_ms=5';

/**
 * From the panic (the hook's clock reading, on the dying thread) to the error
 * shown in the page (a MutationObserver's reading, on the aligned clock).
 * The watcher looks every 50 ms, then the living lane stops within a slice:
 * measured 62–77 ms over 13 runs on the 2-core machine (12 in a loop: 62.3, 64.9,
 * 65.4, 66.3, 66.3, 66.6, 66.6, 69.8, 71.3, 72.3, 73.5, 77.3; 72.4 in this test).
 * A hang never shows the error at all; 2 s is far from both.
 */
const SHOWN_WITHIN_MS = 2000;

test('a panic on a pool thread fails the run with its task and thread; every mode runs after', async () => {
  const { page } = b;
  await open(page, site.url, QUERY);
  const pool = Number((await facts(page)).pool);
  assert.ok(pool >= 2, `the pool has ${pool} threads: this test needs 2 or more`);

  // When the error appears, on the clock the hook uses (timeOrigin + now).
  await page.evaluate(() => {
    window.__shownAt = null;
    new MutationObserver(() => {
      if (window.__shownAt === null && document.querySelector('.controls .message.error')) {
        window.__shownAt = performance.timeOrigin + performance.now();
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await page.evaluate(() => window.wasmBindings.test_panic_on_worker());
  await page.getByRole('button', { name: 'Run', exact: true }).click();

  // No hang: the error shows and the run ends (progress gone) within seconds.
  const error = page.locator('.controls .message.error');
  await error.waitFor({ timeout: 10000 });
  await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
  const text = await error.textContent();
  assert.match(text, /The run failed: worker \d+ of the pool stopped for good while running task (\d+): it panicked \(a panic injected on a pool thread by the worker-panic test\)/, text);
  // The panic came at the first clock read of a lane, so in one of the first two tasks claimed.
  const task = Number(/running task (\d+)/.exec(text)[1]);
  assert.ok(task === 1 || task === 2, `the failed task is the one the dead thread held: ${text}`);
  assert.match(text, new RegExp(`until you reload the page, the pool has ${pool - 1} of its ${pool} threads`), text);

  const [casualty] = await page.evaluate(() => window.wasmBindings.test_casualties());
  const shownAt = await page.evaluate(() => window.__shownAt);
  const latency = shownAt - casualty.at;
  console.log(`panic on pool thread ${casualty.thread} to failure shown: ${latency.toFixed(1)} ms`);
  assert.ok(latency >= 0 && latency < SHOWN_WITHIN_MS, `from panic to failure shown: ${latency} ms`);
  assert.ok(text.includes(`worker ${casualty.thread + 1} of the pool`), `names the dead thread ${casualty.thread + 1}: ${text}`);

  const failed = (await rows(page)).parallel;
  assert.equal(failed.outcome, 'failed');
  assert.ok(failed.finished < 8, `the run was stopped: ${failed.finished} of 8 finished`);

  // The panel says the pool is smaller, and offers a reload.
  assert.equal((await facts(page)).pool, `${pool - 1} of ${pool} (1 stopped)`);
  const lost = page.locator('.environment .pool-lost[role=alert]');
  assert.match(await lost.textContent(), /stopped for good .* until you reload the page/s);
  assert.ok(await lost.getByRole('button', { name: 'Reload' }).isVisible());
  assert.equal(await page.locator('#fatal').count(), 0, 'the page itself lives on');

  // Every mode completes afterwards, the parallel ones on the living threads.
  for (const mode of ['sequential', 'concurrent', 'parallel', 'both']) {
    await page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await runAndWait(page, 'Run', 30000);
    const r = (await rows(page))[mode];
    assert.equal(r.outcome, 'completed', `${mode} after the panic: ${JSON.stringify(r)}`);
    assert.equal(r.finished, 8, mode);
    if (mode === 'parallel' || mode === 'both') assert.equal(r.threads, pool - 1, `${mode} uses the living threads`);
  }

  // Reload gives the whole pool back.
  await lost.getByRole('button', { name: 'Reload' }).click();
  await page.waitForLoadState('load');
  await ready(page);
  assert.equal((await facts(page)).pool, String(pool));
  assert.equal(await page.locator('.environment .pool-lost').count(), 0);
});
