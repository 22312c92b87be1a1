//! The speedup curve of a thread sweep: measured points, the ideal line
//! (speedup = threads), and Amdahl's law with the serial fraction fitted to
//! the points. Where the points fall under the ideal line, the gap is serial
//! work or overhead; past the machine's cores, more threads add nothing.

use super::{DrawResult, Theme, clear};
use crate::engine::model::{AmdahlFit, SweepPoint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const MEASURED: RGBColor = RGBColor(0, 114, 178);
pub const IDEAL: RGBColor = RGBColor(140, 140, 140);
pub const AMDAHL: RGBColor = RGBColor(213, 94, 0);

/// What the chart shows.
#[derive(Debug, Clone, Copy)]
pub struct SpeedupData<'a> {
    pub points: &'a [SweepPoint],
    pub fit: Option<AmdahlFit>,
    /// Logical cores the browser reports: drawn as a marker, since threads
    /// beyond it cannot add speed.
    pub cores: u32,
}

pub fn draw_speedup<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &SpeedupData<'_>,
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let p_max = data
        .points
        .iter()
        .map(|p| p.threads)
        .max()
        .unwrap_or(1)
        .max(2);
    let s_max = data
        .points
        .iter()
        .map(|p| p.speedup)
        .filter(|s| s.is_finite())
        .fold(f64::from(p_max), f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin_top(34)
        .margin_right(20)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.8f64..f64::from(p_max) + 0.2, 0f64..s_max)?;
    chart
        .configure_mesh()
        .x_labels(p_max as usize)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.1}×"))
        .x_desc("threads")
        .y_desc("speedup")
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;

    let p_top = f64::from(p_max);
    chart
        .draw_series(DashedLineSeries::new(
            [(1.0, 1.0), (p_top, p_top)],
            6,
            4,
            IDEAL.stroke_width(2),
        ))?
        .label("ideal (speedup = threads)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], IDEAL.stroke_width(2)));
    if let Some(fit) = data.fit {
        let curve = (0..=100).map(|i| {
            let p = 1.0 + (p_top - 1.0) * f64::from(i) / 100.0;
            (p, fit.speedup(p))
        });
        chart
            .draw_series(LineSeries::new(curve, AMDAHL.stroke_width(2)))?
            .label(format!(
                "Amdahl, serial fraction {:.1} %",
                fit.serial_fraction * 100.0
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], AMDAHL.stroke_width(2)));
    }
    chart
        .draw_series(
            data.points
                .iter()
                .filter(|p| p.speedup.is_finite())
                .map(|p| Circle::new((f64::from(p.threads), p.speedup), 5, MEASURED.filled())),
        )?
        .label("measured")
        .legend(|(x, y)| Circle::new((x + 9, y), 5, MEASURED.filled()));
    for p in data.points.iter().filter(|p| p.speedup.is_finite()) {
        let (px, py) = chart.backend_coord(&(f64::from(p.threads), p.speedup));
        area.draw(&Text::new(
            format!("{:.2}×", p.speedup),
            (px + 8, py - 6),
            theme.font(11.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))?;
    }
    if data.cores >= 1 && data.cores < p_max {
        let c = f64::from(data.cores);
        chart.draw_series(DashedLineSeries::new(
            [(c, 0.0), (c, s_max)],
            3,
            3,
            theme.muted.stroke_width(1),
        ))?;
        let (px, _) = chart.backend_coord(&(c, s_max));
        area.draw(&Text::new(
            format!("{} cores", data.cores),
            (px + 4, 40),
            theme.muted_font(11.0).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(theme.background.mix(0.9))
        .border_style(theme.grid)
        .label_font(theme.font(12.0))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};
    use crate::engine::model::{fit_amdahl, sweep_points};

    #[test]
    fn points_ideal_line_and_fitted_curve() {
        let points = sweep_points(&[(1, 400.0), (2, 210.0), (3, 150.0), (4, 120.0)]);
        let fit = fit_amdahl(&points);
        let out = svg(640, 360, |a| {
            draw_speedup(
                a,
                &SpeedupData {
                    points: &points,
                    fit,
                    cores: 2,
                },
                &Theme::LIGHT,
            )
            .unwrap()
        });
        assert_eq!(
            out.matches("<circle").count(),
            4 + 1,
            "four points and the legend's"
        );
        for label in [
            "1.90×",
            "3.33×",
            "ideal (speedup = threads)",
            "measured",
            "2 cores",
        ] {
            assert!(has_text(&out, label), "{label} missing");
        }
        let f = fit.unwrap().serial_fraction * 100.0;
        assert!(
            has_text(&out, &format!("Amdahl, serial fraction {f:.1} %")),
            "{out}"
        );
        assert!(
            out.contains(&format!("stroke=\"{}\"", hex(AMDAHL))),
            "the curve is drawn"
        );
    }

    #[test]
    fn without_a_fit_there_is_no_curve() {
        let points = sweep_points(&[(1, 100.0)]);
        let out = svg(640, 360, |a| {
            draw_speedup(
                a,
                &SpeedupData {
                    points: &points,
                    fit: None,
                    cores: 2,
                },
                &Theme::LIGHT,
            )
            .unwrap()
        });
        assert!(!out.contains("Amdahl"));
        assert!(!out.contains(&hex(AMDAHL)));
    }
}
