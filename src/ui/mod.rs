//! The page: Leptos components, one per file. The page's state is one
//! plain struct made reactive field by field (`state.rs`); each component
//! is given the fields it shows, and `actions::Actions` for what its
//! buttons run.
//!
//! Components draw and react; what they show is computed by the engine and
//! the charts.

mod actions;
mod app;
mod card_share;
mod choice_select;
mod compare_view;
mod controls;
mod counter_view;
mod download;
mod empty_card;
mod environment_panel;
mod exports;
mod learn;
mod local_store;
mod modes_timelines;
mod notices;
mod open_report;
mod predict_first;
mod prediction_form;
mod prediction_result;
mod quiz;
mod recorded_tables;
mod recorded_view;
mod replay_clock;
mod replay_moment;
mod replay_source;
mod replay_speed;
mod replay_view;
mod responsiveness;
mod scenario_controls;
mod served_timelines;
mod server_share;
mod server_state;
mod server_view;
mod share_result;
mod slider;
mod speedup_view;
mod stacked_view;
mod state;
mod table_wrap;
mod timeline_view;
mod training_state;
mod training_timelines;
mod training_view;
mod url;

use wasm_bindgen::JsCast;

/// Mounts the app. Called from `main`, which wasm-bindgen runs on the page
/// only (the pool's workers report no start-up marks of their own: see
/// bench/notes.md); the window check is a guard, should that ever change.
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    install_panic_hook();
    if let Some(body) = document.body() {
        // The static "loading" note of index.html: the app replaces it.
        if let Some(loading) = document.get_element_by_id("loading") {
            loading.remove();
        }
        leptos::mount::mount_to(body.unchecked_into(), app::App).forget();
    }
}

/// A panic aborts the wasm instance (panic = "abort"), and with it the app: the
/// hook logs it and writes it into the page, as text, so the page is never
/// left blank or silently frozen.
fn install_panic_hook() {
    // The pool starts before the page is built (probe::start_pool_then),
    // and its casualty hook (runtime/casualty.rs) is set by then: keep it,
    // in front of this one, or a panic on a pool thread would go unseen and
    // its run wait for ever.
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        before(info);
        console_error_panic_hook::hook(info);
        // Workers have no document; their panics are logged only.
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = document.body() else { return };
        let Ok(note) = document.create_element("div") else {
            return;
        };
        note.set_id("fatal");
        note.set_attribute("role", "alert").ok();
        note.set_text_content(Some(&format!(
            "conpar stopped working: {info}. Reload the page to start again; your settings are in the address bar."
        )));
        let _ = body.prepend_with_node_1(&note);
    }));
}
