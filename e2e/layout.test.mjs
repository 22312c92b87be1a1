// The page's reading order and its first screen (issue: "The first five
// minutes"). At 390, 768 and 1280 px: the cards' headings come in one order
// (ui/app.rs's list, which is the DOM's; no CSS reorders it), the controls
// first and Learn last, on screen as in the DOM, before a run, after a
// comparison and after a sweep; a card with nothing to show is at most two
// lines; a newcomer is offered two ways in, one of them to Learn.
// Screenshots of each width and stage are kept in e2e/artifacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, browser, open, runAndWait, serve } from './lib.mjs';

/** Every card heading the page can show, in reading order. */
const ORDER = [
  'Experiment',
  'Timeline',
  'Is the page responsive?',
  'Modes compared',
  'Shared counter',
  'Every mode on one time axis',
  'Speedup by threads',
  'Replay',
  'Share or open a result',
  'Export',
  'Serving many connections',
  'Training on many devices',
  'This browser',
  'Learn: concurrency is not parallelism',
];
/** Shown on every page, whatever has run. */
const ALWAYS = ['Experiment', 'Timeline', 'Modes compared', 'Speedup by threads', 'Replay', 'Serving many connections', 'Training on many devices', 'This browser', 'Learn: concurrency is not parallelism'];

// Short runs: the test is about where things are, not how long they take.
const QUERY = 'mode=both&workload=mixed&kernel=hash&tasks=8&work_ms=20&latency_ms=100&threads=2';

let site;
before(async () => (site = await serve()));
after(() => site.close());

/** The cards' headings in DOM order, each with its top and left on the page and its card's height in lines. */
async function cards(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('section.card > h2, section.card > .card-head > h2')].map((h) => {
      const card = h.closest('section.card');
      const box = card.getBoundingClientRect();
      const style = getComputedStyle(card);
      const inner = card.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      const line = Math.max(...[h, card.querySelector('.empty-hint')].filter(Boolean).map((e) => parseFloat(getComputedStyle(e).lineHeight) || 1.2 * parseFloat(getComputedStyle(e).fontSize)));
      return {
        title: h.textContent.trim(),
        top: box.top + window.scrollY,
        left: box.left,
        empty: card.classList.contains('empty'),
        lines: inner / line,
      };
    }),
  );
}

/** Fails unless the headings come in ORDER, ALWAYS among them, and the page shows them in that order. */
function assertOrder(seen, what) {
  const titles = seen.map((c) => c.title);
  const unknown = titles.filter((t) => !ORDER.includes(t));
  assert.deepEqual(unknown, [], `${what}: headings not in the reading order's list`);
  const positions = titles.map((t) => ORDER.indexOf(t));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `${what}: headings out of order: ${titles.join(' · ')}`);
  for (const t of ALWAYS) assert.ok(titles.includes(t), `${what}: no "${t}" card (${titles.join(' · ')})`);
  // On screen as in the DOM: the controls above or beside every result (a
  // card in the same column as an earlier one is below it), Learn below all.
  const controls = seen[0];
  for (const c of seen.slice(1)) {
    assert.ok(c.top >= controls.top - 1, `${what}: "${c.title}" (top ${c.top}) is above the controls (top ${controls.top})`);
  }
  const results = seen.slice(1);
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    if (Math.abs(a.left - b.left) < 2) assert.ok(b.top > a.top, `${what}: "${b.title}" is drawn above "${a.title}", which comes before it`);
  }
  const learn = seen.at(-1);
  for (const c of seen.slice(0, -1)) assert.ok(learn.top > c.top, `${what}: Learn is not below "${c.title}"`);
}

for (const width of [390, 768, 1280]) {
  test(`${width} px: controls first, Learn last and one click away, empty cards of one line, before and after runs`, async () => {
    const s = await browser({ width, height: 900, testHooks: false });
    try {
      await open(s.page, site.url);
      // A newcomer: two ways in, Learn first.
      const ways = await s.page.locator('.ways-in button').allTextContents();
      assert.deepEqual(ways, ['Learn it step by step', 'Just run it']);
      const before = await cards(s.page);
      assertOrder(before, `${width} px, before a run`);
      const empties = before.filter((c) => c.empty);
      assert.ok(empties.length >= 5, `${width} px: timeline, comparison, sweep, replay and export wait for a run: ${before.map((c) => `${c.title}${c.empty ? ' (empty)' : ''}`).join(' · ')}`);
      for (const c of empties) assert.ok(c.lines <= 2.2, `${width} px: the empty "${c.title}" card is ${c.lines.toFixed(1)} lines tall`);
      assert.equal(await s.page.locator('.card.empty canvas').count(), 0, 'no canvas in an empty card');
      await s.page.screenshot({ path: join(ARTIFACTS, `layout-${width}-start.png`), fullPage: true });

      // Learn is one click from the top.
      await s.page.getByRole('button', { name: 'Learn it step by step' }).click();
      await s.page.waitForFunction(() => {
        const h = document.getElementById('learn-title');
        const r = h.getBoundingClientRect();
        return r.top > -2 && r.top < window.innerHeight && document.activeElement === h;
      }, null, { timeout: 5000 });
      await s.page.evaluate(() => window.scrollTo(0, 0));

      await s.page.goto(`${site.url}?${QUERY}`);
      await open(s.page, site.url, QUERY);
      // A link with settings is an experiment: no "Just run it".
      assert.deepEqual(await s.page.locator('.ways-in button').allTextContents(), ['Learn it step by step']);
      await runAndWait(s.page, 'Compare all modes');
      // The cards a run fills are built once the page has painted after it (ui/empty_card.rs: after_paint).
      await s.page.waitForFunction(() => !document.querySelector('.card.empty.replay, .card.empty.exports'), null, { timeout: 5000 });
      const compared = await cards(s.page);
      assertOrder(compared, `${width} px, after a comparison`);
      for (const t of ['Timeline', 'Modes compared', 'Replay', 'Export']) {
        assert.ok(!compared.find((c) => c.title === t).empty, `${width} px: "${t}" still empty after a comparison`);
      }
      const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width} px: the page scrolls sideways by ${overflow} px`);
      await s.page.screenshot({ path: join(ARTIFACTS, `layout-${width}-compared.png`), fullPage: true });
      // The page's top after a comparison, as README shows it (docs/screenshot-*.png).
      await s.page.screenshot({ path: join(ARTIFACTS, `top-${width}.png`), fullPage: true, clip: { x: 0, y: 0, width, height: { 390: 2400, 768: 2000, 1280: 1500 }[width] } });

      await runAndWait(s.page, 'Sweep threads');
      const swept = await cards(s.page);
      assertOrder(swept, `${width} px, after a sweep`);
      assert.ok(!swept.find((c) => c.title === 'Speedup by threads').empty, `${width} px: no speedup after a sweep`);
      await s.page.screenshot({ path: join(ARTIFACTS, `layout-${width}-swept.png`), fullPage: true });
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });
}
