//! Finding out what this browser can do, at start-up.

use super::clock::local_now;
use super::lab::lab;
use super::pool;
use super::yielding::YieldMethod;
use crate::engine::environment::{Environment, observed_resolution};
use crate::engine::plan::Notice;
use crate::engine::share::parse_query;
use std::cell::RefCell;

/// Facts available at once, before anything is started.
pub fn quick() -> Environment {
    let navigator = web_sys::window().map(|w| w.navigator());
    Environment {
        cross_origin_isolated: pool::cross_origin_isolated(),
        shared_array_buffer: pool::shared_array_buffer(),
        hardware_concurrency: navigator.as_ref().map_or(1.0, |n| n.hardware_concurrency()) as u32,
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
fn mark(step: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("conpar:{step}"));
    }
}

thread_local! {
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
    parse_query(&search).0.pool_size(cores)
}

/// Starts the pool for a machine of `cores` logical cores (as many threads
/// as the link's `pool` setting asks for, see [`pool_to_start`]) and
/// measures the yields; fills those facts into `env`.
pub async fn start(mut env: Environment, cores: u32) -> Environment {
    let (threads, notice) = pool_to_start(cores);
    POOL_NOTICE.with(|n| *n.borrow_mut() = notice);
    mark("pool-start");
    let started = pool::start(threads).await;
    mark("pool-ready");
    match started {
        Ok(ms) => {
            env.pool_threads = threads;
            env.pool_start_ms = Some(ms);
        }
        Err(why) => env.pool_error = Some(why),
    }
    let (method, cost) = YieldMethod::cheapest().await;
    mark("yields-measured");
    lab().set_yield_method(method);
    env.yield_method = method.name();
    env.yield_cost_ms = Some(cost);
    env
}
