//! A `<select>` of a named choice ([`Choice`]): every setting with a few
//! named values (mode, workload, kernel, task sizes, assignment, waits,
//! strategy) and the page's own lists are this one control.

use crate::engine::plan::Choice;
use leptos::prelude::*;

/// A labelled `<select>` of every value of `T`. `current` is shown;
/// `choose` is called with the value picked (and the change event, so that
/// a choice refused can put the list back); `unavailable` greys out
/// values that cannot be chosen now.
pub fn choice_select<T: Choice>(
    id: &'static str,
    label: &'static str,
    current: Signal<T>,
    disabled: Signal<bool>,
    unavailable: impl Fn(T) -> bool + Copy + Send + Sync + 'static,
    choose: impl Fn(T, &leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <select
                id=id
                aria-label=label
                prop:value=move || current.get().name()
                disabled=move || disabled.get()
                on:change=move |ev| {
                    if let Some(v) = T::from_name(&event_target_value(&ev)) {
                        choose(v, &ev);
                    }
                }
            >
                {T::all()
                    .iter()
                    .copied()
                    .map(|v| {
                        view! {
                            <option value=v.name() selected=move || current.get() == v disabled=move || unavailable(v)>
                                {v.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Always available: for [`choice_select`]'s `unavailable`.
pub fn never<T>(_: T) -> bool {
    false
}
