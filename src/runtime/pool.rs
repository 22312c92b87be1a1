//! The rayon thread pool on Web Workers, through wasm-bindgen-rayon.
//!
//! It starts once, with as many threads as the link's `pool` setting asks
//! for (by default one per logical core, `navigator.hardwareConcurrency`;
//! at most four per core, see `Settings::pool_size` and `probe::start`),
//! and cannot be resized or rebuilt afterwards
//! (RReverser/wasm-bindgen-rayon#20, #29): a new pool size takes a reload
//! of the page. The parallel modes choose how many of its threads to use
//! per run instead. A thread that
//! panics dies for good: see [`super::casualty`].

use super::clock::local_now;
use super::yielding::after_ms;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Starts the pool with `threads` workers; returns how long it took (ms).
pub async fn start(threads: u32) -> Result<f64, String> {
    // The service worker may be about to reload the page isolated: wait for
    // its verdict (public/isolation.js gives up after 10 s) so that the
    // reason shown is the real one.
    while isolation_state().as_deref() == Some("registering") {
        let _ = JsFuture::from(after_ms(100)).await;
    }
    if !cross_origin_isolated() {
        return Err(format!(
            "This page is not cross-origin isolated, so it cannot share memory with worker threads: {}. \
             Concurrency experiments still run on the main thread; parallel ones are disabled.",
            isolation_verdict()
        ));
    }
    // Before any worker exists, so that the hook is in place when one panics.
    super::casualty::install();
    let start = local_now();
    let started = JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads as usize));
    // A worker that cannot start (blocked by a policy, out of memory) never
    // answers, and the pool's promise never settles: give up after a while
    // rather than wait on "starting…" forever.
    let timeout = JsFuture::from(after_ms(START_TIMEOUT_MS));
    match futures::future::select(started, timeout).await {
        futures::future::Either::Left((Ok(_), _)) => {
            super::casualty::set_pool_size(threads);
            Ok(local_now() - start)
        }
        futures::future::Either::Left((Err(e), _)) => Err(format!(
            "The worker pool failed to start: {}. Parallel modes are disabled.",
            describe(&e)
        )),
        futures::future::Either::Right(_) => Err(format!(
            "The worker pool did not start within {} s. Parallel modes are disabled; \
             concurrency experiments still run on the main thread.",
            START_TIMEOUT_MS / 1000
        )),
    }
}

/// How long the pool may take to start before the page gives up on it
/// (it took 150–550 ms on a 2-core machine).
const START_TIMEOUT_MS: i32 = 15_000;

/// `globalThis.crossOriginIsolated`.
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A field of the verdict public/isolation.js leaves in
/// `window.conparIsolation` ({ state, detail }) before the app starts.
fn isolation_field(name: &str) -> Option<String> {
    js_sys::Reflect::get(&js_sys::global(), &"conparIsolation".into())
        .and_then(|v| js_sys::Reflect::get(&v, &name.into()))
        .ok()
        .and_then(|d| d.as_string())
}

fn isolation_state() -> Option<String> {
    isolation_field("state")
}

/// Why the page is not isolated, in words.
fn isolation_verdict() -> String {
    isolation_field("detail").unwrap_or_else(|| {
        "the server did not send the COOP/COEP headers, and no service worker added them".into()
    })
}

/// Whether `SharedArrayBuffer` exists in this context.
pub fn shared_array_buffer() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"SharedArrayBuffer".into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

/// A JS error as words: its name and message when it has them.
pub fn describe(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        );
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

use wasm_bindgen::JsCast;
