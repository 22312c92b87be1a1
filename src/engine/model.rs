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
}

impl AmdahlFit {
    pub fn speedup(&self, p: f64) -> f64 {
        amdahl_speedup(self.serial_fraction, p)
    }

    /// The best speedup any number of threads could give: 1 / f.
    pub fn limit(&self) -> f64 {
        1.0 / self.serial_fraction
    }
}

/// Fits the serial fraction to `(threads, speedup)` points by least squares
/// (see the module docs). Needs a point with more than one thread.
pub fn fit_amdahl(points: &[SweepPoint]) -> Option<AmdahlFit> {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for pt in points
        .iter()
        .filter(|pt| pt.threads > 1 && pt.speedup > 0.0)
    {
        let inv_p = 1.0 / f64::from(pt.threads);
        let x = 1.0 - inv_p;
        let y = 1.0 / pt.speedup - inv_p;
        sxy += x * y;
        sxx += x * x;
    }
    if sxx == 0.0 {
        return None;
    }
    // Measured speedups above p (noise, cache effects) would give f < 0; a
    // speedup below 1 everywhere could give f > 1. Neither is a fraction.
    let serial_fraction = (sxy / sxx).clamp(0.0, 1.0);
    let residuals: Vec<f64> = points
        .iter()
        .map(|pt| pt.speedup - amdahl_speedup(serial_fraction, f64::from(pt.threads)))
        .collect();
    let rms_error = (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    Some(AmdahlFit {
        serial_fraction,
        rms_error,
    })
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
