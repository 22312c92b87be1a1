//! Finding out what this browser can do, at start-up.

use super::clock::local_now;
use super::lab::lab;
use super::pool;
use super::yielding::YieldMethod;
use crate::engine::environment::{Environment, observed_resolution};

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

/// Starts the pool with `threads` threads and measures the yields; fills
/// those facts into `env`.
pub async fn start(mut env: Environment, threads: u32) -> Environment {
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
