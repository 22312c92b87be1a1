//! The page's state: one store of signals, provided once through context.
//! Components read what they show and write only what they change.

use crate::engine::environment::Environment;
use crate::engine::plan::{Notice, Settings};
use crate::engine::session::Comparison;
use crate::engine::trace::Trace;
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
    /// What was wrong with the link the page was opened with.
    pub notices: RwSignal<Vec<Notice>>,
    pub busy: RwSignal<Option<Busy>>,
    pub message: RwSignal<Option<Message>>,
    /// The latest run: what the timeline shows when nothing runs.
    pub trace: RwSignal<Option<Trace>>,
    /// Runs of one task set in different modes, for the comparison.
    pub comparison: RwSignal<Comparison>,
    /// The runs of the latest thread sweep, 1..n threads.
    pub sweep: RwSignal<Vec<Trace>>,
    pub lesson: RwSignal<Option<LessonResult>>,
    /// Bumped about ten times a second while a run goes on: the live timeline redraws.
    pub tick: RwSignal<u64>,
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
            lesson: RwSignal::new(None),
            tick: RwSignal::new(0),
        }
    }
}
