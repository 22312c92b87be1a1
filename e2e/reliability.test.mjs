// Reliability: hostile links, every slider at its ends, Stop at random
// moments, failing tasks, a real panic, and a long session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browser, closeSite, open, openSite, ready, rows, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

/** 50 links a stranger could send. */
function hostileLinks() {
  const markup = [
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    '"><b id=pwned>bold</b>',
    "'><svg onload=window.__pwned=1>",
    '</title><h1 id=pwned>x</h1>',
    'javascript:window.__pwned=1',
  ];
  const links = [];
  for (const m of markup) {
    links.push(`mode=${encodeURIComponent(m)}`);
    links.push(`tasks=${encodeURIComponent(m)}`);
    links.push(`${encodeURIComponent(m)}=1`);
  }
  links.push(
    '', '?', '&&&&', '====', '%', '%%%', '%zz=%zz', '%E2%80%AE=1', 'tasks=%E2%80%AE8',
    'tasks=-1', 'tasks=0', 'tasks=-99999999999999999999', 'tasks=99999999999999999999999999999',
    'tasks=NaN', 'work_ms=Infinity', 'latency_ms=-Infinity', 'threads=1e309', 'slice_ms=0.0000001',
    'tasks=', 'tasks', 'threads=0', 'threads=65', 'jitter_ms=99999&latency_ms=1',
    'tasks=4&tasks=5&tasks=6', 'mode=parallel&mode=sequential', 'mode=PARALLEL&workload=Io',
    'tasks=８', 'kernel=🦀&workload=💤', 'seed=-1', 'fail_task=999999', 'fail_task=-3',
    `tasks=${'9'.repeat(5000)}`,
    `junk=${'x'.repeat(100 * 1024)}`,
    Array.from({ length: 400 }, (_, i) => `k${i}=${i}`).join('&'),
  );
  return links;
}

test('50 hostile links: the page renders with a notice, runs nothing from the link', async () => {
  const links = hostileLinks();
  assert.ok(links.length >= 50, `${links.length} links`);
  const { page } = b;
  for (const link of links) {
    b.errors.length = 0;
    const what = `link ${JSON.stringify(link.slice(0, 80))}${link.length > 80 ? ` (${link.length} characters)` : ''}`;
    try {
      await page.goto(`${site.url}?${link}`);
      await ready(page);
    } catch (e) {
      throw new Error(`${what}: ${e.message.slice(0, 300)}`);
    }
    const state = await page.evaluate(() => ({
      pwned: window.__pwned,
      injected: document.querySelectorAll('#pwned, svg[onload], img[onerror]').length,
      heading: document.querySelector('h1')?.textContent,
      fatal: !!document.querySelector('#fatal'),
      notices: document.querySelector('.notices')?.textContent ?? '',
      values: [...document.querySelectorAll('.slider input[type=number]')].map((i) => Number(i.value)),
    }));
    assert.equal(state.pwned, undefined, `${what}: script from the link ran`);
    assert.equal(state.injected, 0, `${what}: markup from the link was rendered`);
    assert.equal(state.heading, 'conpar', what);
    assert.equal(state.fatal, false, what);
    assert.ok(state.values.every((v) => Number.isFinite(v) && v >= 0), `${what}: ${state.values}`);
    if (/[<>]|junk|pwned|=%zz|k1=/.test(link)) assert.match(state.notices, /could not be used/, `${what}: a notice`);
    if (link.includes('<script>') && link.startsWith('mode')) assert.match(state.notices, /<script>/, `${what}: quoted as text`);
    assert.deepEqual(b.errors, [], what);
  }
});

/** `make bench` sets CONPAR_FULL=1: every long case runs whole, and the soak runs 200 times. */
const FULL = process.env.CONPAR_FULL === '1';

/**
 * The run's verdict: refused with its estimate, or its outcome. Unless FULL,
 * a run still going after `budgetMs` is stopped (it started and ran without
 * error; its outcome is then 'cancelled'), to keep `make test` short.
 */
async function runOrRefusal(page, budgetMs) {
  const refusal = await page.locator('.estimate').textContent();
  if (/would take about/.test(refusal)) {
    // Refused: Run must not start anything, and say so.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.controls .message.error').waitFor({ timeout: 5000 });
    return { refused: await page.locator('.controls .message.error').textContent() };
  }
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const done = () => page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: FULL ? 120000 : budgetMs });
  let stopped = false;
  try {
    await done();
  } catch (e) {
    if (FULL) throw e;
    stopped = true;
    await page.getByRole('button', { name: 'Stop', exact: true }).click({ timeout: 1000 }).catch(() => {});
    await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
  }
  const mode = await page.getByLabel('Mode', { exact: true }).inputValue();
  return { ...(await rows(page))[mode], stopped };
}

test('every slider at its minimum and maximum, in every mode: completes or is refused with its estimate', async () => {
  const { page } = b;
  const fields = {
    tasks: [1, 100000],
    work_ms: [1, 5000],
    latency_ms: [1, 5000],
    jitter_ms: [0, 5000],
    threads: [1, 2],
    slice_ms: [1, 100],
  };
  const seen = [];
  for (const mode of ['sequential', 'concurrent', 'parallel', 'both']) {
    for (const [key, ends] of Object.entries(fields)) {
      for (const end of ends) {
        // Small tasks elsewhere, so the extreme decides; mixed work exercises both waits and computation.
        // Mixed work exercises waits and computation; the other settings
        // are such that the extremes decide: most maxima are refused.
        const base = { mode, workload: 'mixed', kernel: 'primes', tasks: 8, work_ms: 5, latency_ms: 5, jitter_ms: 0, threads: 2, slice_ms: 1 };
        base[key] = end;
        if (key === 'jitter_ms' && end > 0) base.latency_ms = 5000;
        const q = new URLSearchParams(base).toString();
        await open(page, site.url, q);
        const r = await runOrRefusal(page, 3000);
        const verdict = r.refused ? 'refused' : r.stopped ? 'stopped' : r.outcome;
        seen.push(`${mode} ${key}=${end}: ${verdict}`);
        if (r.refused) assert.match(r.refused, /would take about [\d.]+ s \(the limit is 30 s\)/, q);
        else if (r.stopped) assert.ok(r.outcome === 'cancelled' || r.outcome === 'completed', `${q}: ${JSON.stringify(r)}`);
        else assert.equal(r.outcome, 'completed', `${q}: ${JSON.stringify(r)}`);
      }
    }
  }
  const count = (v) => seen.filter((s) => s.endsWith(v)).length;
  console.log(`# ${count('completed')} completed, ${count('refused')} refused, ${count('stopped')} stopped after 3 s${FULL ? '' : ' (CONPAR_FULL=1 runs them whole)'}`);
  assert.ok(count('refused') > 0 && count('completed') > 0, seen.join('\n'));
  assert.deepEqual(b.errors, []);
});

test('20 Stops at random moments leave the app usable and the next run correct', async () => {
  const { page } = b;
  const modes = ['sequential', 'concurrent', 'parallel', 'both'];
  await open(page, site.url, 'workload=mixed&kernel=hash&tasks=40&work_ms=20&latency_ms=100&jitter_ms=50&threads=2&slice_ms=3');
  let random = 7;
  const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 20; i++) {
    const mode = modes[i % 4];
    await page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForTimeout(Math.floor(next() * 600));
    // The run may end on its own meanwhile: then there is nothing to stop.
    await page.getByRole('button', { name: 'Stop', exact: true }).click({ timeout: 1000 }).catch(() => {});
    await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 10000 });
    const r = (await rows(page))[mode];
    assert.ok(['cancelled', 'completed'].includes(r.outcome), `${mode}: ${r.outcome}`);
    if (r.outcome === 'cancelled') assert.ok(r.cancelLatency < 100, `${mode}: Stop took ${r.cancelLatency} ms`);
  }
  // The next run of each mode is whole and does the same work as the others.
  const checksums = new Set();
  for (const mode of modes) {
    await page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await runAndWait(page, 'Run');
    const r = (await rows(page))[mode];
    assert.equal(r.outcome, 'completed', mode);
    assert.equal(r.finished, 40, mode);
    checksums.add(r.checksum);
  }
  assert.equal(checksums.size, 1, 'every mode computed the same result after the Stops');
  assert.deepEqual(b.errors, []);
});

test('a failing task is reported by number, the run marked failed, and the next run works', async () => {
  const { page } = b;
  for (const mode of ['parallel', 'both', 'concurrent', 'sequential']) {
    await open(page, site.url, `mode=${mode}&workload=cpu&kernel=primes&tasks=6&work_ms=10&threads=2&fail_task=3`);
    await runAndWait(page, 'Run');
    const r = (await rows(page))[mode];
    assert.equal(r.outcome, 'failed', mode);
    assert.match(await page.locator('.controls .message.error').textContent(), /task 3 failed/, mode);
    // Turn the fault off (in the Advanced area) and run again: the pool (or the main thread) still works.
    await page.locator('details.advanced:not(.scenario) > summary').click();
    await page.getByRole('spinbutton', { name: 'Failing task (0 = none)', exact: true }).fill('0');
    await page.getByRole('spinbutton', { name: 'Failing task (0 = none)', exact: true }).press('Enter');
    await runAndWait(page, 'Run');
    const again = (await rows(page))[mode];
    assert.equal(again.outcome, 'completed', mode);
    assert.equal(again.finished, 6, mode);
    if (mode === 'parallel' || mode === 'both') assert.equal(again.workers, 2, mode);
  }
  assert.deepEqual(b.errors, []);
});

test('a real panic is shown in the page, never a blank page', async () => {
  const s = await browser();
  try {
    await open(s.page, site.url);
    await s.page.evaluate(() => {
      try {
        window.wasmBindings.bench_panic();
      } catch {
        // The panic aborts the module: the call throws after the hook ran.
      }
    });
    const fatal = await s.page.locator('#fatal').textContent();
    assert.match(fatal, /conpar stopped working: .*a panic injected by the reliability test.*Reload the page/s);
    assert.equal(await s.page.locator('#fatal').getAttribute('role'), 'alert');
    assert.ok(await s.page.locator('h1').isVisible(), 'the page is still there');
  } finally {
    await s.close();
  }
});

/** Net event listeners and pending animation frames, counted from page start. */
const COUNTERS = () => {
  const c = (window.__counts = { listeners: 0, frames: new Set() });
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (...a) {
    c.listeners++;
    return add.apply(this, a);
  };
  EventTarget.prototype.removeEventListener = function (...a) {
    c.listeners--;
    return remove.apply(this, a);
  };
  const raf = window.requestAnimationFrame;
  const caf = window.cancelAnimationFrame;
  window.requestAnimationFrame = function (f) {
    const id = raf.call(window, (t) => {
      c.frames.delete(id);
      f(t);
    });
    c.frames.add(id);
    return id;
  };
  window.cancelAnimationFrame = function (id) {
    c.frames.delete(id);
    return caf.call(window, id);
  };
};

test('a long session: memory, workers, listeners and frame loops stay flat', async () => {
  const runs = FULL ? 200 : 40;
  const s = await browser();
  try {
    await s.context.addInitScript(COUNTERS);
    await open(s.page, site.url, 'workload=mixed&kernel=hash&tasks=6&work_ms=3&latency_ms=10&threads=2&slice_ms=1');
    const modes = ['sequential', 'concurrent', 'parallel', 'both'];
    const sample = () =>
      s.page.evaluate(() => ({ memory: window.wasmBindings.bench_memory_bytes(), listeners: window.__counts.listeners, frames: window.__counts.frames.size }));
    const soak = async (n) => {
      for (let i = 0; i < n; i++) {
        await s.page.getByLabel('Mode', { exact: true }).selectOption(modes[i % 4]);
        await runAndWait(s.page, i % 10 === 9 ? 'Compare all modes' : 'Run');
      }
    };
    await soak(8); // warm-up: first allocations, JIT tiers, the comparison's table
    const warm = { ...(await sample()), workers: s.page.workers().length };
    await soak(runs);
    const end = { ...(await sample()), workers: s.page.workers().length };
    console.log(`# soak of ${runs} runs: ${JSON.stringify({ warm, end })}`);
    assert.ok(end.memory <= warm.memory * 1.1, `memory grew from ${warm.memory} to ${end.memory} bytes`);
    assert.equal(end.workers, warm.workers, 'no worker was added');
    assert.ok(end.listeners <= warm.listeners, `listeners: ${warm.listeners} → ${end.listeners}`);
    assert.ok(end.frames <= warm.frames, `pending animation frames: ${warm.frames} → ${end.frames}`);
    assert.equal((await rows(s.page))[modes[(runs - 1) % 4]].outcome, 'completed');
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});
