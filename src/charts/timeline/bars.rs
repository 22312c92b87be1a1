//! Spans into bars: waits stacked in tracks when they overlap, neighbours
//! narrower than a pixel merged (so a draw is bounded by the canvas, not
//! the trace), and the drawing of bars that the finished and the live
//! timeline share.

use super::geometry::{RUN_BAND, TimelineChart, TimelineGeometry, WAIT_BAND};
use crate::charts::{DrawResult, task_colour};
use crate::engine::record::{Span, SpanKind};
use plotters::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Opacity of a wait's fill: pale against the solid runs, still visible.
pub(super) const WAIT_ALPHA: f64 = 0.4;

/// Waiting for a lock: one colour for every task, a dark red that no task
/// colour is, because what it says is "held up", not which task.
pub const LOCK_COLOUR: RGBColor = RGBColor(120, 20, 30);

/// One rectangle to draw: a span, or neighbouring spans merged below a pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bar {
    pub task: u32,
    pub kind: SpanKind,
    pub row: usize,
    /// Wait track and the number of tracks of the row (runs: 0 of 1).
    pub track: usize,
    pub tracks: usize,
    pub start: f64,
    pub end: f64,
}

impl Bar {
    /// The bar's vertical extent in chart units (rows counted from the bottom).
    pub(super) fn y_range(&self, rows: usize) -> (f64, f64) {
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

    pub(super) fn height(&self, rows: usize) -> f64 {
        let (a, b) = self.y_range(rows);
        a - b
    }
}

/// The most wait tracks a row gets; more concurrent waits share tracks.
/// Two, so that a wait is never shorter than half a computing bar (the
/// wait band, 0.42 of the row, over 2 tracks: 0.21 against the run band's
/// 0.38), and a pointer can land on one: with up to 12 tracks, 8 waits in flight
/// on the main thread were 3-pixel hairlines. How many are in flight is the
/// density band's to say ([`super::band::BAND_ABOVE_WAITS`]).
pub(super) const MAX_TRACKS: usize = 2;

/// Turns spans into bars: waits get tracks (greedy interval partitioning),
/// and neighbours narrower than `ms_per_px` merge. Waits of rows marked in
/// `banded` are left out (a band draws them).
pub(super) fn bars(spans: &[Span], rows: usize, ms_per_px: f64, banded: &[bool]) -> Vec<Bar> {
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
                // Spans merge only while the bar is narrower than a pixel:
                // a bar of one task's colour a hundred pixels wide would say
                // that task ran all that time, when a thousand did in turn
                // (a server's loop). A bar of merged spans stays under three
                // pixels (under one, then a gap and a span of under one
                // each), so a dense row reads as the mosaic it is, at a bar
                // or two a pixel column.
                let tiny = (s.end - s.start) < ms_per_px && (prev.end - prev.start) < ms_per_px;
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

/// Fills `bars`: computing in its task's colour, waiting in `wait_fill` of
/// its task's, waiting for a lock in [`LOCK_COLOUR`]. A bar is at least a
/// pixel wide.
pub(super) fn fill_bars<'b, DB: DrawingBackend>(
    chart: &mut TimelineChart<'_, DB>,
    bars: impl IntoIterator<Item = &'b Bar>,
    geometry: &TimelineGeometry,
    wait_fill: impl Fn(u32) -> ShapeStyle,
) -> DrawResult<(), DB> {
    let (rows, px) = (geometry.rows, geometry.ms_per_px());
    chart.draw_series(bars.into_iter().map(|b| {
        let (y0, y1) = b.y_range(rows);
        let style = match b.kind {
            SpanKind::Run => task_colour(b.task).filled(),
            SpanKind::Wait => wait_fill(b.task),
            SpanKind::Lock => LOCK_COLOUR.filled(),
        };
        Rectangle::new([(b.start, y0), (b.end.max(b.start + px), y1)], style)
    }))?;
    Ok(())
}

/// Outlines the waits among `bars` that are wide and tall enough to show
/// one (and that `keep` keeps), so that they read as "not computing".
pub(super) fn outline_waits<'b, DB: DrawingBackend>(
    chart: &mut TimelineChart<'_, DB>,
    bars: impl IntoIterator<Item = &'b Bar>,
    geometry: &TimelineGeometry,
    keep: impl Fn(&Bar) -> bool,
) -> DrawResult<(), DB> {
    let (rows, px, row_h) = (geometry.rows, geometry.ms_per_px(), geometry.row_height());
    chart.draw_series(
        bars.into_iter()
            .filter(|b| {
                b.kind == SpanKind::Wait
                    && (b.end - b.start) > 3.0 * px
                    && b.height(rows) * row_h >= 3.0
                    && keep(b)
            })
            .map(|b| {
                let (y0, y1) = b.y_range(rows);
                Rectangle::new(
                    [(b.start, y0), (b.end, y1)],
                    task_colour(b.task).stroke_width(1),
                )
            }),
    )?;
    Ok(())
}

/// `colour` at [`WAIT_ALPHA`] over `background`, as one opaque colour:
/// painting it twice looks the same as once.
pub(super) fn pale(colour: RGBColor, background: RGBColor) -> RGBColor {
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
pub(super) fn merge_live(mut bars: Vec<Bar>, ms_per_px: f64) -> Vec<Bar> {
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
pub(super) struct OrdF64(pub f64);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::Lane;

    #[test]
    fn overlapping_waits_get_their_own_tracks() {
        let waits: Vec<Span> = (0..2)
            .map(|t| Span::new(t, Lane::Main, SpanKind::Wait, f64::from(t), 100.0))
            .collect();
        let b = bars(&waits, 1, 0.1, &[]);
        assert_eq!(b.len(), 2);
        let mut tracks: Vec<usize> = b.iter().map(|b| b.track).collect();
        tracks.sort_unstable();
        assert_eq!(tracks, [0, 1]);
        assert!(b.iter().all(|b| b.tracks == 2));
        // Back-to-back waits reuse a track.
        let seq: Vec<Span> = (0..4)
            .map(|t| {
                Span::new(
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

    /// At any number of waits in flight, up to the density band's
    /// threshold, a wait is drawn at least half as tall as a computing bar
    /// of its row (with up to 12 tracks, 8 waits in flight were each 0.05
    /// of a row high, a computing bar 0.38).
    #[test]
    fn a_wait_is_never_shorter_than_half_a_computing_bar() {
        for n in [1u32, 2, 3, 8, 64, 300] {
            let mut spans: Vec<Span> = (0..n)
                .map(|t| Span::new(t, Lane::Main, SpanKind::Wait, f64::from(t) * 0.01, 100.0))
                .collect();
            spans.push(Span::new(n, Lane::Main, SpanKind::Run, 100.0, 110.0));
            let b = bars(&spans, 1, 0.1, &[]);
            let run = b
                .iter()
                .find(|b| b.kind == SpanKind::Run)
                .expect("a run bar");
            let shortest = b
                .iter()
                .filter(|b| b.kind == SpanKind::Wait)
                .map(|b| b.height(1))
                .fold(f64::INFINITY, f64::min);
            assert!(
                shortest >= 0.5 * run.height(1),
                "{n} waits: a wait {shortest:.3} of a row, a run {:.3}",
                run.height(1)
            );
        }
    }

    /// 100,000 waits in flight at once on the main thread (each 1 s long,
    /// started 0.2 µs apart): the tracks of the row hold them, overlapping
    /// waits of a track drawn as one bar, so a redraw is a few rectangles.
    #[test]
    fn a_hundred_thousand_overlapping_waits_draw_as_a_few_bars() {
        let waits: Vec<Span> = (0..100_000)
            .map(|t| {
                let start = f64::from(t) * 0.000_2;
                Span::new(t, Lane::Main, SpanKind::Wait, start, start + 1_000.0)
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
                Span::new(i, Lane::Worker((i % 2) as u16), SpanKind::Run, t, t + 0.1)
            })
            .collect();
        // 1,000 ms over ~700 px: about 1.4 ms per pixel.
        let b = bars(&spans, 3, 1.4, &[]);
        assert!(b.len() < 2 * 800, "{} bars", b.len());
        // The merged bars still cover the work: every span lies in a bar
        // of its row.
        for s in &spans {
            assert!(
                b.iter()
                    .any(|b| b.row == s.lane.row() && b.start <= s.start && b.end >= s.end),
                "{s:?} in no bar"
            );
        }
    }

    /// Merged spans make bars under three pixels: a dense row shows many
    /// tasks' colours, not one task's bar across it.
    #[test]
    fn a_merged_bar_stays_under_three_pixels() {
        // Spans of 0.3 ms with gaps of 0.6 ms, at 1 ms a pixel.
        let spans: Vec<Span> = (0..1_000)
            .map(|i| {
                let t = f64::from(i) * 0.9;
                Span::new(i, Lane::Main, SpanKind::Run, t, t + 0.3)
            })
            .collect();
        let b = bars(&spans, 1, 1.0, &[]);
        let widest = b.iter().map(|b| b.end - b.start).fold(0.0, f64::max);
        assert!(widest < 3.0, "{widest}");
        assert!(b.len() >= 300, "{} bars for 900 px", b.len());
        let tasks: std::collections::BTreeSet<u32> = b.iter().map(|b| b.task).collect();
        assert!(tasks.len() >= 300);
    }

    #[test]
    fn pale_is_the_wait_fill_over_the_background() {
        assert_eq!(
            pale(RGBColor(0, 100, 200), RGBColor(255, 255, 255)),
            RGBColor(153, 193, 233)
        );
    }
}
