//! The timeline (a Gantt chart): one row per lane — the main thread on top,
//! then each pool thread — and one bar per span, coloured by task.
//!
//! Computation is drawn solid in the upper band of a row. Waits are drawn as
//! pale outlined bars in the lower band, stacked in tracks when they overlap
//! (eight concurrent waits on the main thread make eight tracks), so the eye
//! sees "busy" and "waiting" apart at once.
//!
//! Cost is bounded by the canvas, not the trace: neighbouring spans narrower
//! than a pixel are drawn as one bar, so 10,000 spans draw about as fast as
//! a few hundred.

use super::{DrawResult, TASK_COLOURS, Theme, clear, format_tick, task_colour};
use crate::engine::exec::LogReader;
use crate::engine::format::thousands;
use crate::engine::record::{Lane, Span, SpanKind};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What the timeline shows.
#[derive(Debug, Clone, Copy)]
pub struct TimelineData<'a> {
    /// Times in ms since the run's start.
    pub spans: &'a [Span],
    /// Rows: the main thread plus every pool thread, used or idle.
    pub rows: usize,
    /// End of the time axis (the run's duration, or "now" while it runs).
    pub x_max_ms: f64,
}

/// Where the plot landed, in the drawing area's pixels: what hit-testing needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineGeometry {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x_max_ms: f64,
    pub rows: usize,
}

impl TimelineGeometry {
    /// The height of one lane's row, in pixels.
    pub fn row_height(&self) -> f64 {
        (self.bottom - self.top) / self.rows.max(1) as f64
    }

    /// The pixel column of time `ms`, clamped to the plot.
    pub fn x_of(&self, ms: f64) -> f64 {
        let share = if self.x_max_ms > 0.0 && ms.is_finite() {
            (ms / self.x_max_ms).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.left + share * (self.right - self.left)
    }

    fn ms_per_px(&self) -> f64 {
        self.x_max_ms / (self.right - self.left).max(1.0)
    }
}

/// Share of a row's height taken by the run band (top) and the wait band (below it).
const RUN_BAND: (f64, f64) = (0.08, 0.46);
const WAIT_BAND: (f64, f64) = (0.52, 0.94);

/// The chart's coordinates on `area`, built the same way for every draw so
/// that a live view's later strokes land on the pixels of its first.
fn chart_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: usize,
    x_max: f64,
) -> DrawResult<(TimelineChart<'_, DB>, TimelineGeometry), DB> {
    let chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(16)
        .x_label_area_size(34)
        .y_label_area_size(88)
        .build_cartesian_2d(0f64..x_max, 0f64..rows as f64)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let geometry = TimelineGeometry {
        left: f64::from(xr.start),
        right: f64::from(xr.end),
        top: f64::from(yr.start),
        bottom: f64::from(yr.end),
        x_max_ms: x_max,
        rows,
    };
    Ok((chart, geometry))
}

type TimelineChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Clears `area` and draws the axis, the row separators and the lane names.
fn draw_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    rows: usize,
    x_max: f64,
    theme: &Theme,
) -> DrawResult<(TimelineChart<'a, DB>, TimelineGeometry), DB> {
    clear(area, theme)?;
    let (mut chart, geometry) = chart_on(area, rows, x_max)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels((area.dim_in_pixel().0 / 90).clamp(3, 10) as usize)
        .x_label_formatter(&|x| format_tick(*x))
        .x_desc("time since Run")
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;

    // Row separators and lane names.
    for row in 0..rows {
        let y_top = rows as f64 - row as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y_top - 1.0), (x_max, y_top - 1.0)],
            theme.grid,
        )))?;
        let (_, py) = chart.backend_coord(&(0.0, y_top - 0.5));
        let label = Text::new(
            Lane::from_row(row).to_string(),
            (geometry.left as i32 - 8, py),
            theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        );
        area.draw(&label)?;
    }
    Ok((chart, geometry))
}

/// Draws the timeline and returns its geometry.
pub fn draw_timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &TimelineData<'_>,
    theme: &Theme,
) -> DrawResult<TimelineGeometry, DB> {
    let rows = data.rows.max(1);
    let x_max = if data.x_max_ms > 0.0 {
        data.x_max_ms
    } else {
        1.0
    };
    let (mut chart, geometry) = draw_axes(area, rows, x_max, theme)?;

    let px = geometry.ms_per_px();
    let columns = (geometry.right - geometry.left).max(1.0) as usize;
    let (bars, bands) = bars_and_bands(data.spans, rows, px, columns);
    chart.draw_series(bars.iter().map(|b| {
        let colour = task_colour(b.task);
        let (y0, y1) = b.y_range(rows);
        let style = match b.kind {
            SpanKind::Run => colour.filled(),
            SpanKind::Wait => colour.mix(WAIT_ALPHA).filled(),
            SpanKind::Lock => LOCK_COLOUR.filled(),
        };
        Rectangle::new([(b.start, y0), (b.end.max(b.start + px), y1)], style)
    }))?;
    // Outline waits wide enough to show one, so they read as "not computing".
    chart.draw_series(
        bars.iter()
            .filter(|b| {
                b.kind == SpanKind::Wait
                    && (b.end - b.start) > 3.0 * px
                    && b.height(rows) * geometry.row_height() >= 3.0
            })
            .map(|b| {
                let (y0, y1) = b.y_range(rows);
                Rectangle::new(
                    [(b.start, y0), (b.end, y1)],
                    task_colour(b.task).stroke_width(1),
                )
            }),
    )?;
    for band in &bands {
        draw_band(&mut chart, area, &geometry, band, theme)?;
    }
    Ok(geometry)
}

/// Opacity of a wait's fill: pale against the solid runs, still visible.
const WAIT_ALPHA: f64 = 0.4;

/// Waiting for a lock: one colour for every task, a dark red that no task
/// colour is, because what it says is "held up", not which task.
pub const LOCK_COLOUR: RGBColor = RGBColor(120, 20, 30);

/// One rectangle to draw: a span, or neighbouring spans merged below a pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bar {
    task: u32,
    kind: SpanKind,
    row: usize,
    /// Wait track and the number of tracks of the row (runs: 0 of 1).
    track: usize,
    tracks: usize,
    start: f64,
    end: f64,
}

impl Bar {
    /// The bar's vertical extent in chart units (rows counted from the bottom).
    fn y_range(&self, rows: usize) -> (f64, f64) {
        let (band_top, band_bottom) = match self.kind {
            // A lane waiting for a lock holds its thread, as one computing does.
            SpanKind::Run | SpanKind::Lock => RUN_BAND,
            SpanKind::Wait => WAIT_BAND,
        };
        let h = (band_bottom - band_top) / self.tracks as f64;
        let top = band_top + h * self.track as f64;
        let row_top = rows as f64 - self.row as f64;
        (row_top - top, row_top - (top + h))
    }

    fn height(&self, rows: usize) -> f64 {
        let (a, b) = self.y_range(rows);
        a - b
    }
}

/// The most wait tracks a row gets; more concurrent waits share tracks.
const MAX_TRACKS: usize = 12;

/// More waits than this on a row are drawn as a density band, not as bars:
/// hundreds of bars sharing a dozen tracks say nothing about how many waits
/// were in flight, a band's height does.
pub const BAND_ABOVE_WAITS: usize = 300;

/// Heights a band column can take: columns of equal height are drawn as one
/// rectangle, so a band costs at most one rectangle per pixel column.
const BAND_LEVELS: u32 = 24;

/// A row's waits as a density band: over each pixel column, how many waits
/// were in flight.
#[derive(Debug, Clone, PartialEq)]
struct Band {
    row: usize,
    /// The row's waits.
    waits: usize,
    /// The most waits in flight over any one column.
    peak: u32,
    /// Runs of neighbouring columns of the same height: from, to (ms) and
    /// the most waits in flight over them.
    steps: Vec<(f64, f64, u32)>,
}

/// Bars for every row, and a band instead of wait bars on rows with more
/// than [`BAND_ABOVE_WAITS`] waits; `columns`: the plot's width in pixels.
fn bars_and_bands(
    spans: &[Span],
    rows: usize,
    ms_per_px: f64,
    columns: usize,
) -> (Vec<Bar>, Vec<Band>) {
    let mut waits = vec![0usize; rows];
    for s in spans {
        if s.kind == SpanKind::Wait
            && let Some(n) = waits.get_mut(s.lane.row())
        {
            *n += 1;
        }
    }
    let dense: Vec<bool> = waits.iter().map(|n| *n > BAND_ABOVE_WAITS).collect();
    let bands = (0..rows)
        .filter(|r| dense[*r])
        .map(|row| band(spans, row, waits[row], ms_per_px, columns))
        .collect();
    (bars(spans, rows, ms_per_px, &dense), bands)
}

/// The density band of `row`'s waits over `columns` columns of `ms_per_px`.
fn band(spans: &[Span], row: usize, waits: usize, ms_per_px: f64, columns: usize) -> Band {
    let columns = columns.max(1);
    let column = |t: f64| {
        if ms_per_px > 0.0 && t.is_finite() {
            ((t / ms_per_px).max(0.0) as usize).min(columns - 1)
        } else {
            0
        }
    };
    // +1 where a wait starts, -1 after the column it ends in: the running
    // sum is the number of waits in flight during each column.
    let mut change = vec![0i64; columns + 1];
    for s in spans {
        if s.kind == SpanKind::Wait && s.lane.row() == row {
            change[column(s.start)] += 1;
            change[column(s.end.max(s.start)) + 1] -= 1;
        }
    }
    let mut in_flight = Vec::with_capacity(columns);
    let mut now = 0i64;
    for c in &change[..columns] {
        now += c;
        in_flight.push(now.max(0) as u32);
    }
    let peak = in_flight.iter().copied().max().unwrap_or(0);
    let level = |n: u32| {
        if n == 0 {
            0
        } else {
            (u64::from(n) * u64::from(BAND_LEVELS)).div_ceil(u64::from(peak.max(1))) as u32
        }
    };
    let mut steps: Vec<(f64, f64, u32)> = Vec::new();
    let mut run: Option<(usize, u32, u32)> = None; // first column, level, most in flight
    for (c, n) in in_flight.iter().copied().enumerate() {
        let l = level(n);
        match &mut run {
            Some((_, lv, most)) if *lv == l => *most = (*most).max(n),
            _ => {
                if let Some((from, lv, most)) = run.take()
                    && lv > 0
                {
                    steps.push((from as f64 * ms_per_px, c as f64 * ms_per_px, most));
                }
                run = Some((c, l, n));
            }
        }
    }
    if let Some((from, lv, most)) = run
        && lv > 0
    {
        steps.push((from as f64 * ms_per_px, columns as f64 * ms_per_px, most));
    }
    Band {
        row,
        waits,
        peak,
        steps,
    }
}

/// Draws a band: a column's height in the wait band is its waits in flight
/// against the peak; a line of text says what the height means.
fn draw_band<DB: DrawingBackend>(
    chart: &mut TimelineChart<'_, DB>,
    area: &DrawingArea<DB, Shift>,
    geometry: &TimelineGeometry,
    band: &Band,
    theme: &Theme,
) -> DrawResult<(), DB> {
    let rows = geometry.rows;
    let row_top = rows as f64 - band.row as f64;
    let bottom = row_top - WAIT_BAND.1;
    let full = WAIT_BAND.1 - WAIT_BAND.0;
    let colour = TASK_COLOURS[0].mix(BAND_ALPHA).filled();
    let peak = f64::from(band.peak.max(1));
    chart.draw_series(band.steps.iter().map(|(from, to, most)| {
        let h = full * f64::from(*most) / peak;
        Rectangle::new([(*from, bottom), (*to, bottom + h)], colour)
    }))?;
    // The caption sits at the right end of the wait band, on a backing of
    // the page's colour: above the band it covered the row's computing bars
    // (a chat server computes all along), and waits thin out towards the
    // end of most runs, where the band is low.
    let (_, y) = chart.backend_coord(&(0.0, row_top - WAIT_BAND.0));
    let text = format!(
        "{} waits: height = waits in flight (at most {})",
        thousands(band.waits as u64),
        thousands(band.peak)
    );
    let right = geometry.right as i32 - 4;
    let width = (text.chars().count() as f64 * CAPTION_CHAR_PX) as i32;
    area.draw(&Rectangle::new(
        [(right - width - 4, y), (right + 2, y + 14)],
        theme.background.mix(0.85).filled(),
    ))?;
    area.draw(&Text::new(
        text,
        (right, y + 1),
        theme.muted_font(11.0).pos(Pos::new(HPos::Right, VPos::Top)),
    ))
}

/// About how wide a character of the 11 px caption is, for its backing.
const CAPTION_CHAR_PX: f64 = 6.0;

/// Opacity of a band's fill.
const BAND_ALPHA: f64 = 0.55;

/// Turns spans into bars: waits get tracks (greedy interval partitioning),
/// and neighbours narrower than `ms_per_px` merge. Waits of rows marked in
/// `banded` are left out (a band draws them).
fn bars(spans: &[Span], rows: usize, ms_per_px: f64, banded: &[bool]) -> Vec<Bar> {
    let mut per_row: Vec<Vec<&Span>> = vec![Vec::new(); rows];
    for s in spans {
        let row = s.lane.row();
        if s.kind == SpanKind::Wait && banded.get(row).copied().unwrap_or(false) {
            continue;
        }
        if let Some(r) = per_row.get_mut(row) {
            r.push(s);
        }
    }
    let mut out = Vec::new();
    for (row, mut row_spans) in per_row.into_iter().enumerate() {
        row_spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        // Greedy track assignment: reuse the track that freed up first.
        let mut free: BinaryHeap<Reverse<(OrdF64, usize)>> = BinaryHeap::new();
        let mut assigned = Vec::with_capacity(row_spans.len());
        let mut needed = 0;
        for s in &row_spans {
            // Only waits take wait tracks: computing and waiting for a lock
            // are drawn in the run band.
            let track = if s.kind != SpanKind::Wait {
                0
            } else {
                match free.peek() {
                    Some(Reverse((end, t))) if end.0 <= s.start => {
                        let t = *t;
                        free.pop();
                        t
                    }
                    _ => {
                        needed += 1;
                        needed - 1
                    }
                }
            };
            if s.kind == SpanKind::Wait {
                free.push(Reverse((OrdF64(s.end), track)));
            }
            assigned.push(track);
        }
        let tracks = needed.clamp(1, MAX_TRACKS);
        // Index `tracks` = runs, `tracks + 1` = lock waits.
        let mut last: Vec<Option<usize>> = vec![None; tracks + 2];
        for (s, track) in row_spans.iter().zip(assigned) {
            let (slot, track, n) = match s.kind {
                SpanKind::Run => (tracks, 0, 1),
                SpanKind::Lock => (tracks + 1, 0, 1),
                SpanKind::Wait => (track % tracks, track % tracks, tracks),
            };
            if let Some(i) = last[slot] {
                let prev: &mut Bar = &mut out[i];
                let tiny = (s.end - s.start) < ms_per_px || (prev.end - prev.start) < ms_per_px;
                // A span that starts under the previous bar of its track would be
                // painted over it: more waits in flight than the row has tracks
                // (100,000 waits of a chat server) share their track's bar, so a
                // frame draws at most a few bars a pixel, not one per wait.
                let overlaps = s.start < prev.end;
                if overlaps || (tiny && s.start - prev.end < ms_per_px) {
                    prev.end = prev.end.max(s.end);
                    continue;
                }
            }
            last[slot] = Some(out.len());
            out.push(Bar {
                task: s.task,
                kind: s.kind,
                row,
                track,
                tracks: n,
                start: s.start,
                end: s.end,
            });
        }
    }
    out
}

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
    /// Wait tracks drawn per row: 1, 2, 4, 8 or 12 (more tracks, a full redraw).
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
        let rows = self.rows;
        let pale = |task: u32| pale(task_colour(task), theme.background).filled();
        chart.draw_series(bars.iter().chain(&open_bars).map(|b| {
            let (y0, y1) = b.y_range(rows);
            let style = match b.kind {
                SpanKind::Run => task_colour(b.task).filled(),
                SpanKind::Wait => pale(b.task),
                SpanKind::Lock => LOCK_COLOUR.filled(),
            };
            Rectangle::new([(b.start, y0), (b.end.max(b.start + px), y1)], style)
        }))?;
        let row_h = geometry.row_height();
        chart.draw_series(
            bars.iter()
                .filter(|b| {
                    b.kind == SpanKind::Wait
                        && (b.end - b.start) > 3.0 * px
                        && b.height(rows) * row_h >= 3.0
                        && self.waits.get(b.row).copied().unwrap_or(0) <= BAND_ABOVE_WAITS
                })
                .map(|b| {
                    let (y0, y1) = b.y_range(rows);
                    Rectangle::new(
                        [(b.start, y0), (b.end, y1)],
                        task_colour(b.task).stroke_width(1),
                    )
                }),
        )?;
        self.pending.clear();
        for o in &mut self.open {
            o.4 = false;
        }
        self.full = false;
        self.drawn_to = self.now;
        Ok(geometry)
    }
}

/// `colour` at [`WAIT_ALPHA`] over `background`, as one opaque colour:
/// painting it twice looks the same as once.
fn pale(colour: RGBColor, background: RGBColor) -> RGBColor {
    let mix = |c: u8, b: u8| {
        (f64::from(c) * WAIT_ALPHA + f64::from(b) * (1.0 - WAIT_ALPHA)).round() as u8
    };
    RGBColor(
        mix(colour.0, background.0),
        mix(colour.1, background.1),
        mix(colour.2, background.2),
    )
}

/// Merges bars of the same row, kind and track that overlap, or that are
/// narrower than a pixel and less than a pixel apart: what a refresh draws
/// is bounded by the canvas, not by the spans.
fn merge_live(mut bars: Vec<Bar>, ms_per_px: f64) -> Vec<Bar> {
    bars.sort_by(|a, b| {
        (a.row, a.kind as u8, a.track)
            .cmp(&(b.row, b.kind as u8, b.track))
            .then(a.start.total_cmp(&b.start))
    });
    let mut out: Vec<Bar> = Vec::with_capacity(bars.len().min(4_096));
    for b in bars {
        if let Some(prev) = out.last_mut()
            && (prev.row, prev.kind, prev.track) == (b.row, b.kind, b.track)
        {
            let tiny = (b.end - b.start) < ms_per_px || (prev.end - prev.start) < ms_per_px;
            if b.start < prev.end || (tiny && b.start - prev.end < ms_per_px) {
                prev.end = prev.end.max(b.end);
                continue;
            }
        }
        out.push(b);
    }
    out
}

/// f64 ordered by `total_cmp`, for the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The span under the point (`x`, `y`), in the geometry's pixels: on that
/// row, in the band pointed at, the shortest span within 3 px of `x`.
/// plotters draws pixels and keeps no objects, so this is how a pointer finds
/// what it points at.
pub fn hit_test(geometry: &TimelineGeometry, spans: &[Span], x: f64, y: f64) -> Option<Span> {
    if x < geometry.left || x > geometry.right || y < geometry.top || y >= geometry.bottom {
        return None;
    }
    let row_h = geometry.row_height();
    let row = ((y - geometry.top) / row_h) as usize;
    let within = (y - geometry.top) / row_h - row as f64;
    let kind = if within < (RUN_BAND.1 + WAIT_BAND.0) / 2.0 {
        SpanKind::Run
    } else {
        SpanKind::Wait
    };
    let ms_per_px = geometry.ms_per_px();
    let t = (x - geometry.left) * ms_per_px;
    let slack = 3.0 * ms_per_px;
    spans
        .iter()
        .filter(|s| {
            // A lock wait is drawn in the run band: pointing there finds it too.
            let band = if s.kind == SpanKind::Lock {
                SpanKind::Run
            } else {
                s.kind
            };
            s.lane.row() == row && band == kind && s.start - slack <= t && t <= s.end + slack
        })
        .min_by(|a, b| {
            let distance = |s: &Span| {
                if t < s.start {
                    s.start - t
                } else {
                    (t - s.end).max(0.0)
                }
            };
            distance(a)
                .total_cmp(&distance(b))
                .then(a.duration().total_cmp(&b.duration()))
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    fn span(task: u32, lane: Lane, kind: SpanKind, start: f64, end: f64) -> Span {
        Span {
            task,
            lane,
            kind,
            start,
            end,
        }
    }

    fn draw(spans: &[Span], rows: usize, x_max: f64) -> (String, TimelineGeometry) {
        let mut geometry = None;
        let out = svg(800, 300, |a| {
            geometry = Some(
                draw_timeline(
                    a,
                    &TimelineData {
                        spans,
                        rows,
                        x_max_ms: x_max,
                    },
                    &Theme::LIGHT,
                )
                .unwrap(),
            )
        });
        (out, geometry.unwrap())
    }

    #[test]
    fn draws_a_labelled_row_per_lane_and_a_bar_per_span() {
        let spans = [
            span(0, Lane::Worker(0), SpanKind::Run, 0.0, 50.0),
            span(1, Lane::Worker(1), SpanKind::Run, 0.0, 50.0),
            span(2, Lane::Worker(0), SpanKind::Run, 50.0, 100.0),
        ];
        let (svg, _) = draw(&spans, 3, 100.0);
        for label in ["main thread", "worker 1", "worker 2"] {
            assert!(has_text(&svg, label), "{label} missing");
        }
        for task in 0..3 {
            let fill = format!("fill=\"{}\"", hex(task_colour(task)));
            assert_eq!(svg.matches(&fill).count(), 1, "task {task}: one solid bar");
        }
        assert!(has_text(&svg, "time since Run"));
    }

    #[test]
    fn overlapping_waits_get_their_own_tracks() {
        let waits: Vec<Span> = (0..4)
            .map(|t| span(t, Lane::Main, SpanKind::Wait, f64::from(t), 100.0))
            .collect();
        let b = bars(&waits, 1, 0.1, &[]);
        assert_eq!(b.len(), 4);
        let mut tracks: Vec<usize> = b.iter().map(|b| b.track).collect();
        tracks.sort_unstable();
        assert_eq!(tracks, [0, 1, 2, 3]);
        assert!(b.iter().all(|b| b.tracks == 4));
        // Back-to-back waits reuse a track.
        let seq: Vec<Span> = (0..4)
            .map(|t| {
                span(
                    t,
                    Lane::Worker(0),
                    SpanKind::Wait,
                    f64::from(t) * 10.0,
                    f64::from(t + 1) * 10.0,
                )
            })
            .collect();
        assert!(
            bars(&seq, 2, 0.1, &[])
                .iter()
                .all(|b| b.track == 0 && b.tracks == 1)
        );
    }

    #[test]
    fn waits_are_pale_and_outlined_runs_solid() {
        let spans = [
            span(0, Lane::Main, SpanKind::Wait, 0.0, 80.0),
            span(0, Lane::Main, SpanKind::Run, 80.0, 100.0),
        ];
        let (svg, _) = draw(&spans, 1, 100.0);
        let colour = hex(task_colour(0));
        let rects: Vec<&str> = svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&colour))
            .collect();
        assert_eq!(rects.len(), 3, "{rects:?}");
        assert!(
            rects
                .iter()
                .any(|r| r.contains(&format!("opacity=\"0.4\" fill=\"{colour}\""))),
            "pale wait fill"
        );
        assert!(
            rects
                .iter()
                .any(|r| r.contains(&format!("fill=\"none\" stroke=\"{colour}\""))),
            "wait outline"
        );
        assert!(
            rects
                .iter()
                .any(|r| r.contains(&format!("opacity=\"1\" fill=\"{colour}\""))),
            "solid run"
        );
    }

    /// 100,000 waits in flight at once on the main thread (each 1 s long,
    /// started 0.2 µs apart): the 12 tracks of the row hold them, overlapping
    /// waits of a track drawn as one bar, so a redraw is a dozen rectangles.
    #[test]
    fn a_hundred_thousand_overlapping_waits_draw_as_a_few_bars() {
        let waits: Vec<Span> = (0..100_000)
            .map(|t| {
                let start = f64::from(t) * 0.000_2;
                span(t, Lane::Main, SpanKind::Wait, start, start + 1_000.0)
            })
            .collect();
        let b = bars(&waits, 1, 1.4, &[]);
        assert!(b.len() <= MAX_TRACKS, "{} bars", b.len());
        assert!(
            b.iter().all(|b| b.end >= 1_000.0 && b.start < 20.0),
            "each bar spans the waits of its track"
        );
    }

    #[test]
    fn ten_thousand_tiny_spans_merge_into_few_bars() {
        let spans: Vec<Span> = (0..10_000)
            .map(|i| {
                let t = f64::from(i) * 0.1;
                span(i, Lane::Worker((i % 2) as u16), SpanKind::Run, t, t + 0.1)
            })
            .collect();
        // 1,000 ms over ~700 px: about 1.4 ms per pixel.
        let b = bars(&spans, 3, 1.4, &[]);
        assert!(b.len() < 2 * 800, "{} bars", b.len());
        let covered: f64 = b.iter().map(|b| b.end - b.start).sum();
        assert!(
            covered > 1_900.0,
            "the merged bars still cover the work: {covered}"
        );
    }

    #[test]
    fn pointing_finds_the_span_under_the_pointer() {
        let spans = [
            span(0, Lane::Main, SpanKind::Wait, 0.0, 50.0),
            span(0, Lane::Main, SpanKind::Run, 50.0, 60.0),
            span(1, Lane::Worker(0), SpanKind::Run, 0.0, 100.0),
        ];
        let (_, g) = draw(&spans, 2, 100.0);
        let x_at = |ms: f64| g.left + ms / g.x_max_ms * (g.right - g.left);
        let row_h = (g.bottom - g.top) / 2.0;
        let run_y = |row: f64| g.top + row_h * (row + 0.3);
        let wait_y = |row: f64| g.top + row_h * (row + 0.75);
        assert_eq!(
            hit_test(&g, &spans, x_at(55.0), run_y(0.0)).map(|s| (s.task, s.kind)),
            Some((0, SpanKind::Run))
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(20.0), wait_y(0.0)).map(|s| s.kind),
            Some(SpanKind::Wait)
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(20.0), run_y(0.0)),
            None,
            "nothing ran then"
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(70.0), run_y(1.0)).map(|s| s.task),
            Some(1)
        );
        assert_eq!(
            hit_test(&g, &spans, g.left - 5.0, run_y(1.0)),
            None,
            "left of the plot"
        );
    }

    #[test]
    fn pointing_at_a_lock_wait_finds_it_in_the_run_band() {
        let spans = [
            span(0, Lane::Worker(0), SpanKind::Lock, 0.0, 40.0),
            span(0, Lane::Worker(0), SpanKind::Run, 40.0, 100.0),
        ];
        let (_, g) = draw(&spans, 2, 100.0);
        let x_at = |ms: f64| g.left + ms / g.x_max_ms * (g.right - g.left);
        let row_h = (g.bottom - g.top) / 2.0;
        let run_y = g.top + row_h * 1.3;
        assert_eq!(
            hit_test(&g, &spans, x_at(20.0), run_y).map(|s| s.kind),
            Some(SpanKind::Lock)
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(70.0), run_y).map(|s| s.kind),
            Some(SpanKind::Run)
        );
    }

    /// 100,000 waits on the main thread: 60,000 spread over 0–2 s, 40,000
    /// more all in flight around 1,500 ms. Drawn as a band, the SVG stays
    /// small, and the band is tallest where the 40,000 overlap.
    #[test]
    fn a_hundred_thousand_waits_draw_as_a_bounded_band_tallest_where_most_overlap() {
        let mut waits: Vec<Span> = (0..60_000u32)
            .map(|t| {
                let start = f64::from(t) / 30.0; // 0 .. 2,000 ms
                span(t, Lane::Main, SpanKind::Wait, start, start + 40.0)
            })
            .collect();
        waits.extend((60_000..100_000u32).map(|t| {
            let start = 1_450.0 + f64::from(t % 1_000) * 0.01;
            span(t, Lane::Main, SpanKind::Wait, start, start + 90.0)
        }));
        waits.push(span(0, Lane::Worker(0), SpanKind::Run, 0.0, 2_100.0));
        let (svg, g) = draw(&waits, 2, 2_100.0);
        let elements = svg.matches("<rect").count() + svg.matches("<path").count();
        assert!(
            elements < 2 * (g.right - g.left) as usize,
            "{elements} drawing elements for 100,000 waits"
        );
        let (bars, bands) = bars_and_bands(&waits, 2, g.ms_per_px(), (g.right - g.left) as usize);
        assert!(
            bars.iter().all(|b| b.kind == SpanKind::Run),
            "no wait bars on a banded row"
        );
        assert_eq!(bands.len(), 1);
        let band = &bands[0];
        assert_eq!(band.waits, 100_000);
        assert!(
            svg.contains("100,000 waits: height = waits in flight")
                && svg.contains(&format!("(at most {})", thousands(band.peak))),
            "the band says what it shows"
        );
        let densest = band
            .steps
            .iter()
            .max_by_key(|s| s.2)
            .expect("a band has steps");
        assert_eq!(densest.2, band.peak);
        assert!(
            densest.0 <= 1_545.0 && densest.1 >= 1_455.0,
            "densest columns {densest:?} are where the 40,000 overlap"
        );
        // 40,000 overlap there, with the ~40 ms × 30/ms = 1,200 of the spread.
        assert!((40_000..=42_000).contains(&band.peak), "peak {}", band.peak);
        // The band's tallest rectangle is drawn there too.
        let rect_x = |r: &str, attr: &str| -> f64 {
            r.split(&format!(" {attr}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        let band_fill = format!("fill=\"{}\"", hex(TASK_COLOURS[0]));
        let tallest = svg
            .lines()
            .filter(|l| {
                l.starts_with("<rect") && l.contains(&band_fill) && l.contains("opacity=\"0.55\"")
            })
            .max_by(|a, b| rect_x(a, "height").total_cmp(&rect_x(b, "height")))
            .expect("band rectangles");
        let x = rect_x(tallest, "x");
        let at_ms = (x - g.left) * g.ms_per_px();
        assert!(
            (1_440.0..=1_550.0).contains(&at_ms),
            "tallest band rectangle at {at_ms} ms: {tallest}"
        );
    }

    #[test]
    fn a_few_hundred_waits_keep_their_bars() {
        let waits: Vec<Span> = (0..BAND_ABOVE_WAITS as u32)
            .map(|t| {
                span(
                    t,
                    Lane::Main,
                    SpanKind::Wait,
                    f64::from(t),
                    f64::from(t) + 50.0,
                )
            })
            .collect();
        let (bars, bands) = bars_and_bands(&waits, 1, 0.5, 700);
        assert!(bands.is_empty());
        assert!(bars.iter().any(|b| b.kind == SpanKind::Wait));
    }

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
        use crate::engine::exec::SpanLog;
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
        use crate::engine::exec::SpanLog;
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
        use crate::engine::exec::SpanLog;
        let n = 100_000u32;
        let log = SpanLog::new(n as usize);
        let mut copy = LogReader::new(0.0);
        let mut live = LiveTimeline::new(2);
        // Twelve waits first: the row has all its tracks before the burst.
        for t in 0..12 {
            log.open(t, Lane::Main, 0.5);
        }
        log.read_into(&mut copy, 1.0);
        live.update(&copy, 1.0);
        live_svg(&mut live, &copy);
        for t in 12..n {
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

    #[test]
    fn pale_is_the_wait_fill_over_the_background() {
        assert_eq!(
            pale(RGBColor(0, 100, 200), RGBColor(255, 255, 255)),
            RGBColor(153, 193, 233)
        );
    }
}
