//! Drawing plotters charts on a canvas, sharp on HiDPI screens.
//!
//! plotters-canvas sizes its drawing from `canvas.width/height` and ignores
//! `devicePixelRatio` (plotters#164), so on a 2× screen charts come out
//! blurred. Here the canvas gets CSS size × ratio device pixels, a transform
//! that scales drawing by the ratio, and plotters draws on an area shrunk to
//! the CSS size: coordinates stay in CSS pixels, pixels stay sharp.
//!
//! [`fit_hidpi`] is that sizing, shared by every canvas of the page (single
//! charts through [`draw_hidpi`], the stacked timelines, the replay's layer).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The 2D context of `canvas`.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| "this browser gave no 2D canvas context".to_string())
}

/// A canvas sized for drawing in CSS pixels.
pub struct Fitted {
    /// CSS pixels: as wide as the canvas's parent, as tall as asked.
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel (at least 1).
    pub ratio: f64,
    pub context: CanvasRenderingContext2d,
    /// Whether the canvas's pixels were resized (which also cleared them).
    pub resized: bool,
}

/// Gives `canvas` `height` CSS pixels by its parent's width, in device
/// pixels, and its 2D context with the transform reset to the ratio.
/// Resizing clears a canvas even to the same size, so its width and height
/// are set only when they change.
pub fn fit_hidpi(canvas: &HtmlCanvasElement, height: u32) -> Result<Fitted, String> {
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
    let mut resized = false;
    if canvas.width() != device_w {
        canvas.set_width(device_w);
        resized = true;
    }
    if canvas.height() != device_h {
        canvas.set_height(device_h);
        resized = true;
    }
    // `canvas.style()` resolves to a tachys trait method in Leptos 0.8: set the attribute.
    let _ = canvas.set_attribute("style", &format!("width:{width}px;height:{height}px"));
    let context = context_2d(canvas)?;
    context
        .set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)
        .map_err(|_| "the canvas refused its transform")?;
    Ok(Fitted {
        width,
        height,
        ratio,
        context,
        resized,
    })
}

/// Makes every pixel of `canvas` transparent (in device pixels, whatever
/// transform the last drawing left).
pub fn clear(canvas: &HtmlCanvasElement) -> Result<(), String> {
    let context = context_2d(canvas)?;
    context
        .set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        .map_err(|_| "the canvas refused its transform")?;
    context.clear_rect(
        0.0,
        0.0,
        f64::from(canvas.width()),
        f64::from(canvas.height()),
    );
    Ok(())
}

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
    let fitted = fit_hidpi(canvas, height)?;
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("the canvas could not be drawn on")?;
    let root = backend.into_drawing_area();
    let area = root.shrink((0, 0), (fitted.width, fitted.height));
    let out = draw(&area).map_err(|e| format!("drawing failed: {e}"))?;
    area.present().map_err(|e| format!("drawing failed: {e}"))?;
    Ok(out)
}
