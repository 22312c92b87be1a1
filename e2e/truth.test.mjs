// What the page draws and states is what was measured (issue 19), where
// only a browser shows it: the timeline draws every lane of the run it
// shows, whatever this page's pool; a lane stopped while it waited for the
// lock keeps its wait; lock waits are shown per thread, apart from idle
// time; the comparison's table fits its card and every scrolling table is
// reachable by keyboard (axe-core finds no WCAG 2.1 AA violation, light and
// dark, wide and narrow); the stacked timelines name each band with its
// time for screen readers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, browser, closeSite, open, openSite, rows, runAndWait, serve } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** A JSON report of one parallel run on 16 threads: one task per worker. */
function sixteenThreadReport() {
  const spans = Array.from({ length: 16 }, (_, k) => ({ task: k + 1, lane: `worker ${k + 1}`, kind: 'run', start_ms: 0, end_ms: 40 }));
  return JSON.stringify({
    app: 'conpar',
    link_query: 'mode=parallel&workload=cpu&kernel=primes&tasks=16&work_ms=40&latency_ms=200&jitter_ms=0&threads=16&slice_ms=5&seed=1',
    environment: { hardware_concurrency: 16, pool_threads: 16, cross_origin_isolated: true, user_agent: '', browser: 'Chromium 156', date: '2026-12-03' },
    runs: [{ mode: 'parallel', threads: 16, tasks: 16, finished: 16, outcome: 'completed', slices: 16, checksum: '00000000000000ff', makespan_ms: 41, spans }],
  });
}

test('a run received from a 16-thread machine is replayed with all 16 workers on this page', async () => {
  const { page } = b;
  await open(page, site.url);
  const file = join(mkdtempSync(join(tmpdir(), 'conpar-report-')), 'sixteen.json');
  writeFileSync(file, sixteenThreadReport());
  const seq = await page.locator('.received-state').getAttribute('data-seq');
  await page.setInputFiles('.open-report-input', file);
  await page.waitForFunction((s) => document.querySelector('.received-state')?.dataset.seq !== s, seq);
  await page.waitForSelector('.recorded-result');
  // Replay the received run: the timeline shows it, cursor and all.
  await page.getByLabel('Run to replay').selectOption({ label: 'Recorded elsewhere: Parallel (threads), 16 threads' });
  await page.getByRole('button', { name: 'Play' }).click();
  await page.getByRole('button', { name: 'Pause' }).click();
  const drawn = await page.evaluate(() => {
    const c = document.querySelector('.timeline canvas:not(.cursor-layer)');
    return { rows: Number(c.dataset.rows), spans: Number(c.dataset.spans) };
  });
  // The main thread and 16 workers, every span drawn (the old page drew
  // rows for its own pool only: 1 + 2 here, and dropped the rest).
  assert.deepEqual(drawn, { rows: 17, spans: 16 });
});

test('a lane stopped while it waits for the lock keeps its wait, shown apart from idle time', async () => {
  const { page } = b;
  // Two tasks of 3 s, all of each under one lock, on 2 threads: one lane
  // computes, the other waits for the lock; Stop after about a second.
  await open(page, site.url, 'mode=parallel&workload=cpu&kernel=primes&tasks=2&work_ms=3000&threads=2&lock_pct=100');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForSelector('.status progress');
  await page.waitForTimeout(1000);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.waitForFunction(() => !document.querySelector('.status progress'));
  const r = (await rows(page)).parallel;
  const lock = await page.evaluate(() => document.querySelector('.compare tbody tr[data-mode=parallel]').dataset.lock.split(',').map(Number));
  assert.equal(r.outcome, 'cancelled', JSON.stringify(r));
  // One lane waited for the lock from its start to Stop (about 1 s; the old
  // page recorded nothing of it, and showed the lane idle).
  const waited = Math.max(...lock);
  assert.ok(waited > 500 && waited <= r.makespan + 1, `the waiting lane's lock wait: ${lock} ms of a ${r.makespan} ms run`);
  const cell = await page.locator('.compare tbody tr[data-mode=parallel] td.idle').textContent();
  assert.match(cell, /waited for the lock \d/, `the table says the lock wait: ${cell}`);
});

/** axe-core's WCAG 2.1 A and AA violations in the page, each with its nodes. */
async function axeViolations(page) {
  await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
  return page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}

for (const width of [1280, 390]) {
  test(`after Compare all modes at ${width} px: the table fits or scrolls by keyboard, and axe finds no violation, light and dark`, async () => {
    // Its own browser: axe is injected, which the page's policy forbids.
    const a = await browser({ width, bypassCSP: true });
    try {
      const { page } = a;
      await open(page, site.url, 'mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=20&threads=2');
      await runAndWait(page, 'Compare all modes');
      const table = await page.evaluate(() => {
        const wrap = document.querySelector('.compare .table-wrap');
        return { scroll: wrap.scrollWidth, client: wrap.clientWidth, tabindex: wrap.getAttribute('tabindex'), label: wrap.getAttribute('aria-label') };
      });
      assert.equal(table.tabindex, '0', 'the scrolling table can be focused');
      assert.ok(table.label, 'and is named');
      if (width === 1280) assert.ok(table.scroll <= table.client, `the table fits its card at 1280 px: ${JSON.stringify(table)}`);
      else assert.ok(table.scroll > table.client, `at 390 px it scrolls inside its card: ${JSON.stringify(table)}`);
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${scheme}, ${width} px: ${JSON.stringify(violations, null, 1)}`);
      }
      // The stacked timelines say each band and its time.
      const label = await page.locator('canvas[data-name=modes-timelines]').getAttribute('aria-label');
      for (const mode of ['Sequential', 'Concurrent (async)', 'Parallel (threads)', 'Concurrent + parallel']) {
        assert.match(label, new RegExp(`${mode.replace(/[()+]/g, '\\$&')}: [\\d.]+ m?s`), label);
      }
    } finally {
      await a.close();
    }
  });
}
