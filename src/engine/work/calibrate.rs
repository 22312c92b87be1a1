//! Turning "milliseconds of work" into kernel units on the reader's machine.
//!
//! A person sets a task's size in milliseconds because that is what they can
//! reason about; the kernels count units. Calibration measures how many units
//! per millisecond this machine runs, once per kernel, so that "20 ms" means
//! about 20 ms here. The clock and the work are parameters, so the arithmetic is
//! tested natively with a fake clock.

/// Units of a kernel this machine runs per millisecond.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub units_per_ms: f64,
}

impl Rate {
    /// Units for `ms` milliseconds of work: at least one, so that no task is empty.
    pub fn units_for(self, ms: f64) -> u64 {
        (ms * self.units_per_ms).round().max(1.0) as u64
    }

    /// Milliseconds that `units` units should take at this rate.
    pub fn ms_for(self, units: u64) -> f64 {
        units as f64 / self.units_per_ms
    }
}

/// How long one measured batch must take at least: long enough to dwarf the
/// clock's resolution (5 µs when cross-origin isolated, 100 µs otherwise) and
/// short enough that three kernels calibrate in well under a second.
pub const MIN_BATCH_MS: f64 = 12.0;

/// Measured batches after the first one reaches [`MIN_BATCH_MS`]; the fastest is kept.
const ROUNDS: usize = 5;

/// Measures the rate of `run(units)` on `now()`.
///
/// Doubles the batch until one takes at least `min_ms` (the first, short,
/// batches also warm up the JIT: a wasm function's first calls run in a slower
/// tier), then times [`ROUNDS`] batches of that size and keeps the fastest.
/// Another program, a GC pause or the page painting can only ever *slow* a
/// batch down, never speed it up, so the fastest batch is the machine's
/// speed; a median still took the noise in when most batches were
/// interrupted (on a busy 2-core machine it made "10 ms" tasks take 6.5 ms).
pub fn measure_rate(mut run: impl FnMut(u64), mut now: impl FnMut() -> f64, min_ms: f64) -> Rate {
    let mut timed = |units: u64| {
        let start = now();
        run(units);
        (now() - start).max(1e-6)
    };
    let mut batch: u64 = 16;
    loop {
        let elapsed = timed(batch);
        if elapsed >= min_ms || batch >= 1 << 40 {
            break;
        }
        // Grow toward the target in one or two steps when the estimate is good,
        // never by more than 16× at once so a coarse clock cannot overshoot wildly.
        let factor = (min_ms / elapsed * 1.2).clamp(2.0, 16.0);
        batch = (batch as f64 * factor).ceil() as u64;
    }
    Rate {
        units_per_ms: (0..ROUNDS)
            .map(|_| batch as f64 / timed(batch))
            .fold(0.0, f64::max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A machine that runs `per_ms` units per millisecond, on a simulated clock.
    fn simulated(per_ms: f64, min_ms: f64) -> (Rate, u64) {
        let time = Cell::new(0.0);
        let total_units = Cell::new(0u64);
        let rate = measure_rate(
            |units| {
                total_units.set(total_units.get() + units);
                time.set(time.get() + units as f64 / per_ms);
            },
            || time.get(),
            min_ms,
        );
        (rate, total_units.get())
    }

    #[test]
    fn recovers_the_simulated_rate() {
        for per_ms in [0.5, 3.0, 1_000.0, 250_000.0] {
            let (rate, _) = simulated(per_ms, MIN_BATCH_MS);
            let error = (rate.units_per_ms - per_ms).abs() / per_ms;
            assert!(error < 1e-9, "{per_ms}: measured {}", rate.units_per_ms);
        }
    }

    #[test]
    fn does_not_spend_much_more_than_needed() {
        // Growth + 3 rounds: bounded by about 5 batches of 1.2-16× the target.
        let (_, units) = simulated(1_000.0, MIN_BATCH_MS);
        let spent_ms = units as f64 / 1_000.0;
        assert!(spent_ms < 12.0 * MIN_BATCH_MS, "spent {spent_ms} ms");
    }

    #[test]
    fn interrupted_batches_are_ignored() {
        // Every measured batch but the 4th is interrupted (a GC pause, another
        // program): the one clean batch gives the rate.
        // Measured batches repeat the size of the last growth batch.
        let time = Cell::new(0.0);
        let (last_units, repeats) = (Cell::new(0), Cell::new(0));
        let rate = measure_rate(
            |units| {
                if units == last_units.get() {
                    repeats.set(repeats.get() + 1);
                }
                last_units.set(units);
                let pause = if matches!(repeats.get(), 0 | 4) {
                    0.0
                } else {
                    50.0
                };
                time.set(time.get() + units as f64 / 100.0 + pause);
            },
            || time.get(),
            MIN_BATCH_MS,
        );
        assert_eq!(
            repeats.get(),
            ROUNDS,
            "five measured rounds, four interrupted"
        );
        assert!((rate.units_per_ms - 100.0).abs() < 1e-6, "{rate:?}");
    }

    #[test]
    fn units_for_rounds_and_never_returns_zero() {
        let rate = Rate { units_per_ms: 2.5 };
        assert_eq!(rate.units_for(20.0), 50);
        assert_eq!(rate.units_for(0.1), 1);
        assert_eq!(rate.units_for(0.0), 1);
        assert!((rate.ms_for(50) - 20.0).abs() < 1e-12);
    }
}
