// The hosted demo: the built site under a sub-path on the three kinds of
// static host, as `make dist` deploys it.
//   - no special headers (GitHub Pages): the service worker isolates the page
//     with one reload;
//   - no headers and no service workers (private browsing, a blocking
//     setting): a degraded page that says why and still runs concurrency;
//   - the site's own `_headers` (Netlify, Cloudflare Pages): isolated at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, browser, facts, ready, rows, runAndWait, serve } from './lib.mjs';

const LINK = 'mode=parallel&workload=cpu&kernel=hash&tasks=8&work_ms=40&threads=2&slice_ms=6';

/**
 * Opens `url` in a fresh browser, counting the main frame's navigations and
 * every request; resolves once the app has started (pool up, or given up).
 */
async function visit(b, url) {
  const requests = [];
  b.page.on('request', (r) => requests.push(r.url()));
  // Documents loaded in this tab, reloads included (not the app's history.replaceState).
  await b.context.addInitScript(() => {
    sessionStorage.setItem('documents', String(Number(sessionStorage.getItem('documents') ?? 0) + 1));
  });
  const started = Date.now();
  await b.page.goto(url);
  // Ready, and not about to reload: the page the person ends up with.
  for (;;) {
    try {
      await ready(b.page);
      await b.page.waitForFunction(() => window.conparIsolation?.state !== 'registering', null, { timeout: 15000 });
      break;
    } catch (e) {
      if (!/destroyed|navigat/i.test(e.message)) throw e;
    }
  }
  const loadMs = Date.now() - started;
  // Give a further reload, were one to come, the time to show itself.
  await b.page.waitForTimeout(1500);
  await ready(b.page);
  return { requests, loadMs, navigations: Number(await b.page.evaluate(() => sessionStorage.getItem('documents'))) };
}

function log(what, v) {
  console.log(`# ${what}: ${v.navigations} page load(s), ready after ${v.loadMs} ms`);
}

/** Runs `check(b, site)` with a fresh browser and a server, closing both whatever happens. */
async function hosted(headers, options, check) {
  const site = await serve({ headers });
  const b = await browser(options);
  try {
    await check(b, site);
  } finally {
    await b.close();
    await site.close();
  }
}

test('without headers, the service worker isolates the page with one reload', async () => {
  await hosted('none', {}, async (b, site) => {
    const v = await visit(b, `${site.url}?${LINK}`);
    log('no headers, service worker', v);
    assert.ok(v.navigations <= 2, `${v.navigations} page loads`);
    assert.equal(await b.page.evaluate(() => crossOriginIsolated), true);
    assert.equal(await b.page.evaluate(() => window.conparIsolation?.state), 'isolated');
    assert.ok(await b.page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');
    const f = await facts(b.page);
    assert.ok(Number(f.pool) >= 2, `pool: ${f.pool}`);
    // The share link survived the reload and restores its experiment.
    const query = new URL(b.page.url()).searchParams;
    for (const [k, value] of new URLSearchParams(LINK)) assert.equal(query.get(k), value, k);
    assert.equal(await b.page.getByLabel('Kernel', { exact: true }).inputValue(), 'hash');
    await runAndWait(b.page, 'Run');
    const r = (await rows(b.page)).parallel;
    assert.equal(r.outcome, 'completed');
    assert.ok(r.workers >= 2, `workers: ${r.workers}`);
    // A second visit in the same browser is isolated at once.
    await b.page.reload();
    await ready(b.page);
    await b.page.waitForTimeout(1500);
    assert.equal(Number(await b.page.evaluate(() => sessionStorage.getItem('documents'))), v.navigations + 1, 'no extra reload on a return visit');
    assert.equal(await b.page.evaluate(() => crossOriginIsolated), true);
    assert.deepEqual(b.errors, []);
  });
});

test('without headers or service workers, the page degrades and says why', async () => {
  await hosted('none', { serviceWorkers: 'block' }, async (b, site) => {
    const v = await visit(b, `${site.url}?${LINK.replace('mode=parallel', 'mode=concurrent')}`);
    log('no headers, service workers blocked', v);
    assert.equal(v.navigations, 1, 'no reload');
    assert.equal(await b.page.evaluate(() => crossOriginIsolated), false);
    const f = await facts(b.page);
    assert.equal(f.isolated, 'no');
    assert.equal(f.pool, 'none');
    // Parallel modes are disabled, with the reason in plain words.
    const note = await b.page.locator('.controls .note').first().textContent();
    assert.match(note, /Parallel modes are off: .*not cross-origin isolated.*: .+\. Concurrency experiments still run/);
    for (const mode of ['parallel', 'both']) {
      assert.equal(await b.page.locator(`#setting-mode option[value=${mode}]`).isDisabled(), true, mode);
    }
    assert.equal(await b.page.getByRole('button', { name: 'Sweep threads' }).isDisabled(), true);
    // Concurrency still runs.
    await runAndWait(b.page, 'Run');
    const r = (await rows(b.page)).concurrent;
    assert.equal(r.outcome, 'completed');
    assert.equal(r.finished, 8);
    // Compare all modes runs what it can and says what it skipped.
    await runAndWait(b.page, 'Compare all modes');
    const compared = await rows(b.page);
    assert.deepEqual(Object.keys(compared).sort(), ['concurrent', 'sequential']);
    assert.match(await b.page.locator('.controls .message').textContent(), /Parallel modes were skipped/);
    await b.page.screenshot({ path: join(ARTIFACTS, 'degraded-1280.png'), fullPage: true });
    assert.deepEqual(b.errors, []);
  });
});

test('with the site\'s _headers, the page is isolated at once, and loads nothing from elsewhere', async () => {
  await hosted('file', {}, async (b, site) => {
    const v = await visit(b, `${site.url}?${LINK}`);
    log('_headers', v);
    assert.equal(v.navigations, 1, 'no reload');
    assert.equal(await b.page.evaluate(() => crossOriginIsolated), true);
    assert.equal(await b.page.evaluate(() => navigator.serviceWorker.controller), null, 'no service worker needed');
    assert.ok(Number((await facts(b.page)).pool) >= 2);
    await runAndWait(b.page, 'Run');
    assert.ok((await rows(b.page)).parallel.workers >= 2);
    // The header carries the whole policy: the <meta>'s directives and those only a header may set.
    const res = await fetch(site.url);
    const header = res.headers.get('content-security-policy') ?? '';
    const metaPolicy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(await res.text())?.[1];
    assert.ok(metaPolicy, 'the page has its <meta> policy too');
    for (const directive of metaPolicy.split('; ')) assert.ok(header.split('; ').includes(directive), `header lacks ${directive}: ${header}`);
    assert.match(header, /frame-ancestors 'none'/);
    const origin = new URL(site.url).origin;
    const foreign = v.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(foreign, [], 'every request is same-origin');
    assert.deepEqual(b.errors, []);
  });
});

test('without headers, the page still has its Content-Security-Policy, from a <meta>, and it blocks injected inline script', async () => {
  await hosted('none', {}, async (b, site) => {
    // What GitHub Pages would send: no policy header, the policy in the page.
    const response = await fetch(site.url);
    assert.equal(response.headers.get('content-security-policy'), null, 'this host sends no policy header');
    const html = await response.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    assert.ok(meta, 'index.html carries the policy in a <meta>');
    assert.ok(html.indexOf(meta[0]) < html.search(/<script\b/), 'the <meta> comes before every script (a policy covers only what follows it)');
    assert.match(meta[1], /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'/, 'scripts: same-origin files, WebAssembly, and Trunk\'s loader by its hash');
    // Browsers ignore these in a <meta> (and Chromium logs an error for each): they belong in the header only.
    assert.doesNotMatch(meta[1], /frame-ancestors|report-uri|report-to|sandbox/, 'only directives a <meta> honours');
    assert.doesNotMatch(meta[1].match(/script-src[^;]*/)[0], /'unsafe-inline'|'unsafe-eval'/, 'no inline script or eval() allowed');

    const v = await visit(b, `${site.url}?${LINK.replace('mode=parallel', 'mode=concurrent')}`);
    log('no headers, policy from <meta>', v);
    assert.equal(await b.page.evaluate(() => window.conparIsolation?.state), 'isolated', 'isolation.js and the service worker work under the policy');
    assert.deepEqual(b.errors, [], 'nothing the page itself does breaks the policy');

    // Inject an inline script as an attacker's markup would: the policy must refuse it.
    const injected = await b.page.evaluate(
      () =>
        new Promise((resolve) => {
          const violations = [];
          document.addEventListener('securitypolicyviolation', (e) => violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
          const s = document.createElement('script');
          s.textContent = 'window.__injectedRan = true;';
          document.head.append(s);
          setTimeout(() => resolve({ ran: window.__injectedRan === true, violations }), 500);
        }),
    );
    assert.equal(injected.ran, false, `the injected script ran: ${JSON.stringify(injected)}`);
    assert.ok(
      injected.violations.some((x) => /^script-src/.test(x.directive) && x.blocked === 'inline'),
      `a securitypolicyviolation for the inline script: ${JSON.stringify(injected)}`,
    );
    // The browser reports the refusal on the console; nothing else is an error.
    assert.ok(b.errors.every((e) => /Content Security Policy/i.test(e)), `errors: ${JSON.stringify(b.errors)}`);
    b.errors.length = 0;

    // The page goes on working.
    await runAndWait(b.page, 'Run');
    const r = (await rows(b.page)).concurrent;
    assert.equal(r.outcome, 'completed');
    assert.equal(r.finished, 8);
    assert.deepEqual(b.errors, []);
  });
});

test('opened as a visitor opens it, the test-only exports refuse, and the page keeps working', async () => {
  await hosted('isolation', { testHooks: false }, async (b, site) => {
    await b.page.goto(`${site.url}?${LINK}`);
    await ready(b.page);
    assert.equal(await b.page.evaluate(() => globalThis.conparTestHooks), undefined);
    const calls = await b.page.evaluate(async () => {
      const w = window.wasmBindings;
      const tries = {
        bench_panic: () => w.bench_panic(),
        bench_run: () => w.bench_run('mode=sequential&workload=cpu&tasks=2&work_ms=5', false),
        bench_kernel: () => w.bench_kernel('hash', 1000),
        bench_yields: () => w.bench_yields(5),
        bench_timeline: () => w.bench_timeline(10, 2),
        bench_memory_bytes: () => w.bench_memory_bytes(),
      };
      const out = {};
      for (const [name, call] of Object.entries(tries)) {
        try {
          out[name] = `returned ${JSON.stringify(await call())}`;
        } catch (e) {
          // wasm-bindgen throws the refusal's string itself.
          out[name] = `refused: ${typeof e === 'string' ? e : e?.message}`;
        }
      }
      return out;
    });
    for (const [name, outcome] of Object.entries(calls)) {
      assert.match(outcome, /^refused: conpar's test hooks are off/, `${name}: ${outcome}`);
    }
    // No panic happened: the page shows no fatal error and still runs.
    assert.equal(await b.page.locator('#fatal').count(), 0, 'no fatal error shown');
    await runAndWait(b.page, 'Run');
    const r = (await rows(b.page)).parallel;
    assert.equal(r.outcome, 'completed');
    assert.equal(r.finished, 8);
    assert.deepEqual(b.errors, []);
  });
});
