//! What the page found out about the browser it runs in: plain data, filled in
//! by the runtime, shown by the environment panel and written into exports.

use crate::engine::work::Kernel;

/// The browser's capabilities as measured at start-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Environment {
    /// `crossOriginIsolated`: whether the page may share memory with workers.
    pub cross_origin_isolated: bool,
    /// Whether `SharedArrayBuffer` exists at all.
    pub shared_array_buffer: bool,
    /// `navigator.hardwareConcurrency`: logical cores the browser reports.
    pub hardware_concurrency: u32,
    /// Threads in the rayon pool (0 when it could not start).
    pub pool_threads: u32,
    /// How long the pool took to start, from the call to its promise resolving.
    pub pool_start_ms: Option<f64>,
    /// Why the pool is not available, in words for the page.
    pub pool_error: Option<String>,
    /// The smallest step of `performance.now()` observed (coarser when not isolated).
    pub timer_resolution_ms: f64,
    /// What one cooperative yield to the event loop costs, and how it is done.
    pub yield_cost_ms: Option<f64>,
    pub yield_method: &'static str,
    pub user_agent: String,
    /// Today's date, `YYYY-MM-DD`, for reports and result links (empty when unknown).
    pub date: String,
    /// Each kernel's rate as measured on this page's main thread, in the
    /// order measured: what every run of that kernel used.
    pub rates: Vec<KernelRate>,
}

/// A kernel's measured rate, and when it was measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KernelRate {
    pub kernel: Kernel,
    pub units_per_ms: f64,
    /// Milliseconds after the page's navigation.
    pub at_ms: f64,
}

impl Environment {
    /// Parallel modes are possible: the pool started with at least one thread.
    pub fn parallel_available(&self) -> bool {
        self.pool_threads > 0
    }

    /// Why the parallel modes are unavailable, in plain words, if they are.
    pub fn parallel_unavailable_reason(&self) -> Option<String> {
        if self.parallel_available() {
            return None;
        }
        if let Some(err) = &self.pool_error {
            return Some(err.clone());
        }
        Some(if !self.cross_origin_isolated {
            "This page is not cross-origin isolated, so it cannot share memory with worker threads. \
             Concurrency experiments still run on the main thread."
                .into()
        } else {
            "The worker pool is still starting.".into()
        })
    }
}

/// The smallest positive difference between successive readings of a clock:
/// its observable resolution. `now` is read `samples` times.
pub fn observed_resolution(mut now: impl FnMut() -> f64, samples: usize) -> f64 {
    let mut smallest = f64::INFINITY;
    let mut last = now();
    for _ in 0..samples {
        let t = now();
        if t > last {
            smallest = smallest.min(t - last);
        }
        last = t;
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_of_a_stepping_clock() {
        // A clock in steps of 0.1 ms, read 7 times per step.
        let mut i = 0u32;
        let r = observed_resolution(
            || {
                i += 1;
                f64::from(i / 7) * 0.1
            },
            1000,
        );
        assert!((r - 0.1).abs() < 1e-9, "{r}");
    }

    #[test]
    fn reasons_for_no_parallelism() {
        let mut env = Environment::default();
        assert!(
            env.parallel_unavailable_reason()
                .unwrap()
                .contains("not cross-origin isolated")
        );
        env.cross_origin_isolated = true;
        env.pool_error = Some("DataCloneError".into());
        assert_eq!(env.parallel_unavailable_reason().unwrap(), "DataCloneError");
        env.pool_threads = 2;
        assert_eq!(env.parallel_unavailable_reason(), None);
    }
}
