//! The server card's state, shared with Learn's server lessons (their Try
//! it serves on the card and states the result on the lesson): what is
//! asked, the runs so far, the way being served, and what the last serve
//! said about the numbers. Provided once by the app as a context.

use super::state::LessonResult;
use crate::engine::environment::Environment;
use crate::engine::exec::{CancelFlag, Clock};
use crate::engine::format::format_ms;
use crate::engine::lessons::{Prediction, ServerLesson};
use crate::engine::plan::{MAX_ESTIMATE_MS, ServerAsk, Way};
use crate::engine::record::{Served, ServedOutcome};
use crate::engine::travel::{Machine, ServedRecord};
use crate::engine::work::Kernel;
use crate::runtime::clock::BrowserClock;
use crate::runtime::lab::lab;
use leptos::prelude::*;
use leptos::task::spawn_local;
use reactive_stores::Field;
use std::sync::Arc;

/// The handlers' kernel: the hash, the most regular per unit.
const KERNEL: Kernel = Kernel::Hash;

#[derive(Debug, Clone, Copy)]
pub struct ServerState {
    pub ask: RwSignal<ServerAsk>,
    pub runs: RwSignal<Vec<Served>>,
    pub serving: RwSignal<Option<Way>>,
    /// What became of the numbers asked, or why nothing was served.
    pub said: RwSignal<Vec<String>>,
    /// The machine the runs shown were measured on, when they came in a
    /// result link (None: measured here).
    pub received: RwSignal<Option<Machine>>,
    /// The numbers the runs shown were served with (the card's may have
    /// changed since): what a report or a link of them says.
    pub served_with: RwSignal<Option<ServerAsk>>,
    /// The serve in progress's stop flag, and when Stop was pressed (on
    /// the aligned clock): set from the moment Serve is pressed, so that
    /// Stop reaches a serve still waiting for its turn.
    stop: StoredValue<Option<(Arc<CancelFlag>, Option<f64>)>>,
}

impl ServerState {
    pub fn new() -> ServerState {
        ServerState {
            ask: RwSignal::new(ServerAsk::default()),
            runs: RwSignal::new(Vec::new()),
            serving: RwSignal::new(None),
            said: RwSignal::new(Vec::new()),
            received: RwSignal::new(None),
            served_with: RwSignal::new(None),
            stop: StoredValue::new(None),
        }
    }

    /// Stops the serve in progress: the way being served ends within a
    /// handler or a nap, and no other way starts.
    pub fn stop(self) {
        self.stop.update_value(|s| {
            if let Some((flag, at)) = s {
                at.get_or_insert(BrowserClock.now());
                lab().stop_serving(flag);
            }
        });
    }

    pub fn is_serving(self) -> bool {
        self.serving.with(Option::is_some)
    }

    /// Serves what is asked `ways`, one after the other (stopping at a run
    /// that did not complete); calls `then` with every run once done. False
    /// when nothing was started (the estimate is past the limit, or a serve
    /// is going on).
    pub fn serve(
        self,
        env: &Environment,
        ways: Vec<Way>,
        then: impl FnOnce(&[Served]) + 'static,
    ) -> bool {
        if self.is_serving() {
            self.said.set(vec![
                "A serve is going on: wait for it to end, or press Stop serving.".into(),
            ]);
            return false;
        }
        let (asked, mut notes) = self.ask.get_untracked().clamped();
        self.ask.set(asked);
        let estimate = asked.estimate_ms();
        if estimate > MAX_ESTIMATE_MS {
            self.said.set(vec![format!(
                "Not served: one loop would take about {} (an estimate from the settings), more than the {} a run may take. Fewer connections, messages or a shorter handler.",
                format_ms(estimate),
                format_ms(MAX_ESTIMATE_MS)
            )]);
            return false;
        }
        let parallel = env.parallel_available();
        let ways: Vec<Way> = ways
            .into_iter()
            .filter(|w| parallel || !w.uses_pool())
            .collect();
        let Some(&first) = ways.first() else {
            self.said.set(vec![
                "Not served: this page has no thread pool (see Environment), and these ways need one."
                    .into(),
            ]);
            return false;
        };
        if !parallel {
            notes.push(
                "This page has no thread pool (see Environment): the ways that need one are not served."
                    .into(),
            );
        }
        self.said.set(notes);
        self.runs.set(vec![]);
        self.received.set(None);
        self.served_with.set(Some(asked));
        self.serving.set(Some(first));
        let flag = Arc::new(CancelFlag::new());
        self.stop.set_value(Some((Arc::clone(&flag), None)));
        spawn_local(async move {
            let lab = lab();
            for way in ways {
                if flag.is_cancelled() {
                    break;
                }
                self.serving.set(Some(way));
                let units_per_ms = lab.rate(KERNEL).units_per_ms;
                let server = asked.server(KERNEL, units_per_ms, asked.seed());
                let mut served = lab.serve(server, way, Arc::clone(&flag)).await;
                if served.outcome == ServedOutcome::Stopped && !served.stopped_before_it_began() {
                    // From Stop's click to the moment its loops had all returned.
                    let at = self.stop.with_value(|s| s.as_ref().and_then(|(_, at)| *at));
                    served.stop_latency_ms = at.map(|t| (served.ended_ms - t).max(0.0));
                }
                let go_on = served.outcome == ServedOutcome::Completed;
                self.runs.update(|r| r.push(served));
                if !go_on {
                    break;
                }
            }
            self.stop.set_value(None);
            self.serving.set(None);
            self.runs.with_untracked(|runs| then(runs));
        });
        true
    }

    /// A server lesson's Try it: its numbers on the card, its ways served,
    /// then its measured sentence (and the prediction scored) on its card.
    pub fn try_lesson(
        self,
        env: &Environment,
        lesson: ServerLesson,
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
        self.ask.set(lesson.ask);
        set(None, None);
        let started = self.serve(env, lesson.ways.clone(), move |runs| {
            let sentence = lesson.conclude(runs).unwrap_or_else(|| {
                "The experiment did not complete (the server card says why), so there is no result to state.".into()
            });
            let scored = prediction.and_then(|p| lesson.score(p, runs));
            set(Some(sentence), scored);
        });
        if !started {
            set(
                Some("Nothing was served (the server card says why), so there is no result to state.".into()),
                None,
            );
        }
    }
}

impl ServerState {
    /// Shows runs that came in a result link, as they were measured there,
    /// with the numbers they were served with; false (and said) while a
    /// serve goes on, which keeps its runs.
    pub fn receive(self, rec: ServedRecord) -> bool {
        if self.is_serving() {
            self.said.set(vec![
                "A link brought a server's runs while a serve was going on: open it again when the serve ends.".into(),
            ]);
            return false;
        }
        self.ask.set(rec.asked);
        self.served_with.set(Some(rec.asked));
        self.runs.set(rec.runs);
        self.received.set(Some(rec.machine));
        self.said.set(vec![]);
        true
    }
}

impl Default for ServerState {
    fn default() -> ServerState {
        ServerState::new()
    }
}
