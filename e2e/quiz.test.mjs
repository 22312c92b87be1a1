// The quiz at the top of Learn, at a phone's width: an answer says at once
// whether it holds and why, the run that settles it states a measured
// number, the score survives a reload and goes with Reset, hostile saved
// progress is left out with a notice, and axe-core finds no WCAG 2.1 AA
// violation in it, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, browser, open, serve } from './lib.mjs';

let site;
before(async () => (site = await serve()));
after(() => site.close());

const quiz = (page) => page.locator('section.quiz');
const item = (page, id) => page.locator(`.quiz-question[data-id="${id}"]`);

test('390 px: answers are judged at once, settled by a run, kept across a reload, and cleared by Reset', async () => {
  // Its own browser: axe is injected, which the page's policy forbids.
  const s = await browser({ width: 390, height: 900, bypassCSP: true });
  try {
    const { page } = s;
    await open(page, site.url);
    assert.equal(await quiz(page).locator('.quiz-question').count(), 6);
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^6 questions\./);

    // A wrong answer, then a right one: each judged at once, with why.
    const cores = item(page, 'cores');
    await cores.getByRole('radio', { name: /Yes: tasks in progress/ }).check();
    // Choosing is not answering: Check my answer records it.
    assert.equal(await cores.locator('.quiz-verdict').count(), 0);
    await cores.getByRole('button', { name: 'Check my answer' }).click();
    assert.equal(await cores.locator('.quiz-verdict').getAttribute('data-right'), 'false');
    assert.match(await cores.locator('.quiz-verdict').textContent(), /^Not quite: No: one thread can keep many tasks/);
    const nodejs = item(page, 'nodejs');
    await nodejs.getByRole('radio', { name: /^Concurrent: one event loop/ }).check();
    await nodejs.getByRole('button', { name: 'Check my answer' }).click();
    assert.equal(await nodejs.locator('.quiz-verdict').getAttribute('data-right'), 'true');
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^1 of 2 answered right/);
    // The first answer counts: the options are closed until Reset.
    assert.ok(await cores.getByRole('radio', { name: /^No: one thread/ }).isDisabled());

    // The run that settles it, on this machine: a measured sentence.
    await cores.getByRole('button', { name: 'Settle it on this machine' }).click();
    await cores.locator('.result:not(.running)').waitFor({ timeout: 60000 });
    assert.match(await cores.locator('.result').textContent(), /waits of \d+ ms took [\d.]+ m?s one after another, and [\d.]+ m?s/);
    await quiz(page).screenshot({ path: join(ARTIFACTS, 'quiz-390.png') });

    // axe, light and dark, with the verdicts and a result showing.
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const violations = await page.evaluate(async () => {
        const r = await globalThis.axe.run(document.querySelector('section.quiz'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      });
      assert.deepEqual(violations, [], `${scheme}: ${JSON.stringify(violations, null, 1)}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);

    // A reload keeps the answers and the score.
    await page.reload();
    await open(page, site.url);
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^1 of 2 answered right/);
    assert.ok(await item(page, 'nodejs').getByRole('radio', { name: /^Concurrent: one event loop/ }).isChecked());

    // Reset clears them, for good.
    await quiz(page).getByRole('button', { name: 'Reset the quiz' }).click();
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^6 questions\./);
    await open(page, site.url);
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^6 questions\./);
    assert.equal(await page.evaluate(() => localStorage.getItem('conpar-quiz')), null);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('hostile progress saved in the browser is left out with a notice, what fits is kept', async () => {
  const s = await browser({ width: 390, height: 900 });
  try {
    const { page } = s;
    await open(page, site.url);
    await page.evaluate(() => localStorage.setItem('conpar-quiz', 'v1:cores=99,both=1,<img src=x>=0'));
    await open(page, site.url);
    assert.match(await quiz(page).textContent(), /could not be read and was left out/);
    assert.match(await quiz(page).locator('.quiz-score').textContent(), /^1 of 1 answered right/);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});
