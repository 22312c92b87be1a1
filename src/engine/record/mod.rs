//! What a run did: its spans (on an aligned clock, in ms since the run
//! began), the trace that holds them with how the run ended, the figures
//! derived from one trace (busy, idle and lock time per lane, overlap,
//! blocking), the animation frames the page saw, and the replay of a
//! recorded run with its playback clock; a server's run (`served.rs`) and
//! its replay (`served_replay.rs`); a training run's phases and losses
//! with the summary read from them (`trained.rs`) and its replay
//! (`trained_replay.rs`).
//!
//! Architecture invariant: a trace is the only source of every figure the
//! page shows about a run of the modes, a `Served` of a server's run (which
//! keeps per-message figures, and spans up to a budget); nothing here runs
//! anything or reads a clock.
//! Imports only `plan` (a trace names its mode and counter strategy).

#[cfg(test)]
pub(crate) mod fixtures;
mod frames;
mod playback;
mod replay;
mod served;
mod served_replay;
mod span;
mod stats;
mod trace;
mod trained;
mod trained_replay;

pub use frames::{FRAME_MS, FrameLog, FrameStats, LONG_GAP_MS, frame_stats};
pub use playback::{Playback, SPEEDS};
pub use replay::{LaneState, Moment, Paint, Replay, bounds_of};
pub use served::{
    LoopReport, QUEUE_STEP_MS, SPANS_KEPT, SUMMARY_QUANTILES, ScheduledSummary, Served,
    ServedOutcome, checksum_reference, histogram, latency_edges, place_loops,
};
pub use served_replay::{LoopMoment, ServedReplay};
pub use span::{Lane, MAX_CLOCK_SKEW_MS, Span, SpanKind, push_merged};
pub use stats::{LaneUse, PoolUse, Relative, Stats};
pub use trace::{Outcome, Tally, Trace};
pub use trained::{
    DeviceReport, PHASE_STEPS, Phase, PhaseSpan, Shares, TrainOutcome, Trained, TrainedSummary,
    largest_batch, phase_chart_run, weights_fnv,
};
pub use trained_replay::{DeviceMoment, TrainedReplay};
