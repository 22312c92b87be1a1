//! "Share these runs" for a card that keeps its own runs (the server's, the
//! training's): a result link with the card's record, compressed by the
//! browser, in the URL's fragment. A card offers its record from the
//! richest to the leanest; the first whose link fits the size budget is
//! the one made, and the caption says what it carries. Past the budget
//! with the leanest, the link is refused in words.

use super::url;
use crate::engine::travel::{FRAGMENT_PREFIX, LINK_BUDGET_BYTES, base64url_encode};
use crate::runtime::compress;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_clipboard::{UseClipboardReturn, use_clipboard};

/// One record a card can send, and the caption of the link it makes.
pub struct Offer {
    pub record: Vec<u8>,
    /// What the link carries, given its size in KB.
    pub caption: Box<dyn Fn(f64) -> String>,
}

/// A link made: its text, its caption, and whether a leaner offer than
/// the first was used.
#[derive(Debug, Clone, PartialEq)]
struct Made {
    link: String,
    caption: String,
    lean: bool,
}

async fn link_for(record: &[u8]) -> Result<String, String> {
    let packed = compress::compress(record).await?;
    Ok(format!(
        "{}{FRAGMENT_PREFIX}{}",
        url::here(),
        base64url_encode(&packed)
    ))
}

async fn make(offers: Result<Vec<Offer>, String>, too_large: &str) -> Result<Made, String> {
    let offers = offers?;
    let mut sizes = Vec::new();
    for (i, offer) in offers.into_iter().enumerate() {
        let link = link_for(&offer.record).await?;
        if link.len() <= LINK_BUDGET_BYTES {
            return Ok(Made {
                caption: (offer.caption)(link.len() as f64 / 1024.0),
                link,
                lean: i > 0,
            });
        }
        sizes.push(format!("{} KB", link.len().div_ceil(1024)));
    }
    Err(format!(
        "These runs are too large for a link ({}), and links are kept under {} KB so that every chat and mail program passes them on. {too_large}",
        sizes.join(", then "),
        LINK_BUDGET_BYTES / 1024
    ))
}

/// The button, and the link once made. `offers` is called on a click (an
/// error: why these runs cannot go in a link at all, in words);
/// `runs` is read in an effect, so that a link made of other runs (a new
/// run, a received link) is taken away; `busy` disables the button;
/// `class` names the made link's box for its card.
#[component]
pub fn CardShare(
    offers: Callback<(), Result<Vec<Offer>, String>>,
    runs: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
    class: &'static str,
    /// Said when even the leanest offer is too long.
    too_large: &'static str,
) -> impl IntoView {
    let made = RwSignal::new(None::<Result<Made, String>>);
    let working = RwSignal::new(false);
    // Counted, so that a link of earlier runs finishing late is dropped.
    let runs_seen = StoredValue::new(0u32);
    Effect::new(move |_| {
        runs.run(());
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
        let offers = offers.run(());
        spawn_local(async move {
            let link = make(offers, too_large).await;
            // The card may have gone meanwhile: then nothing is shown.
            if runs_seen.try_get_value() == Some(of) {
                made.try_set(Some(link));
            }
            working.try_set(false);
        });
    };
    view! {
        <button class="small" disabled=move || working.get() || busy.get() on:click=share>
            "Share these runs (link)"
        </button>
        {move || match made.get() {
            None => None,
            Some(Err(why)) => Some(
                view! { <p class=format!("message error {class}-error") role="alert">{why}</p> }
                    .into_any(),
            ),
            Some(Ok(m)) => {
                let link = m.link.clone();
                let copy = copy.clone();
                Some(
                    view! {
                        <div class=format!("share-made {class}") data-link-bytes=m.link.len() data-lean=m.lean.to_string()>
                            <input class="share-link" type="text" readonly aria-label="Link to these runs" prop:value=m.link.clone() />
                            <button class="small" disabled=move || !is_supported.get() on:click=move |_| copy(&link)>
                                {move || if copied.get() { "Copied" } else { "Copy" }}
                            </button>
                            <p class="caption">{m.caption}</p>
                        </div>
                    }
                    .into_any(),
                )
            }
        }}
    }
}
