import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const url = process.argv[2]; const out = process.argv[3] || '/tmp/shot.png'; const width = Number(process.argv[4] || 1280);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pw-')), {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'],
  viewport: { width, height: 900 },
});
const page = await ctx.newPage();
page.on('console', m => console.log('console.' + m.type() + ':', m.text()));
page.on('pageerror', e => console.log('pageerror:', e.message));
await page.goto(url);
await page.waitForFunction(() => document.querySelector('[data-fact=pool]')?.textContent !== 'starting…', null, { timeout: 20000 }).catch(e => console.log('wait failed', e.message));
console.log('env:', await page.evaluate(() => [...document.querySelectorAll('[data-fact]')].map(e => e.dataset.fact + '=' + e.textContent).join(' | ')));
const action = process.argv[5];
if (action) {
  await page.getByRole('button', { name: action, exact: true }).click();
  await page.waitForTimeout(300);
  await page.waitForFunction(() => !document.querySelector('.status progress'), null, { timeout: 60000 });
  console.log('caption:', await page.locator('.timeline .caption').textContent());
  console.log('rows:', await page.evaluate(() => [...document.querySelectorAll('.compare tbody tr')].map(r => r.innerText.replace(/\s+/g,' ')).join('\n')));
}
await page.screenshot({ path: out, fullPage: true });
await ctx.close();
