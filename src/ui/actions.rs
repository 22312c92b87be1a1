//! What the buttons do: run modes, compare them, sweep threads, try a
//! lesson, stop. Each action checks the settings with the engine, runs through
//! the lab, and puts the traces in the store. No arithmetic here: figures
//! come from the engine.

use super::store::{Busy, LessonResult, Message, Store};
use super::url;
use crate::engine::lessons::{Experiment, Lesson};
use crate::engine::plan::{Assignment, Mode, Settings, Workload};
use crate::engine::plan::{Strategy, check_grid_estimate, grid};
use crate::engine::record::{Outcome, Trace};
use crate::runtime::casualty;
use crate::runtime::lab::lab;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What is about to run, for its estimate: one run per mode, or a sweep
/// (one parallel run per thread count, 1 to the pool's size).
#[derive(Clone, Copy)]
enum Plan<'a> {
    Modes(&'a [Mode]),
    Sweep,
}

/// The settings to run now: threads fitted to the pool, parallel modes
/// dropped (with the reason) when there is no pool, and the whole plan's
/// estimate checked against the limit.
fn prepare(store: Store, plan: Plan) -> Option<(Settings, Vec<Mode>)> {
    let sweep = [Mode::Parallel];
    let modes = match plan {
        Plan::Modes(modes) => modes,
        Plan::Sweep => &sweep,
    };
    if store.busy.get_untracked().is_some() {
        return None;
    }
    let env = store.env.get_untracked();
    let (settings, notice) = store.settings.get_untracked().fit_to_pool(env.pool_threads);
    if let Some(n) = notice {
        store.settings.set(settings.clone());
        store.message.set(Some(Message::Info(n.message)));
    } else {
        store.message.set(None);
    }
    // The shared counter runs on the pool's threads only (Settings::clamped).
    let counter = settings.workload == Workload::Counter;
    let wanted: Vec<Mode> = modes
        .iter()
        .copied()
        .filter(|m| !counter || *m == Mode::Parallel)
        .collect();
    if counter && wanted.len() < modes.len() {
        store.message.set(Some(Message::Info(
            "The shared counter runs on the pool's threads only: the other modes were skipped."
                .into(),
        )));
    }
    let runnable: Vec<Mode> = wanted
        .iter()
        .copied()
        .filter(|m| !m.uses_pool() || env.parallel_available())
        .collect();
    if runnable.len() < wanted.len() {
        let why = env.parallel_unavailable_reason().unwrap_or_default();
        if runnable.is_empty() {
            store.message.set(Some(Message::Error(format!(
                "Parallel modes are unavailable. {why}"
            ))));
            return None;
        }
        store.message.set(Some(Message::Info(format!(
            "Parallel modes were skipped. {why}"
        ))));
    }
    let estimate = match plan {
        Plan::Modes(_) => settings.check_estimate(&runnable),
        Plan::Sweep => settings.check_sweep_estimate(env.pool_threads),
    };
    if let Err(refusal) = estimate {
        store.message.set(Some(Message::Error(refusal)));
        return None;
    }
    Some((settings, runnable))
}

/// Runs one mode through the lab; tells whether a pool thread died during it
/// (the pool is then smaller for every later run, see [`note_pool_loss`]).
async fn run_one(store: Store, settings: &Settings, mode: Mode, lanes: u32) -> (Trace, bool) {
    let before = casualty::count();
    let trace = lab().run(settings, mode, lanes).await;
    let lost = casualty::count() > before;
    if lost {
        note_pool_loss(store);
    }
    (trace, lost)
}

/// A pool thread died: the pool keeps only the living threads until the page
/// is reloaded, so the environment (and with it the thread settings, the
/// sweep, the panel) says so.
fn note_pool_loss(store: Store) {
    let living = casualty::living();
    store.env.update(|e| {
        e.pool_threads = living;
        if living == 0 {
            e.pool_error = Some(
                "Every thread of the worker pool has stopped. Parallel modes are disabled until you reload the page."
                    .into(),
            );
        }
    });
}

/// Describes a run that did not complete; `lost_thread`: a pool thread died during it.
fn report(store: Store, trace: &Trace, lost_thread: bool) {
    if let (Outcome::Failed { message, .. }, true) = (&trace.outcome, lost_thread) {
        let living = casualty::living();
        let left = match living {
            0 => "no threads left, so parallel modes are disabled".to_string(),
            1 => format!(
                "1 of its {} threads left, and parallel runs use only that one",
                casualty::pool_size()
            ),
            n => format!(
                "{n} of its {} threads left, and parallel runs use only those",
                casualty::pool_size()
            ),
        };
        store.message.set(Some(Message::Error(format!(
            "The run failed: {message}. The pool lost that thread, so the run was stopped: {} of {} tasks finished. \
             A thread cannot be restarted: until you reload the page, the pool has {left}. \
             Sequential and concurrent runs are not affected.",
            trace.finished, trace.tasks
        ))));
        return;
    }
    match &trace.outcome {
        Outcome::Completed => {}
        Outcome::Cancelled => store.message.set(Some(Message::Info(format!(
            "Stopped: {} of {} tasks finished; the partial timeline is kept.",
            trace.finished, trace.tasks
        )))),
        Outcome::Failed { message, .. } => store.message.set(Some(Message::Error(format!(
            "The run failed: {message}. The other tasks ran on; {} of {} finished.",
            trace.finished, trace.tasks
        )))),
    }
}

/// Runs `modes` one after the other on the current settings; each result
/// joins the comparison. Returns the traces, or `None` if nothing ran.
async fn run_modes(store: Store, modes: Vec<Mode>, label: &str) -> Option<Vec<Trace>> {
    let (settings, modes) = prepare(store, Plan::Modes(&modes))?;
    let steps = modes.len() as u32;
    let mut traces = Vec::new();
    for (i, mode) in modes.into_iter().enumerate() {
        store.busy.set(Some(Busy {
            label: format!("{label}: {}", mode.label()),
            step: i as u32 + 1,
            steps,
        }));
        let lanes = if mode.uses_pool() { settings.lanes } else { 1 };
        let (trace, lost) = run_one(store, &settings, mode, lanes).await;
        let run_settings = Settings {
            mode,
            ..settings.clone()
        };
        store
            .comparison
            .update(|c| c.add(&run_settings, trace.clone()));
        store.trace.set(Some(trace.clone()));
        let completed = trace.outcome == Outcome::Completed;
        report(store, &trace, lost);
        traces.push(trace);
        if !completed {
            break;
        }
    }
    store.busy.set(None);
    Some(traces)
}

/// Run: the selected mode.
pub fn run(store: Store) {
    let mode = store.settings.get_untracked().mode;
    spawn_local(async move {
        run_modes(store, vec![mode], "Running").await;
    });
}

/// Compare all modes on the current task set.
pub fn compare(store: Store) {
    store.comparison.update(|c| c.clear());
    spawn_local(async move {
        run_modes(store, Mode::ALL.to_vec(), "Comparing").await;
    });
}

/// Runs `modes` on the current task set as a new comparison: a received
/// result's "Run it here" re-runs the modes it recorded, and only those.
pub fn compare_modes(store: Store, modes: Vec<Mode>) {
    store.comparison.update(|c| c.clear());
    spawn_local(async move {
        run_modes(store, modes, "Running it here").await;
    });
}

/// Sweep threads: the parallel mode on 1, 2, … pool-size threads.
pub fn sweep(store: Store) {
    spawn_local(async move {
        sweep_threads(store, "Sweeping threads").await;
    });
}

async fn sweep_threads(store: Store, label: &str) -> Option<Vec<Trace>> {
    let threads = store.env.get_untracked().pool_threads;
    let (settings, _) = prepare(store, Plan::Sweep)?;
    store.sweep.set(Vec::new());
    store.sweep_settings.set(Some(settings.clone()));
    // One short run first: a worker's first calls run in a slower JIT tier,
    // which would flatter every later point against the first.
    store.busy.set(Some(Busy {
        label: format!("{label}: warming up"),
        step: 0,
        steps: threads,
    }));
    let warm = Settings {
        tasks: threads * 2,
        work_ms: 10,
        ..settings.clone()
    };
    let (warm_trace, lost) = run_one(store, &warm, Mode::Parallel, threads).await;
    if lost {
        report(store, &warm_trace, lost);
        store.busy.set(None);
        return None;
    }
    let mut traces = Vec::new();
    for p in 1..=threads {
        store.busy.set(Some(Busy {
            label: format!("{label}: {p} of {threads} threads"),
            step: p,
            steps: threads,
        }));
        let (trace, lost) = run_one(store, &settings, Mode::Parallel, p).await;
        store.trace.set(Some(trace.clone()));
        let completed = trace.outcome == Outcome::Completed;
        report(store, &trace, lost);
        traces.push(trace);
        store.sweep.set(traces.clone());
        if !completed {
            break;
        }
    }
    store.busy.set(None);
    Some(traces)
}

/// Stop: ends the run in progress (and the rest of a comparison or sweep).
pub fn stop() {
    lab().stop();
}

/// Sets lesson `id`'s result on its card, the other cards' results kept.
fn set_lesson_result(store: Store, id: &'static str, sentence: Option<String>) {
    store.lessons.update(|all| {
        all.retain(|r| r.id != id);
        all.push(LessonResult { id, sentence });
    });
}

/// Runs the parallel mode once per way of handing out tasks, the settings
/// otherwise the same (each run is a task set of its own in the comparison).
async fn run_assignments(store: Store, ways: Vec<Assignment>, label: &str) -> Option<Vec<Trace>> {
    let mut traces = Vec::new();
    for assignment in ways {
        store.settings.update(|s| s.assignment = assignment);
        let label = format!("{label}: {}", assignment.label());
        let mut run = run_modes(store, vec![Mode::Parallel], &label).await?;
        let completed = run.iter().all(|t| t.outcome == Outcome::Completed);
        traces.append(&mut run);
        if !completed {
            break;
        }
    }
    Some(traces)
}

/// A lesson's "Try it": loads its settings, runs its experiment, and states
/// the measured result.
pub fn try_lesson(store: Store, lesson: Lesson) {
    if store.busy.get_untracked().is_some() {
        return;
    }
    let env = store.env.get_untracked();
    // The pool setting stays as it is: changing it takes a reload.
    let pool = store.settings.get_untracked().pool;
    let (settings, _) = Settings {
        pool,
        ..lesson.settings.clone()
    }
    .fit_to_pool(env.pool_threads);
    store.settings.set(settings.clone());
    // Loading a lesson is the person's choice: Back returns to what was there.
    url::user_change();
    url::write(&settings);
    set_lesson_result(store, lesson.id, None);
    spawn_local(async move {
        let traces = match &lesson.experiment {
            Experiment::Modes(modes) => {
                store.comparison.update(|c| c.clear());
                run_modes(store, modes.clone(), lesson.title).await
            }
            Experiment::Sweep => sweep_threads(store, lesson.title).await,
            Experiment::Assignments(ways) => {
                run_assignments(store, ways.clone(), lesson.title).await
            }
            Experiment::Grid {
                strategies,
                threads,
            } => {
                // The lesson's runs fill the shared counter's card too.
                let into = if strategies.contains(&Strategy::Adjacent) {
                    store.false_sharing
                } else {
                    store.contention
                };
                run_grid(store, strategies, threads, lesson.title, Some(into)).await
            }
        };
        let sentence = traces.and_then(|t| lesson.conclude(&t)).unwrap_or_else(|| {
            "The experiment did not complete, so there is no result to state.".into()
        });
        set_lesson_result(store, lesson.id, Some(sentence));
    });
}

/// Runs the parallel mode for each strategy × thread count on the current
/// settings (see [`grid`]), after a short warm-up of each strategy; each
/// trace lands in `into` as it ends.
async fn run_grid(
    store: Store,
    strategies: &[Strategy],
    threads: &[u32],
    label: &str,
    into: Option<RwSignal<Vec<Trace>>>,
) -> Option<Vec<Trace>> {
    let (settings, _) = prepare(store, Plan::Modes(&[Mode::Parallel]))?;
    let runs = grid(&settings, strategies, threads);
    if let Err(refusal) = check_grid_estimate(&runs) {
        store.message.set(Some(Message::Error(refusal)));
        return None;
    }
    let steps = runs.len() as u32;
    if let Some(into) = into {
        into.set(Vec::new());
    }
    // A worker's first calls run in a slower JIT tier: one short run of
    // each strategy first, so that the first point is not the slowest.
    if settings.workload == Workload::Counter {
        let pool = store.env.get_untracked().pool_threads.max(1);
        for (warm, lanes) in grid(&settings, strategies, &[pool]) {
            store.busy.set(Some(Busy {
                label: format!("{label}: warming up"),
                step: 0,
                steps,
            }));
            let warm = Settings {
                tasks: pool * 2,
                updates: warm.updates.min(20_000),
                ..warm
            };
            let (trace, lost) = run_one(store, &warm, Mode::Parallel, lanes).await;
            if lost || trace.outcome != Outcome::Completed {
                report(store, &trace, lost);
                store.busy.set(None);
                return None;
            }
        }
    }
    let mut traces = Vec::new();
    for (i, (run, lanes)) in runs.into_iter().enumerate() {
        store.busy.set(Some(Busy {
            label: format!(
                "{label}: {}, {lanes} thread{}",
                run.strategy.label(),
                if lanes == 1 { "" } else { "s" }
            ),
            step: i as u32 + 1,
            steps,
        }));
        let (trace, lost) = run_one(store, &run, Mode::Parallel, lanes).await;
        store.trace.set(Some(trace.clone()));
        let completed = trace.outcome == Outcome::Completed;
        report(store, &trace, lost);
        traces.push(trace);
        if let Some(into) = into {
            into.set(traces.clone());
        }
        if !completed {
            break;
        }
    }
    store.busy.set(None);
    Some(traces)
}

/// Contention: racy, atomic, mutex and local, each on 1..pool threads.
pub fn contention(store: Store) {
    let pool = store.env.get_untracked().pool_threads.max(1);
    let threads: Vec<u32> = (1..=pool).collect();
    spawn_local(async move {
        run_grid(
            store,
            &[
                Strategy::Racy,
                Strategy::Atomic,
                Strategy::Mutex,
                Strategy::Local,
            ],
            &threads,
            "Contention",
            Some(store.contention),
        )
        .await;
    });
}

/// False sharing: per-lane counters side by side, then padded apart, on
/// every thread of the pool.
pub fn false_sharing(store: Store) {
    let pool = store.env.get_untracked().pool_threads.max(1);
    spawn_local(async move {
        run_grid(
            store,
            &[Strategy::Adjacent, Strategy::Padded],
            &[pool],
            "False sharing",
            Some(store.false_sharing),
        )
        .await;
    });
}
