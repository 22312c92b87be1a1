//! Saving results: spans as CSV, a JSON report, a Chrome trace.

use super::actions::Actions;
use super::download;
use super::empty_card::{EmptyCard, after_paint};
use super::state::{Busy, Message};
use crate::engine::environment::Environment;
use crate::engine::record::Trace;
use crate::engine::travel::{chrome_trace, report_json, spans_csv};
use leptos::prelude::*;
use reactive_stores::Field;
use std::sync::Arc;

#[component]
pub fn Exports(
    /// The latest run: nothing to save before there is one.
    #[prop(into)]
    latest: Field<Option<Arc<Trace>>>,
    #[prop(into)] busy: Field<Option<Busy>>,
    #[prop(into)] message: Field<Option<Message>>,
    #[prop(into)] env: Field<Environment>,
    actions: Actions,
) -> impl IntoView {
    // The runs on screen, as "Share this result" takes them: the sweep when
    // it was made last, else the comparison, else the last run; with the
    // settings of their task set (a report must carry those, or it cannot
    // be opened again). Spans and traces need no settings: after a change of
    // settings they still save the runs shown.
    let save = move |name: &'static str,
                     mime: &'static str,
                     needs_settings: bool,
                     make: &dyn Fn(&[&Trace]) -> Result<String, String>| {
        let traces = match actions.on_screen() {
            Ok((_, _, traces)) => traces,
            Err(why) if needs_settings => {
                message.set(Some(Message::Error(why)));
                return;
            }
            Err(_) => actions.shown_runs(),
        };
        let refs: Vec<&Trace> = traces.iter().map(|t| &**t).collect();
        let saved = make(&refs).and_then(|text| download::text(name, mime, &text));
        if let Err(why) = saved {
            message.set(Some(Message::Error(format!(
                "Could not save {name}: {why}"
            ))));
        }
    };
    let report = move |traces: &[&Trace]| {
        let (settings, _, _) = actions.on_screen()?;
        Ok(env.with_untracked(|e| report_json(&settings, e, traces)))
    };
    let nothing = move || latest.with(Option::is_none) || busy.with(Option::is_some);
    let filled = after_paint(Signal::derive(move || latest.with(Option::is_some)));
    view! {
        <Show
            when=move || filled.get()
            fallback=|| view! { <EmptyCard class="exports" title_id="exports-title" title="Export" hint="After a run: CSV, JSON report, trace." /> }
        >
        <section class="card exports" aria-labelledby="exports-title">
            <h2 id="exports-title">"Export"</h2>
            <div class="buttons">
                <button disabled=nothing on:click=move |_| save("conpar-spans.csv", "text/csv", false, &|t| Ok(spans_csv(t)))>
                    "Spans (CSV)"
                </button>
                <button disabled=nothing on:click=move |_| save("conpar-report.json", "application/json", true, &report)>
                    "Report (JSON)"
                </button>
                <button disabled=nothing on:click=move |_| save("conpar-trace.json", "application/json", false, &|t| Ok(chrome_trace(t)))>
                    "Trace for Perfetto / DevTools"
                </button>
            </div>
            <p class="caption">
                "The trace opens in ui.perfetto.dev or in Chrome DevTools' Performance panel (Load profile): each lane is a thread."
            </p>
        </section>
        </Show>
    }
}
