//! A row with hundreds of waits drawn as a density band: over each pixel
//! column, how many waits were in flight (hundreds of bars sharing two
//! tracks would say nothing about that).

use super::bars::{Bar, bars};
use super::geometry::{TimelineChart, TimelineGeometry, WAIT_BAND};
use crate::charts::{DrawResult, TASK_COLOURS, Theme};
use crate::engine::format::thousands;
use crate::engine::record::{Span, SpanKind};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// More waits than this on a row are drawn as a density band, not as bars:
/// hundreds of bars sharing two tracks say nothing about how many waits
/// were in flight, a band's height does.
pub const BAND_ABOVE_WAITS: usize = 300;

/// Heights a band column can take: columns of equal height are drawn as one
/// rectangle, so a band costs at most one rectangle per pixel column.
const BAND_LEVELS: u32 = 24;

/// A row's waits as a density band: over each pixel column, how many waits
/// were in flight.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Band {
    row: usize,
    /// The row's waits.
    waits: usize,
    /// The most waits in flight over any one column (the height's scale:
    /// a wait that ends and one that begins in the same column both count).
    peak: u32,
    /// The most waits in flight at any one instant: what the caption says.
    at_once: u32,
    /// Runs of neighbouring columns of the same height: from, to (ms) and
    /// the most waits in flight over them.
    steps: Vec<(f64, f64, u32)>,
}

/// Bars for every row, and a band instead of wait bars on rows with more
/// than [`BAND_ABOVE_WAITS`] waits; `columns`: the plot's width in pixels.
pub(super) fn bars_and_bands(
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
    let at_once = most_at_once(spans, row);
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
        at_once,
        steps,
    }
}

/// The most of `row`'s waits in flight at one instant: a wait that ends
/// as another begins does not overlap it.
fn most_at_once(spans: &[Span], row: usize) -> u32 {
    let mut edges: Vec<(f64, i32)> = spans
        .iter()
        .filter(|s| s.kind == SpanKind::Wait && s.lane.row() == row)
        .flat_map(|s| [(s.start, 1), (s.end.max(s.start), -1)])
        .collect();
    // Ends before starts at the same time.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i64, 0i64);
    for (_, d) in edges {
        now += i64::from(d);
        most = most.max(now);
    }
    most as u32
}

/// Draws a band: a column's height in the wait band is its waits in flight
/// against the peak; a line of text says what the height means.
pub(super) fn draw_band<DB: DrawingBackend>(
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
        "{} waits: height = waits in flight (at most {} at once)",
        thousands(band.waits as u64),
        thousands(band.at_once)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::hex;
    use crate::charts::timeline::draw_svg;
    use crate::engine::record::Lane;

    /// 100,000 waits on the main thread: 60,000 spread over 0–2 s, 40,000
    /// more all in flight around 1,500 ms. Drawn as a band, the SVG stays
    /// small, and the band is tallest where the 40,000 overlap.
    #[test]
    fn a_hundred_thousand_waits_draw_as_a_bounded_band_tallest_where_most_overlap() {
        let mut waits: Vec<Span> = (0..60_000u32)
            .map(|t| {
                let start = f64::from(t) / 30.0; // 0 .. 2,000 ms
                Span::new(t, Lane::Main, SpanKind::Wait, start, start + 40.0)
            })
            .collect();
        waits.extend((60_000..100_000u32).map(|t| {
            let start = 1_450.0 + f64::from(t % 1_000) * 0.01;
            Span::new(t, Lane::Main, SpanKind::Wait, start, start + 90.0)
        }));
        waits.push(Span::new(0, Lane::Worker(0), SpanKind::Run, 0.0, 2_100.0));
        let (svg, g) = draw_svg(&waits, 2, 2_100.0);
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
                && svg.contains(&format!("(at most {} at once)", thousands(band.at_once))),
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
        assert!(
            (40_000..=band.peak).contains(&band.at_once),
            "at once {}",
            band.at_once
        );
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
                Span::new(
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

    /// A connection's waits follow one another: the caption's "at once"
    /// counts one, though both touch the same pixel column (which the
    /// band's height counts).
    #[test]
    fn waits_one_after_another_are_never_two_at_once() {
        let waits: Vec<Span> = (0..400u32)
            .map(|i| {
                let t = f64::from(i) * 0.5;
                Span::new(0, Lane::Main, SpanKind::Wait, t, t + 0.5)
            })
            .collect();
        let (_, bands) = bars_and_bands(&waits, 1, 2.0, 700);
        assert_eq!(bands[0].at_once, 1);
        assert!(bands[0].peak > 1, "a column holds several");
    }
}
