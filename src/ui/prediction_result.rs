//! What an experiment run from a card says when it ends: "Running…" while
//! it runs, then the prediction beside the measurement (when there was
//! one) and the measured sentence. The lessons' cards, the quiz and the
//! predicted Run, Compare and Sweep show it alike.

use super::state::LessonResult;
use leptos::prelude::*;

pub fn prediction_result(r: LessonResult) -> AnyView {
    match r.sentence {
        None => view! { <p class="result running">"Running…"</p> }.into_any(),
        Some(s) => view! {
            {r.scored.map(|sc| view! {
                <p class="prediction" data-right=sc.right.to_string()>
                    <strong>{if sc.right { "Right. " } else { "Not this time. " }}</strong>
                    {sc.sentence}
                    " "
                    <span class="why">{sc.why}</span>
                </p>
            })}
            {(!s.is_empty()).then(|| view! { <p class="result">{s}</p> })}
        }
        .into_any(),
    }
}
