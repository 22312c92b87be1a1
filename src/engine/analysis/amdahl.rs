//! Amdahl's law, fitted to measured speedups, and the Karp–Flatt metric.
//!
//! Amdahl: with a serial fraction `f` of the work, `p` threads give at most
//! `S(p) = 1 / (f + (1 − f) / p)`. Rearranged, `1/S − 1/p = f · (1 − 1/p)`:
//! linear in `f`. So the least-squares `f` over the points (`x = 1 − 1/p`,
//! `y = 1/S − 1/p`) has a closed form, `f = Σxy / Σx²`. The fit is in the
//! space of time fractions (`1/S`), where each point's error is a share of
//! the one-thread time, not in the space of speedups.
//!
//! Karp–Flatt: each point's own `e = (1/S − 1/p) / (1 − 1/p)`, the serial
//! fraction that would explain that point alone. An `e` growing with `p`
//! points at overhead (start-up, synchronisation) rather than serial work.

/// The speedup Amdahl's law predicts for serial fraction `serial` on `p` threads.
pub fn amdahl_speedup(serial: f64, p: f64) -> f64 {
    1.0 / (serial + (1.0 - serial) / p)
}

/// The Karp–Flatt experimentally determined serial fraction; `None` for p ≤ 1,
/// where it is undefined.
pub fn karp_flatt(speedup: f64, p: u32) -> Option<f64> {
    if p <= 1 || speedup <= 0.0 {
        return None;
    }
    let inv_p = 1.0 / f64::from(p);
    Some((1.0 / speedup - inv_p) / (1.0 - inv_p))
}

/// A measured point of a thread sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub threads: u32,
    pub makespan_ms: f64,
    /// Against the one-thread run of the same sweep.
    pub speedup: f64,
}

/// The result of fitting Amdahl's law.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmdahlFit {
    /// The fitted serial fraction, within [0, 1].
    pub serial_fraction: f64,
    /// Root-mean-square difference between measured and fitted speedups.
    pub rms_error: f64,
    /// The parallel part's share of the one-thread time on unboundedly many
    /// threads: 0 for divisible work, 1/n for n equal tasks.
    pub floor: f64,
}

impl AmdahlFit {
    pub fn speedup(&self, p: f64) -> f64 {
        amdahl_speedup(self.serial_fraction, p)
    }

    /// The best speedup any number of threads could give: 1 / f for
    /// divisible work; with whole tasks, one task per thread at best:
    /// 1 / (f + (1 − f)·floor). Infinite only for divisible work with f = 0.
    pub fn limit(&self) -> f64 {
        1.0 / (self.serial_fraction + (1.0 - self.serial_fraction) * self.floor)
    }
}

/// Fits the serial fraction to `(threads, speedup)` points by least squares
/// (see the module docs), for perfectly divisible work. Needs a point with
/// more than one thread.
pub fn fit_amdahl(points: &[SweepPoint]) -> Option<AmdahlFit> {
    fit_amdahl_with(points, |p| 1.0 / f64::from(p.max(1)), 0.0)
}

/// [`fit_amdahl`] for work that comes in whole tasks: `share(p)` is the
/// share of the one-thread time the parallel part takes on `p` threads at
/// best (⌈n/p⌉/n for n equal tasks: 12 tasks on 8 threads still take two
/// rounds), and `floor` its share on unboundedly many threads (1/n). The
/// model is then `1/S(p) = f + (1 − f)·share(p)`, still linear in `f`, so
/// rounds of tasks are not taken for serial work and the limit stated is
/// one the task count allows.
pub fn fit_amdahl_with(
    points: &[SweepPoint],
    share: impl Fn(u32) -> f64,
    floor: f64,
) -> Option<AmdahlFit> {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for pt in points
        .iter()
        .filter(|pt| pt.threads > 1 && pt.speedup > 0.0 && pt.speedup.is_finite())
    {
        let r = share(pt.threads);
        let x = 1.0 - r;
        let y = 1.0 / pt.speedup - r;
        sxy += x * y;
        sxx += x * x;
    }
    if sxx == 0.0 {
        return None;
    }
    // Measured speedups above p (noise, cache effects) would give f < 0; a
    // speedup below 1 everywhere could give f > 1. Neither is a fraction.
    let serial_fraction = (sxy / sxx).clamp(0.0, 1.0);
    let predicted = |p: u32| 1.0 / (serial_fraction + (1.0 - serial_fraction) * share(p));
    let residuals: Vec<f64> = points
        .iter()
        .map(|pt| pt.speedup - predicted(pt.threads))
        .collect();
    let rms_error = (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    Some(AmdahlFit {
        serial_fraction,
        rms_error,
        floor: floor.clamp(0.0, 1.0),
    })
}

/// The share of each task's work done under one lock that all threads
/// share, read from a sweep of `tasks` equal tasks. Once the lock is the
/// bottleneck (the share above 1/p), the tasks' locked parts run one after
/// another and only the last task's unlocked rest is left over:
/// `T(p)/T(1) = s + (1 − s)/tasks`, Amdahl's law with the tasks as the
/// threads. So the best measured speedup gives `s` back, and no number of
/// threads can do better than `1/(s + (1 − s)/tasks)`. `None` while the
/// best speedup is still about the thread count (the lock not yet the
/// limit: then `s` is only known to be below 1/p). The model holds for
/// equal tasks that only compute, with no serial stage after them;
/// [`lock_reading`](super::lock_reading) reads it only there.
pub fn lock_share(points: &[SweepPoint], tasks: u32) -> Option<f64> {
    let best = points
        .iter()
        .filter(|pt| pt.threads > 1 && pt.speedup.is_finite() && pt.speedup > 0.0)
        .max_by(|a, b| a.speedup.total_cmp(&b.speedup))?;
    // A speedup within 15 % of the thread count says the threads, not the
    // lock, were the limit.
    if best.speedup > 0.85 * f64::from(best.threads) {
        return None;
    }
    let floor = 1.0 / f64::from(tasks.max(2));
    Some(((1.0 / best.speedup - floor) / (1.0 - floor)).clamp(0.0, 1.0))
}

/// Sweep points from measured makespans, speedups against the 1-thread one.
pub fn sweep_points(makespans: &[(u32, f64)]) -> Vec<SweepPoint> {
    let base = makespans
        .iter()
        .find(|(p, _)| *p == 1)
        .map(|&(_, t)| t)
        .unwrap_or(f64::NAN);
    makespans
        .iter()
        .map(|&(threads, makespan_ms)| SweepPoint {
            threads,
            makespan_ms,
            speedup: base / makespan_ms,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthetic(serial: f64, threads: &[u32], noise: &[f64]) -> Vec<SweepPoint> {
        threads
            .iter()
            .zip(noise.iter().cycle())
            .map(|(&p, &n)| SweepPoint {
                threads: p,
                makespan_ms: 1000.0 / amdahl_speedup(serial, f64::from(p)),
                speedup: amdahl_speedup(serial, f64::from(p)) * (1.0 + n),
            })
            .collect()
    }

    #[test]
    fn recovers_the_serial_fraction_of_exact_data() {
        for f in [0.0, 0.05, 0.1, 0.25, 0.5, 0.9, 1.0] {
            let fit = fit_amdahl(&synthetic(f, &[1, 2, 3, 4, 8, 16], &[0.0])).unwrap();
            assert!((fit.serial_fraction - f).abs() < 1e-12, "{f}: {fit:?}");
            assert!(fit.rms_error < 1e-12);
        }
    }

    #[test]
    fn recovers_it_within_noise() {
        // ±2 % measurement noise on the speedups.
        let pts = synthetic(0.1, &[1, 2, 4, 6, 8], &[0.02, -0.02, 0.01, -0.015, 0.0]);
        let fit = fit_amdahl(&pts).unwrap();
        assert!((fit.serial_fraction - 0.1).abs() < 0.02, "{fit:?}");
        assert!(fit.rms_error < 0.1);
        assert!((fit.limit() - 10.0).abs() < 2.5);
    }

    #[test]
    fn clamps_impossible_fractions() {
        let superlinear = [SweepPoint {
            threads: 2,
            makespan_ms: 1.0,
            speedup: 2.5,
        }];
        assert_eq!(fit_amdahl(&superlinear).unwrap().serial_fraction, 0.0);
        let slower = [SweepPoint {
            threads: 2,
            makespan_ms: 1.0,
            speedup: 0.4,
        }];
        assert_eq!(fit_amdahl(&slower).unwrap().serial_fraction, 1.0);
    }

    /// 12 tasks of 40 ms and no serial part, swept over 1..=16 threads:
    /// rounds of whole tasks (13–16 threads all take one round, 40 ms; 7–11
    /// take two). The plain fit reads the rounds as serial work; the fit
    /// with the task share finds none, and its limit is the 12× the task
    /// count allows — not more.
    #[test]
    fn whole_rounds_of_tasks_are_not_serial_work() {
        let n = 12.0;
        let share = |p: u32| (n / f64::from(p)).ceil() / n;
        let makespans: Vec<(u32, f64)> = (1..=16).map(|p| (p, 480.0 * share(p))).collect();
        let points = sweep_points(&makespans);
        let plain = fit_amdahl(&points).unwrap();
        assert!(plain.serial_fraction > 0.02, "{plain:?}");
        let fit = fit_amdahl_with(&points, share, 1.0 / n).unwrap();
        assert!(fit.serial_fraction < 1e-12, "{fit:?}");
        assert!(fit.rms_error < 1e-12, "{fit:?}");
        assert!((fit.limit() - 12.0).abs() < 1e-9, "{}", fit.limit());
        // With a serial part as well, it is found, and the limit respects both.
        let f = 0.25;
        let makespans: Vec<(u32, f64)> = (1..=16)
            .map(|p| (p, 480.0 * (f + (1.0 - f) * share(p))))
            .collect();
        let fit = fit_amdahl_with(&sweep_points(&makespans), share, 1.0 / n).unwrap();
        assert!((fit.serial_fraction - f).abs() < 1e-12, "{fit:?}");
        assert!((fit.limit() - 1.0 / (0.25 + 0.75 / 12.0)).abs() < 1e-9);
        assert!(fit.limit() < 1.0 / f);
    }

    #[test]
    fn a_lock_share_is_read_once_the_lock_is_the_limit() {
        // 16 tasks, 60 % of each under the lock: T(p)/T(1) = max(1/p, s + (1 − s)/16).
        let s = 0.6;
        let makespans: Vec<(u32, f64)> = (1..=4)
            .map(|p| (p, 1000.0 * (1.0 / f64::from(p)).max(s + (1.0 - s) / 16.0)))
            .collect();
        let found = lock_share(&sweep_points(&makespans), 16).unwrap();
        assert!((found - s).abs() < 1e-9, "{found}");
        // A share of 10 % on 2 threads: the threads are the limit, not the lock.
        let unbound = sweep_points(&[(1, 1000.0), (2, 520.0)]);
        assert_eq!(lock_share(&unbound, 16), None);
    }

    #[test]
    fn needs_more_than_one_thread() {
        assert_eq!(fit_amdahl(&synthetic(0.1, &[1], &[0.0])), None);
        assert_eq!(fit_amdahl(&[]), None);
    }

    #[test]
    fn karp_flatt_of_amdahl_data_is_the_serial_fraction() {
        for p in [2, 4, 8] {
            let s = amdahl_speedup(0.2, f64::from(p));
            assert!((karp_flatt(s, p).unwrap() - 0.2).abs() < 1e-12);
        }
        assert_eq!(karp_flatt(1.0, 1), None);
    }

    #[test]
    fn sweep_points_are_relative_to_one_thread() {
        let pts = sweep_points(&[(1, 100.0), (2, 50.0), (4, 40.0)]);
        assert_eq!(
            pts.iter().map(|p| p.speedup).collect::<Vec<_>>(),
            [1.0, 2.0, 2.5]
        );
    }
}
