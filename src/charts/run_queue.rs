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

/// Draws `bands` over `0..x_max_ms`, each point a step `step_ms` wide; all
/// bands on one scale (the tallest queue of any band fills its band).
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
    for (i, band) in bands.iter().enumerate() {
        // Band i from the top: rows count down from n.
        let base = (n - 1 - i) as f64;
        let colour = band.colour;
        chart.draw_series(band.points.iter().filter(|(_, q)| *q > 0).map(|&(t, q)| {
            let h = 0.85 * f64::from(q) / f64::from(most);
            Rectangle::new(
                [(t.max(0.0), base), ((t + step_ms).min(x_max), base + h)],
                colour.filled(),
            )
        }))?;
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
}
