//! What a run does and where: the four modes and the three workloads.

use std::fmt;

/// How a task set is run: where its waits and its computation happen (the
/// table of the four modes is in ARCHITECTURE.md and in the page's Learn section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Main thread, one task after another, each to its end.
    Sequential,
    /// Main thread, every task an async future; CPU work cut into slices with yields.
    Concurrent,
    /// Worker threads of the rayon pool: N lanes, getting their tasks as the
    /// assignment setting says (a shared queue, fixed blocks, or stealing).
    Parallel,
    /// Waits overlap as futures on the main thread; each task's computation goes to the pool.
    Both,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::Sequential,
        Mode::Concurrent,
        Mode::Parallel,
        Mode::Both,
    ];

    /// The name used in links and exports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Concurrent => "concurrent",
            Mode::Parallel => "parallel",
            Mode::Both => "both",
        }
    }

    /// The name shown in the page.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Sequential => "Sequential",
            Mode::Concurrent => "Concurrent (async)",
            Mode::Parallel => "Parallel (threads)",
            Mode::Both => "Concurrent + parallel",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// A short name, for narrow charts.
    pub fn short_label(self) -> &'static str {
        match self {
            Mode::Sequential => "Seq.",
            Mode::Concurrent => "Async",
            Mode::Parallel => "Threads",
            Mode::Both => "Both",
        }
    }

    /// Whether the mode needs the worker pool (and so cross-origin isolation).
    pub fn uses_pool(self) -> bool {
        matches!(self, Mode::Parallel | Mode::Both)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What each task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    /// Computes for `work_ms`.
    Cpu,
    /// Waits `latency_ms` ± `jitter_ms` (a timer standing in for a network reply).
    Io,
    /// Waits, then computes.
    Mixed,
    /// Adds to one counter shared by every thread (a strategy decides how):
    /// races, contention and false sharing, on the pool's lanes.
    Counter,
}

impl Workload {
    pub const ALL: [Workload; 4] = [
        Workload::Cpu,
        Workload::Io,
        Workload::Mixed,
        Workload::Counter,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Cpu => "cpu",
            Workload::Io => "io",
            Workload::Mixed => "mixed",
            Workload::Counter => "counter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Workload::Cpu => "CPU-bound",
            Workload::Io => "I/O-bound",
            Workload::Mixed => "Mixed (wait, then compute)",
            Workload::Counter => "Shared counter (threads update one count)",
        }
    }

    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    pub fn computes(self) -> bool {
        matches!(self, Workload::Cpu | Workload::Mixed)
    }

    pub fn waits(self) -> bool {
        matches!(self, Workload::Io | Workload::Mixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::from_name(m.name()), Some(m));
        }
        for w in Workload::ALL {
            assert_eq!(Workload::from_name(w.name()), Some(w));
        }
    }
}
