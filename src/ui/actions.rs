//! What the buttons do: run modes, compare them, sweep threads, try a
//! lesson, run a strategy × threads grid, stop, run a received result here.
//! Each action checks the settings with the engine, runs through the lab,
//! and puts the traces in the page's state. No arithmetic here: figures
//! come from the engine.
//!
//! [`Actions`] is all a component with such buttons is given: it can start
//! these operations, and read nothing through it. The runs of modes and
//! sweeps are here; a lesson's experiments and the strategy × threads
//! grids in `actions/lessons.rs`; the question Run, Compare and Sweep ask
//! first when the person wants one in `actions/predicted.rs`; what comes
//! with a received result in `actions/received.rs`.

mod lessons;
mod predicted;
mod received;

pub use predicted::{machine_of, saved_predict_first};
pub use received::RECEIVED;

use super::state::{Busy, Message, Page, PageStoreFields, Runs, RunsStoreFields, SettingsEditor};
use crate::engine::lessons::Action;
use crate::engine::plan::{Mode, Settings, Workload};
use crate::engine::record::{Outcome, Trace};
use crate::runtime::casualty;
use crate::runtime::lab::lab;
use leptos::prelude::*;
use leptos::task::spawn_local;
use reactive_stores::Store;
use std::sync::Arc;

/// What is about to run, for its estimate: one run per mode, or a sweep
/// (one parallel run per thread count, 1 to the pool's size).
#[derive(Clone, Copy)]
enum Plan<'a> {
    Modes(&'a [Mode]),
    Sweep,
}

/// One run of a sequence of runs, and how the progress line names it.
struct Step {
    settings: Settings,
    mode: Mode,
    lanes: u32,
    label: String,
}

/// The operations of the page (see the module docs).
#[derive(Clone, Copy)]
pub struct Actions {
    page: Store<Page>,
}

impl Actions {
    pub fn new(page: Store<Page>) -> Actions {
        Actions { page }
    }

    fn editor(self) -> SettingsEditor {
        SettingsEditor::of(self.page)
    }

    fn is_busy(self) -> bool {
        self.page.busy().with_untracked(Option::is_some)
    }

    fn say(self, message: Option<Message>) {
        self.page.message().set(message);
    }

    /// The settings to run now: threads fitted to the pool, parallel modes
    /// dropped (with the reason) when there is no pool, and the whole plan's
    /// estimate checked against the limit.
    fn prepare(self, plan: Plan) -> Option<(Settings, Vec<Mode>)> {
        let sweep = [Mode::Parallel];
        let modes = match plan {
            Plan::Modes(modes) => modes,
            Plan::Sweep => &sweep,
        };
        if self.is_busy() {
            return None;
        }
        let env = self.page.env().get_untracked();
        let (settings, notice) = self
            .page
            .settings()
            .get_untracked()
            .fit_to_pool(env.pool_threads);
        if let Some(n) = notice {
            self.editor().set_by_page(settings.clone());
            self.say(Some(Message::Info(n.message)));
        } else {
            self.say(None);
        }
        // The shared counter runs on the pool's threads only (Settings::clamped).
        let counter = settings.workload == Workload::Counter;
        let wanted: Vec<Mode> = modes
            .iter()
            .copied()
            .filter(|m| !counter || *m == Mode::Parallel)
            .collect();
        let mut skipped = Vec::new();
        if counter && wanted.len() < modes.len() {
            skipped.push(
                "The shared counter runs on the pool's threads only: the other modes were skipped."
                    .to_string(),
            );
        }
        let runnable: Vec<Mode> = wanted
            .iter()
            .copied()
            .filter(|m| !m.uses_pool() || env.parallel_available())
            .collect();
        if runnable.len() < wanted.len() {
            let why = env.parallel_unavailable_reason().unwrap_or_default();
            if runnable.is_empty() {
                self.say(Some(Message::Error(format!(
                    "Parallel modes are unavailable. {why}"
                ))));
                return None;
            }
            skipped.push(format!("Parallel modes were skipped. {why}"));
        }
        if !skipped.is_empty() {
            self.say(Some(Message::Info(skipped.join(" "))));
        }
        let estimate = match plan {
            Plan::Modes(_) => settings.check_estimate(&runnable),
            Plan::Sweep => settings.check_sweep_estimate(env.pool_threads),
        };
        if let Err(refusal) = estimate {
            self.say(Some(Message::Error(refusal)));
            return None;
        }
        Some((settings, runnable))
    }

    /// Runs one mode through the lab; tells whether a pool thread died
    /// during it (the pool is then smaller for every later run).
    async fn run_one(self, settings: &Settings, mode: Mode, lanes: u32) -> (Arc<Trace>, bool) {
        let before = casualty::count();
        let trace = Arc::new(lab().run(settings, mode, lanes).await);
        let lost = casualty::count() > before;
        if lost {
            self.note_pool_loss();
        }
        (trace, lost)
    }

    /// A pool thread died: the pool keeps only the living threads until the
    /// page is reloaded, so the environment (and with it the thread
    /// settings, the sweep, the panel) says so.
    fn note_pool_loss(self) {
        let living = casualty::living();
        self.page.env().update(|e| {
            e.pool_threads = living;
            if living == 0 {
                e.pool_error = Some(
                    "Every thread of the worker pool has stopped. Parallel modes are disabled until you reload the page."
                        .into(),
                );
            }
        });
    }

    /// Describes a run that did not complete; `lost_thread`: a pool thread
    /// died during it.
    fn report(self, trace: &Trace, lost_thread: bool) {
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
            self.say(Some(Message::Error(format!(
                "The run failed: {message}. The pool lost that thread, so the run was stopped: {} of {} tasks finished. \
                 A thread cannot be restarted: until you reload the page, the pool has {left}. \
                 Sequential and concurrent runs are not affected.",
                trace.finished, trace.tasks
            ))));
            return;
        }
        match &trace.outcome {
            Outcome::Completed => {}
            Outcome::Cancelled => self.say(Some(Message::Info(format!(
                "Stopped: {} of {} tasks finished; the partial timeline is kept.",
                trace.finished, trace.tasks
            )))),
            Outcome::Failed { message, .. } => self.say(Some(Message::Error(format!(
                "The run failed: {message}. The other tasks ran on; {} of {} finished.",
                trace.finished, trace.tasks
            )))),
        }
    }

    /// Runs `steps` one after the other, each shown as the latest run and
    /// handed to `keep` as it ends; stops at the first that does not
    /// complete. The one run loop of every action.
    async fn run_steps(
        self,
        steps: Vec<Step>,
        mut keep: impl FnMut(&Settings, &Arc<Trace>),
    ) -> Vec<Arc<Trace>> {
        let total = steps.len() as u32;
        let mut traces = Vec::with_capacity(steps.len());
        // A predicted time belongs to the run it predicted.
        self.page.predicted_time().set(None);
        for (i, step) in steps.into_iter().enumerate() {
            self.page.busy().set(Some(Busy {
                label: step.label,
                step: i as u32 + 1,
                steps: total,
            }));
            let (trace, lost) = self.run_one(&step.settings, step.mode, step.lanes).await;
            keep(&step.settings, &trace);
            self.page.latest().set(Some(Arc::clone(&trace)));
            let completed = trace.outcome == Outcome::Completed;
            self.report(&trace, lost);
            traces.push(trace);
            if !completed {
                break;
            }
        }
        self.page.busy().set(None);
        traces
    }

    /// A short run first, shown as "warming up" and kept nowhere: a
    /// worker's first calls run in a slower JIT tier, which would flatter
    /// every later point against the first. False if it did not complete
    /// (then the sequence is over, and says why).
    async fn warm_up(self, settings: &Settings, lanes: u32, label: &str, steps: u32) -> bool {
        self.page.busy().set(Some(Busy {
            label: format!("{label}: warming up"),
            step: 0,
            steps,
        }));
        let (trace, lost) = self.run_one(settings, Mode::Parallel, lanes).await;
        if lost || trace.outcome != Outcome::Completed {
            self.report(&trace, lost);
            self.page.busy().set(None);
            return false;
        }
        true
    }

    /// Runs `modes` one after the other on the current settings; each
    /// result joins the comparison. `None` if nothing ran.
    async fn run_modes(self, modes: Vec<Mode>, label: &str) -> Option<Vec<Arc<Trace>>> {
        let (settings, modes) = self.prepare(Plan::Modes(&modes))?;
        let steps = modes
            .into_iter()
            .map(|mode| Step {
                settings: Settings {
                    mode,
                    ..settings.clone()
                },
                mode,
                lanes: if mode.uses_pool() { settings.lanes } else { 1 },
                label: format!("{label}: {}", mode.label()),
            })
            .collect();
        let comparison = self.page.comparison();
        Some(
            self.run_steps(steps, |s, trace| {
                comparison.update(|c| c.add(s, Arc::clone(trace)));
            })
            .await,
        )
    }

    /// Run: the selected mode (or, with "Predict first" on, its question).
    pub fn run(self) {
        self.press(Action::Run);
    }

    /// Compare all modes on the current task set.
    pub fn compare(self) {
        self.press(Action::Compare);
    }

    /// Sweep threads: the parallel mode on 1, 2, … pool-size threads.
    pub fn sweep(self) {
        self.press(Action::Sweep);
    }

    /// A button pressed: its question first if the person asked for one,
    /// else its runs.
    fn press(self, action: Action) {
        if self.is_busy() {
            return;
        }
        if self.page.predict_first().get_untracked() {
            self.page.asking().set(Some(action));
            return;
        }
        // The panel's last prediction was of other runs.
        self.page.plain().set(None);
        spawn_local(async move {
            self.perform(action).await;
        });
    }

    /// The runs of `action`; `None` if nothing ran.
    async fn perform(self, action: Action) -> Option<Vec<Arc<Trace>>> {
        match action {
            Action::Run => {
                let mode = self.page.settings().with_untracked(|s| s.mode);
                self.run_modes(vec![mode], "Running").await
            }
            Action::Compare => {
                self.page.comparison().update(|c| c.clear());
                self.run_modes(Mode::ALL.to_vec(), "Comparing").await
            }
            Action::Sweep => self.sweep_threads("Sweeping threads").await,
        }
    }

    async fn sweep_threads(self, label: &str) -> Option<Vec<Arc<Trace>>> {
        let threads = self.page.env().with_untracked(|e| e.pool_threads);
        let (settings, _) = self.prepare(Plan::Sweep)?;
        let sweep = self.page.sweep();
        self.page.predicted_speedup().set(None);
        sweep.set(Runs {
            settings: Some(settings.clone()),
            traces: Vec::new(),
        });
        let warm = Settings {
            tasks: threads * 2,
            work_ms: 10,
            ..settings.clone()
        };
        if !self.warm_up(&warm, threads, label, threads).await {
            return None;
        }
        let steps = (1..=threads)
            .map(|p| Step {
                settings: settings.clone(),
                mode: Mode::Parallel,
                lanes: p,
                label: format!("{label}: {p} of {threads} threads"),
            })
            .collect();
        // The sweep grows a run at a time, each kept once.
        let traces = sweep.traces();
        Some(
            self.run_steps(steps, |_, trace| {
                traces.update(|all| all.push(Arc::clone(trace)));
            })
            .await,
        )
    }

    /// Stop: ends the run in progress (and the rest of a comparison or sweep).
    pub fn stop(self) {
        lab().stop();
    }
}
