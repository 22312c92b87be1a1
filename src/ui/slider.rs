//! A numeric setting: a slider and, beside it, the number, editable.

use super::state::SettingsEditor;
use crate::engine::plan::{Field, read_number};
use leptos::prelude::*;

/// `max` overrides the field's static maximum (threads: the pool's size).
#[component]
pub fn Slider(
    edit: SettingsEditor,
    field: Field,
    #[prop(into, optional)] max: Option<Signal<u32>>,
    #[prop(into, optional)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let settings = edit.settings;
    let max = max.unwrap_or_else(|| Signal::derive(move || field.bounds().max));
    let disabled = disabled.unwrap_or_else(|| Signal::derive(|| false));
    let value = Memo::new(move |_| settings.with(|s| field.get(s)));
    let id = format!("setting-{}", field.key());
    let (low, _) = field.slider_range(field.bounds().max);

    // Sets the value the person chose and says what became of it. Reads
    // the maximum before the settings are taken for writing: it may itself
    // be derived from them (the failing task is at most the task count).
    let set = move |v: u32, said: Option<String>| {
        edit.set_number(field, v, max.get_untracked(), said);
    };

    view! {
        <div class="slider" class:disabled=move || disabled.get()>
            <label for=id.clone()>{field.label()}</label>
            <input
                type="range"
                id=id
                min=low
                max=move || field.slider_range(max.get()).1
                step="1"
                disabled=move || disabled.get()
                aria-valuetext=move || value.get().to_string()
                prop:value=move || field.to_position(value.get(), max.get()).to_string()
                on:input=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<u32>() {
                        set(field.value_at(p, max.get_untracked(), value.get_untracked()), None);
                    }
                }
            />
            <input
                type="number"
                class="number"
                min=field.bounds().min
                max=move || max.get()
                disabled=move || disabled.get()
                aria-label=field.label()
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    // Also when the value stays as it was (a number beyond
                    // the maximum, which it is already at; no number), the
                    // update shows the value used in place of the one typed.
                    let (v, said) = read_number(
                        field,
                        &event_target_value(&ev),
                        max.get_untracked(),
                        value.get_untracked(),
                    );
                    set(v, said);
                }
            />
        </div>
    }
}
