//! Several runs' timelines stacked on one time axis, on one canvas: each band
//! is drawn at its place by moving the canvas's transform (the timeline
//! draws in its own area's pixels, see `charts::stacked::draw_body`).
//! Pointing at a bar says which run and task it was; PNG saves the stack.
//! It is drawn again only when its bands, its size or the theme change.

use super::download;
use crate::charts::stacked::{
    Band, TITLE_PX, draw_body, draw_title, hit_test_stacked, layout, stacked_height,
};
use crate::charts::timeline::TimelineGeometry;
use crate::charts::{Theme, format_ms};
use crate::engine::record::{Span, Trace};
use crate::runtime::canvas::{self, fit_hidpi};
use leptos::ev;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_event_listener::use_event_listener;
use leptos_use_preferences::use_preferred_dark;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use plotters_canvas::CanvasBackend;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

/// One band to show: its title and its run.
#[derive(Debug, Clone)]
pub struct Shown {
    pub title: String,
    pub trace: Arc<Trace>,
}

/// The same band: the same title over the same run, known by pointer (a
/// stack is not drawn again for bands whose spans were only compared).
impl PartialEq for Shown {
    fn eq(&self, other: &Shown) -> bool {
        self.title == other.title && Arc::ptr_eq(&self.trace, &other.trace)
    }
}

/// What draws over a band's timeline: its body, its index, where it landed.
pub(super) type Overlay<'a> =
    dyn Fn(&DrawingArea<CanvasBackend, Shift>, usize, &TimelineGeometry) -> Result<(), String> + 'a;

/// What a drawing of the stack depended on: the same again draws the same
/// pixels, so it is skipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Drawn {
    /// Bumped each time the bands change.
    data: u64,
    width: u32,
    height: u32,
    ratio: f64,
    dark: bool,
}

/// Draws `bands` on `canvas`, as wide as its parent, sharp on HiDPI
/// screens, unless `last` already drew them at this size; returns what it
/// drew and each band's geometry in CSS pixels of the canvas (`None`: the
/// canvas already shows them).
/// `overlay` draws over band `i`'s timeline, on its body, before it is
/// shown (the server's steals).
pub(super) fn draw_stack(
    canvas: &HtmlCanvasElement,
    bands: &[Band<'_>],
    x_max_ms: f64,
    theme: &Theme,
    (data, dark): (u64, bool),
    last: Option<Drawn>,
    overlay: &Overlay<'_>,
) -> Result<Option<(Drawn, Vec<TimelineGeometry>)>, String> {
    let fitted = fit_hidpi(canvas, stacked_height(bands))?;
    let drawn = Drawn {
        data,
        width: fitted.width,
        height: fitted.height,
        ratio: fitted.ratio,
        dark,
    };
    if last == Some(drawn) && !fitted.resized {
        return Ok(None);
    }
    if !fitted.resized {
        // A resized canvas starts blank; one kept at its size still shows
        // the old stack, which a shorter new band would not cover.
        canvas::clear(canvas)?;
    }
    let (width, ratio, context) = (fitted.width, fitted.ratio, fitted.context);
    let failed = |e: String| format!("drawing failed: {e}");
    // A root area of `h` CSS pixels whose top is `top` pixels down the canvas.
    let area_at = |top: u32, h: u32| canvas::area_at(canvas, &context, ratio, top, (width, h));
    let mut geometries = Vec::with_capacity(bands.len());
    for (band, slot) in bands.iter().zip(layout(bands)) {
        let title = area_at(slot.top, TITLE_PX)?;
        draw_title(&title, band, theme).map_err(|e| failed(e.to_string()))?;
        title.present().map_err(|e| failed(e.to_string()))?;
        let body = area_at(slot.body_top, slot.body_height)?;
        let g = draw_body(&body, band, x_max_ms, theme).map_err(|e| failed(e.to_string()))?;
        overlay(&body, geometries.len(), &g)?;
        body.present().map_err(|e| failed(e.to_string()))?;
        geometries.push(slot.place(g));
    }
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Ok(Some((drawn, geometries)))
}

/// What a pointer at (`x`, `y`) on a stack points at: span `s`, named
/// `name`, of the band `title`.
pub(super) fn span_tooltip(
    name: String,
    title: String,
    s: Span,
    (x, y): (f64, f64),
) -> impl IntoView {
    view! {
        <div class="tooltip" style=format!("left:{}px;top:{}px", x + 12.0, y + 12.0)>
            <strong>{name}</strong>
            <span>{title}</span>
            <span>{format!("{} {}", s.kind.doing(), s.lane.on())}</span>
            <span>{format!("from {} for {}", format_ms(s.start), format_ms(s.duration()))}</span>
        </div>
    }
}

/// The stack of `shown`, on one axis that ends at the longest run.
#[component]
pub fn StackedView(
    /// The runs, top to bottom.
    #[prop(into)]
    shown: Signal<Vec<Shown>>,
    /// Names the canvas for tests and the PNG's file name.
    name: &'static str,
    /// What the stack shows, for screen readers.
    label: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
    // The geometry of each band as last drawn; the spans stay in `shown`
    // (hovering reads them there, no copy).
    let geometries = StoredValue::new(Vec::<TimelineGeometry>::new());
    let last = StoredValue::new(None::<Drawn>);
    let axes = RwSignal::new(String::new());
    // Drawings made, for the tests: a resize that keeps the width draws nothing.
    let draws = RwSignal::new(0u32);
    let hovered = RwSignal::new(None::<(usize, Span, f64, f64)>);
    let x_max = Memo::new(move |_| {
        shown.with(|s| {
            s.iter()
                .map(|b| b.trace.duration_ms)
                .filter(|d| d.is_finite())
                .fold(0.0, f64::max)
        })
    });
    // Counts the changes of the bands: what was drawn is known by its number.
    let data = Memo::new(move |before: Option<&u64>| {
        shown.track();
        before.map_or(0, |n| n + 1)
    });
    // The canvas is as wide as its parent: a resized window may change that.
    let resized = RwSignal::new(0u32);
    let _ = use_event_listener(window(), ev::resize, move |_| resized.update(|n| *n += 1));

    Effect::new(move |_| {
        let dark = dark.get();
        let theme = Theme::for_dark(dark);
        let x_max = x_max.get();
        let data = data.get();
        resized.track();
        let Some(canvas) = canvas.get() else { return };
        shown.with(|shown| {
            let bands: Vec<Band> = shown.iter().map(|s| Band::of(&s.title, &s.trace)).collect();
            let drew = draw_stack(
                &canvas,
                &bands,
                x_max,
                &theme,
                (data, dark),
                last.get_value(),
                &|_, _, _| Ok(()),
            );
            let Ok(Some((drawn, g))) = drew else { return };
            // Each band's plot edges, for the tests: one axis means equal edges.
            axes.set(
                g.iter()
                    .map(|g| format!("{},{}", g.left, g.right))
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            last.set_value(Some(drawn));
            geometries.set_value(g);
            draws.update(|n| *n += 1);
        });
    });

    let on_move = move |x: f64, y: f64| {
        let hit = geometries.with_value(|g| {
            shown.with_untracked(|shown| {
                let refs: Vec<&[Span]> = shown.iter().map(|s| s.trace.spans.as_slice()).collect();
                hit_test_stacked(g, &refs, x, y)
            })
        });
        hovered.set(hit.map(|(i, s)| (i, s, x, y)));
    };

    view! {
        <div class="canvas-wrap">
            <canvas
                node_ref=canvas
                role="img"
                aria-label=move || {
                    // Each band by its title (its run and time), as drawn.
                    shown.with(|s| {
                        let bands: Vec<&str> = s.iter().map(|b| b.title.as_str()).collect();
                        if bands.is_empty() { label.to_string() } else { format!("{label}: {}.", bands.join("; ")) }
                    })
                }
                data-name=name
                data-bands=move || shown.with(Vec::len)
                data-x-max=move || x_max.get()
                data-axes=move || axes.get()
                data-draws=move || draws.get()
                data-spans=move || shown.with(|s| s.iter().map(|b| b.trace.spans.len()).sum::<usize>())
                on:pointermove=move |ev| on_move(ev.offset_x(), ev.offset_y())
                on:pointerdown=move |ev| on_move(ev.offset_x(), ev.offset_y())
                on:pointerleave=move |_| hovered.set(None)
            ></canvas>
            {move || {
                hovered
                    .get()
                    .map(|(band, s, x, y)| {
                        let title = shown.with(|b| b.get(band).map(|b| b.title.clone()).unwrap_or_default());
                        let trace_task_name = shown.with(|b| {
                            b.get(band).map_or_else(|| format!("Task {}", s.task + 1), |b| b.trace.task_name(s.task))
                        });
                        span_tooltip(trace_task_name, title, s, (x, y))
                    })
            }}
        </div>
        <button
            class="small"
            on:click=move |_| {
                if let Some(c) = canvas.get() {
                    let _ = download::png(&format!("conpar-{name}.png"), &c);
                }
            }
        >
            "PNG"
        </button>
    }
}
