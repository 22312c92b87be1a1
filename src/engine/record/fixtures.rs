//! Spans and traces for the engine's and the charts' unit tests: one way to
//! build them.

use super::{Lane, Phase, PhaseSpan, Span, SpanKind, Trace};
use crate::engine::plan::Mode;

/// Task `task` computing on `lane` from `start` to `end` ms.
pub fn run(task: u32, lane: Lane, start: f64, end: f64) -> Span {
    Span::new(task, lane, SpanKind::Run, start, end)
}

/// Task `task` waiting on `lane` from `start` to `end` ms.
pub fn wait(task: u32, lane: Lane, start: f64, end: f64) -> Span {
    Span::new(task, lane, SpanKind::Wait, start, end)
}

/// Task `task` waiting on `lane` for the run's lock from `start` to `end` ms.
pub fn lock(task: u32, lane: Lane, start: f64, end: f64) -> Span {
    Span::new(task, lane, SpanKind::Lock, start, end)
}

/// A trace of `spans` (times relative to the run's start) whose run started
/// at aligned time 1000: [`Trace::new`] must make them relative again.
pub fn trace(mode: Mode, lanes: u32, duration: f64, spans: &[Span]) -> Trace {
    let shifted = spans
        .iter()
        .map(|s| Span {
            start: s.start + 1000.0,
            end: s.end + 1000.0,
            ..*s
        })
        .collect();
    Trace::new(
        mode,
        lanes,
        spans.len() as u32,
        1000.0,
        1000.0 + duration,
        shifted,
    )
}

/// Device `device` in `phase` of step `step` from `start` to `end` ms (a
/// training run's).
pub fn phase(device: u16, step: u32, phase: Phase, start: f64, end: f64) -> PhaseSpan {
    PhaseSpan {
        device,
        step,
        phase,
        start,
        end,
    }
}
