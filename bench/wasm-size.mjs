// What each part of the .wasm costs: the module as Trunk ships it, but with
// its function names kept, its code size attributed to the crate (and, for
// conpar, the module) each function comes from.
//
//   node bench/wasm-size.mjs [target/wasm32-unknown-unknown/release/conpar.wasm]
//
// The module rustc links (which has names) is optimised here the way Trunk's
// wasm-opt does it (-Oz), with -g so that the names survive; sizes are of
// that optimised code, gzipped per part as a share of the gzipped whole
// (gzip does not split, so each part's gzipped size is its share of the
// whole's, by its raw size). Prints JSON: { code_bytes, data_bytes, parts:
// [{ name, bytes, share }], ... }.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = join(import.meta.dirname, '..');
const input = process.argv[2] ?? join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'conpar.wasm');
const out = join(mkdtempSync(join(tmpdir(), 'conpar-size-')), 'named.wasm');
execFileSync(join(ROOT, 'node_modules', '.bin', 'wasm-opt'), ['-Oz', '-g', '--enable-threads', '--enable-bulk-memory', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-sign-ext', input, '-o', out], { stdio: 'inherit' });
const b = readFileSync(out);

let at = 8;
function leb() {
  let r = 0;
  let s = 0;
  let x;
  do {
    x = b[at++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return r;
}

// Sections: function bodies (code), imported functions (offset the indices), names.
const sections = {};
let imports = 0;
const names = new Map();
let bodies = [];
while (at < b.length) {
  const id = b[at++];
  const size = leb();
  const start = at;
  sections[id] = (sections[id] ?? 0) + size;
  if (id === 2) {
    for (let n = leb(), k = 0; k < n; k++) {
      at += leb(); // module
      at += leb(); // name
      const kind = b[at++];
      if (kind === 0) {
        leb();
        imports++;
      } else if (kind === 1) {
        at++;
        const flags = leb();
        leb();
        if (flags & 1) leb();
      } else if (kind === 2) {
        const flags = leb();
        leb();
        if (flags & 1) leb();
      } else if (kind === 3) {
        at += 2;
      } else {
        leb();
        leb();
      }
    }
  } else if (id === 10) {
    bodies = [];
    for (let n = leb(), k = 0; k < n; k++) {
      const len = leb();
      bodies.push(len);
      at += len;
    }
  } else if (id === 0) {
    const nameLen = leb();
    const name = b.subarray(at, at + nameLen).toString();
    at += nameLen;
    if (name === 'name') {
      while (at < start + size) {
        const sub = b[at++];
        const subSize = leb();
        const subStart = at;
        if (sub === 1) {
          for (let n = leb(), k = 0; k < n; k++) {
            const index = leb();
            const len = leb();
            names.set(index, b.subarray(at, at + len).toString());
            at += len;
          }
        }
        at = subStart + subSize;
      }
    }
  }
  at = start + size;
}

/** The crate of a Rust v0 symbol (`_R…C<hash>_<len><crate>…`), and for conpar its module. */
function owner(symbol) {
  if (!symbol?.startsWith('_R')) return symbol?.startsWith('__') ? 'runtime glue' : 'other';
  const m = symbol.match(/C(?:s[0-9A-Za-z]*_)?(\d+)([A-Za-z_][A-Za-z0-9_]*)/);
  if (!m) return 'other';
  const crate = m[2].slice(0, Number(m[1]));
  if (crate !== 'conpar') return crate;
  // The identifiers after the crate's: its top module, then the next.
  const rest = symbol.slice(m.index + m[0].length - m[2].length + Number(m[1]));
  const idents = [];
  const re = /(\d+)([A-Za-z_][A-Za-z0-9_]*)/g;
  let t;
  while ((t = re.exec(rest)) && idents.length < 2) {
    const id = t[2].slice(0, Number(t[1]));
    idents.push(id);
    re.lastIndex = t.index + t[1].length + Number(t[1]);
  }
  return `conpar::${idents.join('::')}`;
}

// wasm-bindgen's descriptors (`__wbindgen_describe_*`): the CLI runs them to
// learn each import's and export's types, then removes them, so they are
// in this module but never in the shipped one. Left out of the parts (they
// were about a tenth of the code, counted as "runtime glue", until
// 2026-12-04), and counted apart.
// The same goes for what only they call: each type's `WasmDescribe::describe`
// and `describe::inform`.
const described = (name) => name?.startsWith('__wbindgen_describe') || /12WasmDescribe8describe|8describe6inform/.test(name ?? '');
const parts = new Map();
let descriptors = 0;
bodies.forEach((len, k) => {
  const name = names.get(imports + k);
  if (described(name)) {
    descriptors += len;
    return;
  }
  const who = owner(name);
  parts.set(who, (parts.get(who) ?? 0) + len);
});
const code = bodies.reduce((a, x) => a + x, 0) - descriptors;
const data = sections[11] ?? 0;
const dist = join(ROOT, 'dist');
const shipped = (() => {
  try {
    const wasm = execFileSync('sh', ['-c', `ls ${dist}/*_bg.wasm`], { encoding: 'utf8' }).trim();
    return gzipSync(readFileSync(wasm), { level: 9 }).length;
  } catch {
    return null;
  }
})();
const gz = gzipSync(b, { level: 9 }).length;
const rows = [...parts.entries()].sort((x, y) => y[1] - x[1]).map(([name, bytes]) => ({ name, bytes, share: bytes / code }));
console.log(JSON.stringify({ named_module_bytes: b.length, named_module_gzip: gz, shipped_wasm_gzip: shipped, code_bytes: code, descriptor_bytes: descriptors, data_bytes: data, parts: rows }, null, 1));
