//! A line chart of a few measured series, each in its colour with its
//! points marked, and dashed lines for what was fitted or is ideal. Either
//! axis linear or logarithmic: the training card's ladder (time per step
//! against batch size, both spanning a hundredfold), its loss curves and
//! its scaling sweeps.

use super::{DrawResult, Theme, clear, format_tick, legend_entry_px};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How an axis maps values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// Powers of ten (or of two on a count axis) equally spaced.
    Log,
}

impl Scale {
    fn to(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.max(f64::MIN_POSITIVE).log10(),
        }
    }

    fn from(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => 10f64.powf(v),
        }
    }
}

/// One series.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Dashed, no markers: a fit or an ideal, not a measurement.
    pub dashed: bool,
}

/// What an axis's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds: "250 µs", "1.2 ms", "3 s".
    Ms,
    /// A plain number: "4,096", "0.25".
    Number,
}

impl Unit {
    fn text(self, v: f64) -> String {
        match self {
            Unit::Ms => format_tick(v),
            Unit::Number if v.fract() == 0.0 && v.abs() < 1e15 => {
                let s = crate::engine::format::thousands(v.abs() as u64);
                if v < 0.0 { format!("-{s}") } else { s }
            }
            Unit::Number => {
                let t = format!("{v:.3}");
                t.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
    }
}

/// The axes' names, scales and units.
#[derive(Debug, Clone, PartialEq)]
pub struct Axes {
    pub x_label: String,
    pub y_label: String,
    pub x_scale: Scale,
    pub y_scale: Scale,
    pub x_unit: Unit,
    pub y_unit: Unit,
    /// Ticks on the x axis at these values only (batch sizes, thread
    /// counts), when given.
    pub x_ticks: Vec<f64>,
}

/// Draws `lines` on `axes`; points that cannot be placed (non-positive on
/// a log axis, not finite) are left out.
pub fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
    axes: &Axes,
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let placeable = |(x, y): (f64, f64)| {
        x.is_finite()
            && y.is_finite()
            && (axes.x_scale == Scale::Linear || x > 0.0)
            && (axes.y_scale == Scale::Linear || y > 0.0)
    };
    let mapped: Vec<Vec<(f64, f64)>> = lines
        .iter()
        .map(|l| {
            l.points
                .iter()
                .copied()
                .filter(|&p| placeable(p))
                .map(|(x, y)| (axes.x_scale.to(x), axes.y_scale.to(y)))
                .collect()
        })
        .collect();
    let all = || mapped.iter().flatten();
    let (mut x0, mut x1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.0), b.max(p.0))
    });
    let (mut y0, mut y1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.1), b.max(p.1))
    });
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if x1 - x0 < 1e-9 {
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
    }
    let pad = ((y1 - y0) * 0.1).max(if axes.y_scale == Scale::Log {
        0.05
    } else {
        1e-6
    });
    if axes.y_scale == Scale::Linear && y0 >= 0.0 {
        y0 = 0.0; // a linear quantity from zero: heights compare
    } else {
        y0 -= pad;
    }
    y1 += pad * 2.5; // room for the legend
    let xpad = (x1 - x0) * 0.04;
    let mut chart = ChartBuilder::on(area)
        .margin_top(12)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d((x0 - xpad)..(x1 + xpad), y0..y1)?;
    let (xs, ys, xu, yu) = (axes.x_scale, axes.y_scale, axes.x_unit, axes.y_unit);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(if axes.x_ticks.is_empty() { 6 } else { 0 })
        .y_labels(6)
        .x_label_formatter(&|x| xu.text(xs.from(*x)))
        .y_label_formatter(&|y| yu.text(ys.from(*y)))
        .x_desc(axes.x_label.as_str())
        .y_desc(axes.y_label.as_str())
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    // Chosen ticks, where they fit (about 44 px apart).
    let mut last_px = i32::MIN;
    for &t in &axes.x_ticks {
        if !placeable((t, 1.0)) {
            continue;
        }
        let (px, _) = chart.backend_coord(&(xs.to(t), y0));
        if px.saturating_sub(last_px) < 44 {
            continue;
        }
        last_px = px;
        area.draw(&Text::new(
            xu.text(t),
            (px, yr.end + 6),
            theme.font(12.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    for (line, pts) in lines.iter().zip(&mapped) {
        if line.dashed {
            chart.draw_series(DashedLineSeries::new(
                pts.iter().copied(),
                6,
                4,
                line.colour.stroke_width(2),
            ))?;
        } else {
            chart.draw_series(LineSeries::new(
                pts.iter().copied(),
                line.colour.stroke_width(2),
            ))?;
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, line.colour.filled())))?;
        }
    }
    // Legend, top left, wrapping on a narrow chart.
    let (w, _) = area.dim_in_pixel();
    let (mut x, mut y) = (xr.start + 8, 4);
    for line in lines {
        let px = legend_entry_px(&line.label);
        if x + px > w as i32 && x > xr.start + 8 {
            (x, y) = (xr.start + 8, y + 16);
        }
        let mid = y + 6;
        if line.dashed {
            area.draw(&PathElement::new(
                vec![(x, mid), (x + 5, mid)],
                line.colour.stroke_width(2),
            ))?;
            area.draw(&PathElement::new(
                vec![(x + 8, mid), (x + 12, mid)],
                line.colour.stroke_width(2),
            ))?;
        } else {
            area.draw(&Rectangle::new(
                [(x, y), (x + 12, y + 12)],
                line.colour.filled(),
            ))?;
        }
        area.draw(&Text::new(
            line.label.clone(),
            (x + 18, mid),
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

    fn axes(x: Scale, y: Scale, ticks: Vec<f64>) -> Axes {
        Axes {
            x_label: "samples per step".into(),
            y_label: "ms per step".into(),
            x_scale: x,
            y_scale: y,
            x_unit: Unit::Number,
            y_unit: Unit::Ms,
            x_ticks: ticks,
        }
    }

    #[test]
    fn draws_each_series_with_its_label_and_the_chosen_ticks() {
        let lines = vec![
            Line {
                label: "Scalar".into(),
                colour: RGBColor(0, 114, 178),
                points: vec![(1024.0, 0.5), (4096.0, 2.0), (16384.0, 8.0)],
                dashed: false,
            },
            Line {
                label: "GPU".into(),
                colour: RGBColor(213, 94, 0),
                points: vec![(1024.0, 3.0), (4096.0, 3.1), (16384.0, 0.0)],
                dashed: true,
            },
        ];
        let out = svg(600, 300, |a| {
            draw_lines(
                a,
                &lines,
                &axes(Scale::Log, Scale::Log, vec![1024.0, 4096.0, 16384.0]),
                &Theme::LIGHT,
            )
            .unwrap()
        });
        for t in [
            "Scalar",
            "GPU",
            "1,024",
            "4,096",
            "16,384",
            "ms per step",
            "samples per step",
        ] {
            assert!(has_text(&out, t), "{t} missing");
        }
        assert!(out.contains(&hex(RGBColor(0, 114, 178))));
        assert!(out.contains(&hex(RGBColor(213, 94, 0))));
        // Three measured points marked; the dashed line has none.
        assert_eq!(out.matches("<circle").count(), 3);
    }

    #[test]
    fn plain_numbers_carry_no_unit() {
        assert_eq!(Unit::Number.text(4096.0), "4,096");
        assert_eq!(Unit::Number.text(0.25), "0.25");
        assert_eq!(Unit::Number.text(2.0), "2");
        assert_eq!(Unit::Ms.text(2.0), format_tick(2.0));
    }

    #[test]
    fn an_empty_chart_still_draws_its_axes() {
        let out = svg(300, 200, |a| {
            draw_lines(
                a,
                &[],
                &axes(Scale::Linear, Scale::Linear, vec![]),
                &Theme::DARK,
            )
            .unwrap()
        });
        assert!(has_text(&out, "ms per step"));
    }
}
