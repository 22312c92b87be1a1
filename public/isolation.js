// Cross-origin isolation on hosts that cannot send the COOP/COEP headers.
//
// Threads in WebAssembly need SharedArrayBuffer, which browsers give only to a
// cross-origin isolated page. GitHub Pages and most free static hosts cannot
// send the two headers that make a page so, and a <meta> tag cannot stand in
// for them. A service worker can: it sits between the page and the network
// and adds the headers to every response. We use coi-serviceworker (npm,
// pinned, MIT: see coi-serviceworker.LICENSE.txt) as that worker, but not its
// page-side half, whose reload logic reloads twice on a first visit and can
// loop (gzuidhof/coi-serviceworker#5, #24, #30). This script is that half,
// with two rules:
//   1. reload only once the worker is active, so the one reload is enough;
//   2. never reload again within a minute if the reload did not isolate the
//      page: say why instead, and let the page run without threads.
//
// It runs before the app and leaves its verdict in `window.conparIsolation`
// ({ state, detail }), which the app shows when the thread pool cannot start.
// A classic script, not inline: the Content-Security-Policy forbids inline scripts.
(() => {
  const KEY = 'conpar-isolation-reload';
  const say = (state, detail) => {
    window.conparIsolation = { state, detail };
  };
  let store = null;
  try {
    store = window.sessionStorage;
  } catch {
    // Storage blocked (some privacy settings): without it a reload could not
    // be counted, so none is attempted.
  }

  if (window.crossOriginIsolated) {
    store?.removeItem(KEY);
    say('isolated', 'cross-origin isolated');
    return;
  }
  if (window.crossOriginIsolated === undefined) {
    say('unsupported', 'this browser does not support cross-origin isolation');
    return;
  }
  if (!window.isSecureContext) {
    say('insecure', 'the page is not served over HTTPS (or from localhost), so no service worker may run');
    return;
  }
  const workers = navigator.serviceWorker;
  if (!workers) {
    say('no-service-worker', 'this browser offers no service workers here (private browsing, or blocked by a setting)');
    return;
  }
  if (!store) {
    say('no-storage', 'session storage is blocked, so the page cannot reload safely to become isolated');
    return;
  }
  const reloadedAt = Number(store.getItem(KEY)) || 0;
  if (Date.now() - reloadedAt < 60_000) {
    say('failed', 'the page reloaded once through its service worker and is still not isolated (the browser may not honour the headers it adds)');
    return;
  }

  say('registering', 'installing a service worker that adds the isolation headers; the page reloads once');
  // Relative to <base>, which Trunk sets to the site's public URL: the worker's
  // scope is then the whole site, under whatever sub-path it is hosted.
  const script = new URL('coi-serviceworker.js', document.baseURI);
  // A worker that never becomes active (blocked without an error, a stalled
  // download) must not leave the page waiting, nor reload it minutes later
  // in the middle of an experiment.
  const giveUp = setTimeout(() => {
    say('timeout', 'the service worker that would isolate the page did not start within 10 s');
  }, 10_000);
  workers
    .register(script)
    .then(() => workers.ready)
    .then(() => {
      if (window.conparIsolation.state !== 'registering') return;
      clearTimeout(giveUp);
      store.setItem(KEY, String(Date.now()));
      window.location.reload();
    })
    .catch((error) => {
      clearTimeout(giveUp);
      say('register-failed', `the service worker could not be installed (${error && error.message ? error.message : error})`);
    });
})();
