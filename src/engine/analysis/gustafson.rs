//! Gustafson's law, fitted to a weak-scaling sweep: the work grows with the
//! threads (a fixed batch per device), and the question is whether the
//! time per step stays flat.
//!
//! With a serial share `α` of the time on `p` threads, the scaled speedup
//! (how much more work per unit of time than one thread does) is
//! `S(p) = p − α·(p − 1)`. Measured, `S(p) = p · T(1) / T(p)`. Linear in
//! `α`: with `x = p − 1` and `y = p − S`, the least-squares `α = Σxy / Σx²`.
//! Amdahl (`amdahl.rs`) asks the other question: the same work, on more
//! threads.

/// A measured point of a weak-scaling sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeakPoint {
    pub threads: u32,
    /// Time per step, with `threads` times the one-thread work.
    pub ms: f64,
    /// `threads · T(1) / T(threads)`.
    pub scaled_speedup: f64,
}

impl WeakPoint {
    /// Weak-scaling efficiency: `T(1) / T(p)`, 1 when the time stays flat.
    pub fn efficiency(&self) -> f64 {
        self.scaled_speedup / f64::from(self.threads.max(1))
    }
}

/// Points from `(threads, ms per step)`, against the one-thread time.
pub fn weak_points(times: &[(u32, f64)]) -> Vec<WeakPoint> {
    let Some(&(_, base)) = times.iter().find(|(p, ms)| *p == 1 && *ms > 0.0) else {
        return vec![];
    };
    times
        .iter()
        .filter(|(_, ms)| *ms > 0.0 && ms.is_finite())
        .map(|&(threads, ms)| WeakPoint {
            threads,
            ms,
            scaled_speedup: f64::from(threads) * base / ms,
        })
        .collect()
}

/// Gustafson's law with its fitted serial share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GustafsonFit {
    /// `α`, within [0, 1].
    pub serial_share: f64,
    /// Root-mean-square difference between measured and fitted speedups.
    pub rms_error: f64,
}

impl GustafsonFit {
    pub fn scaled_speedup(&self, p: f64) -> f64 {
        p - self.serial_share * (p - 1.0)
    }
}

/// Fits `α` to the points (see the module docs). Needs a point with more
/// than one thread.
pub fn fit_gustafson(points: &[WeakPoint]) -> Option<GustafsonFit> {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for pt in points.iter().filter(|pt| pt.threads > 1) {
        let p = f64::from(pt.threads);
        sxy += (p - 1.0) * (p - pt.scaled_speedup);
        sxx += (p - 1.0) * (p - 1.0);
    }
    if sxx == 0.0 {
        return None;
    }
    let serial_share = (sxy / sxx).clamp(0.0, 1.0);
    let fit = GustafsonFit {
        serial_share,
        rms_error: 0.0,
    };
    let sq: f64 = points
        .iter()
        .map(|pt| (pt.scaled_speedup - fit.scaled_speedup(f64::from(pt.threads))).powi(2))
        .sum();
    Some(GustafsonFit {
        rms_error: (sq / points.len() as f64).sqrt(),
        ..fit
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_time_is_perfect_weak_scaling() {
        let pts = weak_points(&[(1, 10.0), (2, 10.0), (4, 10.0)]);
        assert_eq!(pts[2].scaled_speedup, 4.0);
        assert_eq!(pts[2].efficiency(), 1.0);
        let fit = fit_gustafson(&pts).unwrap();
        assert_eq!(fit.serial_share, 0.0);
        assert_eq!(fit.rms_error, 0.0);
    }

    #[test]
    fn the_fit_gives_back_the_serial_share_it_was_made_with() {
        // α = 0.2: T(p) = p·T(1) / (p − 0.2·(p − 1)).
        let times: Vec<(u32, f64)> = (1..=4)
            .map(|p| {
                let p_f = f64::from(p);
                (p, p_f * 10.0 / (p_f - 0.2 * (p_f - 1.0)))
            })
            .collect();
        let fit = fit_gustafson(&weak_points(&times)).unwrap();
        assert!((fit.serial_share - 0.2).abs() < 1e-12, "{fit:?}");
        assert!(fit.rms_error < 1e-12);
    }

    #[test]
    fn no_fit_without_a_one_thread_time_or_a_second_point() {
        assert!(weak_points(&[(2, 5.0)]).is_empty());
        assert_eq!(fit_gustafson(&weak_points(&[(1, 5.0)])), None);
    }
}
