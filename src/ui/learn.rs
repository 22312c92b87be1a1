//! The ideas, in conpar's own words, each lesson with a button that runs the
//! experiment showing it and then states what was measured.

use super::actions::Actions;
use super::prediction_form::PredictionForm;
use super::prediction_result::prediction_result;
use super::quiz::Quiz;
use super::server_state::ServerState;
use super::state::{Busy, LessonResult};
use super::table_wrap::table_wrap;
use super::training_state::TrainingState;
use crate::engine::environment::Environment;
use crate::engine::lessons::{
    Lesson, Machine, Prediction, ServerLesson, TrainingLesson, lessons, presets, server_lessons,
    training_lessons,
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
                            <td>"async/await, event loops; goroutines, which Go also runs on every core (concurrent and parallel)"</td>
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
                {move || {
                    server_lessons(machine.get())
                        .into_iter()
                        .map(|lesson| server_card(results, env, lesson, idle))
                        .collect_view()
                }}
                {move || {
                    // The ladder's question offers the GPU only where the
                    // browser has WebGPU (whether it also offers an adapter
                    // is known only by asking, which the ladder does).
                    let gpu = crate::runtime::gpu::api_present();
                    training_lessons(machine.get(), gpu)
                        .into_iter()
                        .map(|lesson| training_card(results, lesson, idle))
                        .collect_view()
                }}
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
    let (title, body) = (lesson.title, lesson.body);
    let on_answer =
        Callback::new(move |p: Option<Prediction>| actions.try_lesson(lesson.clone(), p));
    view! {
        <li class=class id=format!("{class}-{id}") data-id=id>
            <h3>{title}</h3>
            {body.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            <PredictionForm question field=format!("{class}-{id}-prediction") go="Try it" idle on_answer />
            <div role="status">{move || result().map(prediction_result)}</div>
        </li>
    }
}

/// A training lesson's card: as [`server_card`], its experiment run on the
/// training card, its sentence stated here.
fn training_card(
    results: Field<Vec<LessonResult>>,
    lesson: TrainingLesson,
    idle: Signal<bool>,
) -> impl IntoView {
    let state = expect_context::<TrainingState>();
    let id = lesson.id;
    let result = move || results.with(|all| all.iter().find(|r| r.id == id).cloned());
    let question = lesson.question();
    let (title, body) = (lesson.title, lesson.body.clone());
    let idle = Signal::derive(move || idle.get() && !state.is_running());
    let on_answer = Callback::new(move |p: Option<Prediction>| {
        state.try_lesson(lesson.clone(), p, results);
    });
    view! {
        <li class="preset training-lesson" id=format!("preset-{id}") data-id=id>
            <h3>{title}</h3>
            {body.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            <PredictionForm question field=format!("preset-{id}-prediction") go="Try it" idle on_answer />
            <p class="note">"Trained on the card “Training on many devices”, which shows every figure."</p>
            <div role="status">{move || result().map(prediction_result)}</div>
        </li>
    }
}

/// A server lesson's card: as [`card`], its experiment served on the
/// server card (which shows every figure), its sentence stated here.
fn server_card(
    results: Field<Vec<LessonResult>>,
    env: Field<Environment>,
    lesson: ServerLesson,
    idle: Signal<bool>,
) -> impl IntoView {
    let state = expect_context::<ServerState>();
    let id = lesson.id;
    let result = move || results.with(|all| all.iter().find(|r| r.id == id).cloned());
    let question = lesson.question();
    let (title, body) = (lesson.title, lesson.body);
    let idle = Signal::derive(move || idle.get() && !state.is_serving());
    let on_answer = Callback::new(move |p: Option<Prediction>| {
        // A copy, not a borrow: the lesson writes its result into the same
        // store, which a borrow of `env` would hold locked (the write was lost).
        let e = env.get_untracked();
        state.try_lesson(&e, lesson.clone(), p, results);
    });
    view! {
        <li class="preset server-lesson" id=format!("preset-{id}") data-id=id>
            <h3>{title}</h3>
            {body.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            <PredictionForm question field=format!("preset-{id}-prediction") go="Try it" idle on_answer />
            <p class="note">"Served on the card “Serving many connections”, which shows every figure."</p>
            <div role="status">{move || result().map(prediction_result)}</div>
        </li>
    }
}
