// Trunk's post-build hook (see Trunk.toml): finishes the site in Trunk's
// staging directory, for every build (`make serve`, `make site`, `make dist`).
//
// 1. The Content-Security-Policy. Trunk loads the app with an inline module
//    script (trunk-rs/trunk#288), which a policy without 'unsafe-inline'
//    blocks. Its text changes with every build (file hashes), so its SHA-256
//    is computed here and allowed by hash: nothing else inline may run. The
//    policy goes into index.html as a <meta> (every host, `trunk serve` too)
//    and into `_headers` (hosts that read it: Netlify, Cloudflare Pages).
// 2. `_headers` also carries COOP/COEP, so those hosts isolate the page
//    without the service worker.
// 3. The service worker for hosts without headers (coi-serviceworker, npm,
//    pinned in package-lock.json), with its licence; public/isolation.js
//    registers it.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('finish-site.mjs runs as a Trunk hook: TRUNK_STAGING_DIR is not set');
  process.exit(1);
}
const indexPath = join(staging, 'index.html');
let html = readFileSync(indexPath, 'utf8');

// Every inline script (no src attribute), hashed exactly as the browser will.
const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
  if (/\bsrc\s*=/.test(attrs)) continue;
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}

const policy = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' allows compiling WebAssembly, and nothing else: no eval().
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  // wasm-bindgen-rayon starts each worker from a blob: copy of its own
  // same-origin script (workerHelpers.no-bundler.js); blob: URLs can only be
  // made by script already allowed to run here.
  "worker-src 'self' blob:",
  // Leptos and the charts set style attributes (tooltip position, canvas size).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

// First in <head>: a policy applies only to what comes after it.
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
html = html.replace(/<head>/, `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
writeFileSync(indexPath, html);

writeFileSync(
  join(staging, '_headers'),
  `# Response headers for static hosts that read this file (Netlify, Cloudflare Pages).
# Generated at build time by scripts/finish-site.mjs: the policy allows Trunk's
# inline loader by its hash, which changes with every build.
/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  Content-Security-Policy: ${policy}
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
`,
);

const coi = join(process.env.TRUNK_SOURCE_DIR ?? '.', 'node_modules', 'coi-serviceworker');
copyFileSync(join(coi, 'coi-serviceworker.js'), join(staging, 'coi-serviceworker.js'));
copyFileSync(join(coi, 'LICENSE'), join(staging, 'coi-serviceworker.LICENSE.txt'));
console.log(`finish-site: CSP allowing ${hashes.length} inline script(s) by hash, _headers, service worker`);
