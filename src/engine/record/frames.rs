//! Animation frames: the statistics of a run's frame gaps (how long the
//! page could not paint), and the log of frames the page keeps so that any
//! run it still holds can show its gaps in replay.

/// A display's frame interval at 60 Hz.
pub const FRAME_MS: f64 = 1000.0 / 60.0;

/// Frame timing on the main thread during a run (see [`frame_stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FrameStats {
    pub frames: u32,
    /// The longest time between two painted frames: how long the page was frozen.
    pub longest_gap_ms: f64,
    /// Gaps over 50 ms: what browsers call long tasks, felt as a stuck page.
    pub long_gaps: u32,
    /// Frames that should have been painted at the display's rate but were not.
    pub dropped: u32,
}

/// A gap longer than this is a "long task" (the browsers' own threshold).
pub const LONG_GAP_MS: f64 = 50.0;

/// Frame statistics from the timestamps of successive animation frames.
/// `frame_ms` is the display's frame interval (16.7 ms at 60 Hz).
pub fn frame_stats(timestamps: &[f64], frame_ms: f64) -> FrameStats {
    let mut stats = FrameStats {
        frames: timestamps.len() as u32,
        ..FrameStats::default()
    };
    for pair in timestamps.windows(2) {
        let gap = pair[1] - pair[0];
        stats.longest_gap_ms = stats.longest_gap_ms.max(gap);
        if gap > LONG_GAP_MS {
            stats.long_gaps += 1;
        }
        // A gap of k frame intervals means k - 1 frames were missed; a little
        // slack absorbs the jitter of the display's timestamps.
        let missed = (gap / frame_ms - 0.5).floor().max(0.0) as u32;
        stats.dropped += missed;
    }
    stats
}

/// The animation frames the page saw, on the aligned clock, kept while runs
/// go on (with the frame just before and just after each), so that any run
/// the page still holds can show its frame gaps.
#[derive(Debug, Clone, Default)]
pub struct FrameLog {
    frames: Vec<f64>,
    last_idle: Option<f64>,
    was_running: bool,
}

/// Frames kept at most: about 28 minutes of runs at 60 Hz (800 KB). The
/// oldest half goes when full; the traces that old are long replaced.
const FRAME_LOG_CAP: usize = 100_000;

impl FrameLog {
    /// Notes a frame at aligned time `at`; `running` says whether a run is in
    /// progress. Frames between runs are not kept, except the one before and
    /// the one after each run, which bound its first and last gaps.
    pub fn note(&mut self, at: f64, running: bool) {
        if running {
            if !self.was_running
                && let Some(before) = self.last_idle.take()
            {
                self.push(before);
            }
            self.push(at);
        } else {
            if self.was_running {
                self.push(at);
            }
            self.last_idle = Some(at);
        }
        self.was_running = running;
    }

    fn push(&mut self, at: f64) {
        if self.frames.len() >= FRAME_LOG_CAP {
            self.frames.drain(..FRAME_LOG_CAP / 2);
        }
        if self.frames.last().is_none_or(|&last| last < at) {
            self.frames.push(at);
        }
    }

    /// The frames of the run that began at aligned time `origin` and lasted
    /// `duration` ms, in ms since it began: those inside it, plus the last
    /// one before and the first one after.
    pub fn for_run(&self, origin: f64, duration: f64) -> Vec<f64> {
        let first = self.frames.partition_point(|&f| f < origin);
        let last = self.frames.partition_point(|&f| f <= origin + duration);
        let from = first.saturating_sub(1);
        let to = (last + 1).min(self.frames.len());
        self.frames[from..to].iter().map(|f| f - origin).collect()
    }

    /// The frames inside the run that began at `origin` and lasted
    /// `duration` ms, on the aligned clock: what its frame statistics count
    /// (the bounding frames of [`Self::for_run`] would charge the run with
    /// the page's work before and after it).
    pub fn within(&self, origin: f64, duration: f64) -> &[f64] {
        let first = self.frames.partition_point(|&f| f < origin);
        let last = self.frames.partition_point(|&f| f <= origin + duration);
        &self.frames[first..last.max(first)]
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_stats_from_timestamps() {
        // 60 Hz frames, then a 250 ms freeze, then a 60 ms stall.
        let mut ts: Vec<f64> = (0..10).map(|i| f64::from(i) * 16.7).collect();
        let last = *ts.last().unwrap();
        ts.push(last + 250.0);
        ts.push(last + 310.0);
        let f = frame_stats(&ts, 16.7);
        assert_eq!(f.frames, 12);
        assert!((f.longest_gap_ms - 250.0).abs() < 1e-9);
        assert_eq!(f.long_gaps, 2);
        // 250 ms ≈ 15 intervals (14 missed), 60 ms ≈ 3.6 intervals (3 missed).
        assert_eq!(f.dropped, 14 + 3);
        assert_eq!(frame_stats(&[], 16.7), FrameStats::default());
    }

    #[test]
    fn the_frame_log_keeps_each_run_with_its_bounding_frames() {
        let mut log = FrameLog::default();
        // Idle frames at 0, 16, 32; a run from 40 to 100 (frames 48, 64, 96);
        // idle 112, 128; a second run 130–150 (frame 144); idle 160.
        for (at, running) in [
            (0.0, false),
            (16.0, false),
            (32.0, false),
            (48.0, true),
            (64.0, true),
            (96.0, true),
            (112.0, false),
            (128.0, false),
            (144.0, true),
            (160.0, false),
        ] {
            log.note(at, running);
        }
        assert_eq!(
            log.len(),
            8,
            "idle frames are not kept, bar the bounding ones"
        );
        assert_eq!(log.for_run(40.0, 60.0), [-8.0, 8.0, 24.0, 56.0, 72.0]);
        assert_eq!(log.for_run(130.0, 20.0), [-2.0, 14.0, 30.0]);
        assert!(FrameLog::default().for_run(0.0, 10.0).is_empty());
        // Inside a run only: its own frames, not the bounding ones.
        assert_eq!(log.within(40.0, 60.0), [48.0, 64.0, 96.0]);
        assert!(log.within(200.0, 10.0).is_empty());
    }
}
