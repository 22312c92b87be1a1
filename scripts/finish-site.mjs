// Trunk's post-build hook (see Trunk.toml): finishes the site in Trunk's
// staging directory, for every build (`make serve`, `make site`, `make dist`).
//
// 1. The Content-Security-Policy. Trunk loads the app with an inline module
//    script (trunk-rs/trunk#288), which a policy without 'unsafe-inline'
//    blocks. Its text changes with every build (file hashes), so its SHA-256
//    is computed here and allowed by hash: nothing else inline may run. The
//    policy goes into index.html as a <meta> (every host: GitHub Pages sends
//    no headers we choose, and `trunk serve` none of ours) and into
//    `_headers` (hosts that read it: Netlify, Cloudflare Pages). Browsers
//    ignore some directives in a <meta> (frame-ancestors, report-uri,
//    report-to, sandbox), so the <meta> carries only the others and the
//    header all of them; where both arrive, both are enforced.
// 2. `_headers` also carries COOP/COEP, so those hosts isolate the page
//    without the service worker.
// 3. The service worker for hosts without headers (coi-serviceworker, npm,
//    pinned in package-lock.json), with its licence; public/isolation.js
//    registers it.
//
// Under `trunk serve` (the development server) the page also runs Trunk's
// live-reload script, inline, which Trunk rewrites on every request (it
// writes in the address the browser asked for), so no hash can allow it:
// there the policy allows inline scripts instead. Trunk tells a hook
// nothing of the command that runs it (its hooks get TRUNK_PROFILE, the
// directories and the public URL), so the hook asks its parent process.
// Built sites (`make site`, `make dist`) keep the policy by hash.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether Trunk runs this hook for `trunk serve`: its command line says `serve`. */
function servedByTrunk() {
  const procfs = `/proc/${process.ppid}/cmdline`;
  let args;
  try {
    args = existsSync(procfs)
      ? readFileSync(procfs, 'utf8').split('\0')
      : execFileSync('ps', ['-o', 'args=', '-p', String(process.ppid)], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    return false; // unknown: the strict policy, as for a built site
  }
  return args.slice(1).includes('serve');
}
const devServer = servedByTrunk();

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

// Directives a <meta> policy may carry.
const directives = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' allows compiling WebAssembly, and nothing else: no eval().
  // The development server: inline scripts (Trunk's loader and live reload).
  devServer
    ? "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'"
    : `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  // wasm-bindgen-rayon starts each worker from a blob: copy of its own
  // same-origin script (workerHelpers.no-bundler.js); blob: URLs can only be
  // made by script already allowed to run here. 'self' also covers the
  // service worker that public/isolation.js registers.
  "worker-src 'self' blob:",
  // Leptos and the charts set style attributes (tooltip position, canvas size).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
];
const metaPolicy = directives.join('; ');
// Only a header can say who may frame the page: nobody (no clickjacking).
const headerPolicy = [...directives, "frame-ancestors 'none'"].join('; ');

// A policy applies only to what comes after it: before any script or link,
// right after <meta charset> (which must stay within the first 1024 bytes).
// Release builds are minified: unquoted attributes, and no <head> tag at all
// (it is optional in HTML), so neither can be matched literally.
html = html.replace(/<meta\s+http-equiv=["']?Content-Security-Policy["']?[^>]*>\s*/gi, '');
const meta = `<meta http-equiv="Content-Security-Policy" content="${metaPolicy}" />`;
const anchor = [/<meta\s+charset=["']?[\w-]+["']?\s*\/?>/i, /<head\b[^>]*>/i].find((re) => re.test(html));
if (anchor) html = html.replace(anchor, (m) => `${m}${meta}`);
const metaAt = html.indexOf(meta);
const firstScript = html.search(/<script\b/i);
if (metaAt < 0 || (firstScript >= 0 && firstScript < metaAt)) {
  console.error(`finish-site.mjs: could not put the Content-Security-Policy <meta> before every script in index.html:\n${html.slice(0, 600)}`);
  process.exit(1);
}
writeFileSync(indexPath, html);

writeFileSync(
  join(staging, '_headers'),
  `# Response headers for static hosts that read this file (Netlify, Cloudflare Pages).
# Generated at build time by scripts/finish-site.mjs: the policy allows Trunk's
# inline loader by its hash, which changes with every build.
/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  Content-Security-Policy: ${headerPolicy}
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
`,
);

const coi = join(process.env.TRUNK_SOURCE_DIR ?? '.', 'node_modules', 'coi-serviceworker');
copyFileSync(join(coi, 'coi-serviceworker.js'), join(staging, 'coi-serviceworker.js'));
copyFileSync(join(coi, 'LICENSE'), join(staging, 'coi-serviceworker.LICENSE.txt'));
console.log(
  devServer
    ? 'finish-site: development server: CSP allowing inline scripts (Trunk\'s live reload), _headers, service worker'
    : `finish-site: CSP allowing ${hashes.length} inline script(s) by hash, _headers, service worker`,
);
