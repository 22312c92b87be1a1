//! The page's state: one store of signals, provided once through context.
//! Components read what they show and write only what they change.

use crate::engine::analysis::Comparison;
use crate::engine::environment::Environment;
use crate::engine::plan::{Notice, Settings};
use crate::engine::record::Trace;
use leptos::prelude::*;

/// What is running, for the progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct Busy {
    pub label: String,
    pub step: u32,
    pub steps: u32,
}

/// A message beside the controls.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Error(String),
    Info(String),
}

/// The result of a lesson's "Try it".
#[derive(Debug, Clone, PartialEq)]
pub struct LessonResult {
    pub id: &'static str,
    /// `None` while it runs; the measured sentence after.
    pub sentence: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Store {
    pub settings: RwSignal<Settings>,
    pub env: RwSignal<Environment>,
    /// Whether the pool and the yield measurement have finished starting.
    pub ready: RwSignal<bool>,
    /// What was changed in the settings as given: by the link the page was
    /// opened with (or that history restored), or by a control the person
    /// set (a number clamped, rounded or ignored). Shown by `Notices`.
    pub notices: RwSignal<Vec<Notice>>,
    pub busy: RwSignal<Option<Busy>>,
    pub message: RwSignal<Option<Message>>,
    /// The latest run: what the timeline shows when nothing runs.
    pub trace: RwSignal<Option<Trace>>,
    /// Runs of one task set in different modes, for the comparison.
    pub comparison: RwSignal<Comparison>,
    /// The runs of the latest thread sweep, 1..n threads.
    pub sweep: RwSignal<Vec<Trace>>,
    /// The settings the latest sweep ran (its task set), for its result link.
    pub sweep_settings: RwSignal<Option<Settings>>,
    /// Each lesson's latest result, kept on its card while others run.
    pub lessons: RwSignal<Vec<LessonResult>>,
    /// The shared counter's latest contention experiment (each strategy
    /// on 1..n threads) and false-sharing pair, in the order they ran.
    pub contention: RwSignal<Vec<Trace>>,
    pub false_sharing: RwSignal<Vec<Trace>>,
}

impl Store {
    pub fn new(settings: Settings, notices: Vec<Notice>, env: Environment) -> Store {
        Store {
            settings: RwSignal::new(settings),
            env: RwSignal::new(env),
            ready: RwSignal::new(false),
            notices: RwSignal::new(notices),
            busy: RwSignal::new(None),
            message: RwSignal::new(None),
            trace: RwSignal::new(None),
            comparison: RwSignal::new(Comparison::default()),
            sweep: RwSignal::new(Vec::new()),
            sweep_settings: RwSignal::new(None),
            lessons: RwSignal::new(Vec::new()),
            contention: RwSignal::new(Vec::new()),
            false_sharing: RwSignal::new(Vec::new()),
        }
    }

    /// Shows what became of a value the person set in `field`: the notices
    /// about it (out of date now that it was set again), and about any
    /// setting `notices` speak of, give way to `notices`, which may be none.
    /// Notices about other settings stay.
    pub fn renotice(self, field: &str, notices: Vec<Notice>) {
        let stale = |n: &Notice| n.field == field || notices.iter().any(|m| m.field == n.field);
        if notices.is_empty() && !self.notices.with_untracked(|all| all.iter().any(stale)) {
            return; // nothing to change: no redraw on every step of a drag
        }
        self.notices.update(|all| {
            all.retain(|n| !stale(n));
            all.extend(notices.iter().cloned());
        });
    }
}
