//! What the page changed in the settings as given, by a link or a control.

use super::store::Store;
use leptos::prelude::*;

#[component]
pub fn Notices() -> impl IntoView {
    let store = expect_context::<Store>();
    view! {
        <Show when=move || store.notices.with(|n| !n.is_empty())>
            <div class="notices" role="status">
                <p>"Some settings could not be used as given:"</p>
                <ul>
                    {move || {
                        store.notices.get().into_iter().map(|n| view! { <li>{n.to_string()}</li> }).collect_view()
                    }}
                </ul>
                <button class="small" on:click=move |_| store.notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}
