//! Several runs' timelines stacked on one time axis, on one canvas: each band
//! is drawn at its place by moving the canvas's transform (the timeline
//! draws in its own area's pixels, see `charts::stacked::draw_body`).
//! Pointing at a bar says which run and task it was; PNG saves the stack.

use super::download;
use crate::charts::stacked::{
    Band, TITLE_PX, draw_body, draw_title, hit_test_stacked, layout, stacked_height,
};
use crate::charts::timeline::TimelineGeometry;
use crate::charts::{Theme, format_ms};
use crate::engine::trace::{Span, Trace};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// One band to show: its title and its run.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub title: String,
    pub trace: Trace,
}

/// Draws `bands` on `canvas`, as wide as its parent, sharp on HiDPI
/// screens; returns each band's geometry in CSS pixels of the canvas.
fn draw_stack(
    canvas: &HtmlCanvasElement,
    bands: &[Band<'_>],
    x_max_ms: f64,
    theme: &Theme,
) -> Result<Vec<TimelineGeometry>, String> {
    let width = canvas
        .parent_element()
        .map(|p| p.client_width())
        .filter(|w| *w > 0)
        .unwrap_or(640) as u32;
    let height = stacked_height(bands);
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    canvas.set_width((f64::from(width) * ratio).round() as u32);
    canvas.set_height((f64::from(height) * ratio).round() as u32);
    let _ = canvas.set_attribute("style", &format!("width:{width}px;height:{height}px"));
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or("this browser gave no 2D canvas context")?;
    let failed = |e: String| format!("drawing failed: {e}");
    // A root area of `h` CSS pixels whose top is `top` pixels down the canvas.
    let area_at = |top: u32, h: u32| {
        context
            .set_transform(ratio, 0.0, 0.0, ratio, 0.0, f64::from(top) * ratio)
            .map_err(|_| "the canvas refused its transform".to_string())?;
        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or("the canvas could not be drawn on")?;
        Ok::<_, String>(backend.into_drawing_area().shrink((0, 0), (width, h)))
    };
    let mut geometries = Vec::with_capacity(bands.len());
    for (band, slot) in bands.iter().zip(layout(bands)) {
        let title = area_at(slot.top, TITLE_PX)?;
        draw_title(&title, band, theme).map_err(|e| failed(e.to_string()))?;
        title.present().map_err(|e| failed(e.to_string()))?;
        let body = area_at(slot.body_top, slot.body_height)?;
        let g = draw_body(&body, band, x_max_ms, theme).map_err(|e| failed(e.to_string()))?;
        body.present().map_err(|e| failed(e.to_string()))?;
        geometries.push(slot.place(g));
    }
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    Ok(geometries)
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
    let drawn = StoredValue::new((Vec::<Vec<Span>>::new(), Vec::<TimelineGeometry>::new()));
    let axes = RwSignal::new(String::new());
    let hovered = RwSignal::new(None::<(usize, Span, f64, f64)>);
    let x_max = Memo::new(move |_| {
        shown.with(|s| {
            s.iter()
                .map(|b| b.trace.duration_ms)
                .filter(|d| d.is_finite())
                .fold(0.0, f64::max)
        })
    });

    Effect::new(move |_| {
        let theme = Theme::for_dark(dark.get());
        let x_max = x_max.get();
        let Some(canvas) = canvas.get() else { return };
        shown.with(|shown| {
            let bands: Vec<Band> = shown.iter().map(|s| Band::of(&s.title, &s.trace)).collect();
            let geometries = draw_stack(&canvas, &bands, x_max, &theme).unwrap_or_default();
            // Each band's plot edges, for the tests: one axis means equal edges.
            axes.set(
                geometries
                    .iter()
                    .map(|g| format!("{},{}", g.left, g.right))
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            drawn.set_value((
                shown.iter().map(|s| s.trace.spans.clone()).collect(),
                geometries,
            ));
        });
    });

    let on_move = move |x: f64, y: f64| {
        let hit = drawn.with_value(|(spans, g)| {
            let refs: Vec<&[Span]> = spans.iter().map(Vec::as_slice).collect();
            hit_test_stacked(g, &refs, x, y)
        });
        hovered.set(hit.map(|(i, s)| (i, s, x, y)));
    };

    view! {
        <div class="canvas-wrap">
            <canvas
                node_ref=canvas
                role="img"
                aria-label=label
                data-name=name
                data-bands=move || shown.with(Vec::len)
                data-x-max=move || x_max.get()
                data-axes=move || axes.get()
                data-spans=move || shown.with(|s| s.iter().map(|b| b.trace.spans.len()).sum::<usize>())
                on:pointermove=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                on:pointerdown=move |ev| on_move(f64::from(ev.offset_x()), f64::from(ev.offset_y()))
                on:pointerleave=move |_| hovered.set(None)
            ></canvas>
            {move || {
                hovered
                    .get()
                    .map(|(band, s, x, y)| {
                        let title = shown.with(|b| b.get(band).map(|b| b.title.clone()).unwrap_or_default());
                        view! {
                            <div class="tooltip" style=format!("left:{}px;top:{}px", x + 12.0, y + 12.0)>
                                <strong>{format!("Task {}", s.task + 1)}</strong>
                                <span>{title}</span>
                                <span>{format!("{} on the {}", s.kind.name(), s.lane)}</span>
                                <span>{format!("from {} for {}", format_ms(s.start), format_ms(s.duration()))}</span>
                            </div>
                        }
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
