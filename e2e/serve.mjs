// A plain static server for the built site, for the browser tests and the
// benchmark, playing the hosts conpar may be put on.
//
//   node e2e/serve.mjs [--port 8090] [--root dist] [--base /conpar/] [--headers isolation|none|file]
//
// --headers isolation (default) sends COOP/COEP, as `trunk serve` does;
// none sends nothing, as GitHub Pages (the service worker must isolate the
// page); file sends what the site's own `_headers` says, as Netlify or
// Cloudflare Pages would. --base serves the site under a sub-path.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

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

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The rules of a Netlify-style `_headers` file: [{ pattern: RegExp, headers }]. */
export function readHeadersFile(path) {
  const rules = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const glob = line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      rules.push({ pattern: new RegExp(`^${glob}$`), headers: {} });
    } else if (rules.length) {
      const at = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return rules;
}

/** Serves `root` under `base` with the chosen headers; counts requests in `server.requests`. */
export function startServer({ port, root, base = '/', headers = 'isolation' }) {
  const rules = headers === 'file' ? readHeadersFile(join(root, '_headers')) : [];
  // Large enough for the reliability test's 100 KB link (Node's default is 16 KB).
  const server = createServer({ maxHeaderSize: 256 * 1024 }, async (req, res) => {
    server.requests.push(req.url);
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end('not under ' + base);
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname.slice(base.length)));
    if (path.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const sent = { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' };
      if (headers === 'isolation') Object.assign(sent, ISOLATION);
      for (const rule of rules) if (rule.pattern.test('/' + path)) Object.assign(sent, rule.headers);
      res.writeHead(200, sent).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  server.requests = [];
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const port = Number(opt('--port', '8090'));
  const root = resolve(opt('--root', 'dist'));
  const base = opt('--base', '/').replace(/\/?$/, '/');
  const headers = opt('--headers', 'isolation');
  await startServer({ port, root, base, headers });
  console.log(`serving ${root} at http://127.0.0.1:${port}${base} (headers: ${headers})`);
}
