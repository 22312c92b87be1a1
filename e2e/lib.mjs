// Shared helpers of the browser tests: Debian's Chromium driven by
// playwright-core (never a downloaded browser), the built site served by
// e2e/serve.mjs, and readers of what the page shows.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying to reach
// Google's hosts, which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let nextPort = 18000 + (process.pid % 1000) * 10;

/** The sub-path `make site` builds for: the tests serve the site as a host would, not at the root. */
export const BASE = '/conpar/';

/**
 * Serves dist/ on a fresh port under `base`, with `headers` 'isolation'
 * (COOP/COEP, as `trunk serve`), 'none' (GitHub Pages) or 'file' (the
 * site's `_headers`, as Netlify); returns { url, requests, close }.
 */
export async function serve({ base = BASE, headers = 'isolation', root = join(ROOT, 'dist') } = {}) {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root} has no index.html: run \`make site\` first`);
  const port = nextPort++;
  const server = await startServer({ port, root, base, headers });
  return { url: `http://127.0.0.1:${port}${base}`, requests: server.requests, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * A fresh headless Chromium with an empty profile, and a page that records console errors.
 * `testHooks` switches on the page's test-only exports (src/runtime/test_hooks.rs) before
 * the app starts; `false` opens the page exactly as a visitor gets it. `args`: more
 * Chromium flags (`--enable-unsafe-webgpu` gives the GPU rung its software adapter).
 */
export async function browser({ width = 1280, height = 900, serviceWorkers = 'allow', testHooks = true, bypassCSP = false, args = [] } = {}) {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'conpar-e2e-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    viewport: { width, height },
    serviceWorkers,
    acceptDownloads: true,
    // Only for a test that injects a script (axe-core): the page's policy
    // forbids any (hosting.test.mjs checks it does).
    bypassCSP,
  });
  if (testHooks) await context.addInitScript(() => { globalThis.conparTestHooks = true; });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors, close: () => context.close() };
}

/** The site served (isolated, under BASE) and a fresh browser: what most test files share. */
export async function openSite() {
  const site = await serve();
  try {
    return { site, b: await browser() };
  } catch (e) {
    await site.close();
    throw e;
  }
}

/** Closes what `openSite` opened, either part possibly missing (a failed start). */
export async function closeSite(site, b) {
  await b?.close();
  await site?.close();
}

/**
 * Waits until the page has started its pool (or given up on it), and has
 * finished readying its kernels in the background (calibrated, and run once
 * on every pool thread: runtime/lab.rs). The page takes runs before that,
 * each waiting for the step in progress; the tests start from a settled
 * page, so that what they time is never next to a start-up step.
 */
export async function ready(page, timeout = 30000) {
  await page.waitForFunction(
    () => {
      const pool = document.querySelector('[data-fact=pool]')?.textContent;
      const starting = document.querySelector('.status')?.textContent?.includes('Starting');
      return pool && pool !== 'starting…' && !starting && performance.getEntriesByName('conpar:prepared').length > 0;
    },
    null,
    { timeout },
  );
}

/** The environment panel's facts, by name. */
export async function facts(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-fact]')].map((e) => [e.dataset.fact, e.textContent])));
}

/**
 * Clicks a button by its name and waits for the run (or runs) it starts to
 * end. A click that starts no run (refused, say over the time limit, or a
 * button that did nothing) fails here, naming the button and quoting the
 * page's message, instead of passing as a run that ended at once.
 *
 * "Ended" alone cannot be told from "never started" (both show no progress
 * bar), so the click must first show that a run started, within 5 s, by one
 * of two signs that `watchRun` records as they happen:
 * - the status's progress bar was added (even if a run of a few ms removed
 *   it again before the next poll: polls run once a frame and would miss it);
 * - the timeline changed (its span count, its summary or its caption): every
 *   run puts its trace there when it ends, which covers a run that ended
 *   before its progress bar was ever drawn (Leptos redraws in a later
 *   microtask, so a run that never waits on the page is never shown busy).
 * Then the wait for the end: no progress bar; immediate when the run has
 * already ended. Firefox's test uses the same page-side functions.
 */
export async function runAndWait(page, button, timeout = 60000) {
  await page.evaluate(watchRun);
  await page.getByRole('button', { name: button, exact: true }).click();
  try {
    await page.waitForFunction(runSeen, null, { timeout: 5000 });
  } catch {
    throw await noRunError(page, button);
  }
  await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout });
}

/**
 * In the page, before a click that should start a run: records the signs of
 * a run started (see `runAndWait`) in `window.__conparRun` as they happen. A
 * MutationObserver is told of every change, however brief; `runSeen` reads
 * what it saw. Self-contained (it is sent to the page as source text).
 */
export function watchRun() {
  window.__conparRun?.observer.disconnect();
  const run = { progress: false, timeline: false };
  run.observer = new MutationObserver((records) => {
    for (const r of records) {
      const at = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
      if (!at) continue;
      const added = [...r.addedNodes].some((n) => n.nodeName === 'PROGRESS' || n.querySelector?.('progress'));
      if (added && at.closest('.status')) run.progress = true;
      // The timeline canvas's span count and summary, and the caption under
      // it; not its tooltip, which a pointer leaving the canvas removes.
      const figures = r.type === 'attributes' ? ['data-spans', 'aria-label'].includes(r.attributeName) && at.closest('.timeline') : at.closest('.timeline .caption');
      if (figures) run.timeline = true;
    }
  });
  run.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  window.__conparRun = run;
}

/** In the page: whether a run started since `watchRun` (or is running now). */
export function runSeen() {
  const run = window.__conparRun;
  const seen = !!document.querySelector('.status progress') || !!run?.progress || !!run?.timeline;
  if (seen) run?.observer.disconnect();
  return seen;
}

/** The failure of a click on `button` that started no run, with what the page says. */
export async function noRunError(page, button) {
  const says = await page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent?.trim() || '';
    return JSON.stringify({ message: text('.controls .message'), status: text('.status'), estimate: text('.estimate') });
  });
  return new Error(`clicking "${button}" started no run within 5 s (no progress bar appeared and the timeline did not change); the page says ${says}`);
}

/** The comparison table's rows as numbers, by mode name. */
export async function rows(page) {
  return page.evaluate(() => {
    const out = {};
    for (const tr of document.querySelectorAll('.compare tbody tr')) {
      const d = tr.dataset;
      out[d.mode] = {
        threads: +d.threads, makespan: +d.makespan, cpu: +d.cpu, peak: +d.peak, workers: +d.workers,
        rows: d.rows ? d.rows.split(',').map(Number) : [], gap: +d.gap, longGaps: +d.longGaps,
        finished: +d.finished, outcome: d.outcome, cancelLatency: +d.cancelLatency, checksum: d.checksum,
      };
    }
    return out;
  });
}

/** Opens the app with `query` (e.g. 'mode=parallel&tasks=8') and waits until it is ready. */
export async function open(page, url, query = '') {
  await page.goto(query ? `${url}?${query}` : url);
  await ready(page);
}

/**
 * The task sets of the browser tests that time something. bench/run.mjs
 * measures the same figures on the same queries (its "test figures"), so that
 * a margin in a test can be checked against the benchmark's distribution.
 */
export const QUERIES = {
  io: 'workload=io&tasks=8&latency_ms=200&jitter_ms=0&threads=2',
  cpu: 'workload=cpu&kernel=mandelbrot&tasks=8&work_ms=40&threads=2&slice_ms=4',
  mixed: 'workload=mixed&kernel=hash&tasks=8&work_ms=30&latency_ms=150&threads=2',
  freeze: 'workload=cpu&kernel=primes&tasks=4&work_ms=250&threads=2',
  stop: 'workload=mixed&kernel=primes&tasks=60&work_ms=40&latency_ms=300&threads=2&slice_ms=5',
};
// The foundation test's task set is the CPU-bound one: a task set that runs
// longer (primes, 8 × 60 ms) shows no speedup at all while another program
// keeps a core busy (parallel / sequential 1.03–1.28, n = 10, 2026-11-26):
// Linux's autogroup scheduler then gives the browser, as a whole, one core.
QUERIES.compare = `mode=parallel&${QUERIES.cpu}`;

/** A bound a test puts on a measured figure: `ok(x)` checks it, `text` says it. */
function bound(what, op, value, unit = '') {
  const ops = { '<': (x) => x < value, '<=': (x) => x <= value, '>': (x) => x > value, '>=': (x) => x >= value };
  return { what, op, value, unit, ms: unit === 'ms', text: `${op} ${value}${unit ? ` ${unit}` : ''}`, ok: ops[op] };
}

/**
 * The bounds of the tests' timed assertions, in one place so that
 * bench/run.mjs reports each figure's distribution against the same bound.
 * Each bound's measured distributions are written by the assertion that uses it.
 */
export const LIMITS = {
  cpuConcurrent: bound('CPU-bound, slices on one thread: concurrent / sequential makespan (modes test)', '>=', 0.9),
  cpuParallel: bound('CPU-bound, two threads: parallel / sequential makespan (modes test)', '<', 0.9),
  compareParallel: bound('Compare all modes, CPU-bound: parallel / sequential makespan (foundation test)', '<', 0.9),
  mixedBoth: bound('mixed: both / concurrent makespan (modes test)', '<', 1),
  freezeSequentialGap: bound('sequential 4 × 250 ms: longest frame gap (modes test)', '>', 200, 'ms'),
  freezeParallelGap: bound('parallel 4 × 250 ms: longest frame gap (modes test)', '<', 150, 'ms'),
  freezeParallelLongGaps: bound('parallel 4 × 250 ms: frame gaps over 50 ms (modes test)', '<=', 2),
};

/**
 * Opens the page with `query`, runs each of `modes` in turn (through the mode
 * selector and Run, as a person would), and returns the comparison rows.
 */
export async function runModes(page, url, query, modes) {
  await open(page, url, query);
  for (const mode of modes) {
    await page.getByLabel('Mode', { exact: true }).selectOption(mode);
    await runAndWait(page, 'Run');
  }
  return rows(page);
}

/**
 * Asserts that every mode in `modes` computed the same checksum: the modes
 * differ in how they schedule the work, never in the work done.
 */
export function assertSameChecksums(r, modes, what = '') {
  const sums = Object.fromEntries(modes.map((m) => [m, r[m]?.checksum]));
  if (modes.some((m) => !sums[m])) throw new assert.AssertionError({ message: `${what}no checksum for some mode: ${JSON.stringify(sums)}` });
  assert.equal(new Set(Object.values(sums)).size, 1, `${what}every mode computes the same result; checksums: ${JSON.stringify(sums)}`);
}

/** Counts canvas pixels that differ from the top-left one (the background). */
export async function drawnPixels(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) n++;
    }
    return n;
  }, selector);
}

/**
 * Runs `attempt` up to `times` times until `ok(result)`; returns every result,
 * for the failure message (which must show them all: a retry absorbs noise,
 * and the message shows how much it absorbed).
 *
 * With `{ needsFreeCores: true }` (a speedup: two threads beating one), each
 * attempt also records `otherCores`, the cores other programs kept busy
 * meanwhile (see `otherCoresDuring`). A speedup needs a free core: this
 * machine's scheduler shares the CPU between groups of processes (Linux
 * autogroup), so with one program spinning the browser as a whole gets about
 * one of the two cores, and two threads cannot beat one (measured: parallel /
 * sequential 0.55–0.61 quiet, 0.55–1.06 with one core kept busy). Then
 * `busy` is true when every failing attempt ran with more than
 * BUSY_CORES of other load: the test reports that the speedup could not be
 * measured (a skip, with every attempt printed) instead of a false failure.
 * A quiet machine (CI) always measures it.
 */
export async function retry(times, attempt, ok, { needsFreeCores = false } = {}) {
  const seen = [];
  for (let i = 0; i < times; i++) {
    const r = needsFreeCores ? await otherCoresDuring(() => attempt(i)) : await attempt(i);
    seen.push(r);
    if (ok(r)) return { passed: true, busy: false, seen };
  }
  const busy = needsFreeCores && seen.every((r) => r.otherCores > BUSY_CORES);
  return { passed: false, busy, seen };
}

/** Other programs' load (in cores) above which a speedup cannot be measured on 2 cores. */
export const BUSY_CORES = 0.5;

/** Busy and total CPU ticks of the whole machine (/proc/stat), and of this process with its descendants (the browser). */
function cpuTicks() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const busy = total - f[3] - (f[4] ?? 0);
  // Time the hypervisor gave this VM's CPUs to others (the 8th column).
  const steal = f[7] ?? 0;
  const procs = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(+pid, { ppid: +rest[1], ticks: +rest[11] + +rest[12] });
    } catch {
      // The process ended meanwhile.
    }
  }
  let ours = 0;
  for (const [pid, p] of procs) {
    for (let q = pid, hops = 0; q > 1 && hops < 64; q = procs.get(q)?.ppid ?? 0, hops++) {
      if (q === process.pid) {
        ours += p.ticks;
        break;
      }
    }
  }
  return { total, busy, ours, steal };
}

/**
 * Runs `fn` and returns its result (an object) with `otherCores`: how many
 * cores programs other than this test and its browser kept busy meanwhile
 * (the host's steal included), and `hostSteal`: the share of the cores the
 * host took.
 */
export async function otherCoresDuring(fn) {
  const a = cpuTicks();
  const result = await fn();
  const b = cpuTicks();
  const ticks = Math.max(1, b.total - a.total);
  const share = (b.busy - a.busy - (b.ours - a.ours)) / ticks;
  return { ...result, otherCores: +Math.max(0, share * cpus().length).toFixed(2), hostSteal: +((b.steal - a.steal) / ticks).toFixed(3) };
}

/**
 * The share of this machine's cores the host (the hypervisor) took during
 * an attempt (`hostSteal` of `otherCoresDuring`) past which its times
 * measure the host: the native tests' rule (tests/common.rs, SPOILED),
 * where a lock test failed 5 attempts of 8 in a run the host took the
 * cores and passed every attempt in runs it did not.
 */
export const SPOILED = 0.02;

/** Every attempt of a `retry`, one a line, for a failure message. */
export function attempts(seen) {
  return seen.map((r, i) => `\n  attempt ${i + 1}: ${JSON.stringify(r)}`).join('');
}

/**
 * Clicks `button` and waits until an element matching `selector` has been
 * in the page at some moment after the click, however briefly: a state such
 * as a card's "Running…" can come and go between two of Playwright's polls
 * (a 40 ms lesson run did, in about half the attempts). A MutationObserver,
 * set before the click, sees it. Fails after `timeout` ms if it never came.
 */
export async function clickAndSee(page, button, selector, timeout = 5000) {
  await page.evaluate((sel) => {
    window.__seen = false;
    const look = () => {
      if (document.querySelector(sel)) window.__seen = true;
    };
    window.__seenObserver?.disconnect();
    window.__seenObserver = new MutationObserver(look);
    window.__seenObserver.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
  }, selector);
  await button.click();
  await page.waitForFunction(() => window.__seen, null, { timeout });
  await page.evaluate(() => window.__seenObserver?.disconnect());
}

/**
 * Clicks `button` (a locator) and saves the file it downloads under
 * e2e/artifacts: returns its name, path and text (latin1 for a PNG).
 */
export async function downloaded(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const name = file.suggestedFilename();
  const path = join(ARTIFACTS, name);
  await file.saveAs(path);
  return { name, path, text: readFileSync(path, name.endsWith('.png') ? 'latin1' : 'utf8') };
}

