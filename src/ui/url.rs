//! The settings in the address bar: the URL follows the controls, and a link
//! (or history back/forward) restores them.

use crate::engine::plan::{Notice, Settings};
use crate::engine::share::{parse_query, to_query};
use wasm_bindgen::JsValue;

/// The settings (and notices) of the page's current URL.
pub fn read() -> (Settings, Vec<Notice>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    parse_query(&search)
}

/// Puts `settings` in the URL. A new history entry at most once a second, so
/// that dragging a slider makes one entry, not fifty.
pub fn write(settings: &Settings) {
    thread_local! {
        static LAST_PUSH: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NEG_INFINITY) };
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = format!("?{}", to_query(settings));
    if window.location().search().ok().as_deref() == Some(query.as_str()) {
        return;
    }
    let Ok(history) = window.history() else {
        return;
    };
    let now = js_sys::Date::now();
    let url = format!(
        "{}{}",
        window.location().pathname().unwrap_or_default(),
        query
    );
    let pushed = LAST_PUSH.with(|last| {
        if now - last.get() > 1_000.0 {
            last.set(now);
            true
        } else {
            false
        }
    });
    let _ = if pushed {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// The full link to share.
pub fn link(settings: &Settings) -> String {
    let Some(window) = web_sys::window() else {
        return String::new();
    };
    let loc = window.location();
    format!(
        "{}{}?{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default(),
        to_query(settings)
    )
}
