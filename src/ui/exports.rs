//! Saving results: spans as CSV, a JSON report, a Chrome trace.

use super::download;
use super::store::{Message, Store};
use crate::engine::export::{chrome_trace, report_json, spans_csv};
use crate::engine::trace::Trace;
use leptos::prelude::*;

#[component]
pub fn Exports() -> impl IntoView {
    let store = expect_context::<Store>();
    // The runs on screen: the comparison when there is one, else the last run.
    let runs = move || -> Vec<Trace> {
        let compared = store.comparison.with(|c| c.runs().to_vec());
        if compared.is_empty() {
            store.trace.get_untracked().into_iter().collect()
        } else {
            compared
        }
    };
    let save =
        move |name: &'static str, mime: &'static str, make: fn(&Store, &[&Trace]) -> String| {
            let traces = runs();
            let refs: Vec<&Trace> = traces.iter().collect();
            if let Err(why) = download::text(name, mime, &make(&store, &refs)) {
                store.message.set(Some(Message::Error(format!(
                    "Could not save {name}: {why}"
                ))));
            }
        };
    let nothing = move || store.trace.with(Option::is_none) || store.busy.with(Option::is_some);
    view! {
        <section class="card exports" aria-labelledby="exports-title">
            <h2 id="exports-title">"Export"</h2>
            <div class="buttons">
                <button disabled=nothing on:click=move |_| save("conpar-spans.csv", "text/csv", |_, t| spans_csv(t))>
                    "Spans (CSV)"
                </button>
                <button
                    disabled=nothing
                    on:click=move |_| save("conpar-report.json", "application/json", |s, t| {
                        report_json(&s.settings.get_untracked(), &s.env.get_untracked(), t)
                    })
                >
                    "Report (JSON)"
                </button>
                <button disabled=nothing on:click=move |_| save("conpar-trace.json", "application/json", |_, t| chrome_trace(t))>
                    "Trace for Perfetto / DevTools"
                </button>
            </div>
            <p class="caption">
                "The trace opens in ui.perfetto.dev or in Chrome DevTools' Performance panel (Load profile): each lane is a thread."
            </p>
        </section>
    }
}
