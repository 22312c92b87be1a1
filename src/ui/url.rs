//! The settings in the address bar: the URL follows the controls, and a link
//! (or history back/forward) restores them.

use crate::engine::plan::{Notice, ServerAsk, Settings, TrainAsk};
use crate::engine::plan::{
    SERVER_PREFIX, TRAIN_PREFIX, parse_query, percent_decode, server_from_query, server_to_query,
    to_query, train_from_query, train_to_query,
};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

/// The settings (and notices) of the page's current URL.
pub fn read() -> (Settings, Vec<Notice>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    parse_query(&search)
}

/// Whether the page was opened on an experiment: settings in the query, or
/// a result in the fragment (a returning visitor, or a shared link).
pub fn opened_on_experiment() -> bool {
    web_sys::window().is_some_and(|w| {
        let location = w.location();
        let search = location.search().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        search.len() > 1 || hash.len() > 1
    })
}

thread_local! {
    /// When the last history entry was made (ms since the epoch).
    static LAST_PUSH: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    /// The cards' numbers as query pairs, by their keys' prefix (empty:
    /// the card's defaults), added to every settings query the page writes.
    static CARD_PARTS: RefCell<Vec<(&'static str, String)>> = const { RefCell::new(Vec::new()) };
}

/// The settings' query with the cards' numbers after them.
fn query_of(settings: &Settings) -> String {
    let mut parts = vec![to_query(settings)];
    CARD_PARTS.with(|p| {
        parts.extend(
            p.borrow()
                .iter()
                .filter(|(_, q)| !q.is_empty())
                .map(|(_, q)| q.clone()),
        )
    });
    parts.join("&")
}

fn search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Sets the card `prefix`'s part; false when it was already that.
fn set_part(prefix: &'static str, part: String) -> bool {
    CARD_PARTS.with(|p| {
        let mut parts = p.borrow_mut();
        match parts.iter_mut().find(|(k, _)| *k == prefix) {
            Some((_, q)) if *q == part => false,
            Some((_, q)) => {
                *q = part;
                true
            }
            None => {
                parts.push((prefix, part));
                true
            }
        }
    })
}

/// The server card's numbers in the page's URL (`None`: it names none),
/// with what to say about them; the URL keeps them from then on.
pub fn read_server() -> (Option<ServerAsk>, Vec<Notice>) {
    let (ask, notices) = server_from_query(&search());
    if let Some(ask) = ask {
        set_part(SERVER_PREFIX, server_to_query(&ask));
    }
    (ask, notices)
}

/// The training card's numbers in the page's URL, as [`read_server`].
pub fn read_training() -> (Option<TrainAsk>, Vec<Notice>) {
    let (ask, notices) = train_from_query(&search());
    if let Some(ask) = ask {
        set_part(TRAIN_PREFIX, train_to_query(&ask));
    }
    (ask, notices)
}

/// Puts the server card's numbers in the URL (see [`write_part`]).
pub fn write_server(ask: &ServerAsk) {
    write_part(SERVER_PREFIX, server_to_query(ask));
}

/// Puts the training card's numbers in the URL (see [`write_part`]).
pub fn write_training(ask: &TrainAsk) {
    write_part(TRAIN_PREFIX, train_to_query(ask));
}

/// Puts a card's numbers (`part`, its keys starting with `prefix`) in the
/// URL, in place of the ones there: the current entry is replaced (Back
/// undoes the settings' changes, which the page restores; the cards'
/// numbers are kept as they are).
fn write_part(prefix: &'static str, part: String) {
    if !set_part(prefix, part.clone()) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let mut pairs: Vec<&str> = search
        .strip_prefix('?')
        .unwrap_or(&search)
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            !pair.is_empty() && !percent_decode(key).starts_with(prefix)
        })
        .collect();
    if !part.is_empty() {
        pairs.push(&part);
    }
    let query = if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    };
    let url = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        query,
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Puts `settings` in the URL.
///
/// Only a change the person made (`by_person`) makes a new history entry, and at most one a second, so that dragging a slider makes
/// one entry, not fifty. Every other write replaces the current entry: the
/// first one, which writes out in full the link the page was opened with,
/// the one after history back/forward restores an entry's settings, and
/// the page's own adjustments (threads fitted to the pool). Were these to
/// push, Back would land on an entry whose restoring pushes again, and the
/// person could not leave the page with one Back.
pub fn write(settings: &Settings, by_person: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = format!("?{}", query_of(settings));
    if window.location().search().ok().as_deref() == Some(query.as_str()) {
        return;
    }
    let Ok(history) = window.history() else {
        return;
    };
    // The fragment stays: a recorded result opened from a link (`#r=…`)
    // is still on the page, and a reload must show it again.
    let url = format!(
        "{}{}{}",
        window.location().pathname().unwrap_or_default(),
        query,
        window.location().hash().unwrap_or_default()
    );
    let now = js_sys::Date::now();
    let push = by_person && LAST_PUSH.with(|last| now - last.get() > 1_000.0);
    let _ = if push {
        LAST_PUSH.with(|last| last.set(now));
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// The page's address as it is now (its settings and the cards'
/// numbers), without its fragment.
pub fn here() -> String {
    let Some(window) = web_sys::window() else {
        return String::new();
    };
    let loc = window.location();
    format!(
        "{}{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    )
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
        query_of(settings)
    )
}

/// Reloads the page with `settings` in its address: the only way to start a
/// pool of another size (the pool is fixed once started). The current entry
/// is replaced first, so that the reloaded page opens with every setting.
pub fn reload_with(settings: &Settings) {
    write(settings, false);
    if let Some(window) = web_sys::window() {
        // Nothing more to do if the browser refuses; the button stays.
        let _ = window.location().reload();
    }
}
