//! The server's latency: for each way it was served, how its messages'
//! scheduled times (a wait's end to its handler starting) spread, as a
//! histogram over bins each twice as wide as the one before (from 10 µs,
//! so that a tail of tens of milliseconds and a body of microseconds both
//! show). Heights are shares of each way's messages, so ways compare.

use super::{DrawResult, Theme, clear, format_tick, legend_entry_px};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One way's histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencySeries {
    pub label: String,
    pub colour: RGBColor,
    /// Messages per bin of the chart's edges.
    pub counts: Vec<u64>,
}

impl LatencySeries {
    /// Each bin's share of this way's messages, in %.
    fn shares(&self) -> Vec<f64> {
        let total: u64 = self.counts.iter().sum();
        self.counts
            .iter()
            .map(|&c| {
                if total == 0 {
                    0.0
                } else {
                    c as f64 * 100.0 / total as f64
                }
            })
            .collect()
    }
}

/// Draws `series` over the bins `edges` (ms; `edges.len() - 1` bins).
pub fn draw_latency<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[LatencySeries],
    edges: &[f64],
    theme: &Theme,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let bins = edges.len().saturating_sub(1).max(1);
    let shares: Vec<Vec<f64>> = series.iter().map(LatencySeries::shares).collect();
    let top = shares
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    let mut chart = ChartBuilder::on(area)
        .margin_top(30)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..bins as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .draw()?;
    let n = series.len().max(1) as f64;
    let width = 0.8 / n;
    for (k, (s, shares)) in series.iter().zip(&shares).enumerate() {
        chart.draw_series(shares.iter().enumerate().filter(|(_, v)| **v > 0.0).map(
            |(i, &v)| {
                let x0 = i as f64 + 0.1 + k as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, v)], s.colour.filled())
            },
        ))?;
    }
    // Edge labels where they fit: about 48 px each.
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let bin_px = f64::from(xr.end - xr.start) / bins as f64;
    let every = (48.0 / bin_px.max(1.0)).ceil().max(1.0) as usize;
    let (w, _) = area.dim_in_pixel();
    for (i, edge) in edges.iter().enumerate().step_by(every) {
        let (px, _) = chart.backend_coord(&(i as f64, 0.0));
        // A label cut by the chart's right edge is left out (about 6 px a
        // character at 11 px, centred on its edge).
        if px + (format_tick(*edge).chars().count() as i32 * 6) / 2 > w as i32 {
            continue;
        }
        area.draw(&Text::new(
            format_tick(*edge),
            (px, yr.end + 6),
            theme.font(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    area.draw(&Text::new(
        "scheduled time: a wait's end to its handler's start",
        (xr.start + (xr.end - xr.start) / 2, yr.end + 26),
        theme
            .muted_font(12.0)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    // Legend, top left, wrapping onto a second line on a narrow chart.
    let (mut x, mut y) = (xr.start + 8, 8);
    for s in series {
        let px = legend_entry_px(&s.label);
        if x + px > w as i32 && x > xr.start + 8 {
            (x, y) = (xr.start + 8, y + 16);
        }
        area.draw(&Rectangle::new(
            [(x, y), (x + 12, y + 12)],
            s.colour.filled(),
        ))?;
        area.draw(&Text::new(
            s.label.clone(),
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

    /// Each way's bars in its colour, heights as shares (a way with twice
    /// the messages does not draw twice as tall), edges labelled in ms.
    #[test]
    fn draws_each_way_as_shares_of_its_messages() {
        let edges = [0.0, 0.01, 0.02, 0.04, 0.08];
        let a = LatencySeries {
            label: "One loop".into(),
            colour: RGBColor(0, 114, 178),
            counts: vec![0, 0, 0, 10],
        };
        let b = LatencySeries {
            label: "Stealing".into(),
            colour: RGBColor(230, 159, 0),
            counts: vec![40, 0, 0, 0],
        };
        let out = svg(600, 280, |area| {
            draw_latency(area, &[a.clone(), b.clone()], &edges, &Theme::LIGHT).unwrap();
        });
        assert!(has_text(&out, "One loop") && has_text(&out, "Stealing"));
        assert!(has_text(&out, "0.01 ms") && has_text(&out, "0.08 ms"));
        assert!(out.contains(&hex(a.colour)) && out.contains(&hex(b.colour)));
        assert_eq!(a.shares(), vec![0.0, 0.0, 0.0, 100.0]);
        assert_eq!(b.shares(), vec![100.0, 0.0, 0.0, 0.0]);
        // Both 100 %: the two bars are the same height.
        let heights: Vec<f64> = out
            .split("<rect")
            .skip(1)
            .filter(|r| r.contains(&hex(a.colour)) || r.contains(&hex(b.colour)))
            .filter_map(|r| {
                r.split("height=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .filter(|h| *h > 20.0)
            .collect();
        assert_eq!(heights.len(), 2, "{heights:?}");
        assert!((heights[0] - heights[1]).abs() <= 1.0, "{heights:?}");
    }
}
