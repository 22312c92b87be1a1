//! A table in a box of its own that scrolls sideways when the table is
//! wider than its card (a phone's width): the box can be focused and
//! scrolled by keyboard, and is named for screen readers (WCAG 2.1:
//! scrollable regions must be reachable without a pointer).

use leptos::prelude::*;

/// `table` in a focusable scrolling region named `label` (what it shows).
pub fn table_wrap(label: &'static str, table: impl IntoView) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            {table}
        </div>
    }
}
