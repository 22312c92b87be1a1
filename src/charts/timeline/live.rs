//! The timeline of a run in progress, drawn a little at a time: each
//! refresh draws only what changed since the last one.

use super::band::BAND_ABOVE_WAITS;
use super::bars::{Bar, MAX_TRACKS, OrdF64, fill_bars, merge_live, outline_waits, pale};
use super::geometry::{TimelineGeometry, chart_on, draw_axes};
use crate::charts::{DrawResult, Theme, task_colour};
use crate::engine::exec::LogReader;
use crate::engine::record::{Span, SpanKind};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The live timeline of a run in progress, drawn a little at a time.
///
/// Each refresh draws only what changed since the last one: spans added,
/// the lanes' latest spans if they grew, and the open waits from where they
/// were last drawn to now. The whole chart is drawn again only when the time
/// axis rescales (it doubles, so that happens a few times a run), when a row
/// needs more wait tracks, or when asked ([`LiveTimeline::redraw_all`]: the
/// canvas changed size or colours). Waits keep the track they got when they
/// were first seen, and are filled with an opaque pale colour, so drawing a
/// bar again over itself changes nothing. When the run ends, the page draws
/// its trace with [`draw_timeline`] as for any finished run.
#[derive(Debug, Clone, Default)]
pub struct LiveTimeline {
    rows: usize,
    x_max_ms: f64,
    /// Wait tracks drawn per row: 1 or [`MAX_TRACKS`] (more tracks, a full redraw).
    shown: Vec<usize>,
    tracks: Vec<Vec<Track>>,
    /// Waits seen per row (past [`BAND_ABOVE_WAITS`], no outlines: too many to read).
    waits: Vec<usize>,
    /// The track of each span of the copy, by index (runs: 0).
    track_of: Vec<u8>,
    /// The open waits at the last update, in task order: task, start, row,
    /// track, and whether it was first seen since the last draw (it is then
    /// drawn from its start, the others from where they were drawn to).
    open: Vec<(u32, f64, usize, u8, bool)>,
    /// Spans of the copy to draw at the next refresh.
    pending: Vec<usize>,
    full: bool,
    /// Where the open waits were last drawn up to.
    drawn_to: f64,
    now: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Track {
    open: u32,
    /// The end of the last wait that left it.
    until: f64,
    /// Whose colour its open waits are drawn in.
    task: u32,
}

/// The first time axis of a live view; it doubles as the run goes on.
const LIVE_FIRST_AXIS_MS: f64 = 250.0;

impl LiveTimeline {
    /// An empty view of `rows` lanes.
    pub fn new(rows: usize) -> LiveTimeline {
        let rows = rows.max(1);
        LiveTimeline {
            rows,
            x_max_ms: LIVE_FIRST_AXIS_MS,
            shown: vec![1; rows],
            tracks: vec![Vec::new(); rows],
            waits: vec![0; rows],
            full: true,
            ..LiveTimeline::default()
        }
    }

    /// The rows drawn: those it was made with, and more if a span came on
    /// a lane past them (a pool thread of a higher index).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Grows the view to `rows` rows (a full redraw), if it has fewer.
    fn ensure_rows(&mut self, rows: usize) {
        if rows <= self.rows {
            return;
        }
        self.rows = rows;
        self.shown.resize(rows, 1);
        self.tracks.resize(rows, Vec::new());
        self.waits.resize(rows, 0);
        self.full = true;
    }

    /// The end of the time axis drawn.
    pub fn x_max_ms(&self) -> f64 {
        self.x_max_ms
    }

    /// Whether the next [`Self::draw`] redraws everything.
    pub fn redraws_all(&self) -> bool {
        self.full
    }

    /// Makes the next [`Self::draw`] redraw everything (the canvas was resized,
    /// or the colours changed).
    pub fn redraw_all(&mut self) {
        self.full = true;
    }

    /// Takes in what `log`'s last read brought, `elapsed_ms` into the run.
    pub fn update(&mut self, log: &LogReader, elapsed_ms: f64) {
        if log.reset {
            *self = LiveTimeline::new(self.rows);
        }
        // Every lane the run uses gets a row, whatever the view was made with.
        let highest = log.spans[log.added_from..]
            .iter()
            .chain(&log.open)
            .map(|s| s.lane.row())
            .max();
        if let Some(row) = highest {
            self.ensure_rows(row + 1);
        }
        self.now = elapsed_ms;
        while self.x_max_ms < elapsed_ms {
            self.x_max_ms *= 2.0;
            self.full = true;
        }
        // Spans the copy already had and that grew keep their track.
        self.pending.extend(log.grown.iter().copied());
        for i in log.added_from..log.spans.len() {
            let s = &log.spans[i];
            let track = if s.kind == SpanKind::Wait && s.lane.row() < self.rows {
                // A wait seen open before keeps its track; the reconciling
                // of open waits below frees it.
                let known = self
                    .open
                    .binary_search_by_key(&s.task, |o| o.0)
                    .ok()
                    .map(|k| self.open[k])
                    .filter(|o| o.1 == s.start && o.2 == s.lane.row());
                match known {
                    Some(o) => o.3,
                    None => {
                        self.count_wait(s.lane.row());
                        let t = self.take_track(s.lane.row(), s.start, s.task);
                        if let Some(tr) = self.track_mut(s.lane.row(), t) {
                            tr.open -= 1;
                            tr.until = tr.until.max(s.end);
                        }
                        t
                    }
                }
            } else {
                0
            };
            if self.track_of.len() <= i {
                self.track_of.resize(i + 1, 0);
            }
            self.track_of[i] = track;
            self.pending.push(i);
        }
        self.reconcile_open(&log.open);
    }

    fn count_wait(&mut self, row: usize) {
        if let Some(n) = self.waits.get_mut(row) {
            *n += 1;
        }
    }

    fn track_mut(&mut self, row: usize, track: u8) -> Option<&mut Track> {
        self.tracks.get_mut(row)?.get_mut(usize::from(track))
    }

    /// A track of `row` for a wait starting at `start`: a free one, else a new
    /// one (up to [`MAX_TRACKS`]), else the least busy; counted as open.
    fn take_track(&mut self, row: usize, start: f64, task: u32) -> u8 {
        let Some(tracks) = self.tracks.get_mut(row) else {
            return 0;
        };
        let free = tracks.iter().position(|t| t.open == 0 && t.until <= start);
        let t = match free {
            Some(t) => t,
            None if tracks.len() < MAX_TRACKS => {
                tracks.push(Track::default());
                tracks.len() - 1
            }
            None => (0..tracks.len())
                .min_by(|a, b| {
                    (tracks[*a].open, OrdF64(tracks[*a].until))
                        .cmp(&(tracks[*b].open, OrdF64(tracks[*b].until)))
                })
                .unwrap_or(0),
        };
        tracks[t].open += 1;
        tracks[t].task = task;
        let needed = tracks.len();
        let shown = &mut self.shown[row];
        while *shown < needed {
            *shown = (*shown * 2).min(MAX_TRACKS);
            self.full = true;
        }
        t as u8
    }

    /// The open waits now (`open`, in task order) against those of the last
    /// update: waits gone free their track, new ones take one.
    fn reconcile_open(&mut self, open: &[Span]) {
        let before = std::mem::take(&mut self.open);
        let mut after = Vec::with_capacity(open.len());
        let mut k = 0;
        for s in open {
            let row = s.lane.row();
            if row >= self.rows {
                continue;
            }
            while k < before.len() && before[k].0 < s.task {
                self.leave(before[k]);
                k += 1;
            }
            let same = before
                .get(k)
                .filter(|o| o.0 == s.task && o.1 == s.start && o.2 == row)
                .copied();
            match same {
                Some(o) => {
                    after.push(o);
                    k += 1;
                }
                None => {
                    if let Some(o) = before.get(k).filter(|o| o.0 == s.task).copied() {
                        self.leave(o);
                        k += 1;
                    }
                    self.count_wait(row);
                    let t = self.take_track(row, s.start, s.task);
                    after.push((s.task, s.start, row, t, true));
                }
            }
        }
        for o in &before[k..] {
            self.leave(*o);
        }
        self.open = after;
    }

    fn leave(&mut self, (_, _, row, track, _): (u32, f64, usize, u8, bool)) {
        let now = self.now;
        if let Some(t) = self.track_mut(row, track) {
            t.open = t.open.saturating_sub(1);
            t.until = t.until.max(now);
        }
    }

    /// Draws on `area` what changed since the last draw, or everything (see
    /// [`LiveTimeline`]): `log` is the copy [`Self::update`] was given last.
    /// Returns the geometry, for pointing at bars.
    pub fn draw<DB: DrawingBackend>(
        &mut self,
        area: &DrawingArea<DB, Shift>,
        log: &LogReader,
        theme: &Theme,
    ) -> DrawResult<TimelineGeometry, DB> {
        let full = self.full;
        let (mut chart, geometry) = if full {
            draw_axes(area, self.rows, self.x_max_ms, theme)?
        } else {
            chart_on(area, self.rows, self.x_max_ms)?
        };
        let px = geometry.ms_per_px();
        let mut bars: Vec<Bar> = Vec::new();
        let bar_of = |i: usize, s: &Span| Bar {
            task: s.task,
            kind: s.kind,
            row: s.lane.row(),
            track: usize::from(self.track_of.get(i).copied().unwrap_or(0)),
            tracks: if s.kind == SpanKind::Wait {
                self.shown.get(s.lane.row()).copied().unwrap_or(1)
            } else {
                1
            },
            start: s.start,
            end: s.end,
        };
        if full {
            bars.extend(log.spans.iter().enumerate().map(|(i, s)| bar_of(i, s)));
        } else {
            bars.extend(
                self.pending
                    .iter()
                    .filter_map(|i| log.spans.get(*i).map(|s| bar_of(*i, s))),
            );
        }
        // Open waits: one bar per track from where it was last drawn (or
        // from the start of a wait first seen) to now.
        let mut open_bars: Vec<Bar> = Vec::new();
        for (_, start, row, track, fresh) in &self.open {
            let seen_before = !full && !*fresh;
            let from = if seen_before {
                self.drawn_to.max(*start)
            } else {
                *start
            };
            let slot = (*row, usize::from(*track));
            match open_bars.iter_mut().find(|b| (b.row, b.track) == slot) {
                Some(b) => b.start = b.start.min(from),
                None => open_bars.push(Bar {
                    task: self.tracks[*row][usize::from(*track)].task,
                    kind: SpanKind::Wait,
                    row: *row,
                    track: usize::from(*track),
                    tracks: self.shown[*row],
                    start: from,
                    end: self.now,
                }),
            }
        }
        let bars = merge_live(bars, px);
        // Opaque pale waits: drawing one again over itself changes nothing.
        fill_bars(
            &mut chart,
            bars.iter().chain(&open_bars),
            &geometry,
            |task| pale(task_colour(task), theme.background).filled(),
        )?;
        // Past the band's threshold, outlines are too many to read.
        outline_waits(&mut chart, &bars, &geometry, |b| {
            self.waits.get(b.row).copied().unwrap_or(0) <= BAND_ABOVE_WAITS
        })?;
        self.pending.clear();
        for o in &mut self.open {
            o.4 = false;
        }
        self.full = false;
        self.drawn_to = self.now;
        Ok(geometry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};
    use crate::engine::exec::SpanLog;
    use crate::engine::record::Lane;

    fn live_svg(live: &mut LiveTimeline, log: &LogReader) -> String {
        svg(800, 300, |a| {
            live.draw(a, log, &Theme::LIGHT).unwrap();
        })
    }

    fn rects(svg: &str) -> usize {
        svg.lines().filter(|l| l.starts_with("<rect")).count()
    }

    #[test]
    fn a_live_refresh_draws_only_what_changed() {
        let log = SpanLog::new(4);
        let mut copy = LogReader::new(0.0);
        let mut live = LiveTimeline::new(3);
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 40.0),
            true,
        );
        log.record(
            Span::new(1, Lane::Worker(1), SpanKind::Run, 0.0, 40.0),
            true,
        );
        log.read_into(&mut copy, 40.0);
        live.update(&copy, 40.0);
        let first = live_svg(&mut live, &copy);
        assert!(
            has_text(&first, "time since Run"),
            "the first draw is whole"
        );
        // Lane 0's span grows, lane 1 starts a new task: two bars, nothing else.
        log.record(
            Span::new(0, Lane::Worker(0), SpanKind::Run, 40.0, 80.0),
            true,
        );
        log.record(
            Span::new(2, Lane::Worker(1), SpanKind::Run, 40.0, 80.0),
            true,
        );
        log.read_into(&mut copy, 80.0);
        live.update(&copy, 80.0);
        assert!(!live.redraws_all());
        let next = live_svg(&mut live, &copy);
        assert!(!has_text(&next, "time since Run"), "no axis again");
        assert!(!next.contains("<text"), "no text again");
        assert_eq!(rects(&next), 2, "{next}");
        for task in [0, 2] {
            assert!(next.contains(&format!("fill=\"{}\"", hex(task_colour(task)))));
        }
        // Nothing new: nothing drawn.
        log.read_into(&mut copy, 90.0);
        live.update(&copy, 90.0);
        assert_eq!(rects(&live_svg(&mut live, &copy)), 0);
        // The run outgrows the axis: it doubles, and everything is drawn again.
        log.read_into(&mut copy, 300.0);
        live.update(&copy, 300.0);
        assert!(live.redraws_all());
        assert_eq!(live.x_max_ms(), 500.0);
        let whole = live_svg(&mut live, &copy);
        assert!(has_text(&whole, "time since Run"));
        assert!(rects(&whole) >= 3, "{whole}");
        // A resized canvas asks for it too.
        live.redraw_all();
        assert!(live.redraws_all());
    }

    #[test]
    fn live_waits_keep_their_track_and_grow_from_where_they_were_drawn() {
        let log = SpanLog::new(3);
        let mut copy = LogReader::new(0.0);
        let mut live = LiveTimeline::new(1);
        log.open(0, Lane::Main, 1.0);
        log.open(1, Lane::Main, 2.0);
        log.read_into(&mut copy, 10.0);
        live.update(&copy, 10.0);
        let tracks: Vec<u8> = live.open.iter().map(|o| o.3).collect();
        assert_eq!(tracks, [0, 1], "two waits in flight, two tracks");
        assert_eq!(live.shown[0], 2);
        live_svg(&mut live, &copy);
        // Later: both still open, each drawn on from 10 ms only.
        log.read_into(&mut copy, 20.0);
        live.update(&copy, 20.0);
        assert!(!live.redraws_all());
        let more = live_svg(&mut live, &copy);
        assert_eq!(rects(&more), 2, "{more}");
        // Task 1's wait ends: its span takes the track it was drawn in, and
        // a new wait reuses task 1's track, freed once it ended.
        log.close(1, 25.0);
        log.read_into(&mut copy, 30.0);
        live.update(&copy, 30.0);
        let closed = copy
            .spans
            .iter()
            .position(|s| s.task == 1)
            .expect("closed wait");
        assert_eq!(live.track_of[closed], 1);
        log.open(2, Lane::Main, 31.0);
        log.read_into(&mut copy, 32.0);
        live.update(&copy, 32.0);
        assert_eq!(live.open.iter().find(|o| o.0 == 2).map(|o| o.3), Some(1));
        assert!(!live.redraws_all(), "no new track: no full redraw");
    }

    /// 100,000 waits start between two refreshes, then half of them end:
    /// each refresh draws a bar per track, not per wait.
    #[test]
    fn a_hundred_thousand_live_waits_draw_a_bar_per_track() {
        let n = 100_000u32;
        let log = SpanLog::new(n as usize);
        let mut copy = LogReader::new(0.0);
        let mut live = LiveTimeline::new(2);
        // A wait per track first: the row has all its tracks before the burst.
        for t in 0..MAX_TRACKS as u32 {
            log.open(t, Lane::Main, 0.5);
        }
        log.read_into(&mut copy, 1.0);
        live.update(&copy, 1.0);
        live_svg(&mut live, &copy);
        for t in MAX_TRACKS as u32..n {
            log.open(t, Lane::Main, 2.0 + f64::from(t) * 0.000_1);
        }
        log.read_into(&mut copy, 30.0);
        live.update(&copy, 30.0);
        assert!(!live.redraws_all(), "no new track, no whole redraw");
        let burst = live_svg(&mut live, &copy);
        assert!(rects(&burst) <= MAX_TRACKS, "{} rectangles", rects(&burst));
        for t in (0..n).step_by(2) {
            log.close(t, 100.0);
        }
        log.read_into(&mut copy, 110.0);
        live.update(&copy, 110.0);
        assert!(!live.redraws_all());
        let refresh = live_svg(&mut live, &copy);
        assert!(
            rects(&refresh) <= 2 * MAX_TRACKS,
            "{} rectangles for 50,000 ended and 50,000 open waits",
            rects(&refresh)
        );
        assert_eq!(copy.spans.len() + copy.open.len(), n as usize);
    }
    /// A span on a lane past the rows the view was made with (a pool
    /// thread of a higher index) adds rows: nothing is dropped.
    #[test]
    fn a_span_past_the_rows_grows_the_view() {
        let log = SpanLog::new(2);
        let mut copy = LogReader::new(0.0);
        let mut live = LiveTimeline::new(2);
        live.update(&copy, 0.0);
        live_svg(&mut live, &copy);
        log.record(
            Span::new(0, Lane::Worker(3), SpanKind::Run, 0.0, 40.0),
            true,
        );
        log.open(1, Lane::Worker(4), 5.0);
        log.read_into(&mut copy, 50.0);
        live.update(&copy, 50.0);
        assert_eq!(live.rows(), 6, "main thread and workers 1 to 5");
        assert!(live.redraws_all());
        let drawn = live_svg(&mut live, &copy);
        assert!(has_text(&drawn, "worker 5"), "{drawn}");
        assert!(drawn.contains(&format!("fill=\"{}\"", hex(task_colour(0)))));
    }
}
