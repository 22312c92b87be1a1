//! Settings brought within their bounds: each field within its own (and
//! the bounds other settings set: jitter within the latency, the failing
//! task within the tasks), the pool within what this machine allows, the
//! threads within the pool that runs; every change said in a [`Notice`].

use super::{Field, MAX_LANES, Mode, Notice, POOL_PER_CORE, Settings, Workload};

impl Settings {
    /// Brings every value within its bounds (jitter within the latency, the
    /// failing task within the task count) and says what it changed.
    pub fn clamped(mut self) -> (Settings, Vec<Notice>) {
        let mut notices = Vec::new();
        if self.workload == Workload::Counter && self.mode != Mode::Parallel {
            // Racing for a counter needs threads; and a contended mutex
            // sleeps, which the main thread may not.
            notices.push(Notice::new(
                "mode",
                format!(
                    "the shared counter runs on the pool's threads only, so {} instead of {}",
                    Mode::Parallel.label(),
                    self.mode.label()
                ),
            ));
            self.mode = Mode::Parallel;
        }
        for field in Field::ALL {
            let value = field.get(&self);
            let mut b = field.bounds();
            if field == Field::JitterMs {
                b.max = b.max.min(self.latency_ms);
            }
            if field == Field::FailTask {
                b.max = b.max.min(self.tasks);
            }
            if field == Field::SerialPct && !self.computes() {
                b.max = 0; // a reduce of no computation would be no stage at all
            }
            let within = value.clamp(b.min, b.max);
            if within != value {
                field.set(&mut self, within);
                notices.push(Notice::new(
                    field.key(),
                    format!(
                        "{} was {value}, set to {within} (allowed {}–{})",
                        field.label(),
                        b.min,
                        b.max
                    ),
                ));
            }
        }
        (self, notices)
    }

    /// The pool this page should start for a machine of `cores` logical
    /// cores: the `pool` setting (0: one per core) within 1 and
    /// [`POOL_PER_CORE`] × cores (and [`MAX_LANES`]), with a notice when the
    /// setting asked for more.
    pub fn pool_size(&self, cores: u32) -> (u32, Option<Notice>) {
        let cores = cores.clamp(1, MAX_LANES);
        let max = (cores * POOL_PER_CORE).min(MAX_LANES);
        if self.pool == 0 {
            return (cores, None);
        }
        if self.pool > max {
            let notice = Notice::new(
                Field::Pool.key(),
                format!(
                    "{} pool threads asked for; at most {max} on this machine ({POOL_PER_CORE} per logical core), so {max} are used",
                    self.pool
                ),
            );
            return (max, Some(notice));
        }
        (self.pool, None)
    }

    /// Limits `lanes` to the pool actually running.
    pub fn fit_to_pool(mut self, pool_threads: u32) -> (Settings, Option<Notice>) {
        if pool_threads > 0 && self.lanes > pool_threads {
            let notice = Notice::new(
                Field::Lanes.key(),
                format!(
                    "{} threads asked for; this browser's pool has {pool_threads}, so {pool_threads} are used",
                    self.lanes
                ),
            );
            self.lanes = pool_threads;
            return (self, Some(notice));
        }
        (self, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::MAX_SERIAL_PCT;

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn defaults_need_no_clamping() {
        let (s, notices) = settings().clamped();
        assert_eq!(s, settings());
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn bad_values_are_clamped_with_a_notice_each() {
        // (field, value given, value kept)
        let cases = [
            (Field::Tasks, 0, 1),
            (Field::Tasks, 1_000_000, 100_000),
            (Field::WorkMs, 0, 1),
            (Field::WorkMs, 99_999, 5_000),
            (Field::LatencyMs, 0, 1),
            (Field::JitterMs, 300, 200), // jitter cannot exceed the latency (200)
            (Field::Lanes, 0, 1),
            (Field::Lanes, 1_000, MAX_LANES),
            (Field::SliceMs, 0, 1),
            (Field::SliceMs, 101, 100),
            (Field::FailTask, 9, 8), // only 8 tasks
            (Field::SkewEvery, 1, 2),
            (Field::SkewFactor, 0, 1),
            (Field::SkewFactor, 500, 100),
            (Field::SerialPct, 95, MAX_SERIAL_PCT),
            (Field::HandleUs, 200_000, 100_000),
            (Field::Pool, 65, MAX_LANES),
        ];
        for (field, given, kept) in cases {
            let mut s = settings();
            field.set(&mut s, given);
            let (s, notices) = s.clamped();
            assert_eq!(field.get(&s), kept, "{field:?} {given}");
            assert_eq!(notices.len(), 1, "{field:?} {given}: {notices:?}");
            assert_eq!(notices[0].field, field.key());
            assert!(
                notices[0].message.contains(&given.to_string()),
                "{notices:?}"
            );
        }
    }

    #[test]
    fn lanes_fit_the_running_pool() {
        let s = Settings {
            lanes: 8,
            ..settings()
        };
        let (s, notice) = s.fit_to_pool(2);
        assert_eq!(s.lanes, 2);
        assert!(notice.is_some());
        let (s, notice) = s.fit_to_pool(4);
        assert_eq!((s.lanes, notice), (2, None));
    }

    #[test]
    fn a_reduce_needs_computation() {
        let s = Settings {
            workload: Workload::Io,
            serial_pct: 30,
            ..settings()
        };
        let (kept, notices) = s.clone().clamped();
        assert_eq!(kept.serial_pct, 0);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].field, "serial_pct");
        // Handling each reply is computation: then the reduce stays.
        let (kept, notices) = Settings {
            handle_us: 100,
            ..s
        }
        .clamped();
        assert_eq!((kept.serial_pct, notices.len()), (30, 0));
    }

    /// (pool setting, logical cores, pool started, whether a notice says so)
    #[test]
    fn the_pool_is_one_per_core_by_default_and_at_most_four_per_core() {
        let cases = [
            (0, 2, 2, false),
            (0, 16, 16, false),
            (0, 0, 1, false), // a browser that reports no cores
            (0, 128, MAX_LANES, false),
            (8, 2, 8, false),
            (9, 2, 8, true),
            (1, 2, 1, false),
            (64, 16, 64, false),
            (64, 4, 16, true),
        ];
        for (pool, cores, started, noticed) in cases {
            let (size, notice) = Settings { pool, ..settings() }.pool_size(cores);
            assert_eq!(
                (size, notice.is_some()),
                (started, noticed),
                "pool {pool} on {cores} cores"
            );
        }
    }
}
