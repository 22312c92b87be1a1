//! What a pointer points at: plotters draws pixels and keeps no objects,
//! so the span under a point is found from the geometry and the spans.

use super::band::BAND_ABOVE_WAITS;
use super::bars::bars;
use super::geometry::{RUN_BAND, TimelineGeometry, WAIT_BAND};
use crate::engine::record::{Lane, Span, SpanKind};

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
    if kind == SpanKind::Wait
        && let Some(s) = wait_drawn_at(geometry, spans, row, within, t, slack)
    {
        return Some(s);
    }
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

/// The wait whose bar is drawn under the point: waits share a row's few
/// tracks, and a bar of merged waits wears its first task's colour, so the
/// pointer names that task (the nearest wait in time could be one drawn on
/// the other track). `None` on a row drawn as a density band, or where no
/// bar is.
fn wait_drawn_at(
    geometry: &TimelineGeometry,
    spans: &[Span],
    row: usize,
    within: f64,
    t: f64,
    slack: f64,
) -> Option<Span> {
    let row_spans: Vec<Span> = spans
        .iter()
        .filter(|s| s.lane.row() == row)
        .copied()
        .collect();
    let waits = row_spans
        .iter()
        .filter(|s| s.kind == SpanKind::Wait)
        .count();
    if waits == 0 || waits > BAND_ABOVE_WAITS {
        return None;
    }
    // The row's bars as drawn: the same tracks and merges (on a one-row view).
    let moved: Vec<Span> = row_spans
        .iter()
        .map(|s| Span {
            lane: Lane::Main,
            ..*s
        })
        .collect();
    let drawn = bars(&moved, 1, geometry.ms_per_px(), &[]);
    let bar = drawn.iter().find(|b| {
        let h = (WAIT_BAND.1 - WAIT_BAND.0) / b.tracks as f64;
        let top = WAIT_BAND.0 + h * b.track as f64;
        b.kind == SpanKind::Wait
            && (top..top + h).contains(&within)
            && b.start - slack <= t
            && t <= b.end + slack
    })?;
    row_spans
        .iter()
        .filter(|s| s.kind == SpanKind::Wait && s.task == bar.task)
        .min_by(|a, b| {
            let d = |s: &Span| (s.start - t).max(t - s.end).max(0.0);
            d(a).total_cmp(&d(b))
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timeline::draw_svg;
    use crate::engine::record::Lane;

    #[test]
    fn pointing_finds_the_span_under_the_pointer() {
        let spans = [
            Span::new(0, Lane::Main, SpanKind::Wait, 0.0, 50.0),
            Span::new(0, Lane::Main, SpanKind::Run, 50.0, 60.0),
            Span::new(1, Lane::Worker(0), SpanKind::Run, 0.0, 100.0),
        ];
        let (_, g) = draw_svg(&spans, 2, 100.0);
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
            Span::new(0, Lane::Worker(0), SpanKind::Lock, 0.0, 40.0),
            Span::new(0, Lane::Worker(0), SpanKind::Run, 40.0, 100.0),
        ];
        let (_, g) = draw_svg(&spans, 2, 100.0);
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

    /// Three waits in flight on two tracks: the third shares the first's
    /// track and merges into its bar, drawn in the first's colour. Pointing
    /// at each track names the task whose colour is drawn there, not the
    /// shortest wait in time.
    #[test]
    fn pointing_at_a_wait_names_the_task_drawn_in_that_track() {
        let spans = [
            Span::new(0, Lane::Main, SpanKind::Wait, 0.0, 80.0),
            Span::new(1, Lane::Main, SpanKind::Wait, 5.0, 90.0),
            Span::new(2, Lane::Main, SpanKind::Wait, 10.0, 30.0),
        ];
        let (_, g) = draw_svg(&spans, 1, 100.0);
        let x_at = |ms: f64| g.left + ms / g.x_max_ms * (g.right - g.left);
        let row_h = g.bottom - g.top;
        let track_y = |track: f64| {
            let h = (WAIT_BAND.1 - WAIT_BAND.0) / 2.0;
            g.top + row_h * (WAIT_BAND.0 + h * (track + 0.5))
        };
        // Task 2 (10–30 ms) is the shortest wait at 20 ms, but it is drawn
        // inside task 0's bar on track 0.
        assert_eq!(
            hit_test(&g, &spans, x_at(20.0), track_y(0.0)).map(|s| s.task),
            Some(0)
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(20.0), track_y(1.0)).map(|s| s.task),
            Some(1)
        );
        assert_eq!(
            hit_test(&g, &spans, x_at(85.0), track_y(1.0)).map(|s| s.task),
            Some(1)
        );
    }
}
