//! Numbers and counts as the lessons' sentences say them: speedups
//! rounded as read, long estimates in minutes, "1 thread" and "2 threads".

use crate::engine::format::format_ms;

/// A speedup as sentences show it: one decimal below 10, whole above.
pub(super) fn times(x: f64) -> String {
    if x < 9.95 {
        format!("{x:.1}×")
    } else {
        format!("{x:.0}×")
    }
}

/// A long estimate in the unit a reader thinks in.
pub(super) fn about(ms: f64) -> String {
    if ms >= 120_000.0 {
        format!("{:.0} minutes", ms / 60_000.0)
    } else {
        format_ms(ms)
    }
}

/// The value [`times`] shows, as a number, so that comparisons in words
/// compare what the reader sees.
pub(super) fn shown(x: f64) -> f64 {
    if x < 9.95 {
        (x * 10.0).round() / 10.0
    } else {
        x.round()
    }
}
