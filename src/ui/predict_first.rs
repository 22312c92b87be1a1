//! "Predict first": a switch beside the Run buttons. When it is on, Run,
//! Compare all modes and Sweep threads each ask their question before they
//! run (the same kind of question as the lessons': a time, a speedup, which
//! mode finishes first), and the prediction is then shown beside what was
//! measured, here and on the chart where one fits.

use super::actions::Actions;
use super::actions::machine_of;
use super::prediction_form::PredictionForm;
use super::prediction_result::prediction_result;
use super::state::{Busy, LessonResult};
use crate::engine::environment::Environment;
use crate::engine::lessons::{Action, Prediction, on_page};
use crate::engine::plan::Settings;
use leptos::prelude::*;
use reactive_stores::Field;

#[component]
pub fn PredictFirst(
    #[prop(into)] on: Field<bool>,
    #[prop(into)] asking: Field<Option<Action>>,
    #[prop(into)] plain: Field<Option<LessonResult>>,
    #[prop(into)] settings: Field<Settings>,
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] busy: Field<Option<Busy>>,
    actions: Actions,
) -> impl IntoView {
    let idle = Signal::derive(move || ready.get() && busy.with(Option::is_none));
    let on_answer = Callback::new(move |p: Option<Prediction>| actions.answer(p));
    // The question asked, compared by value: the environment changes after
    // start-up (each kernel's rate), and rebuilding the form then would drop
    // what the person has typed.
    let asked = Memo::new(move |_| {
        asking.get().map(|action| {
            let question = settings.with(|s| {
                env.with(|e| on_page(action, s, machine_of(e), e.parallel_available()).question())
            });
            (action, question)
        })
    });
    // The button whose question last took the keyboard's focus.
    let focused_for = StoredValue::new(None::<Action>);
    view! {
        <div class="predict-first">
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || on.get()
                    on:change=move |ev| actions.set_predict_first(event_target_checked(&ev))
                />
                "Predict first: Run, Compare and Sweep ask what you expect before they measure"
            </label>
            {move || {
                // Rebuilt when the question changes (its prompt names the
                // settings): the answer is then to a different question.
                // The keyboard's focus moves to it only when a button has
                // just asked, not when a slider moved meanwhile.
                let asked = asked.get();
                let newly = asked.as_ref().map(|(a, _)| *a) != focused_for.get_value();
                focused_for.set_value(asked.as_ref().map(|(a, _)| *a));
                asked.map(|(action, question)| {
                    view! {
                        <PredictionForm
                            question
                            field=format!("plain-{}-prediction", action.id())
                            go=action.go()
                            idle
                            on_answer
                            focus_first=newly
                        />
                    }
                })
            }}
            <div role="status">{move || plain.get().map(prediction_result)}</div>
        </div>
    }
}
