// The development server, as a person starts it: `make serve` serves a page
// with no console error, whose live-reload script runs (its WebSocket to
// Trunk opens), while the built site keeps its strict Content-Security-Policy
// (hosting.test.mjs).
//
// `make serve` as typed, but on a port and a dist directory of its own
// (Trunk's TRUNK_SERVE_PORT and TRUNK_BUILD_DIST), so that the site the
// other tests serve is left alone. The wasm is already compiled by `make
// site` (same profile): Trunk's build here is wasm-bindgen and wasm-opt,
// about half a minute.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, browser, ready } from './lib.mjs';

const PORT = 18700 + (process.pid % 100);
const dist = mkdtempSync(join(tmpdir(), 'conpar-devserver-'));
let trunk;
let log = '';

after(() => {
  if (trunk?.pid) {
    try {
      process.kill(-trunk.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  rmSync(dist, { recursive: true, force: true });
});

/** Starts `trunk serve` and waits until it serves the page (at most 5 minutes: a cold build). */
async function startTrunk() {
  // Its own process group, so that Trunk, under make, is stopped with it.
  trunk = spawn('make', ['--no-print-directory', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, TRUNK_SERVE_PORT: String(PORT), TRUNK_BUILD_DIST: dist },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trunk.stdout.on('data', (d) => { log += d; });
  trunk.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (trunk.exitCode !== null) throw new Error(`make serve exited (${trunk.exitCode}):\n${log.slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/`);
      if (res.ok && (await res.text()).includes('_bg.wasm')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`make serve did not serve the page in 5 minutes:\n${log.slice(-2000)}`);
}

test('make serve: no console error, and the live reload connects', { timeout: 420_000 }, async () => {
  await startTrunk();
  const b = await browser({ testHooks: false });
  try {
    const sockets = [];
    b.page.on('websocket', (ws) => sockets.push(ws.url()));
    await b.page.goto(`http://127.0.0.1:${PORT}/`);
    await ready(b.page);
    // The live-reload script opens its WebSocket as soon as it runs.
    const deadline = Date.now() + 10_000;
    while (!sockets.some((u) => u.includes('/.well-known/trunk/ws')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(sockets.some((u) => u.includes('/.well-known/trunk/ws')), `no live-reload WebSocket; sockets: ${JSON.stringify(sockets)}`);
    assert.equal(await b.page.evaluate(() => crossOriginIsolated), true, 'trunk serve sends COOP/COEP (Trunk.toml)');
    assert.deepEqual(b.errors, [], `console errors under make serve:\n${b.errors.join('\n')}`);
  } finally {
    await b.close();
  }
});
