//! Mode comparison: for each run of the same task set, its wall time
//! (makespan) beside its CPU time. Concurrency shows as wall time far below
//! the waits it overlapped; parallelism as wall time below CPU time.

use super::{DrawResult, Theme, clear, format_ms, format_tick, legend_entry_px};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One group of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareBar {
    pub label: String,
    /// Used instead of `label` where the chart is too narrow for it.
    pub short_label: String,
    pub makespan_ms: f64,
    pub cpu_ms: f64,
    /// For the parallel modes: each pool thread's idle time during the run
    /// (`None` for the main-thread modes). The chart draws their sum (the
    /// table has them one by one): unequal work in fixed blocks shows as a
    /// tall bar.
    pub idle_ms: Option<Vec<f64>>,
}

impl CompareBar {
    /// The pool threads' idle time, summed.
    pub fn total_idle_ms(&self) -> Option<f64> {
        self.idle_ms.as_ref().map(|lanes| lanes.iter().sum())
    }
}

/// The summed idle time's colour.
pub const IDLE: RGBColor = RGBColor(153, 153, 153);

/// Wall time's colour, and CPU time's.
pub const WALL: RGBColor = RGBColor(0, 114, 178);
pub const CPU: RGBColor = RGBColor(230, 159, 0);

pub fn draw_compare<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &[CompareBar],
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let n = bars.len().max(1);
    let top = bars
        .iter()
        .map(|b| {
            b.makespan_ms
                .max(b.cpu_ms)
                .max(b.total_idle_ms().unwrap_or(0.0))
        })
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.18;
    let mut chart = ChartBuilder::on(area)
        .margin_top(28)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|y| format_tick(*y))
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .draw()?;

    // Long labels where they fit (about 7 px a character at 12 px), short ones otherwise.
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let group_px = f64::from(xr.end - xr.start) / n as f64;
    let fits = bars
        .iter()
        .all(|b| b.label.chars().count() as f64 * 7.0 < group_px);
    // A value over each bar where it fits (about 6 px a character at 11 px);
    // on a narrow chart, one value per mode, the wall time, in its colour,
    // above the taller bar (the table beside has every figure).
    // A third bar per group when any run has idle time to show.
    let with_idle = bars.iter().any(|b| b.idle_ms.is_some());
    let (offsets, width): (&[f64], f64) = if with_idle {
        (&[0.1, 0.37, 0.64], 0.26)
    } else {
        (&[0.14, 0.5], 0.34)
    };
    let bar_px = group_px * width;
    let values_fit = bars.iter().all(|b| {
        format_ms(
            b.makespan_ms
                .max(b.cpu_ms)
                .max(b.total_idle_ms().unwrap_or(0.0)),
        )
        .chars()
        .count() as f64
            * 6.0
            < bar_px + 6.0
    });
    for (i, bar) in bars.iter().enumerate() {
        let x = i as f64;
        let values = [
            Some((bar.makespan_ms, WALL)),
            Some((bar.cpu_ms, CPU)),
            bar.total_idle_ms().map(|idle| (idle, IDLE)),
        ];
        for (&offset, (value, colour)) in offsets
            .iter()
            .zip(values)
            .filter_map(|(o, v)| v.map(|v| (o, v)))
        {
            let (x0, x1) = (x + offset, x + offset + width);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x1, value)],
                colour.filled(),
            )))?;
            if values_fit {
                let (px, py) = chart.backend_coord(&((x0 + x1) / 2.0, value));
                area.draw(&Text::new(
                    format_ms(value),
                    (px, py - 4),
                    theme.font(11.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }
        if !values_fit {
            let (px, py) = chart.backend_coord(&(x + 0.5, bar.makespan_ms.max(bar.cpu_ms)));
            area.draw(&Text::new(
                format_ms(bar.makespan_ms),
                (px, py - 4),
                theme
                    .font(11.0)
                    .color(&WALL)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
        let (px, py) = chart.backend_coord(&(x + 0.5, 0.0));
        area.draw(&Text::new(
            if fits {
                bar.label.clone()
            } else {
                bar.short_label.clone()
            },
            (px, py + 8),
            theme.font(12.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }

    // Legend, top left.
    let (left, _) = chart.backend_coord(&(0.0, top));
    let legend: &[(&str, RGBColor)] = if with_idle {
        &[
            ("wall time", WALL),
            ("CPU time", CPU),
            ("threads idle", IDLE),
        ]
    } else {
        &[("wall time", WALL), ("CPU time", CPU)]
    };
    // Each entry as wide as its words, so that three fit a phone's width
    // (at a fixed 110 px apart, "threads idle" was cut off at 390 px).
    let mut x = left + 8;
    for &(name, colour) in legend {
        area.draw(&Rectangle::new([(x, 8), (x + 12, 20)], colour.filled()))?;
        area.draw(&Text::new(
            name,
            (x + 18, 14),
            theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += legend_entry_px(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    /// On a phone's width (a 330 px chart), the three legend entries end
    /// inside the chart.
    #[test]
    fn the_legend_fits_a_narrow_chart() {
        let left = 50; // the value axis's labels
        let end: i32 = left
            + 8
            + ["wall time", "CPU time", "threads idle"]
                .iter()
                .map(|n| legend_entry_px(n))
                .sum::<i32>()
            - 14;
        assert!(end <= 330, "the legend ends at {end} px");
    }

    #[test]
    fn a_pair_of_labelled_bars_per_mode() {
        let bars = vec![
            CompareBar {
                label: "Sequential".into(),
                short_label: "Seq.".into(),
                makespan_ms: 800.0,
                cpu_ms: 790.0,
                idle_ms: None,
            },
            CompareBar {
                label: "Parallel (threads)".into(),
                short_label: "Threads".into(),
                makespan_ms: 410.0,
                cpu_ms: 805.0,
                idle_ms: None,
            },
        ];
        let out = svg(700, 300, |a| draw_compare(a, &bars, &Theme::LIGHT).unwrap());
        assert!(has_text(&out, "Sequential") && has_text(&out, "Parallel (threads)"));
        for value in ["800 ms", "790 ms", "410 ms", "805 ms"] {
            assert!(has_text(&out, value), "{value} missing");
        }
        // Two bars each plus the legend's swatch.
        assert_eq!(out.matches(&format!("fill=\"{}\"", hex(WALL))).count(), 3);
        assert_eq!(out.matches(&format!("fill=\"{}\"", hex(CPU))).count(), 3);
        let narrow = svg(260, 300, |a| draw_compare(a, &bars, &Theme::LIGHT).unwrap());
        assert!(
            has_text(&narrow, "Threads") && !has_text(&narrow, "Parallel (threads)"),
            "short labels when narrow"
        );
        // Too narrow for a value over every bar: the wall time once per mode.
        let tiny = svg(200, 300, |a| draw_compare(a, &bars, &Theme::LIGHT).unwrap());
        assert!(
            has_text(&tiny, "800 ms") && has_text(&tiny, "410 ms"),
            "{tiny}"
        );
        assert!(
            !has_text(&tiny, "790 ms") && !has_text(&tiny, "805 ms"),
            "{tiny}"
        );
    }

    #[test]
    fn taller_values_draw_taller_bars() {
        let bars = vec![
            CompareBar {
                label: "a".into(),
                short_label: "a".into(),
                makespan_ms: 100.0,
                cpu_ms: 100.0,
                idle_ms: None,
            },
            CompareBar {
                label: "b".into(),
                short_label: "b".into(),
                makespan_ms: 400.0,
                cpu_ms: 100.0,
                idle_ms: None,
            },
        ];
        let out = svg(600, 300, |a| draw_compare(a, &bars, &Theme::LIGHT).unwrap());
        let heights: Vec<f64> = out
            .lines()
            .filter(|l| l.contains("<rect") && l.contains(&hex(WALL)))
            .filter_map(|l| l.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        // The legend swatch (12 px) comes last.
        assert_eq!(heights.len(), 3, "{heights:?}");
        let ratio = heights[1] / heights[0];
        assert!((ratio - 4.0).abs() < 0.1, "{heights:?}");
    }

    /// Static blocks of skewed tasks against dynamic claiming: the idle
    /// bars, in their colour and labelled, in proportion to the idle time;
    /// a run without idle time (sequential) has none.
    #[test]
    fn idle_time_of_the_parallel_runs_is_a_third_bar() {
        let bar = |label: &str, makespan_ms, cpu_ms, idle_ms| CompareBar {
            label: label.into(),
            short_label: label.into(),
            makespan_ms,
            cpu_ms,
            idle_ms,
        };
        let bars = vec![
            bar("Sequential", 900.0, 890.0, None),
            bar("static", 600.0, 890.0, Some(vec![0.0, 400.0])),
            bar("dynamic", 460.0, 890.0, Some(vec![40.0, 60.0])),
        ];
        let out = svg(900, 300, |a| draw_compare(a, &bars, &Theme::LIGHT).unwrap());
        assert!(has_text(&out, "threads idle"), "legend: {out}");
        for value in ["400 ms", "100 ms"] {
            assert!(has_text(&out, value), "{value} missing: {out}");
        }
        let heights: Vec<f64> = out
            .lines()
            .filter(|l| l.contains("<rect") && l.contains(&format!("fill=\"{}\"", hex(IDLE))))
            .filter_map(|l| l.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        // Two runs' bars, then the legend's swatch (12 px).
        assert_eq!(heights.len(), 3, "{heights:?}");
        let ratio = heights[0] / heights[1];
        assert!((ratio - 4.0).abs() < 0.25, "{heights:?}");
        // Without idle times, no third bar and no legend entry.
        let plain: Vec<CompareBar> = bars
            .into_iter()
            .map(|b| CompareBar { idle_ms: None, ..b })
            .collect();
        let out = svg(900, 300, |a| {
            draw_compare(a, &plain, &Theme::LIGHT).unwrap()
        });
        assert!(!has_text(&out, "threads idle") && !out.contains(&hex(IDLE)));
    }
}
