//! A server's run queues over time: one band per event loop, its height at
//! each moment the most messages that waited in that loop's queue as one
//! of its handlers began (as `go tool trace` draws a goroutine queue under
//! each processor). Pinned loops out of balance show as one band tall and
//! the others flat; stealing keeps them alike.

use super::{DrawResult, Theme, clear, format_tick};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One loop's band.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueBand {
    pub label: String,
    /// The way's colour (every band of one way alike, as in the latency
    /// histogram).
    pub colour: RGBColor,
    /// (ms since the run began, messages waiting), one point per step.
    pub points: Vec<(f64, u32)>,
}

/// Height of a band, and of the axis below them all (px).
pub const BAND_PX: u32 = 46;
pub const AXIS_PX: u32 = 36;

/// The canvas height for `bands` bands.
pub fn run_queue_height(bands: usize) -> u32 {
    BAND_PX * bands.max(1) as u32 + AXIS_PX + 8
}

/// Draws `bands` over `0..x_max_ms`; all bands on one scale (the tallest
/// queue of any band fills its band). Each point holds until the next (the
/// last for `step_ms`); where a pixel spans several points it shows their
/// largest, so that no peak falls between two pixels.
pub fn draw_run_queues<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bands: &[QueueBand],
    x_max_ms: f64,
    step_ms: f64,
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let n = bands.len().max(1);
    let most = bands
        .iter()
        .flat_map(|b| b.points.iter().map(|&(_, q)| q))
        .max()
        .unwrap_or(0)
        .max(1);
    let x_max = if x_max_ms.is_finite() && x_max_ms > 0.0 {
        x_max_ms
    } else {
        1.0
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(16)
        .x_label_area_size(AXIS_PX)
        .y_label_area_size(96)
        .build_cartesian_2d(0f64..x_max, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|x| format_tick(*x))
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(11.0))
        .draw()?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let ms_per_px = x_max / f64::from((xr.end - xr.start).max(1));
    for (i, band) in bands.iter().enumerate() {
        // Band i from the top: rows count down from n.
        let base = (n - 1 - i) as f64;
        let colour = band.colour;
        chart.draw_series(
            held(&band.points, step_ms, ms_per_px, x_max)
                .into_iter()
                .filter(|s| s.2 > 0)
                .map(|(t0, t1, q)| {
                    let h = 0.85 * f64::from(q) / f64::from(most);
                    Rectangle::new([(t0, base), (t1, base + h)], colour.filled())
                }),
        )?;
        let (px, py) = chart.backend_coord(&(0.0, base + 0.5));
        let peak = band.points.iter().map(|&(_, q)| q).max().unwrap_or(0);
        area.draw(&Text::new(
            band.label.clone(),
            (px - 8, py - 7),
            theme.font(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        area.draw(&Text::new(
            format!("most {peak}"),
            (px - 8, py + 7),
            theme
                .muted_font(10.0)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The band's steps as (from, to, queue): each point held until the next
/// (the last for `step_ms`), points within one pixel (`ms_per_px`) merged
/// into their largest, every step at least a pixel wide, all within
/// `0..x_max`.
fn held(points: &[(f64, u32)], step_ms: f64, ms_per_px: f64, x_max: f64) -> Vec<(f64, f64, u32)> {
    let px = ms_per_px.max(f64::MIN_POSITIVE);
    // The largest queue in each pixel column, in time order.
    let mut columns: Vec<(f64, u32)> = Vec::new();
    for &(t, q) in points {
        let col = (t.max(0.0) / px).floor() * px;
        match columns.last_mut() {
            Some((c, m)) if *c == col => *m = (*m).max(q),
            _ => columns.push((col, q)),
        }
    }
    columns
        .iter()
        .enumerate()
        .map(|(k, &(t, q))| {
            let next = columns.get(k + 1).map_or(t + step_ms.max(px), |&(u, _)| u);
            (t.min(x_max), next.max(t + px).min(x_max), q)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::task_colour;
    use crate::charts::test_support::{has_text, hex, svg};

    /// Each loop's band in its colour, labelled with its most waiting; a
    /// loop whose queue never held a message draws no bar.
    #[test]
    fn draws_a_band_per_loop_on_one_scale() {
        let bands = vec![
            QueueBand {
                label: "Loop 1".into(),
                colour: task_colour(0),
                points: vec![(0.0, 3), (1.0, 6), (5.0, 1)],
            },
            QueueBand {
                label: "Loop 2".into(),
                colour: task_colour(1),
                points: vec![(0.0, 0), (2.0, 0)],
            },
        ];
        let out = svg(600, run_queue_height(2), |area| {
            draw_run_queues(area, &bands, 10.0, 1.0, &Theme::LIGHT).unwrap();
        });
        assert!(has_text(&out, "Loop 1") && has_text(&out, "Loop 2"));
        assert!(has_text(&out, "most 6") && has_text(&out, "most 0"));
        let bars = |c| {
            out.split("<rect")
                .skip(1)
                .filter(|r| r.contains(&format!("fill=\"{}\"", hex(c))))
                .count()
        };
        assert_eq!(bars(task_colour(0)), 3, "three steps with messages waiting");
        assert_eq!(bars(task_colour(1)), 0, "an empty queue draws nothing");
    }

    /// Held until the next point; points within a pixel merged into their
    /// largest; never narrower than a pixel.
    #[test]
    fn steps_hold_and_keep_their_peaks_at_any_width() {
        let points = [(0.0, 2), (3.0, 5), (3.2, 9), (3.4, 1), (8.0, 0)];
        // 1 ms a pixel: 3.0, 3.2 and 3.4 share a column, its largest 9.
        assert_eq!(
            held(&points, 1.0, 1.0, 20.0),
            vec![(0.0, 3.0, 2), (3.0, 8.0, 9), (8.0, 9.0, 0)]
        );
        // Finer than the points: each held until the next.
        assert_eq!(
            held(&[(0.0, 2), (3.0, 5)], 1.0, 0.1, 20.0),
            vec![(0.0, 3.0, 2), (3.0, 4.0, 5)]
        );
        // A long run on few pixels: the one peak among a thousand points survives.
        let many: Vec<(f64, u32)> = (0..1000)
            .map(|k| (f64::from(k), u32::from(k == 567)))
            .collect();
        let h = held(&many, 1.0, 10.0, 1000.0);
        assert_eq!(h.iter().filter(|s| s.2 == 1).count(), 1);
        assert!(h.iter().all(|s| s.1 - s.0 >= 10.0 - 1e-9 || s.1 == 1000.0));
    }
}
