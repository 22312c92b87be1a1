//! Which run the replay shows: every run the page holds (the latest, the
//! comparison's, the sweep's, a received result's), named for the list,
//! and the one chosen, known by pointer.

use super::state::{Page, PageStoreFields, Received, ReplayStateStoreFields, Runs, Source};
use crate::engine::analysis::Comparison;
use crate::engine::format::count;
use crate::engine::plan::Mode;
use crate::engine::record::Trace;
use leptos::prelude::*;
use reactive_stores::{Field, Store};
use std::sync::Arc;

impl Source {
    pub(super) fn value(self) -> String {
        match self {
            Source::Latest => "latest".into(),
            Source::Compared(m) => format!("compare-{}", m.name()),
            Source::Sweep(i) => format!("sweep-{i}"),
            Source::Recorded(i) => format!("recorded-{i}"),
        }
    }

    pub(super) fn parse(value: &str) -> Option<Source> {
        if value == "latest" {
            Some(Source::Latest)
        } else if let Some(m) = value.strip_prefix("compare-") {
            Mode::from_name(m).map(Source::Compared)
        } else if let Some(i) = value.strip_prefix("recorded-") {
            i.parse().ok().map(Source::Recorded)
        } else {
            value
                .strip_prefix("sweep-")
                .and_then(|i| i.parse().ok())
                .map(Source::Sweep)
        }
    }
}

/// Every run of the page the replay can show.
#[derive(Clone, Copy)]
pub struct PageRuns {
    latest: Field<Option<Arc<Trace>>>,
    comparison: Field<Comparison>,
    sweep: Field<Runs>,
    received: Field<Received>,
}

impl PageRuns {
    pub fn of(page: Store<Page>) -> PageRuns {
        PageRuns {
            latest: page.latest().into(),
            comparison: page.comparison().into(),
            sweep: page.sweep().into(),
            received: page.received().into(),
        }
    }

    /// The run `source` names, if the page still has it.
    fn trace_of(self, source: Source) -> Option<Arc<Trace>> {
        match source {
            Source::Latest => self.latest.get(),
            Source::Compared(mode) => self
                .comparison
                .with(|c| c.runs().iter().find(|t| t.mode == mode).cloned()),
            Source::Sweep(i) => self.sweep.with(|s| s.traces.get(i).cloned()),
            Source::Recorded(i) => self
                .received
                .with(|r| r.result.as_ref().and_then(|rec| rec.runs.get(i).cloned())),
        }
    }
}

/// Whether the run shown changed: by pointer, not by comparing spans.
fn another_run(before: Option<&Option<Arc<Trace>>>, now: Option<&Option<Arc<Trace>>>) -> bool {
    match (before, now) {
        (Some(Some(a)), Some(Some(b))) => !Arc::ptr_eq(a, b),
        (Some(None), Some(None)) => false,
        _ => true,
    }
}

/// The run the replay shows: the one its source names.
pub fn replayed(page: Store<Page>) -> Signal<Option<Arc<Trace>>> {
    let runs = PageRuns::of(page);
    let source = page.replay().source();
    Memo::new_with_compare(move |_| runs.trace_of(source.get()), another_run).into()
}

/// The runs the replay can show, each with its name in the list.
pub fn sources(runs: PageRuns) -> Memo<Vec<(Source, String)>> {
    Memo::new(move |_| {
        let mut out = Vec::new();
        if let Some(mode) = runs.latest.with(|t| t.as_ref().map(|t| t.mode)) {
            out.push((Source::Latest, format!("Latest run ({})", mode.label())));
        }
        runs.comparison.with(|c| {
            for t in c.runs() {
                out.push((
                    Source::Compared(t.mode),
                    format!("Comparison: {}", t.mode.label()),
                ));
            }
        });
        runs.sweep.with(|s| {
            for (i, t) in s.traces.iter().enumerate() {
                out.push((
                    Source::Sweep(i),
                    format!("Sweep: {}", count(t.lanes, "thread")),
                ));
            }
        });
        runs.received.with(|r| {
            if let Some(rec) = &r.result {
                for (i, t) in rec.runs.iter().enumerate() {
                    // A received sweep's runs are all Parallel: their thread
                    // counts tell them apart.
                    let what = if t.mode.uses_pool() {
                        format!("{}, {}", t.mode.label(), count(t.lanes, "thread"))
                    } else {
                        t.mode.label().to_string()
                    };
                    out.push((Source::Recorded(i), format!("Recorded elsewhere: {what}")));
                }
            }
        });
        out
    })
}

/// The "Run to replay" list.
pub fn source_select(
    sources: Memo<Vec<(Source, String)>>,
    source: impl Get<Value = Source> + Set<Value = Source> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
                <label class="inline">
                    <span>"Run"</span>
                    <select
                        aria-label="Run to replay"
                        disabled=move || sources.with(Vec::is_empty)
                        prop:value=move || source.get().value()
                        on:change=move |ev| {
                            if let Some(s) = Source::parse(&event_target_value(&ev)) {
                                source.set(s);
                            }
                        }
                    >
                        {move || {
                            sources
                                .get()
                                .into_iter()
                                .map(|(src, label)| {
                                    view! {
                                        <option value=src.value() selected=move || source.get() == src>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
    }
}
