//! Saving results: spans as CSV, a JSON report, a Chrome trace.

use super::download;
use super::share_result::on_screen;
use super::store::{Message, Store};
use crate::engine::plan::Settings;
use crate::engine::record::Trace;
use crate::engine::travel::{chrome_trace, report_json, spans_csv};
use leptos::prelude::*;

#[component]
pub fn Exports() -> impl IntoView {
    let store = expect_context::<Store>();
    // The runs on screen, as "Share this result" takes them: the sweep when
    // it was made last, else the comparison, else the last run; with the
    // settings of their task set (a report must carry those, or it cannot
    // be opened again). Spans and traces need no settings: after a change of
    // settings they still save the runs shown.
    let save = move |name: &'static str,
                     mime: &'static str,
                     make: fn(&Store, &Settings, &[&Trace]) -> String,
                     needs_settings: bool| {
        let (settings, traces) = match on_screen(store) {
            Ok((settings, _, traces)) => (settings, traces),
            Err(why) if needs_settings => {
                store.message.set(Some(Message::Error(why)));
                return;
            }
            Err(_) => {
                let compared = store.comparison.with_untracked(|c| c.runs().to_vec());
                let shown = if compared.is_empty() {
                    store.trace.get_untracked().into_iter().collect()
                } else {
                    compared
                };
                (store.settings.get_untracked(), shown)
            }
        };
        let refs: Vec<&Trace> = traces.iter().collect();
        if let Err(why) = download::text(name, mime, &make(&store, &settings, &refs)) {
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
                <button disabled=nothing on:click=move |_| save("conpar-spans.csv", "text/csv", |_, _, t| spans_csv(t), false)>
                    "Spans (CSV)"
                </button>
                <button
                    disabled=nothing
                    on:click=move |_| save("conpar-report.json", "application/json", |s, settings, t| {
                        report_json(settings, &s.env.get_untracked(), t)
                    }, true)
                >
                    "Report (JSON)"
                </button>
                <button disabled=nothing on:click=move |_| save("conpar-trace.json", "application/json", |_, _, t| chrome_trace(t), false)>
                    "Trace for Perfetto / DevTools"
                </button>
            </div>
            <p class="caption">
                "The trace opens in ui.perfetto.dev or in Chrome DevTools' Performance panel (Load profile): each lane is a thread."
            </p>
        </section>
    }
}
