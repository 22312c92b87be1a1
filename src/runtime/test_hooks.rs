//! The switch that lets the benchmark and the browser tests call the page's
//! test-only exports (`bench_*`, and the injected faults).
//!
//! wasm-bindgen exports every `#[wasm_bindgen]` function of the module, and
//! Trunk hands the module to the page as `window.wasmBindings`: anyone on the
//! production page could call them. So each one first asks [`require`], which
//! refuses unless the page was opened with `globalThis.conparTestHooks ===
//! true` set *before* the app started (a test does it with Playwright's
//! `addInitScript`). No link can set it: it is not read from the URL.

use wasm_bindgen::JsValue;

/// Whether the test hooks were switched on before the page started.
pub fn enabled() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"conparTestHooks".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// `Ok` when the test hooks are on; the refusal otherwise.
pub fn require() -> Result<(), JsValue> {
    if enabled() {
        Ok(())
    } else {
        Err(JsValue::from_str(
            "conpar's test hooks are off: set globalThis.conparTestHooks = true before the page loads",
        ))
    }
}
