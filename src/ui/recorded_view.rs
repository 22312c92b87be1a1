//! A result measured elsewhere: opened from a result link (`#r=…`) or a
//! report file. It is shown labelled as recorded, with the machine it was
//! measured on; nothing from it runs until "Run it here" is pressed, which
//! runs the same experiment on this machine and shows both side by side —
//! timelines on one axis, a table with a column per machine, and a sentence
//! on the difference.
//!
//! Everything from a link or a file is data from a stranger: it is decoded
//! and checked by `engine::result_link`, and shown as text nodes only.

use super::actions;
use super::open_report::OpenReport;
use super::share_result::{ShareResult, today};
use super::stacked_view::{Shown, StackedView};
use super::store::Store;
use crate::charts::format_ms;
use crate::engine::plan::{Mode, Settings};
use crate::engine::result_link::{
    MAX_DECOMPRESSED_BYTES, Machine, Recorded, base64url_decode, decode, fragment_payload,
};
use crate::engine::session::{Comparison, Row};
use crate::engine::trace::Trace;
use crate::runtime::compress;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_event_listener::use_event_listener;

/// The result received, shared by the components that open one.
#[derive(Debug, Clone, Copy)]
pub struct Received {
    /// The result, and where it came from ("a link", "the report file x.json").
    pub result: RwSignal<Option<(Recorded, String)>>,
    /// Why the last link or file was refused.
    pub notice: RwSignal<Option<String>>,
    /// Counts the links and files read: tests wait on it.
    pub seq: RwSignal<u32>,
    /// "Run it here" was pressed for the result shown.
    pub ran_here: RwSignal<bool>,
}

impl Received {
    /// Nothing received yet. Provided once by the app: the replay offers the
    /// received runs too.
    pub fn new() -> Received {
        Received {
            result: RwSignal::new(None),
            notice: RwSignal::new(None),
            seq: RwSignal::new(0),
            ran_here: RwSignal::new(false),
        }
    }

    /// Shows `result`, or why it was refused (keeping the result shown before).
    pub fn accept(self, result: Result<Recorded, String>, source: String) {
        match result {
            Ok(rec) => {
                self.result.set(Some((rec, source)));
                self.notice.set(None);
                self.ran_here.set(false);
            }
            Err(why) => self.notice.set(Some(why)),
        }
        self.seq.update(|n| *n += 1);
    }
}

/// Decodes a link's payload: base64url, then at most
/// [`MAX_DECOMPRESSED_BYTES`] inflated, then the checked record.
async fn open_payload(payload: &str) -> Result<Recorded, String> {
    let packed = base64url_decode(payload).map_err(|e| e.0)?;
    let raw = compress::decompress(&packed, MAX_DECOMPRESSED_BYTES).await?;
    decode(&raw).map_err(|e| e.0)
}

/// Reads the location's fragment, if it holds a result.
fn read_fragment(received: Received) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let Some(payload) = fragment_payload(&hash).map(str::to_string) else {
        return;
    };
    spawn_local(async move {
        let result = open_payload(&payload).await;
        let ok = result.is_ok();
        received.accept(result, "a link".into());
        if ok {
            // Bring the result into view: the page opened for it.
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("recorded"))
            {
                el.scroll_into_view();
            }
        }
    });
}

/// Rows of a comparison of `runs` (speedups against their sequential run).
fn rows_of(settings: &Settings, runs: &[Trace]) -> Vec<Row> {
    let mut c = Comparison::default();
    for t in runs {
        let s = Settings {
            mode: t.mode,
            ..settings.clone()
        };
        c.add(&s, t.clone());
    }
    c.rows()
}

/// "Parallel (threads) against Sequential: your 4 logical cores 1.9× on 2
/// threads; the recorded 16 logical cores 12.1× on 15 threads."
fn difference(recorded: &[Row], here: &[Row], theirs: &Machine, mine: &Machine) -> Option<String> {
    let speedup = |rows: &[Row], m: Mode| {
        rows.iter()
            .find(|r| r.trace.mode == m)
            .and_then(|r| r.relative.map(|rel| (rel.speedup, r.trace.lanes)))
    };
    let mode = [Mode::Parallel, Mode::Both, Mode::Concurrent]
        .into_iter()
        .find(|&m| speedup(recorded, m).is_some() && speedup(here, m).is_some())?;
    let (a, ta) = speedup(here, mode)?;
    let (b, tb) = speedup(recorded, mode)?;
    let threads = |n: u32| {
        if mode.uses_pool() {
            format!(" on {n} thread{}", if n == 1 { "" } else { "s" })
        } else {
            String::new()
        }
    };
    let cores = |n: u32| format!("{n} logical core{}", if n == 1 { "" } else { "s" });
    Some(format!(
        "{} against Sequential: your {}: {a:.1}×{}; the recorded {}: {b:.1}×{}.",
        mode.label(),
        cores(mine.logical_cores),
        threads(ta),
        cores(theirs.logical_cores),
        threads(tb),
    ))
}

#[component]
pub fn RecordedView() -> impl IntoView {
    let store = expect_context::<Store>();
    let received = expect_context::<Received>();
    // Read now, before the settings' URL writing can replace the address.
    read_fragment(received);
    let _ = use_event_listener(window(), ev::hashchange, move |_| read_fragment(received));

    let recorded = Memo::new(move |_| {
        received
            .result
            .with(|r| r.as_ref().map(|(rec, _)| rec.clone()))
    });
    let here_machine = Memo::new(move |_| Machine::of(&store.env.get(), &today()));
    // This machine's runs of the recorded experiment, once "Run it here" ran.
    let here = Memo::new(move |_| {
        if !received.ran_here.get() {
            return Vec::new();
        }
        let Some(rec) = recorded.get() else {
            return Vec::new();
        };
        if Comparison::key_of(&rec.settings) != Comparison::key_of(&store.settings.get()) {
            return Vec::new();
        }
        store.comparison.with(|c| {
            c.runs()
                .iter()
                .filter(|t| rec.runs.iter().any(|r| r.mode == t.mode))
                .cloned()
                .collect()
        })
    });
    let bands = Memo::new(move |_| {
        let Some(rec) = recorded.get() else {
            return Vec::new();
        };
        let here = here.get();
        let theirs = format!("{} cores", rec.machine.logical_cores);
        let mine = format!("{} cores", here_machine.with(|m| m.logical_cores));
        let mut out = Vec::new();
        for t in &rec.runs {
            out.push(Shown {
                title: format!(
                    "Recorded ({theirs}) · {}: {}",
                    t.mode.label(),
                    format_ms(t.duration_ms)
                ),
                trace: t.clone(),
            });
            if let Some(h) = here.iter().find(|h| h.mode == t.mode) {
                out.push(Shown {
                    title: format!(
                        "This machine ({mine}) · {}: {}",
                        h.mode.label(),
                        format_ms(h.duration_ms)
                    ),
                    trace: h.clone(),
                });
            }
        }
        out
    });

    let run_here = move |_| {
        let Some(rec) = recorded.get_untracked() else {
            return;
        };
        if store.busy.get_untracked().is_some() {
            return;
        }
        let modes: Vec<Mode> = rec.runs.iter().map(|t| t.mode).collect();
        let mut settings = rec.settings.clone();
        if let [only] = modes.as_slice() {
            settings.mode = *only;
        }
        store.settings.set(settings);
        received.ran_here.set(true);
        if modes.len() == 1 {
            actions::run(store);
        } else {
            actions::compare(store);
        }
    };

    view! {
        <section class="card recorded" id="recorded" aria-labelledby="recorded-title">
            <div class="card-head">
                <h2 id="recorded-title">"Share or open a result"</h2>
            </div>
            <ShareResult />
            <OpenReport />
            <div class="received-state" data-seq=move || received.seq.get() data-shown=move || recorded.with(Option::is_some).to_string()>
                {move || received.notice.get().map(|n| view! { <p class="message error received-notice" role="alert">{n}</p> })}
            </div>
            {move || {
                let rec = recorded.get()?;
                let source = received.result.with(|r| r.as_ref().map(|(_, s)| s.clone())).unwrap_or_default();
                let rec_rows = rows_of(&rec.settings, &rec.runs);
                let here_runs = here.get();
                let here_rows = rows_of(&rec.settings, &here_runs);
                let mine = here_machine.get();
                let sentence = difference(&rec_rows, &here_rows, &rec.machine, &mine);
                let isolation = if rec.machine.cross_origin_isolated { "cross-origin isolated" } else { "not cross-origin isolated" };
                let can_run = move || store.ready.get() && store.busy.with(Option::is_none);
                Some(view! {
                    <div class="recorded-result">
                        <h3>"Recorded result"</h3>
                        <p class="recorded-label">
                            {format!(
                                "Recorded, not measured here: measured on {} ({}, a pool of {} threads). Opened from {}.",
                                rec.machine.describe(),
                                isolation,
                                rec.machine.pool_threads,
                                source
                            )}
                        </p>
                        {rec.summarised.map(|s| view! {
                            <p class="message info summarised">
                                {format!(
                                    "This link is a summary: each task's slices on a lane were merged into one bar ({} spans became {}). Wall times are exact; CPU time and blocking are upper bounds.",
                                    s.spans_before, s.spans_after
                                )}
                            </p>
                        })}
                        <div class="buttons">
                            <button class="primary run-here" disabled=move || !can_run() on:click=run_here>
                                "Run it here"
                            </button>
                        </div>
                        <p class="caption">"Runs the same experiment on this machine and shows both side by side. Nothing runs until you press it."</p>
                        {sentence.map(|s| view! { <p class="difference"><strong>{s}</strong></p> })}
                        <div class="table-wrap">
                            <table class="machines">
                                <thead>
                                    <tr>
                                        <th scope="col">"Mode"</th>
                                        <th scope="col">{format!("Recorded ({} cores): wall time", rec.machine.logical_cores)}</th>
                                        <th scope="col">"speedup"</th>
                                        <th scope="col">{format!("This machine ({} cores): wall time", mine.logical_cores)}</th>
                                        <th scope="col">"speedup"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rec_rows.iter().map(|r| {
                                        let h = here_rows.iter().find(|h| h.trace.mode == r.trace.mode);
                                        let speed = |row: Option<&Row>| row.and_then(|r| r.relative).map_or("–".to_string(), |rel| format!("{:.2}×", rel.speedup));
                                        view! {
                                            <tr
                                                data-mode=r.trace.mode.name()
                                                data-recorded-makespan=r.stats.makespan_ms
                                                data-recorded-cpu=r.stats.cpu_ms
                                                data-recorded-spans=r.trace.spans.len()
                                                data-recorded-checksum=format!("{:x}", r.trace.checksum)
                                                data-local-makespan=h.map_or(-1.0, |h| h.stats.makespan_ms)
                                            >
                                                <th scope="row">{r.trace.mode.label()}</th>
                                                <td class="num">{format_ms(r.stats.makespan_ms)}</td>
                                                <td class="num">{speed(Some(r))}</td>
                                                <td class="num">{h.map_or("–".to_string(), |h| format_ms(h.stats.makespan_ms))}</td>
                                                <td class="num">{speed(h)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </div>
                })
            }}
            <Show when=move || bands.with(|b| !b.is_empty())>
                <StackedView shown=bands name="recorded" label="The recorded runs, and this machine's, on one time axis" />
            </Show>
        </section>
    }
}
