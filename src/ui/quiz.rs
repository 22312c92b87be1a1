//! The quiz at the top of Learn: a question, a choice, whether it was
//! right and why, and the lesson's experiment that settles it on this
//! machine. What was answered stays in this browser (localStorage, under
//! [`KEY`]) across reloads until Reset.

use super::actions::Actions;
use super::local_store;
use super::prediction_result::prediction_result;
use super::state::LessonResult;
use crate::engine::lessons::{Lesson, Machine, Progress, QUIZ, QuizQuestion, lessons, presets};
use leptos::prelude::*;
use reactive_stores::Field;

/// The localStorage key of the quiz's progress.
const KEY: &str = "conpar-quiz";

/// The saved progress, as text ("" when none, or when storage is refused).
fn load() -> String {
    local_store::get(KEY).unwrap_or_default()
}

/// Saves the progress; a browser that refuses storage keeps it for the visit.
fn save(progress: &Progress) {
    let text = (progress.score().0 > 0).then(|| progress.to_text());
    local_store::set(KEY, text.as_deref());
}

#[component]
pub fn Quiz(
    #[prop(into)] results: Field<Vec<LessonResult>>,
    machine: Memo<Machine>,
    idle: Signal<bool>,
    actions: Actions,
) -> impl IntoView {
    let (saved, notice) = Progress::from_text(&load());
    let progress = RwSignal::new(saved);
    Effect::new(move |_| progress.with(save));
    let score = move || {
        let (answered, right) = progress.with(Progress::score);
        if answered == 0 {
            format!(
                "{} questions. Choose an answer: the page says whether it holds, and runs the experiment that settles it here.",
                QUIZ.len()
            )
        } else {
            format!(
                "{right} of {answered} answered right ({} questions).",
                QUIZ.len()
            )
        }
    };
    view! {
        <section class="quiz" aria-labelledby="quiz-title">
            <h3 id="quiz-title">"Quiz: what do you think?"</h3>
            <p class="quiz-score" role="status">{score}</p>
            {notice.map(|n| view! { <p class="message info">{n}</p> })}
            <ol class="quiz-questions">
                {QUIZ
                    .iter()
                    .map(|q| question(q, progress, results, machine, idle, actions))
                    .collect_view()}
            </ol>
            <button on:click=move |_| progress.set(Progress::default())>"Reset the quiz"</button>
        </section>
    }
}

/// One question: its options and Check my answer, then the verdict, why,
/// and the run that settles it. The first answer checked counts, until Reset.
fn question(
    q: &'static QuizQuestion,
    progress: RwSignal<Progress>,
    results: Field<Vec<LessonResult>>,
    machine: Memo<Machine>,
    idle: Signal<bool>,
    actions: Actions,
) -> impl IntoView {
    let answer = move || progress.with(|p| p.answer(q.id));
    // The option chosen but not yet checked.
    let pending = RwSignal::new(None::<usize>);
    let lesson = move || -> Option<Lesson> {
        let m = machine.get_untracked();
        lessons(m)
            .into_iter()
            .chain(presets(m))
            .find(|l| l.id == q.settled_by)
    };
    let settled = move || results.with(|all| all.iter().find(|r| r.id == q.settled_by).cloned());
    let check = move |_| {
        if let Some(i) = pending.get_untracked() {
            progress.update(|p| p.answer_with(q.id, i));
        }
    };
    view! {
        <li class="quiz-question" data-id=q.id>
            <fieldset disabled=move || answer().is_some()>
                <legend>{q.question}</legend>
                {q.options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        view! {
                            <label class="option">
                                <input
                                    type="radio"
                                    name=format!("quiz-{}", q.id)
                                    prop:checked=move || answer().or(pending.get()) == Some(i)
                                    on:change=move |_| pending.set(Some(i))
                                />
                                {*o}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button
                class="check"
                disabled=move || answer().is_some() || pending.get().is_none()
                on:click=check
            >
                "Check my answer"
            </button>
            // Said to screen readers as it appears.
            <div class="quiz-verdict-live" aria-live="polite">
                {move || {
                    answer()
                        .map(|a| {
                            let verdict = if a == q.right {
                                "Right. ".to_string()
                            } else {
                                format!("Not quite: {}. ", q.options[q.right])
                            };
                            view! {
                                <p class="quiz-verdict" data-right=(a == q.right).to_string()>
                                    <strong>{verdict}</strong>
                                    {q.why}
                                </p>
                            }
                        })
                }}
            </div>
            {move || {
                answer()
                    .map(|_| {
                        view! {
                            <button
                                disabled=move || !idle.get()
                                on:click=move |_| {
                                    if let Some(l) = lesson() {
                                        actions.try_lesson(l, None);
                                    }
                                }
                            >
                                "Settle it on this machine"
                            </button>
                        }
                    })
            }}
            <div role="status">
                {move || {
                    // The measured sentence only: a prediction made on the
                    // lesson's card answered another question than this one.
                    answer()
                        .and_then(|_| settled())
                        .map(|r| prediction_result(LessonResult { scored: None, ..r }))
                }}
            </div>
        </li>
    }
}
