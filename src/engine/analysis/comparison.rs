//! Results gathered over several runs: the comparison of modes on one task set.
//!
//! Runs are held as `Arc<Trace>`: the page shows the same run as the latest
//! one, in the comparison, in the replay and in a result link, and none of
//! them copies it.

use crate::engine::plan::{Mode, Settings, to_query};
use crate::engine::record::{Relative, Stats, Trace};
use std::sync::Arc;

/// Runs of the same task set, at most one per mode.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// Identifies the task set: every setting but the mode and the threads.
    key: String,
    runs: Vec<Arc<Trace>>,
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub trace: Arc<Trace>,
    pub stats: Stats,
    /// Against the sequential run, when there is one.
    pub relative: Option<Relative>,
}

impl Comparison {
    /// The key of `settings`' task set.
    pub fn key_of(settings: &Settings) -> String {
        let normal = Settings {
            mode: Mode::Sequential,
            lanes: 1,
            ..settings.clone()
        };
        to_query(&normal)
    }

    /// Adds a run of `settings`: replaces the run of the same mode, or starts
    /// over when the task set differs from the one compared so far.
    pub fn add(&mut self, settings: &Settings, trace: Arc<Trace>) {
        let key = Self::key_of(settings);
        if key != self.key {
            self.key = key;
            self.runs.clear();
        }
        self.runs.retain(|t| t.mode != trace.mode);
        self.runs.push(trace);
        self.runs
            .sort_by_key(|t| Mode::ALL.iter().position(|&m| m == t.mode));
    }

    /// Whether the runs compared are of `settings`' task set (every setting
    /// but the mode and the threads).
    pub fn is_of(&self, settings: &Settings) -> bool {
        self.key == Self::key_of(settings)
    }

    pub fn clear(&mut self) {
        self.runs.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    pub fn runs(&self) -> &[Arc<Trace>] {
        &self.runs
    }

    pub fn rows(&self) -> Vec<Row> {
        let baseline = self
            .runs
            .iter()
            .find(|t| t.mode == Mode::Sequential)
            .map(|t| t.stats());
        self.runs
            .iter()
            .map(|t| {
                let stats = t.stats();
                let relative = baseline
                    .as_ref()
                    .map(|b| stats.relative_to(b, t.lanes, t.mode == Mode::Parallel));
                Row {
                    trace: Arc::clone(t),
                    stats,
                    relative,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::{Lane, Span, SpanKind};

    fn trace(mode: Mode, lanes: u32, ms: f64) -> Arc<Trace> {
        let lane = if mode.uses_pool() {
            Lane::Worker(0)
        } else {
            Lane::Main
        };
        let spans = vec![Span {
            task: 0,
            lane,
            kind: SpanKind::Run,
            start: 0.0,
            end: ms,
        }];
        Arc::new(Trace::new(mode, lanes, 1, 0.0, ms, spans))
    }

    #[test]
    fn rows_are_relative_to_the_sequential_run() {
        let s = Settings::default();
        let mut c = Comparison::default();
        c.add(&s, trace(Mode::Parallel, 2, 250.0));
        assert_eq!(c.rows()[0].relative, None, "no baseline yet");
        c.add(
            &Settings {
                mode: Mode::Sequential,
                ..s.clone()
            },
            trace(Mode::Sequential, 1, 500.0),
        );
        let rows = c.rows();
        assert_eq!(
            rows.iter().map(|r| r.trace.mode).collect::<Vec<_>>(),
            [Mode::Sequential, Mode::Parallel]
        );
        let rel = rows[1].relative.unwrap();
        assert_eq!((rel.speedup, rel.efficiency), (2.0, Some(1.0)));
    }

    #[test]
    fn a_new_task_set_starts_over_and_a_mode_is_replaced() {
        let s = Settings::default();
        let mut c = Comparison::default();
        c.add(&s, trace(Mode::Parallel, 2, 250.0));
        c.add(
            &Settings {
                lanes: 1,
                ..s.clone()
            },
            trace(Mode::Parallel, 1, 480.0),
        );
        assert_eq!(c.runs().len(), 1, "same task set, same mode: replaced");
        assert_eq!(c.runs()[0].lanes, 1);
        c.add(
            &Settings { tasks: 9, ..s },
            trace(Mode::Concurrent, 1, 100.0),
        );
        assert_eq!(c.runs().len(), 1);
        assert_eq!(c.runs()[0].mode, Mode::Concurrent);
        // The runs belong to their task set, whatever the mode and threads.
        let nine = Settings { tasks: 9, ..s };
        assert!(c.is_of(&Settings {
            mode: Mode::Both,
            lanes: 4,
            ..nine.clone()
        }));
        assert!(!c.is_of(&Settings {
            work_ms: 77,
            ..nine
        }));
    }
}
