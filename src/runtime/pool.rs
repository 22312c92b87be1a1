//! The rayon thread pool on Web Workers, through wasm-bindgen-rayon.
//!
//! It starts once, with as many threads as the browser reports cores (or the
//! `pool` link parameter asks, to oversubscribe), and cannot be resized or
//! rebuilt afterwards (RReverser/wasm-bindgen-rayon#20, #29); the parallel
//! modes choose how many of its threads to use per run instead.

use super::clock::local_now;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Starts the pool with `threads` workers; returns how long it took (ms).
pub async fn start(threads: u32) -> Result<f64, String> {
    if !cross_origin_isolated() {
        return Err("This page is not cross-origin isolated, so it cannot share memory with worker threads \
             (the server did not send the COOP/COEP headers and the service worker could not add them). \
             Concurrency experiments still run on the main thread; parallel ones are disabled."
            .into());
    }
    let start = local_now();
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads as usize))
        .await
        .map_err(|e| format!("The worker pool failed to start: {}", describe(&e)))?;
    Ok(local_now() - start)
}

/// `globalThis.crossOriginIsolated`.
pub fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
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
