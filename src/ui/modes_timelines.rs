//! After "Compare all modes": one timeline per mode, stacked on one time
//! axis, so the long sequential bar sits above the short parallel lanes.

use super::stacked_view::{Shown, StackedView};
use super::store::Store;
use crate::charts::format_ms;
use leptos::prelude::*;

#[component]
pub fn ModesTimelines() -> impl IntoView {
    let store = expect_context::<Store>();
    let shown = Memo::new(move |_| {
        store.comparison.with(|c| {
            c.runs()
                .iter()
                .map(|t| Shown {
                    title: format!("{}: {}", t.mode.label(), format_ms(t.duration_ms)),
                    trace: t.clone(),
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
