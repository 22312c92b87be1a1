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

use super::{DrawResult, Theme, clear, format_tick, task_colour};
use crate::engine::trace::{Lane, Span, SpanKind};
use plotters::coord::Shift;
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

/// Draws the timeline and returns its geometry.
pub fn draw_timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &TimelineData<'_>,
    theme: &Theme,
) -> DrawResult<TimelineGeometry, DB> {
    clear(area, theme)?;
    let rows = data.rows.max(1);
    let x_max = if data.x_max_ms > 0.0 {
        data.x_max_ms
    } else {
        1.0
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(16)
        .x_label_area_size(34)
        .y_label_area_size(88)
        .build_cartesian_2d(0f64..x_max, 0f64..rows as f64)?;
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

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let geometry = TimelineGeometry {
        left: f64::from(xr.start),
        right: f64::from(xr.end),
        top: f64::from(yr.start),
        bottom: f64::from(yr.end),
        x_max_ms: x_max,
        rows,
    };

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
            (xr.start - 8, py),
            theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        );
        area.draw(&label)?;
    }

    let px = geometry.ms_per_px();
    let bars = bars(data.spans, rows, px);
    chart.draw_series(bars.iter().map(|b| {
        let colour = task_colour(b.task);
        let (y0, y1) = b.y_range(rows);
        let style = match b.kind {
            SpanKind::Run => colour.filled(),
            SpanKind::Wait => colour.mix(WAIT_ALPHA).filled(),
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
    Ok(geometry)
}

/// Opacity of a wait's fill: pale against the solid runs, still visible.
const WAIT_ALPHA: f64 = 0.4;

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
            SpanKind::Run => RUN_BAND,
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

/// Turns spans into bars: waits get tracks (greedy interval partitioning),
/// and neighbours narrower than `ms_per_px` merge.
fn bars(spans: &[Span], rows: usize, ms_per_px: f64) -> Vec<Bar> {
    let mut per_row: Vec<Vec<&Span>> = vec![Vec::new(); rows];
    for s in spans {
        if let Some(r) = per_row.get_mut(s.lane.row()) {
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
            let track = if s.kind == SpanKind::Run {
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
        let mut last: Vec<Option<usize>> = vec![None; tracks + 1]; // index tracks = runs
        for (s, track) in row_spans.iter().zip(assigned) {
            let (slot, track, n) = match s.kind {
                SpanKind::Run => (tracks, 0, 1),
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
            s.lane.row() == row && s.kind == kind && s.start - slack <= t && t <= s.end + slack
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
        let b = bars(&waits, 1, 0.1);
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
            bars(&seq, 2, 0.1)
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
        let b = bars(&waits, 1, 1.4);
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
        let b = bars(&spans, 3, 1.4);
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
}
