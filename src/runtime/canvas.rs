//! Drawing plotters charts on a canvas, sharp on HiDPI screens.
//!
//! plotters-canvas sizes its drawing from `canvas.width/height` and ignores
//! `devicePixelRatio` (plotters#164), so on a 2× screen charts come out
//! blurred. Here the canvas gets CSS size × ratio device pixels, a transform
//! that scales drawing by the ratio, and plotters draws on an area shrunk to
//! the CSS size: coordinates stay in CSS pixels, pixels stay sharp.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Draws with `draw` on `canvas`, `height` CSS pixels tall and as wide as its
/// parent. Returns what `draw` returns, or why it could not draw.
pub fn draw_hidpi<R>(
    canvas: &HtmlCanvasElement,
    height: u32,
    draw: impl FnOnce(
        &DrawingArea<CanvasBackend, Shift>,
    )
        -> Result<R, DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>,
) -> Result<R, String> {
    let width = canvas
        .parent_element()
        .map(|p| p.client_width())
        .filter(|w| *w > 0)
        .unwrap_or(640) as u32;
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (device_w, device_h) = (
        (f64::from(width) * ratio).round() as u32,
        (f64::from(height) * ratio).round() as u32,
    );
    if canvas.width() != device_w {
        canvas.set_width(device_w);
    }
    if canvas.height() != device_h {
        canvas.set_height(device_h);
    }
    // `canvas.style()` resolves to a tachys trait method in Leptos 0.8: set the attribute.
    let _ = canvas.set_attribute("style", &format!("width:{width}px;height:{height}px"));
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or("this browser gave no 2D canvas context")?;
    context
        .set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)
        .map_err(|_| "the canvas refused its transform")?;
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("the canvas could not be drawn on")?;
    let root = backend.into_drawing_area();
    let area = root.shrink((0, 0), (width, height));
    let out = draw(&area).map_err(|e| format!("drawing failed: {e}"))?;
    area.present().map_err(|e| format!("drawing failed: {e}"))?;
    Ok(out)
}
