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

use super::clock::{BrowserClock, local_now};
use super::yielding::after_ms;
use crate::engine::exec::Clock;
use std::sync::atomic::{AtomicU64, Ordering};
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

// ---- Start-up steps, for the benchmark --------------------------------------
//
// What each worker's start costs, on the page's clock. wasm-bindgen runs the
// module's start function on the page only, and wasm-bindgen-rayon starts
// the workers without a hook of ours, so each worker reports its steps in the
// first job it runs (a broadcast sent as soon as the pool is up): its
// clock's origin (the worker exists), the end of its import of the JS glue
// (its resource timing) and the job itself. They go through shared memory
// and the page turns them into `performance.mark`s. Times are `timeOrigin +
// now()` (comparable across threads, see `clock.rs`), as f64 bits; 0 = not
// (yet) seen.

/// The largest pool (`Settings::pool_size`).
const MAX_WORKERS: usize = 64;
/// Per rayon thread index: created, glue imported, first job run.
static WORKER_STEPS: [[AtomicU64; 3]; MAX_WORKERS] =
    [const { [const { AtomicU64::new(0) }; 3] }; MAX_WORKERS];
const STEP_NAMES: [&str; 3] = ["created", "glue", "first-job"];

fn store(slot: &AtomicU64, t: f64) {
    slot.store(t.to_bits(), Ordering::Release);
}

fn load(slot: &AtomicU64) -> Option<f64> {
    let bits = slot.load(Ordering::Acquire);
    (bits != 0).then(|| f64::from_bits(bits))
}

/// A number field of a JS object, if it is one.
fn number(v: &JsValue, name: &str) -> Option<f64> {
    js_sys::Reflect::get(v, &name.into())
        .ok()
        .and_then(|n| n.as_f64())
}

/// In a worker: its clock's origin and when its import of the JS glue
/// ended (its last `.js` resource: its own script is a blob: URL, and the
/// module comes compiled, by message), both on the aligned clock.
fn worker_origin_and_glue() -> (Option<f64>, Option<f64>) {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    let origin = performance.as_ref().and_then(|p| number(p, "timeOrigin"));
    let glue_end = performance.as_ref().and_then(|p| {
        let get = js_sys::Reflect::get(p, &"getEntriesByType".into()).ok()?;
        let entries = get
            .dyn_ref::<js_sys::Function>()?
            .call1(p, &"resource".into())
            .ok()?;
        js_sys::Array::from(&entries)
            .iter()
            .filter(|e| {
                js_sys::Reflect::get(e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .is_some_and(|n| n.ends_with(".js") && !n.starts_with("blob:"))
            })
            .filter_map(|e| number(&e, "responseEnd"))
            .reduce(f64::max)
    });
    (origin, origin.zip(glue_end).map(|(o, g)| o + g))
}

/// Sends every pool thread a job that notes its start-up steps (see above).
pub fn note_first_jobs() {
    rayon::spawn_broadcast(|ctx| {
        let now = BrowserClock.now();
        let Some(steps) = WORKER_STEPS.get(ctx.index()) else {
            return;
        };
        let (origin, glue) = worker_origin_and_glue();
        for (slot, t) in steps.iter().zip([origin, glue, Some(now)]) {
            if let Some(t) = t {
                store(slot, t);
            }
        }
    });
}

/// Marks `at` (ms since the epoch, aligned across threads) on the page's
/// performance timeline as `conpar:<name>`.
fn mark_at(name: &str, at: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let options = js_sys::Object::new();
    let start = at - performance.time_origin();
    if js_sys::Reflect::set(&options, &"startTime".into(), &start.into()).is_err() {
        return;
    }
    let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()) else {
        return;
    };
    if let Some(mark) = mark.dyn_ref::<js_sys::Function>() {
        let _ = mark.call2(&performance, &format!("conpar:{name}").into(), &options);
    }
}

/// The steps reported so far as marks `conpar:worker-<i>-<step>` (i = rayon's
/// thread index + 1; step: created, glue, first-job), on the page's clock.
pub fn mark_worker_steps() {
    for (i, steps) in WORKER_STEPS.iter().enumerate() {
        for (slot, name) in steps.iter().zip(STEP_NAMES) {
            if let Some(t) = load(slot) {
                mark_at(&format!("worker-{}-{name}", i + 1), t);
            }
        }
    }
}
