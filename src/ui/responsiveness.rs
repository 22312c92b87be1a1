//! A ball moved by the page's frame loop on the main thread: it glides while
//! the main thread is free and freezes while it computes. (A CSS animation
//! would run on the compositor and keep moving, hiding the freeze.) Beside
//! it, the frame gaps measured during the last run.
//!
//! The ball is drawn on a canvas of its own: a frame changes the canvas's
//! pixels and nothing else, so it costs no style recalculation and no
//! layout (a moved element costs a style recalculation a frame, even by
//! `transform`), and the canvas is desynchronized, so its frames reach the
//! screen without a commit of the page. Its size is read only every
//! [`SIZE_CHECK_MS`].

use crate::charts::format_ms;
use crate::engine::record::Trace;
use crate::runtime::frame_loop;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use_preferences::use_preferred_dark;
use reactive_stores::Field;
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// One sweep of the ball across its track.
const PERIOD_MS: f64 = 1600.0;

/// How often the canvas checks its size (the track follows the panel's width).
const SIZE_CHECK_MS: f64 = 500.0;

/// The page's `--accent` (public/style.css), light and dark: the ball's colour.
const ACCENT_LIGHT: &str = "#0072b2";
const ACCENT_DARK: &str = "#56b4e9";

/// The canvas as last sized, and its drawing context.
struct Ball {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// Device pixels.
    width: f64,
    height: f64,
    colour: String,
    checked_at: f64,
}

impl Ball {
    fn new(canvas: HtmlCanvasElement) -> Option<Ball> {
        // A desynchronized (low-latency) canvas reaches the screen without
        // waiting for the page's next commit: measured on the idle page here,
        // the moving ball cost 8.2–8.8 % of the main thread drawn on an
        // ordinary canvas (9.4 % moved by `transform`) and 3.8–4.1 % on
        // this one, against 3.0 % with nothing moving (bench/notes.md).
        // Browsers without it ignore the option.
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"desynchronized".into(), &true.into());
        let context = canvas
            .get_context_with_context_options("2d", &options)
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Ball {
            canvas,
            context,
            width: 0.0,
            height: 0.0,
            colour: String::new(),
            checked_at: f64::NEG_INFINITY,
        })
    }

    /// Sizes the canvas to its box in device pixels, and takes the ball's
    /// colour for a light or a dark page.
    fn fit(&mut self, now: f64, dark: bool) {
        self.checked_at = now;
        let ratio = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        let (w, h) = (
            (f64::from(self.canvas.client_width()) * ratio).round(),
            (f64::from(self.canvas.client_height()) * ratio).round(),
        );
        if w != self.width || h != self.height {
            self.canvas.set_width(w as u32);
            self.canvas.set_height(h as u32);
            self.width = w;
            self.height = h;
        }
        self.colour = if dark { ACCENT_DARK } else { ACCENT_LIGHT }.to_string();
    }

    fn draw(&self, along: f64) {
        let (w, h) = (self.width, self.height);
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let r = h * 0.43;
        let x = r + h * 0.07 + along * (w - 2.0 * (r + h * 0.07));
        let c = &self.context;
        c.clear_rect(0.0, 0.0, w, h);
        c.set_fill_style_str(&self.colour);
        c.begin_path();
        let _ = c.arc(x, h / 2.0, r, 0.0, std::f64::consts::TAU);
        c.fill();
    }
}

#[component]
pub fn Responsiveness(
    /// The latest run: its frame gaps are shown beside the ball.
    #[prop(into)]
    latest: Field<Option<Arc<Trace>>>,
) -> impl IntoView {
    let ball_canvas = NodeRef::<Canvas>::new();
    let ball = RefCell::new(None::<Ball>);
    let dark = use_preferred_dark();
    frame_loop::subscribe_while_mounted(move |timestamp| {
        let mut ball = ball.borrow_mut();
        if ball.is_none() {
            *ball = ball_canvas.get_untracked().and_then(Ball::new);
        }
        let Some(ball) = ball.as_mut() else {
            return;
        };
        if timestamp - ball.checked_at >= SIZE_CHECK_MS {
            ball.fit(timestamp, dark.get_untracked());
        }
        let phase = (timestamp % PERIOD_MS) / PERIOD_MS;
        let along = if phase < 0.5 {
            phase * 2.0
        } else {
            2.0 - phase * 2.0
        };
        ball.draw(along);
    });
    let frames = Memo::new(move |_| latest.with(|t| t.as_ref().map(|t| (t.mode, t.frames))));

    view! {
        <section class="card responsiveness" aria-labelledby="resp-title">
            <h2 id="resp-title">"Is the page responsive?"</h2>
            <div class="track" aria-hidden="true">
                <canvas class="ball" node_ref=ball_canvas></canvas>
            </div>
            <p class="caption">
                {move || match frames.get() {
                    Some((mode, f)) => format!(
                        "During the last run ({}): longest gap between frames {}, {} gap{} over 50 ms, about {} frames dropped.",
                        mode.label(),
                        format_ms(f.longest_gap_ms),
                        f.long_gaps,
                        crate::engine::format::plural(f.long_gaps),
                        f.dropped
                    ),
                    None => "The ball moves on the main thread. When a run computes there, it stops.".into(),
                }}
            </p>
        </section>
    }
}
