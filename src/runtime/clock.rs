//! The clock every thread of a run reads alike.
//!
//! `performance.now()` counts from the calling thread's own `timeOrigin`, and
//! a worker's origin is its creation time — hundreds of milliseconds after the
//! page's. `timeOrigin + now()` is comparable across threads (to within
//! 0.1–0.5 ms measured here), so every span is stamped with that.

use crate::engine::exec::Clock;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    // Read once per thread: each worker has its own.
    #[wasm_bindgen(thread_local_v2, js_namespace = performance, js_name = timeOrigin)]
    static TIME_ORIGIN: f64;
}

/// Milliseconds since the Unix epoch, aligned across the page and its workers.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> f64 {
        TIME_ORIGIN.with(|origin| *origin) + performance_now()
    }
}

/// `performance.now()` on this thread alone, for intervals measured on one thread.
pub fn local_now() -> f64 {
    performance_now()
}
