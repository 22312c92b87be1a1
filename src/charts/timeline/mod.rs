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

//!
//! One file per part: `geometry.rs` (where rows and times land, the axes),
//! `bars.rs` (spans into bars and wait tracks), `band.rs` (the density band
//! of a row with hundreds of waits), `live.rs` (the run in progress, drawn
//! a little at a time), `hit.rs` (what a pointer points at),
//! `prediction.rs` (a predicted time on the axis).

mod band;
mod bars;
mod geometry;
mod hit;
mod live;
mod prediction;

use super::{DrawResult, Theme, task_colour};
use crate::engine::record::Span;
use band::{bars_and_bands, draw_band};
use bars::{WAIT_ALPHA, fill_bars, outline_waits};
use geometry::draw_axes;
use plotters::coord::Shift;
use plotters::prelude::*;

pub use band::BAND_ABOVE_WAITS;
pub use bars::LOCK_COLOUR;
pub use geometry::TimelineGeometry;
pub use hit::hit_test;
pub use live::LiveTimeline;
pub use prediction::draw_prediction;

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
    fill_bars(&mut chart, &bars, &geometry, |task| {
        task_colour(task).mix(WAIT_ALPHA).filled()
    })?;
    outline_waits(&mut chart, &bars, &geometry, |_| true)?;
    for band in &bands {
        draw_band(&mut chart, area, &geometry, band, theme)?;
    }
    Ok(geometry)
}

/// The timeline of `spans` drawn on an 800 × 300 SVG, and where it landed.
#[cfg(test)]
fn draw_svg(spans: &[Span], rows: usize, x_max: f64) -> (String, TimelineGeometry) {
    let mut geometry = None;
    let out = crate::charts::test_support::svg(800, 300, |a| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex};
    use crate::engine::record::{Lane, SpanKind};

    #[test]
    fn draws_a_labelled_row_per_lane_and_a_bar_per_span() {
        let spans = [
            Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 50.0),
            Span::new(1, Lane::Worker(1), SpanKind::Run, 0.0, 50.0),
            Span::new(2, Lane::Worker(0), SpanKind::Run, 50.0, 100.0),
        ];
        let (svg, _) = draw_svg(&spans, 3, 100.0);
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
    fn waits_are_pale_and_outlined_runs_solid() {
        let spans = [
            Span::new(0, Lane::Main, SpanKind::Wait, 0.0, 80.0),
            Span::new(0, Lane::Main, SpanKind::Run, 80.0, 100.0),
        ];
        let (svg, _) = draw_svg(&spans, 1, 100.0);
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
}
