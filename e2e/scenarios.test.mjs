// The scenario settings (issue 14) in the page: links with every new setting
// round-trip, hostile values are clamped with notices, load balancing shows as
// idle time per thread, and the pool size: oversubscription and its reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { attempts, closeSite, facts, open, openSite, ready, retry, runAndWait } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

const query = (page) => new URL(page.url()).search.slice(1);
const spin = (page, name) => page.getByRole('spinbutton', { name, exact: true }).inputValue();
const notices = (page) => page.locator('.notices li').allTextContents();

test('a link with every scenario setting round-trips: the controls show it, the URL stays it', async () => {
  const { page } = b;
  await open(page, site.url);
  const cores = +(await facts(page)).cores;
  // An explicit pool of one per core: a valid value that needs no reload.
  const link = `mode=parallel&workload=mixed&kernel=hash&sizes=skewed&assign=static&waits=exponential&tasks=16&work_ms=20&latency_ms=150&jitter_ms=0&threads=2&slice_ms=5&seed=3&skew_every=4&skew_factor=6&serial_pct=25&handle_us=300&pool=${cores}`;
  await open(page, site.url, link);
  assert.equal(query(page), link, 'the URL is the link, unchanged');
  assert.equal(await page.locator('.notices').count(), 0, 'a good link raises no notice');
  assert.equal(await page.getByLabel('Task sizes', { exact: true }).inputValue(), 'skewed');
  assert.equal(await page.getByLabel('Assignment to lanes', { exact: true }).inputValue(), 'static');
  assert.equal(await page.getByLabel('Waits', { exact: true }).inputValue(), 'exponential');
  for (const [name, value] of [
    ['Heavy task every (k)', '4'], ['Heavy task weight (m×)', '6'], ['Serial reduce (% of the work)', '25'],
    ['Handling after each wait (µs)', '300'], ['Pool threads (0 = one per core)', String(cores)],
  ]) {
    assert.equal(await spin(page, name), value, name);
  }
  assert.equal(await page.locator('.pool-reload').count(), 0, 'the pool asked for is the pool running: no reload offered');

  // A choice made in the page is written back like the others.
  await page.getByLabel('Assignment to lanes', { exact: true }).selectOption('stealing');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('assign') === 'stealing');
  await page.getByLabel('Task sizes', { exact: true }).selectOption('equal');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('skew_every'));
  assert.equal(await page.getByRole('spinbutton', { name: 'Heavy task every (k)', exact: true }).count(), 0, 'k and m only for skewed sizes');
});

test('hostile scenario values are clamped, with a notice for each in the page', async () => {
  const { page } = b;
  await open(page, site.url, 'workload=cpu&sizes=evil&assign=guided&waits=forever&serial_pct=500&pool=999&handle_us=-1&skew_every=1&skew_factor=1e9');
  const { cores, pool } = await facts(page);
  const most = Math.min(4 * +cores, 64);
  assert.equal(+pool, most, `the pool started at its most for ${cores} cores`);
  await page.waitForFunction((n) => new URL(location.href).searchParams.get('pool') === String(n), most);
  const said = (await notices(page)).join('\n');
  for (const [what, pattern] of [
    ['sizes', /unknown sizes “evil”/], ['assignment', /unknown assignment “guided”/], ['waits', /unknown waits “forever”/],
    ['serial_pct', /Serial reduce \(% of the work\) was 500, set to 90/], ['handle_us', /Handling after each wait \(µs\) was -1, set to 0/],
    ['skew_every', /Heavy task every \(k\) was 1, set to 2/], ['skew_factor', /Heavy task weight \(m×\) was 1e9, set to 100/],
  ]) {
    assert.match(said, pattern, `${what}: ${said}`);
  }
  // One notice for the pool, saying both what the link asked and what this
  // machine allows (beyond every machine's bound of 64 first, or only this
  // one's): two notices about one setting read as two problems.
  const poolNotices = said.split('\n').filter((line) => line.startsWith('pool:'));
  assert.equal(poolNotices.length, 1, `one notice about the pool: ${said}`);
  if (most < 64) assert.match(poolNotices[0], new RegExp(`was 999: at most ${most} on this machine .* so ${most} are used`), poolNotices[0]);
  else assert.match(poolNotices[0], /was 999, set to 64/, poolNotices[0]);
  assert.equal(await page.getByLabel('Task sizes', { exact: true }).inputValue(), 'equal');
  assert.equal(await spin(page, 'Serial reduce (% of the work)'), '90');
  assert.equal(await spin(page, 'Handling after each wait (µs)'), '0');
  assert.equal(await spin(page, 'Pool threads (0 = one per core)'), String(most));
});

/** The parallel row's idle time per pool thread, after one Run. */
async function idleOfRun(page, assign) {
  await page.getByLabel('Assignment to lanes', { exact: true }).selectOption(assign);
  await page.waitForFunction((a) => new URL(location.href).searchParams.get('assign') === a || (a === 'dynamic' && !new URL(location.href).searchParams.has('assign')), assign);
  await runAndWait(page, 'Run');
  return page.evaluate(() => {
    const tr = document.querySelector('.compare tbody tr[data-mode=parallel]');
    const idle = tr.dataset.idle.split(',').map(Number);
    return { makespan: +(+tr.dataset.makespan).toFixed(1), idle: idle.map((x) => +x.toFixed(1)), total: +idle.reduce((a, x) => a + x, 0).toFixed(1) };
  });
}

test('skewed tasks: static blocks leave a thread idle, dynamic claiming does not', async () => {
  const { page } = b;
  // 8 tasks of 20 ms, the first 8× heavier (160 ms). Static: thread 1 gets
  // tasks 1-4 (220 ms), thread 2 tasks 5-8 (80 ms) and then idles ~140 ms.
  // Dynamic: one thread takes the heavy task, the other the seven light ones
  // (140 ms): ~20 ms idle. On one free core the same holds (thread 2's block
  // still ends first). Measured (this 2-core machine, 2026-11-26, another
  // program spinning on one core, n = 6 alternating pairs): idle summed over
  // both threads, static 108–177 ms, dynamic 15–95 ms; static − dynamic per
  // pair 13, 27, 89, 100, 117, 158 ms. Bound: static > dynamic + 40 ms in any
  // of 3 attempts (4 of the 6 pairs measured pass it). Needs lab.rs to run
  // the assignment setting (Run::with_assignment): without it both runs
  // are dynamic and static idles 6–16 ms (measured), so the test fails.
  await open(page, site.url, 'mode=parallel&workload=cpu&kernel=primes&sizes=skewed&skew_every=8&skew_factor=8&tasks=8&work_ms=20&threads=2&slice_ms=5');
  const { passed, seen } = await retry(3, async () => {
    const stat = await idleOfRun(page, 'static');
    const dyn = await idleOfRun(page, 'dynamic');
    return { stat, dyn };
  }, ({ stat, dyn }) => stat.idle.length === 2 && dyn.idle.length === 2 && stat.total > dyn.total + 40);
  console.log(`# idle per thread, static vs dynamic:${attempts(seen)}`);
  assert.ok(passed, `want static idle > dynamic idle + 40 ms; every attempt:${attempts(seen)}`);
  // The table shows it per thread, in words.
  assert.match(await page.locator('.compare tbody tr[data-mode=parallel] td.idle').textContent(), /worker 1 .*ms.*worker 2 .*ms/);
});

test('oversubscription: a pool of 4 on 2 cores sweeps 1..4 threads, marks the cores, and gains nothing past them', async (t) => {
  const { page } = b;
  await open(page, site.url);
  const cores = +(await facts(page)).cores;
  if (cores !== 2) {
    t.skip(`this test is for a 2-core machine (pool 4 = 2 threads per core); this one reports ${cores}`);
    return;
  }
  // 12 tasks of 25 ms: on 2 cores 3 and 4 threads share the same two cores.
  await open(page, site.url, 'mode=parallel&workload=cpu&kernel=mandelbrot&tasks=12&work_ms=25&threads=2&slice_ms=5&pool=4');
  const f = await facts(page);
  assert.equal(f.pool, '4');
  assert.match(f.oversubscription, /4 threads on 2 logical cores: more threads than cores/);
  // Measured (this 2-core machine, 2026-11-26), speedups at p = 2, 3, 4:
  // quiet (n = 2) 1.57–1.59, 1.70–1.79, 1.82–1.84; another program spinning
  // on one core (n = 6) 0.91–1.08, 0.93–1.01, 0.93–0.99. s3/s2 and s4/s2 at
  // most 1.17:
  // at 2 threads a lane that loses its core to the page's own main thread
  // holds the run up, where 4 threads rebalance. Bound: s3 and s4 at most
  // 1.25 × s2 and at most 2.1 (two cores cannot give more than 2×, plus
  // noise), far from the ideal 3 and 4; any of 3 attempts.
  const { passed, seen } = await retry(3, async () => {
    await runAndWait(page, 'Sweep threads', 120000);
    const chart = await page.evaluate(() => {
      const c = document.querySelector('canvas[data-name=speedup]');
      return { points: c.dataset.points, marked: c.dataset.coresMarked };
    });
    const s = Object.fromEntries(chart.points.split(';').map((p) => p.split(':').map(Number)));
    return { threads: Object.keys(s).map(Number), s2: +s[2]?.toFixed(3), s3: +s[3]?.toFixed(3), s4: +s[4]?.toFixed(3), marked: chart.marked };
  }, (x) => x.threads.join() === '1,2,3,4' && x.marked === '2 cores' && Math.max(x.s3, x.s4) <= Math.min(1.25 * x.s2, 2.1), { needsFreeCores: true });
  console.log(`# oversubscribed sweep:${attempts(seen)}`);
  for (const x of seen) {
    assert.equal(x.threads.join(), '1,2,3,4', 'the sweep runs p = 1 .. pool');
    assert.equal(x.marked, '2 cores', 'the chart marks the core count');
  }
  assert.ok(passed, `want speedup at 3 and 4 threads ≤ 1.25 × at 2 and ≤ 2.1; every attempt:${attempts(seen)}`);
  assert.match(await page.locator('.speedup .caption').textContent(), /2 logical cores; the pool has 4 threads/);
});

test('changing the pool offers a reload, and the reloaded page has the new pool and the same settings', async () => {
  const { page } = b;
  await open(page, site.url, 'mode=parallel&workload=cpu&tasks=9&work_ms=30&threads=2');
  const before = await facts(page);
  const wanted = +before.pool + 1;
  const number = page.getByRole('spinbutton', { name: 'Pool threads (0 = one per core)', exact: true });
  await page.locator('details.advanced:not(.scenario) > summary').click();
  await number.fill(String(wanted));
  await number.press('Enter');
  const offer = page.locator('.pool-reload');
  await offer.waitFor();
  assert.match(await offer.textContent(), new RegExp(`to run ${wanted} threads, the page reloads`));
  // Nothing reloaded by itself: the pool is still the old one.
  assert.equal((await facts(page)).pool, before.pool);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: `Reload with ${wanted} threads` }).click()]);
  await ready(page);
  const after = await facts(page);
  assert.equal(after.pool, String(wanted));
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('pool'), String(wanted));
  assert.equal(q.get('tasks'), '9', 'the other settings were kept');
  assert.equal(await page.locator('.pool-reload').count(), 0, 'no offer once the pool is the one asked for');
  assert.deepEqual(b.errors, []);
});
