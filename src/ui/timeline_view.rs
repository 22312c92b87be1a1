//! The live timeline: a lane per thread, a bar per span, drawn while the
//! run goes on; pointing at a bar tells what it was. During a replay it shows
//! the replayed run, and the replay's cursor on a layer of its own above it:
//! moving the cursor redraws that layer only.
//!
//! While a run goes on, the page's frame loop refreshes it every
//! [`LIVE_REDRAW_MS`]: the lab copies only the spans that changed since the
//! last refresh, and only those are drawn on the canvas as it is
//! ([`LiveTimeline`]); the whole chart is drawn again when its time axis
//! doubles or the canvas changes size. The finished run is drawn whole.

use super::download;
use super::empty_card::EmptyCard;
use super::state::{Busy, ReplayState, ReplayStateStoreFields};
use crate::charts::cursor::CursorData;
use crate::charts::timeline::{
    LiveTimeline, TimelineData, TimelineGeometry, draw_prediction, draw_timeline, hit_test,
};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::format::plural;
use crate::engine::record::{Outcome, Span, Trace};
use crate::runtime::canvas::{self, draw_cursor_layer, draw_hidpi, draw_over};
use crate::runtime::frame_loop;
use crate::runtime::lab::{LiveCopy, lab};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

const HEIGHT_PER_ROW: u32 = 54;

/// How often the live timeline takes in the run's new spans (≥ 10 times a second).
const LIVE_REDRAW_MS: f64 = 80.0;

/// The run in progress as the live timeline has it.
struct Live {
    copy: LiveCopy,
    view: LiveTimeline,
    geometry: Option<TimelineGeometry>,
    /// The frame of the last refresh.
    refreshed_at: f64,
    /// The canvas's CSS width and colours at the last draw: if either
    /// changes, the next draw is whole.
    width: u32,
    dark: bool,
}

#[component]
pub fn TimelineView(
    /// The latest run: what the timeline shows when nothing runs.
    #[prop(into)]
    latest: Field<Option<Arc<Trace>>>,
    #[prop(into)] busy: Field<Option<Busy>>,
    /// The replay: whether it is on, its cursor and the frame gap there.
    #[prop(into)]
    replay: Field<ReplayState>,
    /// The run the replay shows.
    #[prop(into)]
    shown: Signal<Option<Arc<Trace>>>,
    /// The time the person predicted for the latest run, drawn on its axis.
    #[prop(into)]
    predicted: Field<Option<f64>>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let layer = NodeRef::<Canvas>::new();
    // Where the last timeline landed and its height: what the cursor needs.
    let placed = RwSignal::new(None::<(TimelineGeometry, u32)>);
    // The run on screen when none goes on: the replayed one during a replay.
    let replaying = Memo::new(move |_| replay.active().get() && busy.with(Option::is_none));
    // The run on screen: the replayed one during a replay, else the latest.
    let on_screen = Memo::new(move |_| {
        if replaying.get() {
            shown.get()
        } else {
            latest.get()
        }
    });
    let with_shown =
        move |f: &dyn Fn(Option<&Trace>) -> String| on_screen.with(|t| f(t.as_deref()));
    let dark = use_preferred_dark();
    // What was drawn last, for pointing at it.
    let drawn = StoredValue::new(None::<(Arc<Trace>, TimelineGeometry)>);
    let hovered = RwSignal::new(None::<(Span, f64, f64)>);

    let live = StoredValue::new_local(Live {
        copy: LiveCopy::default(),
        view: LiveTimeline::new(1),
        geometry: None,
        refreshed_at: f64::NEG_INFINITY,
        width: 0,
        dark: false,
    });
    // How many spans and rows the canvas shows (for tests and curious readers).
    let span_count = RwSignal::new(0usize);
    let row_count = RwSignal::new(0usize);

    // During a run: every LIVE_REDRAW_MS, what changed since the last refresh.
    frame_loop::subscribe_while_mounted(move |frame| {
        let lab = lab();
        // Only the runs a person started: the page's own warm-up run at
        // start-up left its bars under "No run yet".
        if !lab.is_running() || busy.with_untracked(Option::is_none) {
            return;
        }
        let Some(canvas) = canvas.get_untracked() else {
            return;
        };
        let due = live.with_value(|l| frame - l.refreshed_at >= LIVE_REDRAW_MS);
        if !due {
            return;
        }
        // A run on this page's pool: a row for each of its threads to start
        // with; the view adds one for any lane past them.
        let rows = 1 + crate::runtime::casualty::pool_size() as usize;
        let dark = dark.get_untracked();
        let theme = Theme::for_dark(dark);
        let count = live.try_update_value(|l| {
            l.refreshed_at = frame;
            let run = l.copy.run;
            if !lab.read_live(&mut l.copy) {
                return None;
            }
            if run != l.copy.run {
                l.view = LiveTimeline::new(rows);
            }
            l.view.update(&l.copy.log, l.copy.elapsed_ms);
            let width = canvas_width(&canvas);
            if width != l.width || dark != l.dark || l.geometry.is_none() {
                l.view.redraw_all();
            }
            let height = height_for(l.view.rows());
            if row_count.get_untracked() != l.view.rows() {
                row_count.set(l.view.rows());
            }
            let Live { copy, view, .. } = l;
            let drawn = if view.redraws_all() {
                draw_hidpi(&canvas, height, |a| view.draw(a, &copy.log, &theme))
            } else {
                draw_over(&canvas, |a| view.draw(a, &copy.log, &theme))
            };
            if let Ok(g) = drawn {
                l.geometry = Some(g);
                l.width = width;
                l.dark = dark;
                // The cursor layer's effect follows `placed`: only a change.
                if placed.get_untracked() != Some((g, height)) {
                    placed.set(Some((g, height)));
                }
            }
            Some(l.copy.log.spans.len() + l.copy.log.open.len())
        });
        if let Some(n) = count.flatten()
            && span_count.get_untracked() != n
        {
            span_count.set(n);
        }
    });

    // Not on a replayed run: the prediction was of the latest.
    let predicted_ms = Signal::derive(move || predicted.get().filter(|_| !replaying.get()));
    Effect::new(move |_| {
        let trace = on_screen.get();
        let predicted = predicted_ms.get();
        let theme = Theme::for_dark(dark.get());
        let Some(canvas) = canvas.get() else { return };
        if lab().is_running() {
            // The frame loop draws the run in progress: whole, next time.
            live.update_value(|l| l.view.redraw_all());
            return;
        }
        let Some(trace) = trace else {
            placed.set(None);
            span_count.set(0);
            row_count.set(1);
            drawn.set_value(None);
            let _ = draw_hidpi(&canvas, height_for(1), |a| {
                draw_placeholder(
                    a,
                    &theme,
                    "Press Run: each thread gets a lane, each task a colour.",
                )
            });
            return;
        };
        let height = height_for(trace.rows());
        row_count.set(trace.rows());
        let geometry = draw_hidpi(&canvas, height, |a| {
            let g = draw_timeline(
                a,
                &TimelineData {
                    spans: &trace.spans,
                    rows: trace.rows(),
                    x_max_ms: trace.duration_ms,
                },
                &theme,
            )?;
            if let Some(ms) = predicted {
                draw_prediction(a, &g, ms, &theme)?;
            }
            Ok(g)
        });
        let geometry = geometry.ok();
        placed.set(geometry.map(|g| (g, height)));
        span_count.set(trace.spans.len());
        drawn.set_value(geometry.map(|g| (trace, g)));
    });

    // The replay's cursor, on the layer above the timeline.
    Effect::new(move |_| {
        let data = CursorData {
            t_ms: replay.cursor().get(),
            frozen: replay.frozen().get(),
        };
        let theme = Theme::for_dark(dark.get());
        let Some(layer) = layer.get() else { return };
        match placed.get() {
            Some((geometry, height)) if replaying.get() && !lab().is_running() => {
                let _ = draw_cursor_layer(&layer, height, &geometry, &data, &theme);
            }
            _ => {
                let _ = canvas::clear(&layer);
            }
        }
    });

    let on_move = move |x: f64, y: f64| {
        let hit = if lab().is_running() {
            live.with_value(|l| {
                let g = l.geometry.as_ref()?;
                hit_test(g, &l.copy.log.spans, x, y).or_else(|| hit_test(g, &l.copy.log.open, x, y))
            })
        } else {
            drawn.with_value(|d| d.as_ref().and_then(|(t, g)| hit_test(g, &t.spans, x, y)))
        };
        hovered.set(hit.map(|s| (s, x, y)));
    };

    view! {
        <Show
            when=move || on_screen.with(Option::is_some) || busy.with(Option::is_some)
            fallback=|| view! { <EmptyCard class="timeline" title_id="timeline-title" title="Timeline" hint="Press Run to see each thread's tasks." /> }
        >
        <section class="card timeline" aria-labelledby="timeline-title">
            <div class="card-head">
                <h2 id="timeline-title">"Timeline"</h2>
                <span class="legend">
                    <span class="swatch run"></span>
                    "computing"
                    <span class="swatch wait"></span>
                    "waiting"
                    <span class="swatch lock"></span>
                    "waiting for the lock"
                </span>
                <button
                    class="small"
                    on:click=move |_| {
                        if let Some(c) = canvas.get() {
                            let _ = download::png("conpar-timeline.png", &c);
                        }
                    }
                >
                    "PNG"
                </button>
            </div>
            <div class="canvas-wrap">
                <canvas
                    node_ref=canvas
                    role="img"
                    aria-label=move || with_shown(&summary)
                    data-spans=move || span_count.get()
                    data-rows=move || row_count.get()
                    data-predicted-ms=move || predicted_ms.get().map(|ms| ms.to_string())
                    on:pointermove=move |ev| on_move(ev.offset_x(), ev.offset_y())
                    on:pointerdown=move |ev| on_move(ev.offset_x(), ev.offset_y())
                    on:pointerleave=move |_| hovered.set(None)
                ></canvas>
                <canvas node_ref=layer class="cursor-layer" aria-hidden="true"></canvas>
                {move || {
                    hovered
                        .get()
                        .map(|(s, x, y)| {
                            view! {
                                <div class="tooltip" style=format!("left:{}px;top:{}px", x + 12.0, y + 12.0)>
                                    <strong>{with_shown(&|t: Option<&Trace>| {
                                        t.map_or_else(|| format!("Task {}", s.task + 1), |t| t.task_name(s.task))
                                    })}</strong>
                                    <span>{format!("{} {}", s.kind.doing(), s.lane.on())}</span>
                                    <span>{format!("from {} for {}", format_ms(s.start), format_ms(s.duration()))}</span>
                                </div>
                            }
                        })
                }}
            </div>
            <p class="caption">{move || with_shown(&summary)}</p>
            {move || latest.with(|t| worker_warning(t.as_deref())).map(|w| view! { <p class="message warning" role="alert">{w}</p> })}
        </section>
        </Show>
    }
}

/// The canvas's height for `rows` lanes, the axis included.
fn height_for(rows: usize) -> u32 {
    rows as u32 * HEIGHT_PER_ROW + 40
}

/// The run in one sentence, for the caption and for screen readers.
fn summary(trace: Option<&Trace>) -> String {
    let Some(t) = trace else {
        return "No run yet.".into();
    };
    let s = t.stats();
    let workers = t.distinct_workers();
    format!(
        "{}: {} of {} tasks in {}, {} of computation; at most {} tasks in flight at once; {} worker thread{} took part.",
        t.mode.label(),
        t.finished,
        t.tasks,
        format_ms(s.makespan_ms),
        format_ms(s.cpu_ms),
        s.peak_overlap,
        workers,
        plural(workers)
    )
}

/// A parallel run on several threads that used only one worker was not
/// parallel: say so (rayon runs sequentially when the build lacks atomics:
/// rayon-rs/rayon#1047). Only for a run that completed: a failed one (a
/// pool thread lost) says what happened in its own message.
fn worker_warning(trace: Option<&Trace>) -> Option<String> {
    let t = trace?;
    (t.outcome == Outcome::Completed
        && t.mode.uses_pool()
        && t.lanes > 1
        && t.distinct_workers() == 1
        && t.tasks > 1)
        .then(|| {
        format!(
            "Only one worker thread took part although {} were allowed: this run was not parallel. \
             Another tab or program may be holding the other cores; run it again.",
            t.lanes
        )
    })
}

/// The CSS width `draw_hidpi` gives the canvas: its parent's.
fn canvas_width(canvas: &HtmlCanvasElement) -> u32 {
    canvas
        .parent_element()
        .map(|p| p.client_width())
        .filter(|w| *w > 0)
        .unwrap_or(640) as u32
}
