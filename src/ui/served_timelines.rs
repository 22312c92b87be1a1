//! The server's runs as timelines, one band per way on one time axis (the
//! modes' stack, `stacked_view.rs`, drawn with the same code): each loop's
//! handlers computing, the waits in flight on it (a density band past a
//! few hundred), and a mark at each steal; a run too large to keep every
//! span is shaded from where its timeline stops being whole. Pointing at
//! a bar says which connection it was. A replay moves a cursor over the
//! stack, at a fraction of real time or by hand, and says what each loop
//! was doing at that instant (`engine::record::ServedReplay`).

use super::replay_clock::{ReplayClock, ReplayLabels};
use super::stacked_view::{Drawn, draw_stack, span_tooltip};
use crate::charts::served_marks::{draw_not_kept, draw_steals};
use crate::charts::stacked::{Band, hit_test_stacked};
use crate::charts::timeline::TimelineGeometry;
use crate::charts::{Theme, format_ms};
use crate::engine::format::{count, thousands};
use crate::engine::record::{Lane, LoopMoment, Served, ServedReplay, Span};
use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_event_listener::use_event_listener;
use std::sync::Arc;

/// What one lane was doing, in words: "handling connection 17; at most 3
/// queued; 42 waiting; 512 handled; 2 steals".
fn moment_words(m: &LoopMoment) -> String {
    let mut parts = vec![match m.handling {
        Some(c) => format!("handling connection {}", c + 1),
        None => "idle".into(),
    }];
    if let Some(q) = m.queued_at_most {
        parts.push(format!("at most {} queued", thousands(u64::from(q))));
    }
    parts.push(format!("{} waiting", thousands(u64::from(m.waiting))));
    parts.push(format!("{} handled", thousands(m.handled)));
    if m.steals > 0 {
        parts.push(count(m.steals, "steal"));
    }
    parts.join("; ")
}

/// One way's band, read once from its run.
#[derive(Debug, Clone)]
struct WayBand {
    title: String,
    spans: Arc<Vec<Span>>,
    rows: usize,
    steals: Arc<Vec<(Lane, f64)>>,
    /// Where the timeline stops being whole, when it does before the end,
    /// and the spans each loop keeps.
    not_kept_from: Option<(f64, usize)>,
}

/// The same bands: read from the same runs (a new serve makes new ones).
impl PartialEq for WayBand {
    fn eq(&self, other: &WayBand) -> bool {
        self.title == other.title && Arc::ptr_eq(&self.spans, &other.spans)
    }
}

fn band_of(s: &Served) -> WayBand {
    let until = s.timeline_until_ms();
    let whole = s.timeline_is_whole();
    // A run too large to keep every span shows those that began before its
    // timeline stopped being whole: every one of them is kept, so what the
    // band counts (waits in flight) is true up to there; its steals too.
    let mut spans = s.spans();
    let mut steals = s.steal_marks();
    if !whole {
        spans.retain(|x| x.start < until);
        steals.retain(|&(_, at)| at < until);
    }
    let per_loop = s.loops.first().map_or(0, |l| l.span_budget);
    // The main thread's row, then every pool thread up to the highest that
    // ran a loop: a pinned run on threads 0 and 1 shows both.
    let rows = s
        .loops
        .iter()
        .map(|l| l.lane.row() + 1)
        .chain(spans.iter().map(|x| x.lane.row() + 1))
        .max()
        .unwrap_or(1);
    let title = format!(
        "{}: {}, {}",
        s.way.label(),
        format_ms(s.wall_ms),
        count(s.steals(), "steal")
    );
    WayBand {
        title,
        spans: Arc::new(spans),
        rows,
        steals: Arc::new(steals),
        not_kept_from: (!whole).then_some((until, per_loop)),
    }
}

#[component]
pub fn ServedTimelines(
    /// The runs, one band each, in the order they were served.
    #[prop(into)]
    runs: Signal<Vec<Served>>,
    #[prop(into)] dark: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let bands = Memo::new(move |_| runs.with(|r| r.iter().map(band_of).collect::<Vec<_>>()));
    let x_max = Memo::new(move |_| {
        runs.with(|r| {
            r.iter()
                .map(|s| s.wall_ms)
                .filter(|d| d.is_finite())
                .fold(0.0, f64::max)
        })
    });
    let geometries = StoredValue::new(Vec::<TimelineGeometry>::new());
    let data = Memo::new(move |before: Option<&u64>| {
        bands.track();
        before.map_or(0, |n| n + 1)
    });
    let last = StoredValue::new(None::<Drawn>);
    let hovered = RwSignal::new(None::<(usize, Span, f64, f64)>);
    // The replay: each run's, built when the runs change, and the cursor
    // (ms since the runs began) on its clock.
    let replays = StoredValue::new(Vec::<(String, ServedReplay)>::new());
    let clock = ReplayClock::new();
    let cursor = clock.cursor;
    Effect::new(move |_| {
        let built: Vec<(String, ServedReplay)> = runs.with(|r| {
            r.iter()
                .map(|s| (s.way.label().to_string(), ServedReplay::new(s)))
                .collect()
        });
        let end = built.iter().map(|(_, r)| r.until_ms()).fold(0.0, f64::max);
        replays.set_value(built);
        clock.reset(end);
    });
    // The cursor's column, in CSS pixels of the canvas (every band shares
    // the axis, so the first band's geometry places it).
    let cursor_x = move |t: f64| {
        bands.track();
        geometries.with_value(|g| g.first().map(|g| g.x_of(t)))
    };
    // The canvas is as wide as its parent: a resized window may change
    // that (as the modes' stack, `stacked_view.rs`).
    let resized = RwSignal::new(0u32);
    let _ = use_event_listener(window(), ev::resize, move |_| resized.update(|n| *n += 1));
    Effect::new(move |_| {
        let dark = dark.get();
        let theme = Theme::for_dark(dark);
        let (x_max, data) = (x_max.get(), data.get());
        resized.track();
        let Some(canvas) = canvas.get() else { return };
        bands.with(|ways| {
            let stack: Vec<Band> = ways
                .iter()
                .map(|w| Band {
                    title: &w.title,
                    spans: &w.spans,
                    rows: w.rows,
                })
                .collect();
            let overlay = |area: &_, i: usize, g: &TimelineGeometry| {
                let Some(w) = ways.get(i) else { return Ok(()) };
                let failed = |e: String| format!("drawing failed: {e}");
                if let Some(not_kept) = w.not_kept_from {
                    draw_not_kept(area, g, not_kept, &theme).map_err(|e| failed(e.to_string()))?;
                }
                draw_steals(area, g, &w.steals, &theme)
                    .map(|_| ())
                    .map_err(|e| failed(e.to_string()))
            };
            let drew = draw_stack(
                &canvas,
                &stack,
                x_max,
                &theme,
                (data, dark),
                last.get_value(),
                &overlay,
            );
            if let Ok(Some((drawn, g))) = drew {
                last.set_value(Some(drawn));
                geometries.set_value(g);
            }
        });
    });
    let on_move = move |x: f64, y: f64| {
        let hit = geometries.with_value(|g| {
            bands.with_untracked(|ways| {
                let refs: Vec<&[Span]> = ways.iter().map(|w| w.spans.as_slice()).collect();
                hit_test_stacked(g, &refs, x, y)
            })
        });
        hovered.set(hit.map(|(i, s)| (i, s, x, y)));
    };
    view! {
        <div class="canvas-wrap">
            <canvas
                node_ref=canvas
                data-name="server-timelines"
                data-bands=move || bands.with(Vec::len)
                data-spans=move || bands.with(|b| b.iter().map(|w| w.spans.len()).sum::<usize>())
                data-steal-marks=move || bands.with(|b| b.iter().map(|w| w.steals.len()).sum::<usize>())
                data-whole=move || bands.with(|b| b.iter().all(|w| w.not_kept_from.is_none())).to_string()
                role="img"
                aria-label=move || {
                    bands.with(|b| {
                        let titles: Vec<&str> = b.iter().map(|w| w.title.as_str()).collect();
                        format!("Each way's loops over the run, on one time axis: {}.", titles.join("; "))
                    })
                }
                on:pointermove=move |ev| on_move(ev.offset_x(), ev.offset_y())
                on:pointerdown=move |ev| on_move(ev.offset_x(), ev.offset_y())
                on:pointerleave=move |_| hovered.set(None)
            ></canvas>
            {clock.cursor_line(cursor_x)}
            {move || {
                hovered
                    .get()
                    .map(|(band, s, x, y)| {
                        let title = bands.with(|b| b.get(band).map(|w| w.title.clone()).unwrap_or_default());
                        span_tooltip(format!("Connection {}", s.task + 1), title, s, (x, y))
                    })
            }}
        </div>
        {clock.controls(
            ReplayLabels {
                group: "Replay of the server's runs",
                speed: "Server replay speed",
                position: "Server replay position",
            },
            "server-replay",
        )}
        <div class="server-moment" data-at=move || cursor.get()>
            {move || (cursor.get() > 0.0).then(|| {
                let t = cursor.get();
                replays.with_value(|all| {
                    all.iter()
                        .map(|(way, r)| {
                            let note = (t > r.until_ms()).then(|| {
                                format!(" (as at {}, where its timeline ends)", format_ms(r.until_ms()))
                            });
                            let lanes = r
                                .moment(t)
                                .into_iter()
                                .map(|m| {
                                    view! {
                                        <dt>{m.lane.to_string()}</dt>
                                        <dd data-lane=m.lane.row() data-handled=m.handled data-waiting=m.waiting>{moment_words(&m)}</dd>
                                    }
                                })
                                .collect_view();
                            view! {
                                <p class="replay-counts">{format!("{way} at {}", format_ms(t))}{note}</p>
                                <dl class="replay-lanes">{lanes}</dl>
                            }
                        })
                        .collect_view()
                })
            })}
        </div>
    }
}
