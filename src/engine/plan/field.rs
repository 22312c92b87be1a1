//! The numeric settings, as one table: each field's key in a link, its label
//! in the page, its bounds, and where it lives in [`Settings`]. Every use
//! of the fields (sliders, links, clamping, notices) reads this table, so
//! a new field is one row here.

use super::{MAX_LANES, MAX_SERIAL_PCT, Settings};

/// Inclusive bounds of a numeric setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
}

/// The numeric settings, for the sliders, the links and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Tasks,
    WorkMs,
    LatencyMs,
    JitterMs,
    Lanes,
    SliceMs,
    Seed,
    FailTask,
    SkewEvery,
    SkewFactor,
    SerialPct,
    HandleUs,
    Pool,
    Updates,
    LockPct,
}

/// One row of the table.
struct Spec {
    field: Field,
    /// The key in a share link.
    key: &'static str,
    /// The slider's accessible name and the notices' wording.
    label: &'static str,
    /// Static bounds (see [`Field::bounds`]).
    min: u32,
    max: u32,
    get: fn(&Settings) -> u32,
    /// Sets the value as given; [`Settings::clamped`] brings it within bounds.
    set: fn(&mut Settings, u32),
    /// Whether a link carries the field even at its default (see
    /// [`Field::always_in_links`]).
    always_in_links: bool,
}

/// Every field, in the order of [`Field::ALL`].
#[rustfmt::skip]
const SPECS: [Spec; 15] = [
    Spec { field: Field::Tasks, key: "tasks", label: "Tasks", min: 1, max: 100_000,
        get: |s| s.tasks, set: |s, v| s.tasks = v, always_in_links: true },
    Spec { field: Field::WorkMs, key: "work_ms", label: "Work per task (ms)", min: 1, max: 5_000,
        get: |s| s.work_ms, set: |s, v| s.work_ms = v, always_in_links: true },
    Spec { field: Field::LatencyMs, key: "latency_ms", label: "I/O latency (ms)", min: 1, max: 5_000,
        get: |s| s.latency_ms, set: |s, v| s.latency_ms = v, always_in_links: true },
    Spec { field: Field::JitterMs, key: "jitter_ms", label: "Jitter (± ms)", min: 0, max: 5_000,
        get: |s| s.jitter_ms, set: |s, v| s.jitter_ms = v, always_in_links: true },
    Spec { field: Field::Lanes, key: "threads", label: "Threads (lanes)", min: 1, max: MAX_LANES,
        get: |s| s.lanes, set: |s, v| s.lanes = v, always_in_links: true },
    Spec { field: Field::SliceMs, key: "slice_ms", label: "Slice length (ms)", min: 1, max: 100,
        get: |s| s.slice_ms, set: |s, v| s.slice_ms = v, always_in_links: true },
    Spec { field: Field::Seed, key: "seed", label: "Jitter seed", min: 0, max: u32::MAX,
        get: |s| s.seed, set: |s, v| s.seed = v, always_in_links: true },
    Spec { field: Field::FailTask, key: "fail_task", label: "Failing task (0 = none)", min: 0, max: 10_000,
        get: |s| s.fail_task.unwrap_or(0), set: |s, v| s.fail_task = (v > 0).then_some(v), always_in_links: false },
    Spec { field: Field::SkewEvery, key: "skew_every", label: "Heavy task every (k)", min: 2, max: 1_000,
        get: |s| s.skew_every, set: |s, v| s.skew_every = v, always_in_links: false },
    Spec { field: Field::SkewFactor, key: "skew_factor", label: "Heavy task weight (m×)", min: 1, max: 100,
        get: |s| s.skew_factor, set: |s, v| s.skew_factor = v, always_in_links: false },
    Spec { field: Field::SerialPct, key: "serial_pct", label: "Serial reduce (% of the work)", min: 0, max: MAX_SERIAL_PCT,
        get: |s| s.serial_pct, set: |s, v| s.serial_pct = v, always_in_links: false },
    Spec { field: Field::HandleUs, key: "handle_us", label: "Handling after each wait (µs)", min: 0, max: 100_000,
        get: |s| s.handle_us, set: |s, v| s.handle_us = v, always_in_links: false },
    Spec { field: Field::Pool, key: "pool", label: "Pool threads (0 = one per core)", min: 0, max: MAX_LANES,
        get: |s| s.pool, set: |s, v| s.pool = v, always_in_links: false },
    Spec { field: Field::Updates, key: "updates", label: "Counter updates per task", min: 1, max: 10_000_000,
        get: |s| s.updates, set: |s, v| s.updates = v, always_in_links: false },
    Spec { field: Field::LockPct, key: "lock_pct", label: "Work under one shared lock (%)", min: 0, max: 100,
        get: |s| s.lock_pct, set: |s, v| s.lock_pct = v, always_in_links: false },
];

impl Field {
    pub const ALL: [Field; 15] = [
        Field::Tasks,
        Field::WorkMs,
        Field::LatencyMs,
        Field::JitterMs,
        Field::Lanes,
        Field::SliceMs,
        Field::Seed,
        Field::FailTask,
        Field::SkewEvery,
        Field::SkewFactor,
        Field::SerialPct,
        Field::HandleUs,
        Field::Pool,
        Field::Updates,
        Field::LockPct,
    ];

    fn spec(self) -> &'static Spec {
        let spec = &SPECS[self as usize];
        debug_assert_eq!(spec.field, self, "SPECS is in the order of Field");
        spec
    }

    /// The key in a share link.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The slider's accessible name and the notices' wording.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// Static bounds. `Lanes` is further limited to the pool's size at run time,
    /// because the pool is only known once it has started.
    pub fn bounds(self) -> Bounds {
        let spec = self.spec();
        Bounds {
            min: spec.min,
            max: spec.max,
        }
    }

    pub fn get(self, s: &Settings) -> u32 {
        (self.spec().get)(s)
    }

    /// Sets the value as given; [`Settings::clamped`] brings it within bounds.
    pub fn set(self, s: &mut Settings, value: u32) {
        (self.spec().set)(s, value);
    }

    /// `value` (as parsed from a link, possibly negative or huge) clamped into the static bounds.
    pub fn clamp(self, value: i64) -> u32 {
        let b = self.bounds();
        value.clamp(i64::from(b.min), i64::from(b.max)) as u32
    }

    /// Whether a link carries the field even at its default: the scenario
    /// knobs are left out at their defaults, so that the links of plain
    /// experiments stay short (and those made before the knobs existed
    /// read the same).
    pub fn always_in_links(self) -> bool {
        self.spec().always_in_links
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_field_in_order_and_each_reads_what_it_writes() {
        let mut keys = std::collections::BTreeSet::new();
        for (i, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(SPECS[i].field, field, "row {i}");
            assert!(keys.insert(field.key()), "{} twice", field.key());
            let mut s = Settings::default();
            let b = field.bounds();
            for value in [b.min.max(1), b.max] {
                field.set(&mut s, value);
                assert_eq!(field.get(&s), value, "{field:?}");
            }
        }
    }
}
