//! The replay's playback clock: where the cursor is at a given wall time,
//! at 1/1 to 1/100 of real time.

/// The replay speeds offered, as divisors of real time: 1/1 … 1/100.
pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

/// The playback clock: where the cursor is at a given wall time, at 1/`slowdown`
/// of real time. Wall times are passed in (the page gives its frame
/// timestamps), so this is tested without a browser.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    /// The cursor, in ms of the trace, when `since` was taken.
    at: f64,
    /// Wall time of the last play, while playing.
    since: Option<f64>,
    slowdown: u32,
    /// The cursor's range (see [`Replay::bounds`]).
    from: f64,
    to: f64,
}

impl Playback {
    /// Paused at `from`, at 1/`slowdown` speed, over `from`..`to` ms of the
    /// trace (see [`Replay::bounds`]).
    pub fn new((from, to): (f64, f64), slowdown: u32) -> Playback {
        let from = if from.is_finite() { from } else { 0.0 };
        let to = if to.is_finite() { to.max(from) } else { from };
        Playback {
            at: from,
            since: None,
            slowdown: slowdown.max(1),
            from,
            to,
        }
    }

    /// The cursor at wall time `wall`: stops at the run's end.
    pub fn position(&self, wall: f64) -> f64 {
        match self.since {
            Some(since) => {
                (self.at + (wall - since).max(0.0) / f64::from(self.slowdown)).min(self.to)
            }
            None => self.at,
        }
    }

    pub fn is_playing(&self) -> bool {
        self.since.is_some()
    }

    /// Whether playing has reached the run's end by `wall`.
    pub fn finished(&self, wall: f64) -> bool {
        self.position(wall) >= self.to
    }

    /// Starts playing at `wall`; from the start again if at the end.
    pub fn play(&mut self, wall: f64) {
        if self.since.is_none() {
            if self.at >= self.to {
                self.at = self.from;
            }
            self.since = Some(wall);
        }
    }

    /// Pauses where the cursor is at `wall`.
    pub fn pause(&mut self, wall: f64) {
        self.at = self.position(wall);
        self.since = None;
    }

    /// Moves the cursor to `t` (clamped to the run); keeps playing if it was.
    pub fn seek(&mut self, t: f64, wall: f64) {
        self.at = if t.is_finite() {
            t.clamp(self.from, self.to)
        } else {
            self.from
        };
        if self.since.is_some() {
            self.since = Some(wall);
        }
    }

    pub fn slowdown(&self) -> u32 {
        self.slowdown
    }

    /// Changes the speed from `wall` on, without moving the cursor.
    pub fn set_slowdown(&mut self, slowdown: u32, wall: f64) {
        self.at = self.position(wall);
        if self.since.is_some() {
            self.since = Some(wall);
        }
        self.slowdown = slowdown.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playback_runs_at_a_fraction_of_real_time() {
        let mut p = Playback::new((0.0, 200.0), 10);
        assert_eq!(p.position(5_000.0), 0.0, "paused at the start");
        p.play(1_000.0);
        assert!(p.is_playing());
        assert_eq!(p.position(1_000.0), 0.0);
        assert_eq!(
            p.position(2_000.0),
            100.0,
            "1 s of wall time is 100 ms at 1/10"
        );
        assert!(!p.finished(2_999.0));
        assert!(p.finished(3_000.0));
        assert_eq!(p.position(9_000.0), 200.0, "stops at the end");
        p.pause(1_500.0);
        assert_eq!(p.position(9_000.0), 50.0);
        p.set_slowdown(100, 9_000.0);
        p.play(10_000.0);
        assert_eq!(p.position(11_000.0), 60.0, "1 s is 10 ms at 1/100");
        p.set_slowdown(1, 11_000.0);
        assert_eq!(p.position(11_100.0), 160.0, "speed changes keep the cursor");
        p.seek(-3.0, 11_100.0);
        assert_eq!(p.position(11_100.0), 0.0, "seeking clamps");
        p.seek(f64::NAN, 11_100.0);
        assert_eq!(p.position(11_100.0), 0.0);
        p.seek(500.0, 11_100.0);
        p.pause(11_200.0);
        assert_eq!(p.position(11_300.0), 200.0);
        p.play(12_000.0);
        assert_eq!(p.position(12_000.0), 0.0, "play at the end starts over");
        assert_eq!(Playback::new((0.0, 10.0), 0).slowdown(), 1);
        // A span stamped before the run's start widens the range.
        let mut p = Playback::new((-0.5, 10.0), 1);
        assert_eq!(p.position(0.0), -0.5, "starts at the earliest event");
        p.seek(-3.0, 0.0);
        assert_eq!(p.position(0.0), -0.5);
        assert_eq!(Playback::new((f64::NAN, f64::NAN), 1).position(0.0), 0.0);
    }
}
