//! A lesson's "Try it" (its experiment, then its measured sentence), and
//! the shared counter's strategy × threads grids.

use super::{Actions, Plan, Step};
use crate::engine::lessons::{Experiment, Lesson, Prediction, Scored};
use crate::engine::plan::{
    Assignment, Mode, Settings, Strategy, Workload, check_grid_estimate, grid,
};
use crate::engine::record::{Outcome, Trace};
use crate::ui::state::{LessonResult, Message, PageStoreFields, Runs, RunsStoreFields};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Where the runs of a grid go: the contention experiment, or the
/// false-sharing pair.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GridOf {
    Contention,
    FalseSharing,
}

impl Actions {
    /// Sets lesson `id`'s result on its card, the other cards' results kept.
    pub(super) fn set_lesson_result(
        self,
        id: &'static str,
        sentence: Option<String>,
        scored: Option<Scored>,
    ) {
        self.page.lessons().update(|all| {
            all.retain(|r| r.id != id);
            all.push(LessonResult {
                id,
                sentence,
                scored,
            });
        });
    }

    /// Runs the parallel mode once per way of handing out tasks, the
    /// settings otherwise the same (each run is a task set of its own in
    /// the comparison).
    async fn run_assignments(self, ways: Vec<Assignment>, label: &str) -> Option<Vec<Arc<Trace>>> {
        let mut traces = Vec::new();
        for assignment in ways {
            let settings = self.page.settings().get_untracked();
            self.editor().set_by_page(Settings {
                assignment,
                ..settings
            });
            let label = format!("{label}: {}", assignment.label());
            let mut run = self.run_modes(vec![Mode::Parallel], &label).await?;
            let completed = run.iter().all(|t| t.outcome == Outcome::Completed);
            traces.append(&mut run);
            if !completed {
                break;
            }
        }
        Some(traces)
    }

    /// A lesson's "Try it": loads its settings, runs its experiment, and
    /// states the measured result, beside the person's `prediction` if they
    /// made one.
    pub fn try_lesson(self, lesson: Lesson, prediction: Option<Prediction>) {
        if self.is_busy() {
            return;
        }
        let env = self.page.env().get_untracked();
        // The pool setting stays as it is: changing it takes a reload.
        let pool = self.page.settings().with_untracked(|s| s.pool);
        let (settings, _) = Settings {
            pool,
            ..lesson.settings.clone()
        }
        .fit_to_pool(env.pool_threads);
        // Loading a lesson is the person's choice: Back returns to what was there.
        self.editor().set_by_person(settings);
        self.set_lesson_result(lesson.id, None, None);
        self.page.plain().set(None);
        spawn_local(async move {
            let traces = match &lesson.experiment {
                Experiment::Modes(modes) => {
                    self.page.comparison().update(|c| c.clear());
                    self.run_modes(modes.clone(), lesson.title).await
                }
                Experiment::Sweep => self.sweep_threads(lesson.title).await,
                Experiment::Assignments(ways) => {
                    self.run_assignments(ways.clone(), lesson.title).await
                }
                Experiment::Grid {
                    strategies,
                    threads,
                } => {
                    // The lesson's runs fill the shared counter's card too.
                    let into = if strategies.contains(&Strategy::Adjacent) {
                        GridOf::FalseSharing
                    } else {
                        GridOf::Contention
                    };
                    self.run_grid(strategies, threads, lesson.title, into).await
                }
            };
            let scored = prediction.and_then(|p| self.settle(&lesson, p, traces.as_deref()).0);
            let sentence = match traces {
                None => "Nothing ran (the message beside the buttons says why), so there is no result to state.".into(),
                Some(t) => lesson.conclude(&t).unwrap_or_else(|| {
                    "The experiment did not complete, so there is no result to state.".into()
                }),
            };
            self.set_lesson_result(lesson.id, Some(sentence), scored);
        });
    }

    /// Runs the parallel mode for each strategy × thread count on the
    /// current settings (see [`grid`]), after a short warm-up of each
    /// strategy; each trace lands in the experiment `into` as it ends.
    async fn run_grid(
        self,
        strategies: &[Strategy],
        threads: &[u32],
        label: &str,
        into: GridOf,
    ) -> Option<Vec<Arc<Trace>>> {
        let (settings, _) = self.prepare(Plan::Modes(&[Mode::Parallel]))?;
        let runs = grid(&settings, strategies, threads);
        if let Err(refusal) = check_grid_estimate(&runs) {
            self.say(Some(Message::Error(refusal)));
            return None;
        }
        let experiment = match into {
            GridOf::Contention => self.page.contention(),
            GridOf::FalseSharing => self.page.false_sharing(),
        };
        experiment.set(Runs {
            settings: Some(settings.clone()),
            traces: Vec::new(),
        });
        let steps = runs.len() as u32;
        if settings.workload == Workload::Counter {
            let pool = self.page.env().with_untracked(|e| e.pool_threads).max(1);
            for (warm, lanes) in grid(&settings, strategies, &[pool]) {
                let warm = Settings {
                    tasks: pool * 2,
                    updates: warm.updates.min(20_000),
                    ..warm
                };
                if !self.warm_up(&warm, lanes, label, steps).await {
                    return None;
                }
            }
        }
        let steps = runs
            .into_iter()
            .map(|(run, lanes)| Step {
                label: format!(
                    "{label}: {}, {}",
                    run.strategy.label(),
                    crate::engine::format::count(lanes, "thread")
                ),
                settings: run,
                mode: Mode::Parallel,
                lanes,
            })
            .collect();
        let traces = experiment.traces();
        Some(
            self.run_steps(steps, |_, trace| {
                traces.update(|all| all.push(Arc::clone(trace)));
            })
            .await,
        )
    }

    /// Contention: racy, atomic, mutex and local, each on 1..pool threads.
    pub fn contention(self) {
        self.page.plain().set(None);
        let pool = self.page.env().with_untracked(|e| e.pool_threads).max(1);
        let threads: Vec<u32> = (1..=pool).collect();
        spawn_local(async move {
            self.run_grid(
                &[
                    Strategy::Racy,
                    Strategy::Atomic,
                    Strategy::Mutex,
                    Strategy::Local,
                ],
                &threads,
                "Contention",
                GridOf::Contention,
            )
            .await;
        });
    }

    /// False sharing: per-lane counters side by side, then padded apart,
    /// on every thread of the pool.
    pub fn false_sharing(self) {
        self.page.plain().set(None);
        let pool = self.page.env().with_untracked(|e| e.pool_threads).max(1);
        spawn_local(async move {
            self.run_grid(
                &[Strategy::Adjacent, Strategy::Padded],
                &[pool],
                "False sharing",
                GridOf::FalseSharing,
            )
            .await;
        });
    }
}
