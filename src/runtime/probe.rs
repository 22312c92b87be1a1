//! Finding out what this browser can do, at start-up.

use super::clock::local_now;
use super::lab::lab;
use super::pool;
use super::yielding::YieldMethod;
use crate::engine::environment::{Environment, observed_resolution};
use crate::engine::plan::Notice;
use crate::engine::plan::pool_from_link;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use std::cell::RefCell;
use wasm_bindgen_futures::JsFuture;

/// Facts available at once, before anything is started.
pub fn quick() -> Environment {
    let navigator = web_sys::window().map(|w| w.navigator());
    Environment {
        cross_origin_isolated: pool::cross_origin_isolated(),
        shared_array_buffer: pool::shared_array_buffer(),
        hardware_concurrency: cores(),
        timer_resolution_ms: observed_resolution(local_now, 2_000),
        user_agent: navigator
            .and_then(|n| n.user_agent().ok())
            .unwrap_or_default(),
        yield_method: "",
        // The day the facts were taken, so a report or a result link says
        // when it was measured (refreshed by `today` when one is made).
        date: today(),
        ..Environment::default()
    }
}

/// `navigator.hardwareConcurrency` (1 where the browser does not say).
pub fn cores() -> u32 {
    web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency()) as u32
}

/// Today as `YYYY-MM-DD` (UTC), from the browser's clock: the one place the
/// page reads the date (a page left open past midnight asks again).
pub fn today() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
        .chars()
        .take(10)
        .collect()
}

/// Marks a step of start-up on the page's performance timeline
/// (`conpar:<step>`), so that the benchmark can say what each step costs.
/// A browser without marks loses only that measurement.
pub fn mark(step: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("conpar:{step}"));
    }
}

/// The pool's start, once per page: the threads started and how it went.
type PoolStart = Shared<LocalBoxFuture<'static, (u32, Result<f64, String>)>>;

thread_local! {
    static POOL: RefCell<Option<PoolStart>> = const { RefCell::new(None) };
    /// What became of the link's `pool` setting at start-up, when it asked
    /// for more threads than this machine allows: taken once by the page.
    static POOL_NOTICE: RefCell<Option<Notice>> = const { RefCell::new(None) };
}

/// The notice about the pool size asked for, if the page started fewer
/// threads than the link asked for; `None` after the first call.
pub fn take_pool_notice() -> Option<Notice> {
    POOL_NOTICE.with(|n| n.borrow_mut().take())
}

/// The pool this page starts on a machine of `cores` logical cores: the
/// `pool` setting of the page's link (0 or absent: one per core), within
/// `Settings::pool_size`'s bounds. Read from the address bar here because
/// the pool starts once, before anything else, and only a reload changes it.
pub fn pool_to_start(cores: u32) -> (u32, Option<Notice>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    pool_from_link(&search, cores)
}

/// Starts the pool for a machine of `cores` logical cores (as many threads
/// as the link's `pool` setting asks for, see [`pool_to_start`]), the first
/// call only; every call gets the same start to wait on.
pub fn start_pool(cores: u32) -> PoolStart {
    POOL.with(|p| {
        p.borrow_mut()
            .get_or_insert_with(|| {
                let (threads, notice) = pool_to_start(cores);
                POOL_NOTICE.with(|n| *n.borrow_mut() = notice);
                mark("pool-start");
                async move {
                    let started = pool::start(threads).await;
                    mark("pool-ready");
                    if started.is_ok() {
                        pool::note_first_jobs();
                    }
                    (threads, started)
                }
                .boxed_local()
                .shared()
            })
            .clone()
    })
}

/// The longest the page waits for the pool before it builds the app.
const MOUNT_WAIT_MS: i32 = 300;

/// Starts the pool, then calls `mount` once the pool has started (or after
/// [`MOUNT_WAIT_MS`]). On 2 cores, building the page (the app, its effects,
/// its first frame: about 150 ms of the main thread) and starting the
/// workers slow each other down: the pool's start needs the main thread
/// before each worker exists (wasm-bindgen-rayon fetches its helper and
/// creates the worker from the page), and each worker's import of the JS
/// glue took 160 ms instead of 40 while the page was being built. Measured
/// (bench/notes.md): pool first, 91 ms; page first, 215 ms; the page ready
/// for runs at the same time either way. Until it is built the page shows
/// index.html's loading note.
pub async fn start_pool_then(mount: impl FnOnce()) {
    let started = start_pool(cores());
    let timeout = JsFuture::from(super::yielding::after_ms(MOUNT_WAIT_MS));
    let _ = futures::future::select(started, timeout).await;
    mount();
}

/// Waits for the pool (see [`start_pool`]); fills what became of it into `env`.
pub async fn start(mut env: Environment, cores: u32) -> Environment {
    let (threads, started) = start_pool(cores).await;
    match started {
        Ok(ms) => {
            env.pool_threads = threads;
            env.pool_start_ms = Some(ms);
        }
        Err(why) => env.pool_error = Some(why),
    }
    env
}

/// Measures the cheapest way to yield to the event loop, sets it for the
/// page's runs, and says which it is and what it costs (~180 ms: done in
/// the background once the page is ready, a run meanwhile yielding through
/// a `MessageChannel`, which is what it finds nearly always).
pub async fn measure_yields() -> (&'static str, f64) {
    let (method, cost) = YieldMethod::cheapest().await;
    mark("yields-measured");
    // The first jobs have run by now (a broadcast takes well under the
    // yields' 10–20 ms); a thread not seen yet simply has no marks.
    pool::mark_worker_steps();
    lab().set_yield_method(method);
    (method.name(), cost)
}
