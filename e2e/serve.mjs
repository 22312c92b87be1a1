// A plain static server for dist/, for the browser tests and `make dist` checks.
//
//   node e2e/serve.mjs [--port 8090] [--root dist] [--base /] [--no-isolation] [--headers-file dist/_headers]
//
// By default it sends the COOP/COEP headers that make the page cross-origin
// isolated (what `trunk serve` sends). --no-isolation sends none: a static
// host such as GitHub Pages. --base serves the site under a sub-path.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '8090'));
const root = resolve(opt('--root', 'dist'));
const base = opt('--base', '/').replace(/\/?$/, '/');
const isolation = !args.includes('--no-isolation');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export function startServer({ port, root, base, isolation }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end('not under ' + base);
      return;
    }
    let path = normalize(decodeURIComponent(url.pathname.slice(base.length)));
    if (path.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' };
      if (isolation) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startServer({ port, root, base, isolation });
  console.log(`serving ${root} at http://127.0.0.1:${port}${base} (${isolation ? 'with' : 'without'} COOP/COEP)`);
}
