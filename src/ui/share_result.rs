//! "Share this result": a link that carries the runs on screen (a run, a
//! comparison, or a thread sweep) as they were measured — settings, every
//! span, the frame figures and this machine's facts — compressed by the
//! browser and put in the URL's fragment, which browsers never send to a
//! server. Over the size budget, each task's slices
//! are merged (and the link says so); over it still, the JSON report is offered.

use super::actions::Actions;
use super::download;
use super::empty_card::after_paint;
use super::state::Busy;
use super::url;
use crate::engine::environment::Environment;
use crate::engine::format::plural;
use crate::engine::record::Trace;
use crate::engine::travel::{
    FRAGMENT_PREFIX, Kind, LINK_BUDGET_BYTES, Machine, Recorded, Summarised, base64url_encode,
    encode, report_json, validate,
};
use crate::runtime::compress;
use crate::runtime::probe::today;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_clipboard::{UseClipboardReturn, use_clipboard};
use reactive_stores::Field;
use std::sync::Arc;

/// A link made, and what it holds.
#[derive(Debug, Clone, PartialEq)]
struct Made {
    link: String,
    /// Bytes of the record before and after compression.
    raw: usize,
    compressed: usize,
    runs: usize,
    kind: Kind,
    spans: usize,
    summarised: Option<Summarised>,
    /// The link's length with every span, before any merging.
    full_bytes: usize,
    /// Whether it carries the prediction made before these runs.
    predicted: bool,
    /// A prediction was made, but for other runs than these: not carried.
    left_out: bool,
}

/// The link for `rec`: `page?settings#r=<base64url of the compressed record>`.
async fn link_for(rec: &Recorded) -> Result<Made, String> {
    let raw = encode(rec);
    let packed = compress::compress(&raw).await?;
    let link = format!(
        "{}{FRAGMENT_PREFIX}{}",
        url::link(&rec.settings),
        base64url_encode(&packed)
    );
    Ok(Made {
        full_bytes: link.len(),
        link,
        raw: raw.len(),
        compressed: packed.len(),
        runs: rec.runs.len(),
        kind: rec.kind,
        spans: rec.span_count(),
        summarised: rec.summarised,
        predicted: rec.prediction.is_some(),
        left_out: false,
    })
}

async fn make(actions: Actions, env: Field<Environment>) -> Result<Made, String> {
    let (settings, kind, runs) = actions.on_screen()?;
    let prediction = actions.said_for(kind, &settings, &runs);
    let left_out = prediction.is_none() && actions.has_said();
    let rec = Recorded {
        settings,
        machine: env.with_untracked(|e| Machine::of(e, &today())),
        kind,
        // The one copy of the runs a link makes: the record is encoded,
        // then dropped.
        runs: runs.iter().map(|t| Trace::clone(t)).collect(),
        summarised: None,
        prediction,
    };
    validate(&rec).map_err(|e| format!("This result cannot be shared: {e}"))?;
    let full = Made {
        left_out,
        ..link_for(&rec).await?
    };
    if full.link.len() <= LINK_BUDGET_BYTES {
        return Ok(full);
    }
    let merged = link_for(&rec.summarise()).await?;
    if merged.link.len() <= LINK_BUDGET_BYTES {
        return Ok(Made {
            full_bytes: full.link.len(),
            left_out,
            ..merged
        });
    }
    Err(format!(
        "This result is too large for a link: {} KB with every span, {} KB with each task's slices merged, and links are kept under {} KB so that every chat and mail program passes them on. Save the JSON report instead and send the file; \"Open a report\" reads it.",
        full.link.len().div_ceil(1024),
        merged.link.len().div_ceil(1024),
        LINK_BUDGET_BYTES / 1024
    ))
}

#[component]
pub fn ShareResult(
    #[prop(into)] latest: Field<Option<Arc<Trace>>>,
    #[prop(into)] busy: Field<Option<Busy>>,
    #[prop(into)] env: Field<Environment>,
    actions: Actions,
) -> impl IntoView {
    let made = RwSignal::new(None::<Result<Made, String>>);
    let working = RwSignal::new(false);
    let UseClipboardReturn {
        is_supported,
        copied,
        copy,
        ..
    } = use_clipboard();
    let nothing = move || latest.with(Option::is_none) || busy.with(Option::is_some);
    let share = move |_| {
        working.set(true);
        spawn_local(async move {
            made.set(Some(make(actions, env).await));
            working.set(false);
        });
    };
    let save_report = move |_| {
        let result = actions.on_screen().and_then(|(settings, _, runs)| {
            let refs: Vec<&Trace> = runs.iter().map(|t| &**t).collect();
            let mut env = env.get_untracked();
            env.date = today();
            download::text(
                "conpar-report.json",
                "application/json",
                &report_json(&settings, &env, &refs),
            )
        });
        if let Err(why) = result {
            made.set(Some(Err(why)));
        }
    };
    let filled = after_paint(Signal::derive(move || latest.with(Option::is_some)));
    view! {
        <Show
            when=move || filled.get()
            fallback=|| view! { <p class="note share-later">"After a run: a link that carries it, or its report."</p> }
        >
        <div class="share-result">
            <div class="buttons">
                <button disabled=move || nothing() || working.get() on:click=share>
                    "Share this result"
                </button>
                <button disabled=nothing on:click=save_report>"Save the report (JSON)"</button>
            </div>
            <p class="caption">
                "The link carries the runs as measured here, with this machine's cores and browser. It travels in the part of the address after #, which browsers never send to a server."
            </p>
            {
                let copy = copy.clone();
                move || match made.get() {
                None => None,
                Some(Err(why)) => Some(view! { <p class="message error share-error" role="alert">{why}</p> }.into_any()),
                Some(Ok(m)) => {
                    let link = m.link.clone();
                    let copy = copy.clone();
                    Some(
                        view! {
                            <div
                                class="share-made"
                                data-link-bytes=m.link.len()
                                data-full-bytes=m.full_bytes
                                data-raw-bytes=m.raw
                                data-compressed-bytes=m.compressed
                                data-spans=m.spans
                                data-runs=m.runs
                                data-kind=if m.kind == Kind::Sweep { "sweep" } else { "modes" }
                                data-summarised=m.summarised.is_some().to_string()
                                data-predicted=m.predicted.to_string()
                            >
                                <input class="share-link" type="text" readonly aria-label="Result link" prop:value=m.link.clone() />
                                <button
                                    class="small"
                                    disabled=move || !is_supported.get()
                                    on:click=move |_| copy(&link)
                                >
                                    {move || if copied.get() { "Copied" } else { "Copy" }}
                                </button>
                                <p class="caption">
                                    {format!(
                                        "A link of {:.1} KB: {}{} run{}, {} spans.",
                                        m.link.len() as f64 / 1024.0,
                                        if m.kind == Kind::Sweep { "a thread sweep of " } else { "" },
                                        m.runs,
                                        plural(m.runs as u64),
                                        m.spans,
                                    )}
                                    {m.summarised.map(|s| format!(
                                        " To fit a link, each task's slices on a lane were merged into one bar ({} spans became {}); wall times are exact, CPU time and blocking become upper bounds. The JSON report keeps every span.",
                                        s.spans_before, s.spans_after
                                    ))}
                                    {m.predicted.then_some(" It carries your prediction too: whoever opens it sees it beside what was measured.")}
                                    {m.left_out.then_some(" Your last prediction does not answer the question these runs ask as a link carries them (it was of other runs, or a lesson asked it otherwise), so the link does not carry it.")}
                                </p>
                            </div>
                        }
                            .into_any(),
                    )
                }
            }}
        </div>
        </Show>
    }
}
