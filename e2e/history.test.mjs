// History and notices as a visitor meets them: Back leaves conpar in one
// step from a link however short, undoes exactly the changes the person made,
// and every value the page changes from what was typed is said on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSite, open, openSite } from './lib.mjs';

let site, b;
before(async () => ({ site, b } = await openSite()));
after(() => closeSite(site, b));

// The README's example: shorter than the full link the page writes out.
const SHORT = 'mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=50&threads=2';
// The same settings as the page writes them out, every setting given.
const FULL = 'mode=parallel&workload=cpu&kernel=primes&tasks=8&work_ms=50&latency_ms=200&jitter_ms=0&threads=2&slice_ms=5&seed=1';

/**
 * A new tab (fresh history) showing a plain page of the test server, the
 * page the visitor was on before following a link to conpar. It is served
 * with the same isolation headers as the app, so that only conpar's own
 * history writes are under test. Returns `base`, the number of history
 * entries up to that page.
 */
async function tabWithPageBefore() {
  const page = await b.context.newPage();
  const errors = [];
  page.on('console', (m) => {
    // The browser asks the server's root for /favicon.ico on behalf of the
    // plain page before (which names no icon); the server has none.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const first = new URL('isolation.js', site.url).href;
  await page.goto(first);
  // A new tab's history may keep its first, blank entry: count from here.
  const base = await page.evaluate(() => history.length);
  return { page, errors, first, base };
}

// src/ui/url.rs makes at most one history entry a second, so that a drag
// makes one entry; a person's steps (open, change, Back) are seconds apart.
// The test waits this long between them, so that each step is seen as its
// own rather than merged with the one before.
const PUSH_WINDOW_MS = 1000;
const pause = (page) => page.waitForTimeout(PUSH_WINDOW_MS + 200);

const entries = (page) => page.evaluate(() => history.length);
const param = (page, key) => new URL(page.url()).searchParams.get(key);
const tasksShown = (page) => page.getByRole('spinbutton', { name: 'Tasks', exact: true }).inputValue();

test('Back from a freshly opened short link leaves conpar in one step', async () => {
  const { page, errors, first, base } = await tabWithPageBefore();
  try {
    await open(page, site.url, SHORT);
    // The link is written out in full, in place of the entry it was opened as.
    assert.equal(new URL(page.url()).search, `?${FULL}`);
    assert.equal(await entries(page), base + 1, 'the page before and conpar: no entry added by writing out the link');
    await page.goBack();
    assert.equal(page.url(), first, 'one Back leaves conpar');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('Back undoes a slider change, then leaves conpar', async () => {
  const { page, errors, first, base } = await tabWithPageBefore();
  try {
    await open(page, site.url, SHORT);
    await pause(page);
    const slider = page.getByRole('slider', { name: 'Tasks' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '9');
    assert.equal(await entries(page), base + 2, 'the change made one entry');

    await pause(page);
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('input[type=number][aria-label=Tasks]')?.value === '8');
    assert.equal(param(page, 'tasks'), '8', `the link's settings are back: ${page.url()}`);
    assert.equal(param(page, 'mode'), 'parallel');
    // Restoring the settings rewrote the entry in place: nothing was added
    // in front of the page before, and the change is still forward.
    await pause(page);
    assert.equal(await entries(page), base + 2, 'restoring added no entry');

    await page.goBack();
    assert.equal(page.url(), first, 'the second Back leaves conpar');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('input[type=number][aria-label=Tasks]')?.value === '8');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('input[type=number][aria-label=Tasks]')?.value === '9');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('an entry restored by Back or Forward is written out in place, not pushed', async () => {
  const { page, errors, first, base } = await tabWithPageBefore();
  try {
    // Opened in full, so that only the restoring's write is under test.
    await open(page, site.url, FULL);
    assert.equal(new URL(page.url()).search, `?${FULL}`, 'the full link is left as it is');
    // An entry holding a short link, as one made by an earlier version of the page.
    await page.evaluate(() => history.pushState(null, '', `${location.pathname}?tasks=5`));
    assert.equal(await entries(page), base + 2);
    await page.goBack();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '8');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('input[type=number][aria-label=Tasks]')?.value === '5');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('latency_ms') === '200');
    assert.equal(await entries(page), base + 2, 'writing out the restored link added no entry');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('input[type=number][aria-label=Tasks]')?.value === '8');
    await page.goBack();
    assert.equal(page.url(), first);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

/** The notices on the page, as text. */
const notices = (page) => page.locator('.notices li').allTextContents();

test('a number typed out of range, or with decimals, is used changed and the page says so', async () => {
  const { page, errors } = await tabWithPageBefore();
  try {
    await open(page, site.url, SHORT);
    assert.deepEqual(await notices(page), [], 'a good link raises no notice');
    const tasks = page.getByRole('spinbutton', { name: 'Tasks', exact: true });

    await tasks.fill('999999');
    await tasks.press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '100000');
    assert.equal(await tasksShown(page), '100000');
    let said = await notices(page);
    assert.equal(said.length, 1, JSON.stringify(said));
    assert.match(said[0], /Tasks/, 'names the field');
    assert.match(said[0], /\b999999\b/, 'the value typed');
    assert.match(said[0], /\b100000\b/, 'the value used');

    // A decimal is rounded, and said; the notice about the earlier value goes.
    await tasks.fill('8.7');
    await tasks.press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('tasks') === '9');
    assert.equal(await tasksShown(page), '9');
    said = await notices(page);
    assert.equal(said.length, 1, JSON.stringify(said));
    assert.match(said[0], /Tasks.*8\.7.*\b9\b/);

    // Below the minimum of a field beside: the work per task.
    const work = page.getByRole('spinbutton', { name: 'Work per task (ms)', exact: true });
    await work.fill('-3');
    await work.press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('work_ms') === '1');
    said = await notices(page);
    assert.equal(said.length, 2, JSON.stringify(said));
    assert.match(said[1], /Work per task \(ms\).*-3.*\b1\b/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
