//! The live timeline: a lane per thread, a bar per span, redrawn while the
//! run goes on; pointing at a bar tells what it was. During a replay it shows
//! the replayed run, and the replay's cursor on a layer of its own above it:
//! moving the cursor redraws that layer only.

use super::download;
use super::replay_view::ReplayState;
use super::store::Store;
use crate::charts::cursor::CursorData;
use crate::charts::timeline::{TimelineData, TimelineGeometry, draw_timeline, hit_test};
use crate::charts::{Theme, draw_placeholder, format_ms};
use crate::engine::trace::{Outcome, Span, Trace};
use crate::runtime::canvas::draw_hidpi;
use crate::runtime::lab::lab;
use crate::runtime::replay_bench::{clear_layer, draw_cursor_layer};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;

const HEIGHT_PER_ROW: u32 = 54;

#[component]
pub fn TimelineView() -> impl IntoView {
    let store = expect_context::<Store>();
    let replay = expect_context::<ReplayState>();
    let canvas = NodeRef::<Canvas>::new();
    let layer = NodeRef::<Canvas>::new();
    // Where the last timeline landed and its height: what the cursor needs.
    let placed = RwSignal::new(None::<(TimelineGeometry, u32)>);
    // The run on screen when none goes on: the replayed one during a replay.
    let replaying = Memo::new(move |_| replay.active.get() && store.busy.with(Option::is_none));
    let with_shown = move |f: &dyn Fn(Option<&Trace>) -> String| {
        if replaying.get() {
            replay.shown.with(|t| f(t.as_ref()))
        } else {
            store.trace.with(|t| f(t.as_ref()))
        }
    };
    let dark = use_preferred_dark();
    // What was drawn last, for pointing at it.
    let drawn = StoredValue::new((Vec::<Span>::new(), None::<TimelineGeometry>));
    let hovered = RwSignal::new(None::<(Span, f64, f64)>);
    let rows = Memo::new(move |_| 1 + store.env.with(|e| e.pool_threads as usize));

    Effect::new(move |_| {
        store.tick.track();
        let shown = |t: &Option<Trace>| t.as_ref().map(|t| (t.spans.clone(), t.duration_ms));
        let trace = if replaying.get() {
            replay.shown.with(shown)
        } else {
            store.trace.with(shown)
        };
        let theme = Theme::for_dark(dark.get());
        let rows = rows.get();
        let Some(canvas) = canvas.get() else { return };
        let (spans, x_max) = match (lab().live(), trace) {
            (Some(live), _) => (live.spans, live.elapsed_ms),
            (None, Some(shown)) => shown,
            (None, None) => {
                placed.set(None);
                let _ = draw_hidpi(&canvas, rows as u32 * HEIGHT_PER_ROW + 40, |a| {
                    draw_placeholder(
                        a,
                        &theme,
                        "Press Run: each thread gets a lane, each task a colour.",
                    )
                });
                return;
            }
        };
        let height = rows as u32 * HEIGHT_PER_ROW + 40;
        let geometry = draw_hidpi(&canvas, height, |a| {
            draw_timeline(
                a,
                &TimelineData {
                    spans: &spans,
                    rows,
                    x_max_ms: x_max,
                },
                &theme,
            )
        });
        let geometry = geometry.ok();
        placed.set(geometry.map(|g| (g, height)));
        drawn.set_value((spans, geometry));
    });

    // The replay's cursor, on the layer above the timeline.
    Effect::new(move |_| {
        let data = CursorData {
            t_ms: replay.cursor.get(),
            frozen: replay.frozen.get(),
        };
        let theme = Theme::for_dark(dark.get());
        let Some(layer) = layer.get() else { return };
        match placed.get() {
            Some((geometry, height)) if replaying.get() && !lab().is_running() => {
                let _ = draw_cursor_layer(&layer, height, &geometry, &data, &theme);
            }
            _ => {
                let _ = clear_layer(&layer);
            }
        }
    });

    let on_move = move |x: f64, y: f64| {
        let hit = drawn.with_value(|(spans, g)| g.as_ref().and_then(|g| hit_test(g, spans, x, y)));
        hovered.set(hit.map(|s| (s, x, y)));
    };

    view! {
        <section class="card timeline" aria-labelledby="timeline-title">
            <div class="card-head">
                <h2 id="timeline-title">"Timeline"</h2>
                <span class="legend">
                    <span class="swatch run"></span>
                    "computing"
                    <span class="swatch wait"></span>
                    "waiting"
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
                    data-spans=move || { store.tick.track(); drawn.with_value(|(s, _)| s.len()) }
                    on:pointermove=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                    on:pointerdown=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                    on:pointerleave=move |_| hovered.set(None)
                ></canvas>
                <canvas node_ref=layer class="cursor-layer" aria-hidden="true"></canvas>
                {move || {
                    hovered
                        .get()
                        .map(|(s, x, y)| {
                            view! {
                                <div class="tooltip" style=format!("left:{}px;top:{}px", x + 12.0, y + 12.0)>
                                    <strong>{format!("Task {}", s.task + 1)}</strong>
                                    <span>{format!("{} on the {}", s.kind.name(), s.lane)}</span>
                                    <span>{format!("from {} for {}", format_ms(s.start), format_ms(s.duration()))}</span>
                                </div>
                            }
                        })
                }}
            </div>
            <p class="caption">{move || with_shown(&summary)}</p>
            {move || store.trace.with(|t| worker_warning(t.as_ref())).map(|w| view! { <p class="message warning" role="alert">{w}</p> })}
        </section>
    }
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
        if workers == 1 { "" } else { "s" }
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
