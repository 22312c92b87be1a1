//! A `<select>` of a named choice ([`Choice`]): every setting with a few
//! named values (mode, workload, kernel, task sizes, assignment, waits,
//! strategy) and the page's own lists are this one control.
//!
//! The view is built by one non-generic function over the choice's names
//! and labels: generic over the choice type, it was compiled once per
//! type (seven times, 11 KB of the .wasm; docs/BENCHMARKS.md).

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
) -> AnyView {
    let values = T::all();
    let options: Vec<(&'static str, &'static str)> =
        values.iter().map(|v| (v.name(), v.label())).collect();
    let selected = Signal::derive(move || {
        let now = current.get();
        values.iter().position(|v| *v == now).unwrap_or(0)
    });
    let greyed = Signal::derive(move || values.iter().map(|&v| unavailable(v)).collect::<Vec<_>>());
    select_of(
        id,
        label,
        options,
        selected,
        disabled,
        greyed,
        Box::new(move |i, ev| {
            if let Some(&v) = values.get(i) {
                choose(v, ev);
            }
        }),
    )
}

/// What choosing option `i` does.
type Choose = Box<dyn Fn(usize, &leptos::ev::Event)>;

/// The `<select>` itself, for any list of `(name, label)` options.
fn select_of(
    id: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    selected: Signal<usize>,
    disabled: Signal<bool>,
    greyed: Signal<Vec<bool>>,
    choose: Choose,
) -> AnyView {
    let names: Vec<&'static str> = options.iter().map(|o| o.0).collect();
    let current_name = move || names.get(selected.get()).copied().unwrap_or_default();
    let lookup: Vec<&'static str> = options.iter().map(|o| o.0).collect();
    view! {
        <label>
            <span>{label}</span>
            <select
                id=id
                aria-label=label
                prop:value=current_name
                disabled=move || disabled.get()
                on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some(i) = lookup.iter().position(|n| *n == picked) {
                        choose(i, &ev);
                    }
                }
            >
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, text))| {
                        view! {
                            <option
                                value=name
                                selected=move || selected.get() == i
                                disabled=move || greyed.with(|g| g.get(i).copied().unwrap_or(false))
                            >
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
    .into_any()
}

/// Always available: for [`choice_select`]'s `unavailable`.
pub fn never<T>(_: T) -> bool {
    false
}
