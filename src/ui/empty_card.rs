//! A card with nothing to show yet: its heading and one line saying what
//! will appear there and which button fills it. No canvas, no table, no
//! disabled buttons: before a first run the page is the controls and a list
//! of what they will fill.

use leptos::prelude::*;

#[component]
pub fn EmptyCard(
    /// The card's own class, as the full card has it (`timeline`, `compare`, …).
    class: &'static str,
    /// The heading's id, as the full card has it: links and labels find it
    /// whichever of the two is on the page.
    title_id: &'static str,
    title: &'static str,
    /// What will appear, and which button fills it.
    hint: &'static str,
) -> impl IntoView {
    view! {
        <section class=format!("card empty {class}") aria-labelledby=title_id>
            <h2 id=title_id>{title}</h2>
            <p class="empty-hint">{hint}</p>
        </section>
    }
}

/// `shown`, turned true only once the page has painted a frame after it
/// did. For a card that first fills at a run's end: building it (tens of
/// milliseconds for the replay's controls) then comes after the run's first
/// frame, not before it, so that the page is seen painting again as soon as
/// the run ends (the frame log keeps that frame; the replay reads it).
pub fn after_paint(shown: Signal<bool>) -> Signal<bool> {
    let settled = RwSignal::new(shown.get_untracked());
    Effect::new(move |_| {
        if !shown.get() {
            settled.set(false);
        } else if !settled.get_untracked() {
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        if shown.get_untracked() {
                            settled.set(true);
                        }
                    },
                    std::time::Duration::ZERO,
                )
            });
        }
    });
    settled.into()
}
