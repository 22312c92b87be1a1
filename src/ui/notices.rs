//! What the page changed in the settings as given, by a link or a control.

use crate::engine::plan::Notice;
use leptos::prelude::*;
use reactive_stores::Field;

#[component]
pub fn Notices(#[prop(into)] notices: Field<Vec<Notice>>) -> impl IntoView {
    view! {
        <Show when=move || notices.with(|n| !n.is_empty())>
            <div class="notices" role="status">
                <p>"Some settings could not be used as given:"</p>
                <ul>
                    {move || {
                        notices.with(|all| all.iter().map(|n| view! { <li>{n.to_string()}</li> }).collect_view())
                    }}
                </ul>
                <button class="small" on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}
