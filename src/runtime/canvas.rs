//! Drawing plotters charts on a canvas, sharp on HiDPI screens.
//!
//! plotters-canvas sizes its drawing from `canvas.width/height` and ignores
//! `devicePixelRatio` (plotters#164), so on a 2× screen charts come out
//! blurred. Here the canvas gets CSS size × ratio device pixels, a transform
//! that scales drawing by the ratio, and plotters draws on an area shrunk to
//! the CSS size: coordinates stay in CSS pixels, pixels stay sharp.
//!
//! [`fit_hidpi`] is that sizing, shared by every canvas of the page (single
//! charts through [`draw_hidpi`], the stacked timelines, the replay's layer),
//! and [`area_at`] the plotters area on it, shared by every drawing.

use crate::charts::Theme;
use crate::charts::cursor::{CursorData, draw_cursor};
use crate::charts::timeline::TimelineGeometry;
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
    // `canvas.style()` resolves to a tachys trait method in Leptos 0.8: set
    // the attribute; only when it changes, since a write makes the next
    // read of a width (this canvas's or another's) lay the page out again.
    let style = format!("width:{width}px;height:{height}px");
    if canvas.get_attribute("style").as_deref() != Some(style.as_str()) {
        let _ = canvas.set_attribute("style", &style);
    }
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

/// A plotters drawing on a canvas: what `draw` gets, and what it may fail with.
pub type Draw<'a, R> = dyn FnOnce(
        &DrawingArea<CanvasBackend, Shift>,
    ) -> Result<R, DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>
    + 'a;

/// A plotters area of `width` × `height` CSS pixels on `canvas`, its top
/// `top` CSS pixels down: the context's transform scales by `ratio` and
/// moves to `top`, and the area is the CSS size (see the module docs).
pub fn area_at(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
    ratio: f64,
    top: u32,
    (width, height): (u32, u32),
) -> Result<DrawingArea<CanvasBackend, Shift>, String> {
    context
        .set_transform(ratio, 0.0, 0.0, ratio, 0.0, f64::from(top) * ratio)
        .map_err(|_| "the canvas refused its transform".to_string())?;
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("the canvas could not be drawn on")?;
    Ok(backend.into_drawing_area().shrink((0, 0), (width, height)))
}

/// Runs `draw` on `area` and shows what it drew.
fn present<R>(
    area: &DrawingArea<CanvasBackend, Shift>,
    draw: Box<Draw<'_, R>>,
) -> Result<R, String> {
    let out = draw(area).map_err(|e| format!("drawing failed: {e}"))?;
    area.present().map_err(|e| format!("drawing failed: {e}"))?;
    Ok(out)
}

/// Draws with `draw` on `canvas`, `height` CSS pixels tall and as wide as its
/// parent. Returns what `draw` returns, or why it could not draw.
pub fn draw_hidpi<'a, R>(
    canvas: &HtmlCanvasElement,
    height: u32,
    draw: impl FnOnce(
        &DrawingArea<CanvasBackend, Shift>,
    )
        -> Result<R, DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>
    + 'a,
) -> Result<R, String> {
    let fitted = fit_hidpi(canvas, height)?;
    let area = area_at(
        canvas,
        &fitted.context,
        fitted.ratio,
        0,
        (fitted.width, fitted.height),
    )?;
    present(&area, Box::new(draw))
}

/// Draws on `canvas` as it is, over what is there: no resize, no style
/// write (either would clear it or cost a style recalculation). The canvas
/// was last sized by [`draw_hidpi`], whose CSS-pixel coordinates this keeps.
pub fn draw_over<'a, R>(
    canvas: &HtmlCanvasElement,
    draw: impl FnOnce(
        &DrawingArea<CanvasBackend, Shift>,
    )
        -> Result<R, DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>
    + 'a,
) -> Result<R, String> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let css = |device: u32| (f64::from(device) / ratio).round() as u32;
    let context = context_2d(canvas)?;
    let area = area_at(
        canvas,
        &context,
        ratio,
        0,
        (css(canvas.width()), css(canvas.height())),
    )?;
    present(&area, Box::new(draw))
}

/// Draws the replay's cursor on `canvas`, a transparent layer above a
/// timeline of `height` CSS pixels: what moves is redrawn, not the timeline.
pub fn draw_cursor_layer(
    canvas: &HtmlCanvasElement,
    height: u32,
    geometry: &TimelineGeometry,
    data: &CursorData,
    theme: &Theme,
) -> Result<(), String> {
    clear(canvas)?;
    draw_hidpi(canvas, height, |area| {
        draw_cursor(area, geometry, data, theme)
    })
}
