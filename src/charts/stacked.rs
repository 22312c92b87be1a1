//! Several timelines stacked on one time axis: one band per run (a mode of a
//! comparison, or the same experiment on two machines), each with its title,
//! all drawn to the same scale, so a long sequential bar above the short
//! parallel lanes shows the difference at a glance.
//!
//! Each band is the ordinary timeline ([`draw_timeline`]) given the same end
//! of axis; its plot then starts and ends at the same pixel columns in every
//! band, because the timeline's margins are fixed.

use super::timeline::{TimelineData, TimelineGeometry, draw_timeline, hit_test};
use super::{DrawResult, Theme, clear};
use crate::engine::record::{Span, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Height of a band's title strip, in pixels.
pub const TITLE_PX: u32 = 24;
/// Height of one lane in a band.
pub const ROW_PX: u32 = 34;
/// Height of a band's time axis (ticks and their labels).
pub const AXIS_PX: u32 = 42;

/// One band: a run and what to call it.
#[derive(Debug, Clone, Copy)]
pub struct Band<'a> {
    pub title: &'a str,
    pub spans: &'a [Span],
    /// Lanes drawn: the main thread plus the run's pool threads.
    pub rows: usize,
}

impl<'a> Band<'a> {
    /// The band of `trace`: as many rows as the threads it could use (at
    /// least every lane it used), so idle threads show as empty lanes.
    pub fn of(title: &'a str, trace: &'a Trace) -> Band<'a> {
        let used = trace
            .spans
            .iter()
            .map(|s| s.lane.row() + 1)
            .max()
            .unwrap_or(1);
        let allowed = if trace.mode.uses_pool() {
            trace.lanes as usize + 1
        } else {
            1
        };
        Band {
            title,
            spans: &trace.spans,
            rows: used.max(allowed),
        }
    }

    /// Pixels the band takes.
    pub fn height(&self) -> u32 {
        TITLE_PX + self.rows.max(1) as u32 * ROW_PX + AXIS_PX
    }
}

/// The height of the whole stack.
pub fn stacked_height(bands: &[Band<'_>]) -> u32 {
    bands.iter().map(Band::height).sum::<u32>().max(1)
}

/// The shared end of the axis: the longest of the runs.
pub fn shared_x_max(traces: &[&Trace]) -> f64 {
    traces
        .iter()
        .map(|t| t.duration_ms)
        .filter(|d| d.is_finite())
        .fold(0.0, f64::max)
}

/// Where a band lands in the stack, in pixels from its top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Top of the band's title strip ([`TITLE_PX`] tall).
    pub top: u32,
    /// Top and height of its timeline.
    pub body_top: u32,
    pub body_height: u32,
}

/// The bands' places, one under the other.
pub fn layout(bands: &[Band<'_>]) -> Vec<Slot> {
    let mut top = 0;
    bands
        .iter()
        .map(|b| {
            let slot = Slot {
                top,
                body_top: top + TITLE_PX,
                body_height: b.height() - TITLE_PX,
            };
            top += b.height();
            slot
        })
        .collect()
}

/// Draws a band's title on `title`, a strip [`TITLE_PX`] tall.
pub fn draw_title<DB: DrawingBackend>(
    title: &DrawingArea<DB, Shift>,
    band: &Band<'_>,
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(title, theme)?;
    title.draw(&Text::new(band.title.to_string(), (8, 5), theme.font(14.0)))
}

/// Draws a band's timeline on `body`, on an axis from 0 to `x_max_ms`
/// shared by every band.
///
/// `body` must be an area whose pixel origin is its own top left (a root
/// area): the timeline places its lane names in root pixels, so on a slice
/// of a larger area they would land off their rows. The caller puts the
/// bands in place (the page, with the canvas's transform; the tests, as
/// separate SVGs) and moves the geometry with [`Slot::place`].
pub fn draw_body<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    band: &Band<'_>,
    x_max_ms: f64,
    theme: &Theme,
) -> DrawResult<TimelineGeometry, DB> {
    draw_timeline(
        body,
        &TimelineData {
            spans: band.spans,
            rows: band.rows,
            x_max_ms,
        },
        theme,
    )
}

impl Slot {
    /// A band's geometry (in its body's pixels) moved to its place in the stack.
    pub fn place(&self, g: TimelineGeometry) -> TimelineGeometry {
        let dy = f64::from(self.body_top);
        TimelineGeometry {
            top: g.top + dy,
            bottom: g.bottom + dy,
            ..g
        }
    }
}

/// The band and span under the point (`x`, `y`) of the stack.
pub fn hit_test_stacked(
    geometries: &[TimelineGeometry],
    bands: &[&[Span]],
    x: f64,
    y: f64,
) -> Option<(usize, Span)> {
    geometries
        .iter()
        .zip(bands)
        .enumerate()
        .find(|(_, (g, _))| y >= g.top && y < g.bottom)
        .and_then(|(i, (g, spans))| hit_test(g, spans, x, y).map(|s| (i, s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, svg};
    use crate::engine::plan::Mode;
    use crate::engine::record::Lane;
    use crate::engine::record::fixtures::run;

    fn traces() -> (Trace, Trace) {
        let seq = Trace::new(
            Mode::Sequential,
            1,
            2,
            0.0,
            200.0,
            vec![
                run(0, Lane::Main, 0.0, 100.0),
                run(1, Lane::Main, 100.0, 200.0),
            ],
        );
        let par = Trace::new(
            Mode::Parallel,
            2,
            2,
            0.0,
            100.0,
            vec![
                run(0, Lane::Worker(0), 0.0, 100.0),
                run(1, Lane::Worker(1), 0.0, 100.0),
            ],
        );
        (seq, par)
    }

    fn x_of(g: &TimelineGeometry, ms: f64) -> f64 {
        g.left + ms / g.x_max_ms * (g.right - g.left)
    }

    fn row_height(g: &TimelineGeometry) -> f64 {
        (g.bottom - g.top) / g.rows as f64
    }

    /// The y of every `<text>` reading `text`.
    fn text_ys(svg: &str, text: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter(|t| {
                t.split_once('>')
                    .and_then(|(_, rest)| rest.split_once("</text>"))
                    .is_some_and(|(inner, _)| inner.trim() == text)
            })
            .filter_map(|t| {
                let at = t.find(" y=\"")? + 4;
                t[at..].split('"').next()?.parse().ok()
            })
            .collect()
    }

    #[test]
    fn bands_share_one_axis_and_keep_their_labels_in_place() {
        let (seq, par) = traces();
        let bands = [Band::of("Sequential", &seq), Band::of("Parallel", &par)];
        assert_eq!((bands[0].rows, bands[1].rows), (1, 3));
        let x_max = shared_x_max(&[&seq, &par]);
        assert_eq!(x_max, 200.0);
        let slots = layout(&bands);
        assert_eq!(stacked_height(&bands), slots[1].top + bands[1].height());
        assert_eq!(slots[1].top, bands[0].height());
        let mut geometries = Vec::new();
        for (band, slot) in bands.iter().zip(&slots) {
            let title = svg(800, TITLE_PX, |t| {
                draw_title(t, band, &Theme::LIGHT).unwrap()
            });
            assert!(has_text(&title, band.title), "{title}");
            let body = svg(800, slot.body_height, |b| {
                let g = draw_body(b, band, x_max, &Theme::LIGHT).unwrap();
                geometries.push(slot.place(g));
            });
            // Each band's lane names sit beside its own rows.
            let g = geometries.last().copied().unwrap();
            let ys = text_ys(&body, "main thread");
            assert_eq!(ys.len(), 1, "{body}");
            let y = ys[0] + f64::from(slot.body_top);
            assert!(y > g.top && y < g.top + row_height(&g), "{y} {g:?}");
        }
        let (g0, g1) = (geometries[0], geometries[1]);
        // One axis: the same pixel columns for the same times in both bands.
        assert_eq!((g0.left, g0.right), (g1.left, g1.right));
        assert_eq!(x_of(&g0, 100.0), x_of(&g1, 100.0));
        assert!(g0.bottom <= g1.top, "bands do not overlap");
        // Pointing finds the span of the band pointed at.
        let y = g1.top + row_height(&g1) * 1.3; // worker 1's run band
        let hit = hit_test_stacked(&geometries, &[&seq.spans, &par.spans], x_of(&g1, 50.0), y);
        assert_eq!(hit.map(|(i, s)| (i, s.lane)), Some((1, Lane::Worker(0))));
        let above = hit_test_stacked(
            &geometries,
            &[&seq.spans, &par.spans],
            x_of(&g0, 50.0),
            g0.top + 5.0,
        );
        assert_eq!(above.map(|(i, s)| (i, s.task)), Some((0, 0)));
    }
}
