//! Figures read across runs: the comparison of modes on one task set,
//! Amdahl's law fitted to a thread sweep (and Karp–Flatt), Gustafson's to a
//! weak-scaling one, which fit a
//! sweep of given settings admits, and what the shared-counter experiments
//! measured (lost updates, ns per update, false sharing, a lock's share).
//!
//! Architecture invariant: every figure here is computed from traces (and
//! the settings they ran); nothing is computed from settings alone except
//! what is labelled an estimate. Imports `plan` and `record` only.

mod amdahl;
mod comparison;
mod counter;
mod gustafson;
mod machines;
mod server;
mod sweep_fit;

pub use amdahl::{
    AmdahlFit, SweepPoint, amdahl_speedup, fit_amdahl, fit_amdahl_with, karp_flatt, lock_share,
    sweep_points,
};
pub use comparison::{Comparison, Row};
pub use counter::{
    CounterRow, LockReading, PER_UPDATE_NOISE, false_sharing, lock_reading, lost_pct,
    ns_per_update, row_of, speedups,
};
pub use gustafson::{GustafsonFit, WeakPoint, fit_gustafson, weak_points};
pub use machines::{difference, rows_of, sweep_difference};
pub use server::{SERVED_NOISE, TAIL_FLOOR_MS, TAIL_NOISE, served_sentence};
pub use sweep_fit::{fit_for, fit_sentence, points_of};
