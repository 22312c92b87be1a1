//! "Share these runs": a result link that carries the server card's runs
//! as they were measured (format 4, `engine::travel::encode_served`):
//! every figure the card shows and each loop's run queue, compressed by
//! the browser, in the URL's fragment. Past the size budget the run
//! queues are left out, and the link says so; past it still, the JSON
//! report is the way to send them.

use super::server_state::ServerState;
use super::url;
use crate::engine::environment::Environment;
use crate::engine::travel::{
    FRAGMENT_PREFIX, LINK_BUDGET_BYTES, Machine, ServedRecord, base64url_encode, encode_served,
};
use crate::runtime::compress;
use crate::runtime::probe::today;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_clipboard::{UseClipboardReturn, use_clipboard};
use reactive_stores::Field;

/// A link made: its text, and whether the run queues came along.
#[derive(Debug, Clone, PartialEq)]
struct Made {
    link: String,
    queues: bool,
}

async fn link_for(rec: &ServedRecord) -> Result<String, String> {
    let packed = compress::compress(&encode_served(rec)).await?;
    Ok(format!(
        "{}{FRAGMENT_PREFIX}{}",
        url::here(),
        base64url_encode(&packed)
    ))
}

async fn make(state: ServerState, env: Field<Environment>) -> Result<Made, String> {
    let rec = ServedRecord {
        // Runs that came in a link keep the machine they were measured on.
        machine: state
            .received
            .get_untracked()
            .unwrap_or_else(|| env.with_untracked(|e| Machine::of(e, &today()))),
        asked: state
            .served_with
            .get_untracked()
            .unwrap_or_else(|| state.ask.get_untracked()),
        runs: state.runs.get_untracked(),
        queues: true,
    };
    let full = link_for(&rec).await?;
    if full.len() <= LINK_BUDGET_BYTES {
        return Ok(Made {
            link: full,
            queues: true,
        });
    }
    let lean = link_for(&ServedRecord {
        queues: false,
        ..rec
    })
    .await?;
    if lean.len() <= LINK_BUDGET_BYTES {
        return Ok(Made {
            link: lean,
            queues: false,
        });
    }
    Err(format!(
        "These runs are too large for a link: {} KB with their run queues, {} KB without, and links are kept under {} KB so that every chat and mail program passes them on. Save the server report (JSON) instead.",
        full.len().div_ceil(1024),
        lean.len().div_ceil(1024),
        LINK_BUDGET_BYTES / 1024
    ))
}

#[component]
pub fn ServerShare(#[prop(into)] env: Field<Environment>) -> impl IntoView {
    let state = expect_context::<ServerState>();
    let made = RwSignal::new(None::<Result<Made, String>>);
    let working = RwSignal::new(false);
    // A new serve or a received link: a link made, or being made, is of
    // other runs (counted, so that one finishing late is dropped).
    let runs_seen = StoredValue::new(0u32);
    Effect::new(move |_| {
        state.runs.track();
        runs_seen.update_value(|n| *n += 1);
        made.set(None);
    });
    let UseClipboardReturn {
        is_supported,
        copied,
        copy,
        ..
    } = use_clipboard();
    let share = move |_| {
        working.set(true);
        let of = runs_seen.get_value();
        spawn_local(async move {
            let link = make(state, env).await;
            if runs_seen.get_value() == of {
                made.set(Some(link));
            }
            working.set(false);
        });
    };
    view! {
        <button
            class="small"
            disabled=move || working.get() || state.serving.with(Option::is_some)
            on:click=share
        >
            "Share these runs (link)"
        </button>
        {move || match made.get() {
            None => None,
            Some(Err(why)) => Some(view! { <p class="message error server-share-error" role="alert">{why}</p> }.into_any()),
            Some(Ok(m)) => {
                let link = m.link.clone();
                let copy = copy.clone();
                Some(
                    view! {
                        <div class="share-made server-share" data-link-bytes=m.link.len() data-queues=m.queues.to_string()>
                            <input class="share-link" type="text" readonly aria-label="Link to these runs" prop:value=m.link.clone() />
                            <button class="small" disabled=move || !is_supported.get() on:click=move |_| copy(&link)>
                                {move || if copied.get() { "Copied" } else { "Copy" }}
                            </button>
                            <p class="caption">
                                {format!(
                                    "A link of {:.1} KB: the numbers served, each way's figures{}, and the cores and browser of the machine that measured them; the timelines stay there.",
                                    m.link.len() as f64 / 1024.0,
                                    if m.queues { " and run queues" } else { " (the run queues left out: with them the link would pass its size budget)" }
                                )}
                            </p>
                        </div>
                    }
                    .into_any(),
                )
            }
        }}
    }
}
