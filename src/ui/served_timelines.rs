//! The server's runs as timelines, one band per way on one time axis (the
//! modes' stack, `stacked_view.rs`, drawn with the same code): each loop's
//! handlers computing, the waits in flight on it (a density band past a
//! few hundred), and a mark at each steal; a run too large to keep every
//! span is shaded from where its timeline stops being whole. Pointing at
//! a bar says which connection it was.

use super::stacked_view::{Drawn, draw_stack};
use crate::charts::served_marks::{draw_not_kept, draw_steals};
use crate::charts::stacked::{Band, hit_test_stacked};
use crate::charts::timeline::TimelineGeometry;
use crate::charts::{Theme, format_ms};
use crate::engine::format::count;
use crate::engine::record::{Lane, Served, Span};
use leptos::html::Canvas;
use leptos::prelude::*;
use std::sync::Arc;

/// One way's band, read once from its run.
#[derive(Debug, Clone)]
struct WayBand {
    title: String,
    spans: Arc<Vec<Span>>,
    rows: usize,
    steals: Arc<Vec<(Lane, f64)>>,
    /// Where the timeline stops being whole, when it does before the end.
    not_kept_from: Option<f64>,
}

/// The same bands: read from the same runs (a new serve makes new ones).
impl PartialEq for WayBand {
    fn eq(&self, other: &WayBand) -> bool {
        self.title == other.title && Arc::ptr_eq(&self.spans, &other.spans)
    }
}

fn band_of(s: &Served) -> WayBand {
    let not_kept_from = (!s.timeline_is_whole()).then(|| s.timeline_until_ms());
    // A run too large to keep every span shows those that began before its
    // timeline stopped being whole: every one of them is kept, so what the
    // band counts (waits in flight) is true up to there.
    let mut spans = s.spans();
    if let Some(until) = not_kept_from {
        spans.retain(|x| x.start < until);
    }
    // The main thread's row, then every pool thread up to the highest that
    // ran a loop: a pinned run on threads 0 and 1 shows both.
    let rows = s
        .loops
        .iter()
        .map(|l| l.lane.row() + 1)
        .chain(spans.iter().map(|x| x.lane.row() + 1))
        .max()
        .unwrap_or(1);
    let steals = s.steal_marks();
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
        not_kept_from,
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
    Effect::new(move |_| {
        let dark = dark.get();
        let theme = Theme::for_dark(dark);
        let (x_max, data) = (x_max.get(), data.get());
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
                if let Some(from) = w.not_kept_from {
                    draw_not_kept(area, g, from, &theme).map_err(|e| failed(e.to_string()))?;
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
                on:pointermove=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                on:pointerdown=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                on:pointerleave=move |_| hovered.set(None)
            ></canvas>
            {move || {
                hovered
                    .get()
                    .map(|(band, s, x, y)| {
                        let title = bands.with(|b| b.get(band).map(|w| w.title.clone()).unwrap_or_default());
                        view! {
                            <div class="tooltip" style=format!("left:{}px;top:{}px", x + 12.0, y + 12.0)>
                                <strong>{format!("Connection {}", s.task + 1)}</strong>
                                <span>{title}</span>
                                <span>{format!("{} {}", s.kind.doing(), s.lane.on())}</span>
                                <span>{format!("from {} for {}", format_ms(s.start), format_ms(s.duration()))}</span>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
