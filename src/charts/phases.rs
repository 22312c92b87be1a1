//! A training run's devices over time: a row per device, a bar per phase
//! (computing its gradient, waiting at the barrier, summing its share of
//! the all-reduce), for a few steps only,
//! so that each step's phases are wide enough to see.

use super::{DrawResult, Theme, clear, format_tick, legend_entry_px};
use crate::engine::record::{Phase, PhaseSpan};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub fn phase_colour(phase: Phase, theme: &Theme) -> RGBColor {
    match phase {
        Phase::Compute => RGBColor(0, 114, 178),
        Phase::Wait => theme.muted,
        Phase::Reduce => RGBColor(213, 94, 0),
    }
}

/// Height for `rows` devices.
pub fn phases_height(rows: usize) -> u32 {
    70 + 28 * rows.max(1) as u32
}

/// Draws the phases of the steps `steps` of `devices` rows, each named
/// by `row_name`.
pub fn draw_phases<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    phases: &[PhaseSpan],
    devices: usize,
    steps: std::ops::Range<u32>,
    row_name: &dyn Fn(usize) -> String,
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let shown: Vec<&PhaseSpan> = phases.iter().filter(|p| steps.contains(&p.step)).collect();
    let x0 = shown.iter().map(|p| p.start).fold(f64::INFINITY, f64::min);
    let x1 = shown
        .iter()
        .map(|p| p.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let (x0, x1) = if x1 > x0 { (x0, x1) } else { (0.0, 1.0) };
    // Times from the first step's start, so that the axis starts at 0.
    let span = x1 - x0;
    let rows = devices.max(1);
    let mut chart = ChartBuilder::on(area)
        .margin_top(26)
        .margin_right(20)
        .x_label_area_size(40)
        .y_label_area_size(76)
        .build_cartesian_2d(0f64..span, 0f64..rows as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|x| format_tick(*x))
        .x_desc("ms since the first step shown began")
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    for r in 0..rows {
        let (_, py) = chart.backend_coord(&(0.0, rows as f64 - r as f64 - 0.5));
        area.draw(&Text::new(
            row_name(r),
            (xr.start - 8, py),
            theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    chart.draw_series(shown.iter().map(|p| {
        let top = rows as f64 - f64::from(p.device) - 0.15;
        // At least a pixel's worth, so that a 10 µs sum still shows.
        let (start, end) = (p.start - x0, (p.end - x0).max(p.start - x0 + span / 2000.0));
        Rectangle::new(
            [(start, top), (end, top - 0.7)],
            phase_colour(p.phase, theme).filled(),
        )
    }))?;
    let (w, _) = area.dim_in_pixel();
    let (mut x, mut y) = (xr.start, 4);
    for phase in Phase::ALL {
        if !shown.iter().any(|p| p.phase == phase) {
            continue;
        }
        let label = phase.label();
        let px = legend_entry_px(label);
        if x + px > w as i32 && x > xr.start {
            (x, y) = (xr.start, y + 16);
        }
        area.draw(&Rectangle::new(
            [(x, y), (x + 12, y + 12)],
            phase_colour(phase, theme).filled(),
        ))?;
        area.draw(&Text::new(
            label,
            (x + 18, y + 6),
            theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += px;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    fn span(device: u16, step: u32, phase: Phase, start: f64, end: f64) -> PhaseSpan {
        PhaseSpan {
            device,
            step,
            phase,
            start,
            end,
        }
    }

    #[test]
    fn draws_the_first_steps_phases_per_device_with_a_legend() {
        let phases = vec![
            span(0, 0, Phase::Compute, 0.0, 4.0),
            span(0, 0, Phase::Reduce, 4.0, 4.5),
            span(1, 0, Phase::Compute, 0.0, 3.0),
            span(1, 0, Phase::Wait, 3.0, 4.5),
            span(0, 5, Phase::Compute, 30.0, 34.0),
        ];
        let out = svg(600, phases_height(2), |a| {
            draw_phases(
                a,
                &phases,
                2,
                0..2,
                &|r| format!("device {}", r + 1),
                &Theme::LIGHT,
            )
            .unwrap()
        });
        for t in [
            "device 1",
            "device 2",
            "gradient",
            "barrier wait",
            "all-reduce",
        ] {
            assert!(has_text(&out, t), "{t} missing");
        }
        assert!(out.contains(&hex(phase_colour(Phase::Reduce, &Theme::LIGHT))));
        // Step 5 is past the steps shown: the axis ends at step 0's end.
        assert!(!has_text(&out, "30"));
    }

    #[test]
    fn the_legend_names_only_the_phases_shown() {
        let phases = vec![span(0, 0, Phase::Compute, 0.0, 4.0)];
        let out = svg(400, phases_height(1), |a| {
            draw_phases(a, &phases, 1, 0..1, &|_| "GPU".into(), &Theme::DARK).unwrap()
        });
        assert!(has_text(&out, "gradient") && has_text(&out, "GPU"));
        assert!(!has_text(&out, "barrier wait") && !has_text(&out, "all-reduce"));
    }
}
