//! A ball moved by requestAnimationFrame on the main thread: it glides while
//! the main thread is free and freezes while it computes. (A CSS animation
//! would run on the compositor and keep moving, hiding the freeze.) Beside
//! it, the frame gaps measured during the last run.

use super::store::Store;
use crate::charts::format_ms;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_use_raf_fn::use_raf_fn;

/// One sweep of the ball across its track.
const PERIOD_MS: f64 = 1600.0;

#[component]
pub fn Responsiveness() -> impl IntoView {
    let store = expect_context::<Store>();
    let ball = NodeRef::<Div>::new();
    let _ = use_raf_fn(move |frame| {
        let Some(lane) = ball.get_untracked() else {
            return;
        };
        let phase = (frame.timestamp % PERIOD_MS) / PERIOD_MS;
        let along = if phase < 0.5 {
            phase * 2.0
        } else {
            2.0 - phase * 2.0
        };
        // Only the lane's transform changes: no layout, and one property
        // instead of re-parsing the whole style attribute every frame, so
        // the ball takes as little as it can of the main thread it watches.
        // The lane is as wide as the ball's travel (style.css), so a
        // percentage of its own width is a place on the track.
        let _ = web_sys::HtmlElement::style(&lane)
            .set_property("transform", &format!("translateX({:.2}%)", along * 100.0));
    });
    let frames = Memo::new(move |_| store.trace.with(|t| t.as_ref().map(|t| (t.mode, t.frames))));

    view! {
        <section class="card responsiveness" aria-labelledby="resp-title">
            <h2 id="resp-title">"Is the page responsive?"</h2>
            <div class="track" aria-hidden="true">
                <div class="ball-lane" node_ref=ball>
                    <div class="ball"></div>
                </div>
            </div>
            <p class="caption">
                {move || match frames.get() {
                    Some((mode, f)) => format!(
                        "During the last run ({}): longest gap between frames {}, {} gap{} over 50 ms, about {} frames dropped.",
                        mode.label(),
                        format_ms(f.longest_gap_ms),
                        f.long_gaps,
                        if f.long_gaps == 1 { "" } else { "s" },
                        f.dropped
                    ),
                    None => "The ball moves on the main thread. When a run computes there, it stops.".into(),
                }}
            </p>
        </section>
    }
}
