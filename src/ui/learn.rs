//! The ideas, in conpar's own words, each lesson with a button that runs the
//! experiment showing it and then states what was measured.

use super::actions::Actions;
use super::quiz::Quiz;
use super::state::{Busy, LessonResult};
use super::table_wrap::table_wrap;
use crate::engine::environment::Environment;
use crate::engine::lessons::{
    GPU_TRAINING, Lesson, Machine, Prediction, Question, lessons, presets,
};
use crate::runtime::probe;
use leptos::prelude::*;
use reactive_stores::Field;

#[component]
pub fn Learn(
    #[prop(into)] env: Field<Environment>,
    #[prop(into)] ready: Field<bool>,
    #[prop(into)] busy: Field<Option<Busy>>,
    /// Each card's latest measured sentence.
    #[prop(into)]
    results: Field<Vec<LessonResult>>,
    actions: Actions,
) -> impl IntoView {
    // The pool the lessons are sized for: the one running, or while it
    // starts the one the page is starting (so that the cards, built once at
    // start-up, are not built again when the pool comes up as expected).
    let machine = Memo::new(move |_| {
        env.with(|e| {
            let pool = if e.pool_threads > 0 || e.pool_error.is_some() {
                e.pool_threads
            } else {
                probe::pool_to_start(e.hardware_concurrency).0
            };
            Machine::new(pool, e.hardware_concurrency)
        })
    });
    let idle = Signal::derive(move || ready.get() && busy.with(Option::is_none));
    view! {
        <section class="card learn" aria-labelledby="learn-title">
            <h2 id="learn-title" tabindex="-1">"Learn: concurrency is not parallelism"</h2>
            <Quiz results machine idle actions />
            <div class="ideas">
                <div>
                    <h3>"Concurrency"</h3>
                    <p>
                        "A way to " <em>"organise"</em> " work: many tasks are in progress over the same period, and one worker "
                        "switches between them whenever one has to wait. It needs no extra hardware."
                    </p>
                </div>
                <div>
                    <h3>"Parallelism"</h3>
                    <p>
                        "A way to " <em>"execute"</em> " work: several computations happen at the very same moment on "
                        "different cores. It needs the cores, and it is what makes computing faster."
                    </p>
                </div>
            </div>
            <p class="analogy">
                "One chef with four pans is concurrent: while one sauce reduces she chops for another, and every dish moves forward. "
                "Four chefs at four stoves are parallel: four dishes cook at once. A chef who stands and watches a pot boil "
                "is a thread blocked on I/O."
            </p>
            {table_wrap("Concurrency and parallelism compared", view! {
                <table class="concepts">
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">"Concurrency"</th>
                            <th scope="col">"Parallelism"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">"In short"</th>
                            <td>"Many tasks in progress, taking turns"</td>
                            <td>"Many computations at the same instant"</td>
                        </tr>
                        <tr>
                            <th scope="row">"Needs"</th>
                            <td>"One core is enough"</td>
                            <td>"Several cores (or machines)"</td>
                        </tr>
                        <tr>
                            <th scope="row">"Wins when tasks"</th>
                            <td>"Wait: network, disk, timers, people"</td>
                            <td>"Compute: encode, render, train, crunch"</td>
                        </tr>
                        <tr>
                            <th scope="row">"Buys you"</th>
                            <td>"Responsiveness and throughput of waits"</td>
                            <td>"Shorter time to finish the work"</td>
                        </tr>
                        <tr>
                            <th scope="row">"In code"</th>
                            <td>"async/await, event loops, goroutines on one core"</td>
                            <td>"Thread pools, SIMD, GPU kernels, MapReduce jobs"</td>
                        </tr>
                        <tr>
                            <th scope="row">"Examples"</th>
                            <td>"A chat server holding thousands of idle connections; Node.js serving requests"</td>
                            <td>"Video transcoding on every core; training a model on a cluster of GPUs"</td>
                        </tr>
                    </tbody>
                </table>
            })}
            <ol class="lessons">
                {move || {
                    lessons(machine.get())
                        .into_iter()
                        .map(|lesson| card(results, actions, lesson, "lesson", idle))
                        .collect_view()
                }}
            </ol>
            <h3 id="presets-title" class="presets-title">"The examples, running"</h3>
            <p class="presets-intro">
                "Each example below is a system the two ideas are usually explained with, made small enough to run in "
                "this page: Try it runs it on this machine and says what it measured."
            </p>
            <ol class="presets" aria-labelledby="presets-title">
                {move || {
                    presets(machine.get())
                        .into_iter()
                        .map(|preset| card(results, actions, preset, "preset", idle))
                        .collect_view()
                }}
                <li class="preset gpu" id="preset-gpu">
                    <h3>"Training models on GPU clusters"</h3>
                    <p>{GPU_TRAINING}</p>
                </li>
            </ol>
        </section>
    }
}

/// A lesson's or a preset's card: its text, the question it asks first,
/// Try it, and its latest measured sentence (with the prediction beside the
/// measurement), which stays while other cards run theirs.
fn card(
    results: Field<Vec<LessonResult>>,
    actions: Actions,
    lesson: Lesson,
    class: &'static str,
    idle: Signal<bool>,
) -> impl IntoView {
    let id = lesson.id;
    let result = move || results.with(|all| all.iter().find(|r| r.id == id).cloned());
    let question = lesson.question();
    // What the person has answered so far: a choice, or the typed number.
    let choice = RwSignal::new(None::<usize>);
    let typed = RwSignal::new(String::new());
    // Try it pressed without an answer: the question says so.
    let nudged = RwSignal::new(false);
    let q = question.clone();
    let prediction = move || match &q {
        Question::First { .. } => choice.get().map(Prediction::Choice),
        Question::Number { min, max, .. } => typed
            .get()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && (*min..=*max).contains(x))
            .map(Prediction::Number),
    };
    let prediction = Signal::derive(prediction);
    let (l, skip) = (lesson.clone(), lesson.clone());
    let try_it = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match prediction.get_untracked() {
            Some(p) => {
                nudged.set(false);
                actions.try_lesson(l.clone(), Some(p));
            }
            None => nudged.set(true),
        }
    };
    let field = format!("{class}-{id}-prediction");
    let answer = match &question {
        Question::First { options, .. } => options
            .iter()
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
                        {o.clone()}
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
        Question::First { .. } => "Pick one, then Try it; or skip the prediction.".to_string(),
        Question::Number { min, max, unit, .. } => format!(
            "Type a number from {min} to {max} ({}), then Try it; or skip the prediction.",
            unit_words(unit)
        ),
    };
    let prompt = match &question {
        Question::First { prompt, .. } | Question::Number { prompt, .. } => prompt.clone(),
    };
    view! {
        <li class=class id=format!("{class}-{id}") data-id=id>
            <h3>{lesson.title}</h3>
            {lesson.body.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            <form class="predict" on:submit=try_it>
                <fieldset>
                    <legend id=format!("{field}-legend")>"Predict first: " {prompt}</legend>
                    {answer}
                </fieldset>
                {move || nudged.get().then(|| view! { <p class="message info" role="alert">{hint.clone()}</p> })}
                <div class="buttons">
                    <button class="primary" type="submit" disabled=move || !idle.get()>
                        "Try it"
                    </button>
                    <button
                        type="button"
                        disabled=move || !idle.get()
                        on:click=move |_| {
                            nudged.set(false);
                            actions.try_lesson(skip.clone(), None);
                        }
                    >
                        "Skip the prediction"
                    </button>
                </div>
            </form>
            {move || {
                result()
                    .map(|r| match r.sentence {
                        None => view! { <p class="result running" role="status">"Running…"</p> }.into_any(),
                        Some(s) => view! {
                            <div role="status">
                                {r.scored.map(|sc| view! {
                                    <p class="prediction" data-right=sc.right.to_string()>
                                        <strong>{if sc.right { "Right. " } else { "Not this time. " }}</strong>
                                        {sc.sentence}
                                        " "
                                        <span class="why">{sc.why}</span>
                                    </p>
                                })}
                                <p class="result">{s}</p>
                            </div>
                        }
                        .into_any(),
                    })
            }}
        </li>
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
