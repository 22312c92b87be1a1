//! A result measured elsewhere: opened from a result link (`#r=…`) or a
//! report file. It is shown labelled as recorded, with the machine it was
//! measured on; nothing from it runs until "Run it here" is pressed, which
//! runs the same experiment on this machine (the modes recorded, or the
//! thread sweep) and shows both side by side — timelines on one axis, a
//! table with a column per machine (recorded_tables.rs), a sentence on the
//! difference, and for a sweep each machine's speedup chart with its
//! Amdahl fit.
//!
//! Everything from a link or a file is data from a stranger: it is decoded
//! and checked by `engine::travel`, and shown as text nodes only.

use super::actions::{Actions, RECEIVED, machine_of};
use super::download;
use super::open_report::OpenReport;
use super::prediction_form::PredictionForm;
use super::prediction_result::prediction_result;
use super::recorded_tables::{modes_table, sweep_table};
use super::server_state::ServerState;
use super::share_result::ShareResult;
use super::speedup_view::SpeedupChart;
use super::stacked_view::{Shown, StackedView};
use super::state::{Busy, LessonResult, Received, ReceivedResult, ReceivedStoreFields, Runs};
use super::training_state::TrainingState;
use crate::charts::format_ms;
use crate::engine::analysis::{
    Comparison, difference, fit_for, fit_sentence, points_of, rows_of, sweep_difference,
};
use crate::engine::environment::Environment;
use crate::engine::format::count;
use crate::engine::lessons::{self, Prediction, modes_of};
use crate::engine::plan::Settings;
use crate::engine::record::Trace;
use crate::engine::travel::{
    Decoded, Kind, MAX_DECOMPRESSED_BYTES, Machine, base64url_decode, decode_any, fragment_payload,
};
use crate::runtime::compress;
use crate::runtime::probe::today;
use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_event_listener::use_event_listener;
use reactive_stores::Field;
use std::sync::Arc;

/// Decodes a link's payload: base64url, then at most
/// [`MAX_DECOMPRESSED_BYTES`] inflated, then the checked record.
async fn open_payload(payload: &str) -> Result<Decoded, String> {
    let packed = base64url_decode(payload).map_err(|e| e.0)?;
    let raw = compress::decompress(&packed, MAX_DECOMPRESSED_BYTES).await?;
    decode_any(&raw).map_err(|e| e.0)
}

/// Brings the element `id` into view: the page opened for it.
fn scroll_to(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.scroll_into_view();
    }
}

/// Reads the location's fragment, if it holds a result: runs of the modes
/// show here, the server card's and the training card's runs on theirs.
fn read_fragment(actions: Actions, server: ServerState, training: TrainingState) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let Some(payload) = fragment_payload(&hash).map(str::to_string) else {
        return;
    };
    spawn_local(async move {
        match open_payload(&payload).await {
            Ok(Decoded::Server(rec)) => {
                if server.receive(rec) {
                    scroll_to("server-title");
                }
            }
            Ok(Decoded::Training(rec)) => {
                if training.receive(rec) {
                    scroll_to("training-title");
                }
            }
            Ok(Decoded::Runs(rec)) => {
                actions.receive(Ok(rec), "a link".into());
                scroll_to("recorded");
            }
            Err(why) => actions.receive(Err(why), "a link".into()),
        }
    });
}

/// Saves the chart on `canvas` as a PNG file.
fn png(name: &str, canvas: NodeRef<Canvas>) {
    if let Some(c) = canvas.get() {
        let _ = download::png(name, &c);
    }
}

/// A band's name for `t`: its mode, or in a sweep its threads.
fn run_name(kind: Kind, t: &Trace) -> String {
    match kind {
        Kind::Modes => t.mode.label().to_string(),
        Kind::Sweep => count(t.lanes, "thread"),
    }
}

/// What the sender predicted before these runs, beside what the runs
/// measured (as this page scores any prediction), or why it is left out.
fn sent_prediction(rec: &ReceivedResult) -> Option<AnyView> {
    let said = rec.prediction?;
    let sender = lessons::Machine::from(&rec.machine);
    let lesson = lessons::received(rec.kind, &rec.settings, &modes_of(&rec.runs), sender, true);
    Some(match lesson.score_sent(said, &rec.runs) {
        Some(sc) => view! {
            <p class="prediction sent" data-right=sc.right.to_string()>
                <strong>"Asked before the run: "</strong>
                {format!("{} {}", lesson.question().prompt(), sc.sentence)}
                " "
                <span class="why">{sc.why}</span>
            </p>
        }
        .into_any(),
        None => {
            let what = match said {
                Prediction::Choice(i) => format!("choice {}", i.saturating_add(1)),
                // A hostile number can have hundreds of digits.
                Prediction::Number(x) if x.abs() < 1e6 => format!("{x}"),
                Prediction::Number(x) => format!("{x:.3e}"),
            };
            view! {
                <p class="message info sent">
                    {format!(
                        "The link carries a prediction ({what}) that does not answer the question its runs ask (\"{}\"), or its runs did not complete, so it is left out; the runs are shown.",
                        lesson.question().prompt()
                    )}
                </p>
            }
            .into_any()
        }
    })
}

/// Whether `a` (recorded) and `b` (here) are the same run of the experiment.
fn same_run(kind: Kind, a: &Trace, b: &Trace) -> bool {
    match kind {
        Kind::Modes => a.mode == b.mode,
        Kind::Sweep => a.lanes == b.lanes,
    }
}

#[component]
pub fn RecordedView(
    #[prop(into)] received: Field<Received>,
    #[prop(into)] settings: Field<Settings>,
    #[prop(into)] comparison: Field<Comparison>,
    #[prop(into)] sweep: Field<Runs>,
    #[prop(into)] latest: Field<Option<Arc<Trace>>>,
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] busy: Field<Option<Busy>>,
    /// The lessons' results, where a prediction made before "Run it here"
    /// is kept (as [`RECEIVED`]).
    #[prop(into)]
    results: Field<Vec<LessonResult>>,
    actions: Actions,
) -> impl IntoView {
    // Read as this card is built, a frame after the page is ready (app.rs):
    // the settings' URL writing keeps the fragment (url.rs), so it is
    // still in the address by then.
    let server = expect_context::<ServerState>();
    let training = expect_context::<TrainingState>();
    read_fragment(actions, server, training);
    let _ = use_event_listener(window(), ev::hashchange, move |_| {
        read_fragment(actions, server, training);
    });
    let (result, notice, seq, ran_here) = (
        received.result(),
        received.notice(),
        received.seq(),
        received.ran_here(),
    );

    let kind = Memo::new(move |_| result.with(|r| r.as_ref().map(|rec| rec.kind)));
    // The question asked before "Run it here", of this machine, compared by
    // value: the environment changes after start-up (each kernel's rate),
    // and rebuilding the form then would drop the answer being typed.
    let here_question = Memo::new(move |_| {
        result.with(|r| {
            r.as_ref().map(|rec| {
                env.with(|e| {
                    lessons::received(
                        rec.kind,
                        &rec.settings,
                        &modes_of(&rec.runs),
                        machine_of(e),
                        e.parallel_available(),
                    )
                    .question()
                })
            })
        })
    });
    let here_machine = Memo::new(move |_| env.with(|e| Machine::of(e, &today())));
    // This machine's runs of the recorded experiment, once "Run it here" ran.
    let here = Memo::new(move |_| {
        if !ran_here.get() {
            return Vec::new();
        }
        result.with(|r| {
            let Some(rec) = r else {
                return Vec::new();
            };
            let key = Comparison::key_of(&rec.settings);
            match rec.kind {
                Kind::Modes => {
                    if key != settings.with(Comparison::key_of) {
                        return Vec::new();
                    }
                    comparison.with(|c| {
                        c.runs()
                            .iter()
                            .filter(|t| rec.runs.iter().any(|r| r.mode == t.mode))
                            .cloned()
                            .collect()
                    })
                }
                Kind::Sweep => sweep.with(|s| {
                    let same = s
                        .settings
                        .as_ref()
                        .is_some_and(|s| Comparison::key_of(s) == key);
                    if same { s.traces.clone() } else { Vec::new() }
                }),
            }
        })
    });
    let bands = Memo::new(move |_| {
        result.with(|r| {
            let Some(rec) = r else {
                return Vec::new();
            };
            let theirs = format!("{} cores", rec.machine.logical_cores);
            let mine = format!("{} cores", here_machine.with(|m| m.logical_cores));
            here.with(|here| {
                let mut out = Vec::new();
                for t in &rec.runs {
                    out.push(Shown {
                        title: format!(
                            "Recorded ({theirs}) · {}: {}",
                            run_name(rec.kind, t),
                            format_ms(t.duration_ms)
                        ),
                        trace: Arc::clone(t),
                    });
                    if let Some(h) = here.iter().find(|h| same_run(rec.kind, t, h)) {
                        out.push(Shown {
                            title: format!(
                                "This machine ({mine}) · {}: {}",
                                run_name(rec.kind, h),
                                format_ms(h.duration_ms)
                            ),
                            trace: Arc::clone(h),
                        });
                    }
                }
                out
            })
        })
    });
    // The received run's settings: its sweep is fitted as the sender's page
    // fitted it (whole rounds of tasks counted; none under a lock).
    let rec_settings =
        Memo::new(move |_| result.with(|r| r.as_ref().map(|rec| rec.settings.clone())));
    let recorded_points = Memo::new(move |_| {
        result.with(|r| match r {
            Some(rec) if rec.kind == Kind::Sweep => points_of(&rec.runs),
            _ => Vec::new(),
        })
    });
    let here_points = Memo::new(move |_| {
        if kind.get() == Some(Kind::Sweep) {
            here.with(|h| points_of(h))
        } else {
            Vec::new()
        }
    });
    let recorded_cores = Signal::derive(move || {
        result.with(|r| r.as_ref().map_or(0, |rec| rec.machine.logical_cores))
    });
    let here_cores = Signal::derive(move || here_machine.with(|m| m.logical_cores));
    let recorded_canvas = NodeRef::<Canvas>::new();
    let here_canvas = NodeRef::<Canvas>::new();

    view! {
        <section class="card recorded" id="recorded" aria-labelledby="recorded-title">
            <div class="card-head">
                <h2 id="recorded-title">"Share or open a result"</h2>
            </div>
            <ShareResult latest=latest busy=busy env=env actions />
            <OpenReport actions />
            <div class="received-state" data-seq=move || seq.get() data-shown=move || kind.with(Option::is_some).to_string()>
                {move || notice.get().map(|n| view! { <p class="message error received-notice" role="alert">{n}</p> })}
            </div>
            {move || {
                let mine = here_machine.get();
                let can_run = move || ready.get() && busy.with(Option::is_none);
                here.with(|here_runs| result.with(|r| {
                    let rec = r.as_ref()?;
                    // The rows of each machine's runs, for the sentence and the table.
                    let (sentence, table) = match rec.kind {
                        Kind::Modes => {
                            let rec_rows = rows_of(&rec.settings, &rec.runs);
                            let here_rows = rows_of(&rec.settings, here_runs);
                            (
                                difference(&rec_rows, &here_rows, rec.machine.logical_cores, mine.logical_cores),
                                modes_table(rec, &rec_rows, &here_rows, &mine).into_any(),
                            )
                        }
                        Kind::Sweep => (
                            recorded_points.with(|a| here_points.with(|b| sweep_difference(a, b, &rec.settings, rec.machine.logical_cores, mine.logical_cores))),
                            sweep_table(rec, here_runs, &mine).into_any(),
                        ),
                    };
                    let isolation = if rec.machine.cross_origin_isolated { "cross-origin isolated" } else { "not cross-origin isolated" };
                    let what = match rec.kind {
                        Kind::Modes => "Runs the same experiment on this machine (the modes recorded) and shows both side by side. Nothing runs until you press it.",
                        Kind::Sweep => "Sweeps the threads of this machine's pool on the same tasks and shows both speedup curves. Nothing runs until you press it.",
                    };
                    Some(view! {
                        <div class="recorded-result" data-kind=if rec.kind == Kind::Sweep { "sweep" } else { "modes" }>
                            <h3>{if rec.kind == Kind::Sweep { "Recorded thread sweep" } else { "Recorded result" }}</h3>
                            <p class="recorded-label">
                                {format!(
                                    "Recorded, not measured here: measured on {} ({}, a pool of {} threads). Opened from {}.",
                                    rec.machine.describe(),
                                    isolation,
                                    rec.machine.pool_threads,
                                    rec.source
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
                            {sent_prediction(rec)}
                            {here_question.get().map(|question| view! {
                                <PredictionForm
                                    question
                                    field="received-prediction".to_string()
                                    go="Run it here with my prediction"
                                    idle=Signal::derive(can_run)
                                    on_answer=Callback::new(move |p: Option<Prediction>| actions.run_received_here(p))
                                    no_skip=true
                                />
                            })}
                            <div class="buttons">
                                <button class="primary run-here" disabled=move || !can_run() on:click=move |_| actions.run_received_here(None)>
                                    "Run it here"
                                </button>
                            </div>
                            <div role="status" class="received-prediction">
                                {move || results.with(|all| all.iter().find(|r| r.id == RECEIVED).cloned()).map(prediction_result)}
                            </div>
                            <p class="caption">{what}</p>
                            {sentence.map(|s| view! { <p class="difference"><strong>{s}</strong></p> })}
                            {table}
                        </div>
                    })
                }))
            }}
            <Show when=move || kind.get() == Some(Kind::Sweep)>
                <h3>{move || format!("Speedup by threads, recorded on {} logical cores", recorded_cores.get())}</h3>
                <SpeedupChart points=recorded_points cores=recorded_cores canvas=recorded_canvas name="recorded-speedup" label="The recorded sweep's speedup by number of threads" />
                <button class="small" on:click=move |_| png("conpar-recorded-speedup.png", recorded_canvas)>"PNG"</button>
                <p class="caption recorded-fit">
                    {move || rec_settings.with(|s| recorded_points.with(|p| fit_for(p, s.as_ref()))).map_or("Too few points for Amdahl's law.".to_string(), |f| format!("Recorded: {}", fit_sentence(&f)))}
                </p>
            </Show>
            <Show when=move || here_points.with(|p| !p.is_empty())>
                <h3>{move || format!("Speedup by threads, on this machine ({} logical cores)", here_cores.get())}</h3>
                <SpeedupChart points=here_points cores=here_cores canvas=here_canvas name="here-speedup" label="This machine's sweep of the same tasks" />
                <button class="small" on:click=move |_| png("conpar-here-speedup.png", here_canvas)>"PNG"</button>
                <p class="caption here-fit">
                    {move || rec_settings.with(|s| here_points.with(|p| fit_for(p, s.as_ref()))).map_or("Too few points for Amdahl's law.".to_string(), |f| format!("This machine: {}", fit_sentence(&f)))}
                </p>
            </Show>
            <Show when=move || bands.with(|b| !b.is_empty())>
                <StackedView shown=bands name="recorded" label="The recorded runs, and this machine's, on one time axis" />
            </Show>
        </section>
    }
}
