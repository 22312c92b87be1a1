//! A result measured elsewhere: opened from a result link (`#r=…`) or a
//! report file. It is shown labelled as recorded, with the machine it was
//! measured on; nothing from it runs until "Run it here" is pressed, which
//! runs the same experiment on this machine (the modes recorded, or the
//! thread sweep) and shows both side by side — timelines on one axis, a
//! table with a column per machine, a sentence on the difference, and for a
//! sweep each machine's speedup chart with its Amdahl fit.
//!
//! Everything from a link or a file is data from a stranger: it is decoded
//! and checked by `engine::result_link`, and shown as text nodes only.

use super::actions;
use super::download;
use super::open_report::OpenReport;
use super::share_result::ShareResult;
use super::speedup_view::SpeedupChart;
use super::stacked_view::{Shown, StackedView};
use super::store::Store;
use crate::charts::format_ms;
use crate::engine::analysis::{
    Comparison, Row, SweepPoint, difference, fit_for, fit_sentence, points_of, rows_of,
    sweep_difference,
};
use crate::engine::plan::{Mode, Settings};
use crate::engine::record::Trace;
use crate::engine::travel::{
    Kind, MAX_DECOMPRESSED_BYTES, Machine, Recorded, base64url_decode, decode, fragment_payload,
};
use crate::runtime::compress;
use crate::runtime::probe::today;
use leptos::ev;
use leptos::html::Canvas;
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
        Kind::Sweep => format!("{} thread{}", t.lanes, if t.lanes == 1 { "" } else { "s" }),
    }
}

/// Whether `a` (recorded) and `b` (here) are the same run of the experiment.
fn same_run(kind: Kind, a: &Trace, b: &Trace) -> bool {
    match kind {
        Kind::Modes => a.mode == b.mode,
        Kind::Sweep => a.lanes == b.lanes,
    }
}

/// The comparison table: a row per mode, a column pair per machine.
fn modes_table(
    rec: &Recorded,
    rec_rows: &[Row],
    here_rows: &[Row],
    mine: &Machine,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="machines">
                {machines_head("Mode", rec, mine)}
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
    }
}

/// The head of a table with a column pair (wall time, speedup) per machine.
fn machines_head(first: &'static str, rec: &Recorded, mine: &Machine) -> impl IntoView + use<> {
    let (theirs, ours) = (rec.machine.logical_cores, mine.logical_cores);
    view! {
        <thead>
            <tr>
                <th scope="col">{first}</th>
                <th scope="col">{format!("Recorded ({theirs} cores): wall time")}</th>
                <th scope="col">"speedup"</th>
                <th scope="col">{format!("This machine ({ours} cores): wall time")}</th>
                <th scope="col">"speedup"</th>
            </tr>
        </thead>
    }
}

/// The sweep table: a row per thread count, a column pair per machine.
fn sweep_table(rec: &Recorded, here_runs: &[Trace], mine: &Machine) -> impl IntoView {
    let rec_points = points_of(&rec.runs);
    let here_points = points_of(here_runs);
    let speed = |p: Option<&SweepPoint>| {
        p.filter(|p| p.speedup.is_finite())
            .map_or("–".to_string(), |p| format!("{:.2}×", p.speedup))
    };
    let mut threads: Vec<u32> = rec_points
        .iter()
        .chain(&here_points)
        .map(|p| p.threads)
        .collect();
    threads.sort_unstable();
    threads.dedup();
    view! {
        <div class="table-wrap">
            <table class="machines sweep">
                {machines_head("Threads", rec, mine)}
                <tbody>
                    {threads.into_iter().map(|n| {
                        let at = |runs: &[Trace], points: &[SweepPoint]| {
                            runs.iter().zip(points).find(|(_, p)| p.threads == n).map(|(t, p)| (t.spans.len(), t.checksum, *p))
                        };
                        let r = at(&rec.runs, &rec_points);
                        let h = at(here_runs, &here_points);
                        view! {
                            <tr
                                data-threads=n
                                data-recorded-makespan=r.map_or(-1.0, |r| r.2.makespan_ms)
                                data-recorded-speedup=r.map_or(-1.0, |r| r.2.speedup)
                                data-recorded-spans=r.map_or(0, |r| r.0)
                                data-recorded-checksum=r.map_or(String::new(), |r| format!("{:x}", r.1))
                                data-local-makespan=h.map_or(-1.0, |h| h.2.makespan_ms)
                            >
                                <th scope="row">{n}</th>
                                <td class="num">{r.map_or("–".to_string(), |r| format_ms(r.2.makespan_ms))}</td>
                                <td class="num">{speed(r.as_ref().map(|r| &r.2))}</td>
                                <td class="num">{h.map_or("–".to_string(), |h| format_ms(h.2.makespan_ms))}</td>
                                <td class="num">{speed(h.as_ref().map(|h| &h.2))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn RecordedView() -> impl IntoView {
    let store = expect_context::<Store>();
    let received = expect_context::<Received>();
    // Read now, before the settings' URL writing can replace the address.
    read_fragment(received);
    let _ = use_event_listener(window(), ev::hashchange, move |_| read_fragment(received));

    // The result is read where it is held (`with`), never copied whole.
    let kind = Memo::new(move |_| {
        received
            .result
            .with(|r| r.as_ref().map(|(rec, _)| rec.kind))
    });
    let here_machine = Memo::new(move |_| Machine::of(&store.env.get(), &today()));
    // This machine's runs of the recorded experiment, once "Run it here" ran.
    let here = Memo::new(move |_| {
        if !received.ran_here.get() {
            return Vec::new();
        }
        received.result.with(|r| {
            let Some((rec, _)) = r else {
                return Vec::new();
            };
            let key = Comparison::key_of(&rec.settings);
            match rec.kind {
                Kind::Modes => {
                    if key != store.settings.with(Comparison::key_of) {
                        return Vec::new();
                    }
                    store.comparison.with(|c| {
                        c.runs()
                            .iter()
                            .filter(|t| rec.runs.iter().any(|r| r.mode == t.mode))
                            .cloned()
                            .collect()
                    })
                }
                Kind::Sweep => {
                    let same = store
                        .sweep_settings
                        .with(|s| s.as_ref().is_some_and(|s| Comparison::key_of(s) == key));
                    if same { store.sweep.get() } else { Vec::new() }
                }
            }
        })
    });
    let bands = Memo::new(move |_| {
        received.result.with(|r| {
            let Some((rec, _)) = r else {
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
                        trace: t.clone(),
                    });
                    if let Some(h) = here.iter().find(|h| same_run(rec.kind, t, h)) {
                        out.push(Shown {
                            title: format!(
                                "This machine ({mine}) · {}: {}",
                                run_name(rec.kind, h),
                                format_ms(h.duration_ms)
                            ),
                            trace: h.clone(),
                        });
                    }
                }
                out
            })
        })
    });
    // The received run's settings: its sweep is fitted as the sender's page
    // fitted it (whole rounds of tasks counted; none under a lock).
    let rec_settings = Memo::new(move |_| {
        received
            .result
            .with(|r| r.as_ref().map(|(rec, _)| rec.settings.clone()))
    });
    let recorded_points = Memo::new(move |_| {
        received.result.with(|r| match r {
            Some((rec, _)) if rec.kind == Kind::Sweep => points_of(&rec.runs),
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
        received
            .result
            .with(|r| r.as_ref().map_or(0, |(rec, _)| rec.machine.logical_cores))
    });
    let here_cores = Signal::derive(move || here_machine.with(|m| m.logical_cores));
    let recorded_canvas = NodeRef::<Canvas>::new();
    let here_canvas = NodeRef::<Canvas>::new();

    let run_here = move |_| {
        if store.busy.get_untracked().is_some() {
            return;
        }
        let Some((kind, settings, modes)) = received.result.with_untracked(|r| {
            r.as_ref().map(|(rec, _)| {
                let modes: Vec<Mode> = rec.runs.iter().map(|t| t.mode).collect();
                (rec.kind, rec.settings.clone(), modes)
            })
        }) else {
            return;
        };
        match kind {
            Kind::Sweep => {
                store.settings.set(Settings {
                    mode: Mode::Parallel,
                    ..settings
                });
                received.ran_here.set(true);
                actions::sweep(store);
            }
            Kind::Modes => {
                let mode = modes.first().copied().unwrap_or(settings.mode);
                store.settings.set(Settings { mode, ..settings });
                received.ran_here.set(true);
                // The modes recorded, and only those.
                actions::compare_modes(store, modes);
            }
        }
    };

    view! {
        <section class="card recorded" id="recorded" aria-labelledby="recorded-title">
            <div class="card-head">
                <h2 id="recorded-title">"Share or open a result"</h2>
            </div>
            <ShareResult />
            <OpenReport />
            <div class="received-state" data-seq=move || received.seq.get() data-shown=move || kind.with(Option::is_some).to_string()>
                {move || received.notice.get().map(|n| view! { <p class="message error received-notice" role="alert">{n}</p> })}
            </div>
            {move || {
                let mine = here_machine.get();
                let can_run = move || store.ready.get() && store.busy.with(Option::is_none);
                here.with(|here_runs| received.result.with(|r| {
                    let (rec, source) = r.as_ref()?;
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
