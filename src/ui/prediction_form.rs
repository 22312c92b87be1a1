//! The question asked before a run: its answer of the right kind (one
//! choice, or a number with its unit), the button that runs the experiment
//! with the answer, and the one that runs it without. Used by the lessons'
//! cards and by Run, Compare and Sweep when "Predict first" is on.

use crate::engine::lessons::{Prediction, Question};
use leptos::prelude::*;

#[component]
pub fn PredictionForm(
    question: Question,
    /// Unique in the page: the radios' group name and the labels' ids.
    field: String,
    /// The button that runs the experiment with the answer.
    go: &'static str,
    idle: Signal<bool>,
    /// Given the answer, or `None` when the person skips the prediction.
    on_answer: Callback<Option<Prediction>>,
    /// No "Skip the prediction" button: the card has its own way to run
    /// without one.
    #[prop(optional)]
    no_skip: bool,
    /// Move the keyboard's focus to the answer when the form appears: it
    /// appeared because a button was pressed, away from where focus is.
    #[prop(optional)]
    focus_first: bool,
) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    if focus_first {
        Effect::new(move |_| {
            use wasm_bindgen::JsCast;
            let first = form
                .get()
                .and_then(|f| f.query_selector("input").ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(input) = first {
                let _ = input.focus();
            }
        });
    }
    let hint_id = format!("{field}-hint");
    // What the person has answered so far: a choice, or the typed number.
    let choice = RwSignal::new(None::<usize>);
    let typed = RwSignal::new(String::new());
    // The button pressed without an answer: the question says so.
    let nudged = RwSignal::new(false);
    let q = question.clone();
    let prediction = Signal::derive(move || match &q {
        Question::First { .. } => choice.get().map(Prediction::Choice),
        Question::Number { min, max, .. } => typed
            .get()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && (*min..=*max).contains(x))
            .map(Prediction::Number),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match prediction.get_untracked() {
            Some(p) => {
                nudged.set(false);
                on_answer.run(Some(p));
            }
            None => nudged.set(true),
        }
    };
    let answer = match &question {
        Question::First { .. } => question
            .choices()
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                view! {
                    <label class="option">
                        <input
                            type="radio"
                            name=field.clone()
                            value=i.to_string()
                            on:change=move |_| {
                                choice.set(Some(i));
                                nudged.set(false);
                            }
                        />
                        {o}
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        Question::Number { unit, min, max, .. } => {
            let (min, max) = (*min, *max);
            view! {
                <label class="number">
                    <input
                        type="number"
                        inputmode="decimal"
                        step="any"
                        min=min
                        max=max
                        aria-labelledby=format!("{field}-legend {field}-unit")
                        aria-describedby=hint_id.clone()
                        aria-invalid=move || nudged.get().to_string()
                        prop:value=move || typed.get()
                        on:input=move |ev| {
                            typed.set(event_target_value(&ev));
                            nudged.set(false);
                        }
                    />
                    <span id=format!("{field}-unit")>{unit_words(unit)}</span>
                </label>
            }
            .into_any()
        }
    };
    let hint = match &question {
        Question::First { .. } => format!("Pick one, then {go}{}.", skip_words(no_skip)),
        Question::Number { min, max, unit, .. } => format!(
            "Type a number from {min} to {max} ({}), then {go}{}.",
            unit_words(unit),
            skip_words(no_skip)
        ),
    };
    view! {
        <form class="predict" on:submit=submit node_ref=form>
            <fieldset aria-describedby=hint_id.clone()>
                <legend id=format!("{field}-legend")>"Predict first: " {question.prompt().to_string()}</legend>
                {answer}
            </fieldset>
            // Always in the page (named by the answer's aria-describedby),
            // shown only once the button was pressed without an answer.
            <p class="message info" id=hint_id.clone() role="alert" hidden=move || !nudged.get()>
                {move || nudged.get().then(|| hint.clone())}
            </p>
            <div class="buttons">
                <button class="primary" type="submit" disabled=move || !idle.get()>
                    {go}
                </button>
                {(!no_skip).then(|| view! {
                    <button
                        type="button"
                        disabled=move || !idle.get()
                        on:click=move |_| {
                            nudged.set(false);
                            on_answer.run(None);
                        }
                    >
                        "Skip the prediction"
                    </button>
                })}
            </div>
        </form>
    }
}

/// How the hint offers to run without a prediction.
fn skip_words(no_skip: bool) -> &'static str {
    if no_skip {
        ""
    } else {
        "; or skip the prediction"
    }
}

/// A unit as the question says it.
fn unit_words(unit: &str) -> &'static str {
    match unit {
        "×" => "times as fast",
        "ms" => "milliseconds",
        "%" => "per cent",
        _ => "",
    }
}
