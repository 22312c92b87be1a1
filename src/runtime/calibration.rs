//! Calibration on the thread that does the work.
//!
//! The page turns "work per task (ms)" into kernel units with a rate measured
//! on the main thread ([`measure_here`]); the parallel modes compute on pool
//! workers. Both must run a unit at the same speed, or "50 ms" means one
//! thing in Sequential and another in Parallel: [`measure_on_worker`] runs the
//! same measurement on a worker, so the browser tests (through
//! [`bench_rate`]) can hold the two against each other. One rate serves
//! every mode, so that every mode computes exactly the same units (the
//! checksums and slice counts of a comparison are equal).

use super::clock::BrowserClock;
use crate::engine::exec::Clock;
use crate::engine::work::Kernel;
use crate::engine::work::{MIN_BATCH_MS, Rate, measure_rate};
use wasm_bindgen::prelude::*;

/// How long a kernel runs in short calls before it is measured.
const WARM_UP_MS: f64 = 40.0;

/// Units per millisecond of `kernel` on the calling thread (~100 ms).
///
/// Tier-up first: a wasm function runs in the baseline compiler's code until
/// the optimised code is ready, and a call already running keeps the code it
/// started with. Measuring at once made primes 25 % slow ("50 ms" tasks took
/// 38 ms): many short calls first.
pub fn measure_here(kernel: Kernel) -> Rate {
    let until = BrowserClock.now() + WARM_UP_MS;
    while BrowserClock.now() < until {
        std::hint::black_box(kernel.run(0, 64));
    }
    measure_rate(
        |units| {
            std::hint::black_box(kernel.run(0, units));
        },
        || BrowserClock.now(),
        MIN_BATCH_MS,
    )
}

/// [`measure_here`] on one of the pool's workers; `None` when no worker
/// answers within 10 s (every pool thread lost: a dead worker never drops the
/// job, so the answer would never come).
pub async fn measure_on_worker(kernel: Kernel) -> Option<Rate> {
    let (tx, rx) = futures::channel::oneshot::channel();
    rayon::spawn(move || {
        let _ = tx.send(measure_here(kernel));
    });
    let timeout = wasm_bindgen_futures::JsFuture::from(super::yielding::after_ms(10_000));
    match futures::future::select(rx, timeout).await {
        futures::future::Either::Left((rate, _)) => rate.ok(),
        futures::future::Either::Right(_) => None,
    }
}

/// Test hook: the rate of `kernel` (units/ms) measured on the main thread, or
/// on a pool worker when `on_worker`.
#[wasm_bindgen]
pub async fn bench_rate(kernel: String, on_worker: bool) -> Result<f64, JsValue> {
    super::test_hooks::require()?;
    let kernel = Kernel::from_name(&kernel).ok_or_else(|| JsValue::from_str("unknown kernel"))?;
    let rate = if on_worker {
        if !super::pool::cross_origin_isolated() {
            return Err("no worker pool on this page".into());
        }
        measure_on_worker(kernel)
            .await
            .ok_or_else(|| JsValue::from_str("the pool did not answer"))?
    } else {
        measure_here(kernel)
    };
    Ok(rate.units_per_ms)
}
