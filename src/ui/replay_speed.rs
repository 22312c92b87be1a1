//! The speed of a replay, as both replays offer it (the modes' and the
//! server's): real time to 1/100 of it (`engine::record::SPEEDS`).

use crate::engine::record::SPEEDS;
use crate::runtime::clock::local_now;
use leptos::prelude::*;

/// A labelled select of the speeds: `slowdown` holds the chosen divisor,
/// and `changed(s, now)` moves the playback's clock to it.
pub fn speed_select(
    label: &'static str,
    slowdown: RwSignal<u32>,
    changed: impl Fn(u32, f64) + 'static,
) -> impl IntoView {
    view! {
        <label class="inline">
            <span>"Speed"</span>
            <select
                aria-label=label
                prop:value=move || slowdown.get().to_string()
                on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse::<u32>() {
                        slowdown.set(s);
                        changed(s, local_now());
                    }
                }
            >
                {SPEEDS
                    .into_iter()
                    .map(|s| {
                        view! {
                            <option value=s.to_string() selected=move || slowdown.get() == s>
                                {if s == 1 { "real time".to_string() } else { format!("1/{s} of real time") }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
