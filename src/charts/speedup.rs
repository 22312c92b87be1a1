//! The speedup curve of a thread sweep: measured points, the ideal line
//! (speedup = threads), and Amdahl's law with the serial fraction fitted to
//! the points. Where the points fall under the ideal line, the gap is serial
//! work or overhead; past the machine's cores, more threads add nothing.

use super::{DrawResult, Theme, clear};
use crate::engine::analysis::{AmdahlFit, SweepPoint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const MEASURED: RGBColor = RGBColor(0, 114, 178);
pub const IDEAL: RGBColor = RGBColor(140, 140, 140);
pub const AMDAHL: RGBColor = RGBColor(213, 94, 0);
/// The core-count marker's: apart from the axes and grid, legible on both
/// themes.
pub const CORES: RGBColor = RGBColor(136, 102, 204);

/// What the chart shows.
#[derive(Debug, Clone, Copy)]
pub struct SpeedupData<'a> {
    pub points: &'a [SweepPoint],
    pub fit: Option<AmdahlFit>,
    /// Logical cores the browser reports: drawn as a marker, since threads
    /// beyond it cannot add speed.
    pub cores: u32,
    /// The person's prediction: the speedup they expected on that many
    /// threads, drawn as a ring beside the measured point.
    pub predicted: Option<(u32, f64)>,
}

/// Whether the chart marks the core count: when the sweep went beyond it,
/// so that the threads past it (more lanes, no more cores) are set apart.
pub fn marks_cores(data: &SpeedupData<'_>) -> bool {
    let p_max = data.points.iter().map(|p| p.threads).max().unwrap_or(0);
    data.cores >= 1 && data.cores < p_max
}

/// "1 core", "2 cores": the marker's label.
pub fn cores_label(cores: u32) -> String {
    if cores == 1 {
        "1 core".into()
    } else {
        format!("{cores} cores")
    }
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
        .chain(data.predicted.map(|(_, x)| x))
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
    if let Some((threads, x)) = data.predicted.filter(|(_, x)| x.is_finite()) {
        let ring = theme.text.stroke_width(2);
        chart
            .draw_series(std::iter::once(Circle::new(
                (f64::from(threads), x),
                8,
                ring,
            )))?
            .label("your prediction")
            .legend(move |(x, y)| Circle::new((x + 9, y), 6, ring));
        // Left of the ring: the measured point's figure is on its right.
        let (px, py) = chart.backend_coord(&(f64::from(threads), x));
        area.draw(&Text::new(
            format!("you: {x:.2}×"),
            (px - 12, py),
            theme.font(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    if marks_cores(data) {
        let c = f64::from(data.cores);
        chart.draw_series(DashedLineSeries::new(
            [(c, 0.0), (c, s_max)],
            3,
            3,
            CORES.stroke_width(2),
        ))?;
        // At the foot of the line, right of it: the legend is at the top
        // left, and beyond the cores the points stay low (the plateau).
        let (px, py) = chart.backend_coord(&(c, 0.0));
        area.draw(&Text::new(
            cores_label(data.cores),
            (px + 4, py - 6),
            theme
                .font(11.0)
                .color(&CORES)
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
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
    use crate::engine::analysis::{fit_amdahl, sweep_points};

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
                    predicted: None,
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

    /// The x (in pixels) of every vertical polyline in the marker's colour:
    /// the core marker's dashes.
    fn marker_xs(out: &str) -> Vec<f64> {
        let colour = format!("stroke=\"{}\"", hex(CORES));
        out.lines()
            .filter(|l| l.contains("<polyline") && l.contains(&colour))
            .filter_map(|l| {
                let pts = l.split("points=\"").nth(1)?.split('"').next()?;
                let xs: Vec<f64> = pts
                    .split_whitespace()
                    .filter_map(|p| p.split(',').next()?.parse().ok())
                    .collect();
                // Vertical: every point at the same x.
                (xs.len() >= 2 && xs.iter().all(|x| (x - xs[0]).abs() < 0.5)).then(|| xs[0])
            })
            .collect()
    }

    /// A pool of 4 on 2 cores: the sweep's points 1..4, and a dashed line
    /// labelled "2 cores" at the x of the 2-thread point.
    #[test]
    fn the_core_count_is_marked_where_the_sweep_goes_beyond_it() {
        let points = sweep_points(&[(1, 400.0), (2, 205.0), (3, 204.0), (4, 203.0)]);
        let data = SpeedupData {
            points: &points,
            fit: fit_amdahl(&points),
            cores: 2,
            predicted: None,
        };
        assert!(marks_cores(&data));
        let out = svg(640, 360, |a| draw_speedup(a, &data, &Theme::LIGHT).unwrap());
        assert!(has_text(&out, "2 cores"), "{out}");
        let xs = marker_xs(&out);
        assert!(!xs.is_empty(), "a vertical dashed line: {out}");
        // Where 2 threads' point is drawn (its circle's centre).
        let circle_x = |threads: usize| -> f64 {
            out.lines()
                .filter(|l| l.contains("<circle"))
                .nth(threads - 1)
                .and_then(|l| l.split("cx=\"").nth(1)?.split('"').next()?.parse().ok())
                .unwrap()
        };
        let (at2, at3) = (circle_x(2), circle_x(3));
        assert!(at2 < at3);
        for x in &xs {
            assert!((x - at2).abs() < 1.0, "marker at {x}, 2 threads at {at2}");
        }

        // One core: singular. A sweep that stays within the cores: no marker.
        let one = svg(640, 360, |a| {
            draw_speedup(a, &SpeedupData { cores: 1, ..data }, &Theme::LIGHT).unwrap()
        });
        assert!(has_text(&one, "1 core") && !has_text(&one, "1 cores"));
        for cores in [4, 16] {
            let within = SpeedupData { cores, ..data };
            assert!(!marks_cores(&within));
            let out = svg(640, 360, |a| {
                draw_speedup(a, &within, &Theme::LIGHT).unwrap()
            });
            assert!(!has_text(&out, &format!("{cores} cores")));
            assert!(marker_xs(&out).is_empty(), "{cores} cores: no marker");
        }
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
                    predicted: None,
                },
                &Theme::LIGHT,
            )
            .unwrap()
        });
        assert!(!out.contains("Amdahl"));
        assert!(!out.contains(&hex(AMDAHL)));
    }

    #[test]
    fn a_prediction_is_a_ring_with_its_figure_even_above_the_points() {
        let points = sweep_points(&[(1, 400.0), (2, 210.0)]);
        let with = |predicted| {
            svg(640, 360, |a| {
                draw_speedup(
                    a,
                    &SpeedupData {
                        points: &points,
                        fit: None,
                        cores: 2,
                        predicted,
                    },
                    &Theme::LIGHT,
                )
                .unwrap()
            })
        };
        let none = with(None);
        assert!(!none.contains("your prediction") && !none.contains("you:"));
        // Predicted 3.5x on 2 threads: above the ideal line's 2x, so the
        // axis must grow to show it.
        let out = with(Some((2, 3.5)));
        assert!(has_text(&out, "you: 3.50×"), "{out}");
        assert!(has_text(&out, "your prediction"));
        let rings = out
            .split("<circle")
            .skip(1)
            .filter(|c| c.contains("fill=\"none\"") && c.contains(&hex(Theme::LIGHT.text)))
            .count();
        assert_eq!(rings, 2, "the ring and its legend's: {out}");
        // The y axis's labels ("0.5×", …) reach the prediction.
        let top_label = |svg: &str| {
            svg.split("<text")
                .filter_map(|t| t.split_once('>')?.1.split_once("</text>"))
                .filter_map(|(inner, _)| inner.trim().strip_suffix('×')?.parse::<f64>().ok())
                .fold(0.0, f64::max)
        };
        assert!(
            top_label(&out) >= 3.5,
            "the axis stops at {}×",
            top_label(&out)
        );
        assert!(
            top_label(&none) < 3.5,
            "without a prediction the axis stops lower"
        );
    }
}
