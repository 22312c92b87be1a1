//! After "Compare all modes": one timeline per mode, stacked on one time
//! axis, so the long sequential bar sits above the short parallel lanes.

use super::stacked_view::{Shown, StackedView};
use crate::charts::format_ms;
use crate::engine::analysis::Comparison;
use leptos::prelude::*;
use reactive_stores::Field;
use std::sync::Arc;

#[component]
pub fn ModesTimelines(#[prop(into)] comparison: Field<Comparison>) -> impl IntoView {
    let shown = Memo::new(move |_| {
        comparison.with(|c| {
            c.runs()
                .iter()
                .map(|t| Shown {
                    title: format!("{}: {}", t.mode.label(), format_ms(t.duration_ms)),
                    trace: Arc::clone(t),
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || shown.with(|s| s.len() >= 2)>
            <section class="card modes-timelines" aria-labelledby="modes-timelines-title">
                <div class="card-head">
                    <h2 id="modes-timelines-title">"Every mode on one time axis"</h2>
                </div>
                <StackedView shown=shown name="modes-timelines" label="The timeline of each mode compared, on one time axis" />
                <p class="caption">"Each band is one mode's run of the same tasks, drawn to the same scale: shorter bands finished sooner."</p>
            </section>
        </Show>
    }
}
