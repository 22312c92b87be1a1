//! The training card's state and its two experiments: the ladder (the
//! same training on every rung, at every batch size up to the one asked)
//! and the scaling sweeps (the same batch on 1..p threads, both ways of
//! summing; a batch per thread on 1..p threads). Runs take the lab's turn,
//! so nothing else is on the pool meanwhile; the charts are drawn once an
//! experiment has ended, not between its runs, so that drawing does not
//! take a core from the runs it is about.

use super::state::LessonResult;
use crate::engine::exec::{CancelFlag, cpu_rung};
use crate::engine::lessons::{Prediction, TrainExperiment, TrainingLesson};
use crate::engine::plan::{Reduce, Rung, TrainAsk, Training, ladder_batches};
use crate::engine::record::{TrainOutcome, Trained};
use crate::engine::travel::{Machine, TrainedRecord};
use crate::engine::work::{CHUNK, Dataset, Lanes};
use crate::runtime::casualty;
use crate::runtime::gpu::{self, GpuStatus};
use crate::runtime::lab::lab;
use crate::runtime::train::{dataset, train, train_gpu};
use leptos::prelude::*;
use leptos::task::spawn_local;
use reactive_stores::Field;
use std::sync::Arc;

/// Every run trains on the data set of this seed.
pub const SEED: u64 = 2026;

#[derive(Debug, Clone, Copy)]
pub struct TrainingState {
    pub features: RwSignal<usize>,
    /// The ladder's largest batch; the scaling sweeps' batch.
    pub batch: RwSignal<usize>,
    pub steps: RwSignal<u32>,
    pub reduce: RwSignal<Reduce>,
    pub ladder: RwSignal<Vec<Trained>>,
    pub strong: RwSignal<Vec<Trained>>,
    pub weak: RwSignal<Vec<Trained>>,
    /// What is running now.
    pub running: RwSignal<Option<String>>,
    /// Why the last experiment ended early, if it did.
    pub said: RwSignal<Vec<String>>,
    /// What the page found of WebGPU (None until the ladder first looks).
    pub gpu: RwSignal<Option<GpuStatus>>,
    /// Where the runs shown came from, when a link brought them.
    pub received: RwSignal<Option<ReceivedTraining>>,
    /// The card's numbers when the last experiment started (a link carries
    /// these, not numbers changed since).
    trained_with: StoredValue<Option<TrainAsk>>,
    stop: StoredValue<Option<Arc<CancelFlag>>>,
}

/// Runs that came in a link: the machine that measured them and what its
/// page found of WebGPU.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedTraining {
    pub machine: Machine,
    pub gpu: Option<String>,
    pub software: Option<String>,
}

impl TrainingState {
    pub fn new() -> TrainingState {
        TrainingState {
            features: RwSignal::new(TrainAsk::default().features),
            batch: RwSignal::new(TrainAsk::default().batch),
            steps: RwSignal::new(TrainAsk::default().steps),
            reduce: RwSignal::new(TrainAsk::default().reduce),
            ladder: RwSignal::new(vec![]),
            strong: RwSignal::new(vec![]),
            weak: RwSignal::new(vec![]),
            running: RwSignal::new(None),
            said: RwSignal::new(vec![]),
            gpu: RwSignal::new(None),
            received: RwSignal::new(None),
            trained_with: StoredValue::new(None),
            stop: StoredValue::new(None),
        }
    }

    /// The card's numbers (tracked: an effect reading them reruns as
    /// they change).
    pub fn ask(self) -> TrainAsk {
        TrainAsk {
            features: self.features.get(),
            batch: self.batch.get(),
            steps: self.steps.get(),
            reduce: self.reduce.get(),
        }
    }

    /// Shows `ask` in the card's controls (a link's numbers).
    pub fn set_ask(self, ask: TrainAsk) {
        self.features.set(ask.features);
        self.batch.set(ask.batch);
        self.steps.set(ask.steps);
        self.reduce.set(ask.reduce);
    }

    pub fn is_running(self) -> bool {
        self.running.with(Option::is_some)
    }

    pub fn stop(self) {
        if let Some(flag) = self.stop.get_value() {
            lab().stop_serving(&flag);
        }
    }

    /// The training asked, with a data set of `samples` rows.
    fn asked(self, batch: usize) -> Training {
        Training::new(
            SEED,
            self.features.get_untracked(),
            batch,
            self.steps.get_untracked(),
        )
    }

    /// Starts `experiment` with a fresh stop flag, unless one is running
    /// (then false); `then` is called once it has ended.
    fn start<F>(
        self,
        experiment: impl FnOnce(TrainingState, Arc<CancelFlag>) -> F + 'static,
        then: impl FnOnce(TrainingState) + 'static,
    ) -> bool
    where
        F: Future<Output = Vec<String>> + 'static,
    {
        if self.is_running() {
            return false;
        }
        // Runs measured here do not sit beside a link's: its runs go.
        if self.received.get_untracked().is_some() {
            self.received.set(None);
            self.ladder.set(vec![]);
            self.strong.set(vec![]);
            self.weak.set(vec![]);
        }
        self.trained_with.set_value(Some(self.ask_untracked()));
        let stop = Arc::new(CancelFlag::new());
        self.stop.set_value(Some(Arc::clone(&stop)));
        self.said.set(vec![]);
        self.running.set(Some("Waiting for the pool…".into()));
        spawn_local(async move {
            let said = lab()
                .run_alone(Arc::clone(&stop), experiment(self, Arc::clone(&stop)))
                .await;
            if stop.is_cancelled() && said.is_empty() {
                self.said
                    .set(vec!["Stopped: the runs finished so far are shown.".into()]);
            } else {
                self.said.set(said);
            }
            self.running.set(None);
            then(self);
        });
        true
    }

    /// The ladder: every rung at every batch size up to the one asked.
    pub fn climb(self, then: impl FnOnce(TrainingState) + 'static) -> bool {
        if self.is_running() {
            return false;
        }
        self.ladder.set(vec![]);
        self.start(
            move |state, stop| async move {
                let largest = state.asked(state.batch.get_untracked());
                let Some(data) = state.generate(largest, &stop).await else {
                    return state.no_data(&stop);
                };
                let (status, gpu) = gpu::opened().await;
                state.gpu.set(Some(status));
                let pool = (casualty::living() as usize).max(1);
                state.warm_up(&data, pool, &stop).await;
                let reduce = state.reduce.get_untracked();
                let mut runs = Vec::new();
                let mut said = Vec::new();
                'all: for batch in ladder_batches(largest.batch) {
                    let t = state.asked(batch).with_samples(data.samples());
                    for rung in Rung::ALL {
                        if stop.is_cancelled() {
                            break 'all;
                        }
                        state.running.set(Some(format!(
                            "Training: {} at {} samples a step…",
                            rung.label(),
                            crate::engine::format::thousands(batch as u64)
                        )));
                        let run = match (cpu_rung(rung, pool), &gpu) {
                            (Some((devices, lanes)), _) => {
                                let data = Arc::clone(&data);
                                train(rung, t, data, devices, reduce, lanes, Arc::clone(&stop))
                                    .await
                            }
                            (None, Some(g)) => train_gpu(g, t, &data, &stop).await,
                            (None, None) => continue,
                        };
                        if let TrainOutcome::Failed(why) = &run.outcome {
                            said.push(format!("{} failed: {why}", rung.label()));
                            if rung != Rung::Gpu {
                                runs.push(run);
                                break 'all;
                            }
                        }
                        runs.push(run);
                    }
                }
                state.ladder.set(runs);
                said
            },
            then,
        )
    }

    /// Strong scaling (the batch asked on 1..p threads, both ways of
    /// summing; no more threads than the batch has chunks) and weak
    /// scaling (a p-th of the batch per thread, in whole chunks, on 1..p).
    pub fn scale(self, then: impl FnOnce(TrainingState) + 'static) -> bool {
        if self.is_running() {
            return false;
        }
        self.strong.set(vec![]);
        self.weak.set(vec![]);
        self.start(
            move |state, stop| async move {
                let base = state.asked(state.batch.get_untracked());
                let Some(data) = state.generate(base, &stop).await else {
                    return state.no_data(&stop);
                };
                let pool = (casualty::living() as usize).max(1);
                state.warm_up(&data, pool, &stop).await;
                let chosen = state.reduce.get_untracked();
                // Whole chunks per thread, so that p threads train exactly p
                // times one thread's samples (the scaled speedup assumes it).
                let per = (base.chunks() / pool).max(1) * CHUNK;
                // No more threads for the same batch than it has chunks.
                let up_to = pool.min(base.chunks());
                let (mut strong, mut weak, mut said) = (Vec::new(), Vec::new(), Vec::new());
                let t = base.with_samples(data.samples());
                let rung = |p: usize| if p == 1 { Rung::Simd } else { Rung::Threads };
                'all: for p in 1..=pool {
                    let ways: &[Reduce] = if p == 1 { &[chosen] } else { &Reduce::ALL };
                    for &reduce in ways.iter().filter(|_| p <= up_to) {
                        if stop.is_cancelled() {
                            break 'all;
                        }
                        state.running.set(Some(format!(
                            "Scaling up: the same batch on {p} of {pool} threads, {}…",
                            reduce.label().to_lowercase()
                        )));
                        let data = Arc::clone(&data);
                        let run =
                            train(rung(p), t, data, p, reduce, Lanes::Simd, Arc::clone(&stop))
                                .await;
                        let failed = failure(&run, p);
                        strong.push(run);
                        if let Some(why) = failed {
                            said.push(why);
                            break 'all;
                        }
                    }
                    if stop.is_cancelled() {
                        break;
                    }
                    state.running.set(Some(format!(
                        "Scaling out: a batch per thread on {p} of {pool} threads…"
                    )));
                    let w = state.asked(per * p).with_samples(data.samples());
                    let data = Arc::clone(&data);
                    let run =
                        train(rung(p), w, data, p, chosen, Lanes::Simd, Arc::clone(&stop)).await;
                    let failed = failure(&run, p);
                    weak.push(run);
                    if let Some(why) = failed {
                        said.push(why);
                        break;
                    }
                }
                state.strong.set(strong);
                state.weak.set(weak);
                said
            },
            then,
        )
    }

    /// Runs `lesson`'s experiment with its numbers, then states its
    /// sentence (and scores `prediction`) in `results`.
    pub fn try_lesson(
        self,
        lesson: TrainingLesson,
        prediction: Option<Prediction>,
        results: Field<Vec<LessonResult>>,
    ) {
        let id = lesson.id;
        let set = move |sentence: Option<String>, scored| {
            results.update(|all| {
                all.retain(|r| r.id != id);
                all.push(LessonResult {
                    id,
                    sentence,
                    scored,
                });
            });
        };
        self.features.set(lesson.features);
        self.batch.set(lesson.batch);
        self.steps.set(lesson.steps);
        if lesson.experiment == TrainExperiment::Scaling {
            self.reduce.set(Reduce::Scatter);
        }
        set(None, None);
        let experiment = lesson.experiment;
        let done = move |state: TrainingState| {
            let software = state
                .gpu
                .with_untracked(|g| g.as_ref().and_then(GpuStatus::software_name));
            let (ladder, strong, weak) = (
                state.ladder.get_untracked(),
                state.strong.get_untracked(),
                state.weak.get_untracked(),
            );
            let sentence = lesson.conclude(&ladder, &strong, &weak, software.as_deref()).unwrap_or_else(|| {
                "The experiment did not complete (the training card says why), so there is no result to state.".into()
            });
            let scored = prediction.and_then(|p| lesson.score(p, &ladder, &weak));
            set(Some(sentence), scored);
        };
        let started = match experiment {
            TrainExperiment::Ladder => self.climb(done),
            TrainExperiment::Scaling => self.scale(done),
        };
        if !started {
            set(
                Some("A training run is going on: try again when it ends.".into()),
                None,
            );
        }
    }

    /// Runs both inner loops on every thread first, unmeasured: the
    /// browser compiles wasm in tiers, a function's first calls run its
    /// quickly compiled, slow code, and the optimised code replaces it
    /// some hundreds of calls later (cold, the ladder's first rung took
    /// 0.69 ms a step against 0.15 ms warm at 1,024 samples, and scaling's
    /// first run 5.2 ms against 2.2 ms after a warm-up of 20 chunks).
    /// 1,280 chunks per thread and inner loop (about 40 ms in all at 64
    /// features) warmed every later run.
    async fn warm_up(self, data: &Arc<Dataset>, pool: usize, stop: &Arc<CancelFlag>) {
        self.running.set(Some("Warming up every thread…".into()));
        let batch = (16 * CHUNK * pool).min(data.samples());
        let t = Training::new(SEED, data.features, batch, 80).with_samples(data.samples());
        for lanes in [Lanes::Scalar, Lanes::Simd] {
            let data = Arc::clone(data);
            let _ = train(
                Rung::Threads,
                t,
                data,
                pool,
                Reduce::ToOne,
                lanes,
                Arc::clone(stop),
            )
            .await;
        }
    }

    /// What to say when there is no data set: stopped, or no thread left.
    fn no_data(self, stop: &CancelFlag) -> Vec<String> {
        if stop.is_cancelled() {
            vec![]
        } else {
            vec![casualty::NO_THREAD_LEFT.into()]
        }
    }

    /// The data set for `training` (4 of its batches), on the pool; None
    /// (and nothing generated) when Stop came before the lab's turn.
    async fn generate(self, training: Training, stop: &CancelFlag) -> Option<Arc<Dataset>> {
        if stop.is_cancelled() {
            return None;
        }
        self.running.set(Some(format!(
            "Generating {} samples of {} features…",
            crate::engine::format::thousands(training.samples as u64),
            training.features
        )));
        dataset(training).await
    }
}

/// Why a run on `p` threads failed, if it did.
fn failure(run: &Trained, p: usize) -> Option<String> {
    match &run.outcome {
        TrainOutcome::Failed(why) => Some(format!("A run on {p} threads failed: {why}")),
        _ => None,
    }
}

impl Default for TrainingState {
    fn default() -> Self {
        Self::new()
    }
}

impl TrainingState {
    /// Shows runs that came in a result link, as they were measured there,
    /// with the numbers they were trained with; false (and said) while an
    /// experiment goes on, which keeps its runs.
    pub fn receive(self, rec: TrainedRecord) -> bool {
        if self.is_running() {
            self.said.set(vec![
                "A link brought training runs while an experiment was going on: open it again when it ends.".into(),
            ]);
            return false;
        }
        self.set_ask(rec.asked);
        self.trained_with.set_value(Some(rec.asked));
        self.ladder.set(rec.ladder);
        self.strong.set(rec.strong);
        self.weak.set(rec.weak);
        self.received.set(Some(ReceivedTraining {
            machine: rec.machine,
            gpu: rec.gpu,
            software: rec.software,
        }));
        self.said.set(vec![]);
        true
    }

    /// The card's runs as a link carries them, from `here` (this machine)
    /// unless they came in a link: then from the machine that measured them.
    pub fn record(self, here: Machine) -> TrainedRecord {
        let (machine, gpu, software) = match self.received.get_untracked() {
            Some(r) => (r.machine, r.gpu, r.software),
            None => {
                let status = self.gpu.get_untracked();
                (
                    here,
                    status.as_ref().map(GpuStatus::describe),
                    status.as_ref().and_then(GpuStatus::software_name),
                )
            }
        };
        TrainedRecord {
            machine,
            asked: self
                .trained_with
                .get_value()
                .unwrap_or_else(|| self.ask_untracked()),
            gpu,
            software,
            ladder: self.ladder.get_untracked(),
            strong: self.strong.get_untracked(),
            weak: self.weak.get_untracked(),
        }
    }

    fn ask_untracked(self) -> TrainAsk {
        untrack(|| self.ask())
    }
}
