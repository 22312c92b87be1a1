//! A training run's devices over time: a row per device, a bar per phase
//! (computing its gradient, waiting at the barrier, summing its share of
//! the all-reduce): a few steps of one run, so that each step's phases are
//! wide enough to see, or whole runs stacked on one time axis, a band each,
//! for their replay.

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
/// by `row_name`, on an axis from the first step shown.
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
    let rows = Rows {
        shown: &shown,
        devices,
        x: (x0, x1 - x0),
        row_name,
        x_desc: "ms since the first step shown began",
        title: None,
        legend: &present(&shown),
    };
    draw_rows(area, &rows, theme).map(|_| ())
}

/// One run of a stack: its title, its phases, its devices.
pub struct PhaseBand<'a> {
    pub title: &'a str,
    pub phases: &'a [PhaseSpan],
    pub devices: usize,
}

/// A line of the legend (or of a title above it), in pixels.
const LEGEND_LINE: i32 = 16;
/// The row names' column, left of the plotting area.
const Y_LABELS: i32 = 76;

/// How many lines `legend` takes from the plotting area's left edge in a
/// chart `w` pixels wide (as `draw_rows` wraps it).
fn legend_lines(legend: &[Phase], w: i32) -> i32 {
    let mut x = Y_LABELS;
    let mut lines = i32::from(!legend.is_empty());
    for phase in legend {
        let px = legend_entry_px(phase.label());
        if x + px > w && x > Y_LABELS {
            x = Y_LABELS;
            lines += 1;
        }
        x += px;
    }
    lines
}

/// Height of band `i` of a stack: its title above its rows, and on the
/// first the legend too.
fn band_height(i: usize, devices: usize) -> u32 {
    phases_height(devices) + 8 + if i == 0 { LEGEND_LINE as u32 } else { 0 }
}

/// Height of a stack of `bands`.
pub fn stack_height(bands: &[PhaseBand]) -> u32 {
    bands
        .iter()
        .enumerate()
        .map(|(i, b)| band_height(i, b.devices))
        .sum::<u32>()
        .max(60)
}

/// Whole runs, one band each, on one time axis of `x_max` ms from each
/// run's start; the legend above the first. Returns the plotting area's
/// pixel columns (the same in every band), where a replay's cursor goes.
pub fn draw_phase_stack<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bands: &[PhaseBand],
    x_max: f64,
    row_name: &dyn Fn(usize) -> String,
    theme: &Theme,
) -> DrawResult<std::ops::Range<i32>, DB> {
    clear(area, theme)?;
    let span = if x_max > 0.0 && x_max.is_finite() {
        x_max
    } else {
        1.0
    };
    let all: Vec<&PhaseSpan> = bands.iter().flat_map(|b| b.phases).collect();
    let legend = present(&all);
    let mut columns = 0..0;
    let mut rest = area.clone();
    for (i, band) in bands.iter().enumerate() {
        let (this, below) = rest.split_vertically(band_height(i, band.devices));
        let shown: Vec<&PhaseSpan> = band.phases.iter().collect();
        let rows = Rows {
            shown: &shown,
            devices: band.devices,
            x: (0.0, span),
            row_name,
            x_desc: "ms since the run began",
            title: Some(band.title),
            legend: if i == 0 { &legend } else { &[] },
        };
        columns = draw_rows(&this, &rows, theme)?;
        rest = below;
    }
    Ok(columns)
}

/// What `draw_rows` draws: phases on `devices` rows over `x` = (start,
/// span) ms.
struct Rows<'a> {
    shown: &'a [&'a PhaseSpan],
    devices: usize,
    x: (f64, f64),
    row_name: &'a dyn Fn(usize) -> String,
    x_desc: &'a str,
    /// Written at the top left, where a lone chart has its legend.
    title: Option<&'a str>,
    /// The phases the legend names (none: no legend).
    legend: &'a [Phase],
}

/// The phases that occur in `shown`, in legend order.
fn present(shown: &[&PhaseSpan]) -> Vec<Phase> {
    Phase::ALL
        .into_iter()
        .filter(|&phase| shown.iter().any(|p| p.phase == phase))
        .collect()
}

fn draw_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &Rows,
    theme: &Theme,
) -> DrawResult<std::ops::Range<i32>, DB> {
    let (x0, span) = r.x;
    let rows = r.devices.max(1);
    // Room above the rows: the title's line, and the legend's lines as
    // they wrap at this width (the rows give up what a wrap takes).
    let (w, _) = area.dim_in_pixel();
    // A title alone sits in the top margin; with a legend, the legend
    // takes the line below it.
    let title_line = if r.title.is_some() && !r.legend.is_empty() {
        LEGEND_LINE
    } else {
        0
    };
    let top = 26 + title_line + LEGEND_LINE * (legend_lines(r.legend, w as i32) - 1).max(0);
    let mut chart = ChartBuilder::on(area)
        .margin_top(top as u32)
        .margin_right(20)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(0f64..span, 0f64..rows as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|x| format_tick(*x))
        .x_desc(r.x_desc)
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    // The chart's coordinates are the backend's; text drawn on `area` is
    // placed from the area's corner (a band of a stack is lower down).
    let (bx, by) = area.get_base_pixel();
    for row in 0..rows {
        let (_, py) = chart.backend_coord(&(0.0, rows as f64 - row as f64 - 0.5));
        area.draw(&Text::new(
            (r.row_name)(row),
            (xr.start - bx - 8, py - by),
            theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    chart.draw_series(r.shown.iter().map(|p| {
        let top = rows as f64 - f64::from(p.device) - 0.15;
        // At least a pixel's worth, so that a 10 µs sum still shows.
        let (start, end) = (p.start - x0, (p.end - x0).max(p.start - x0 + span / 2000.0));
        Rectangle::new(
            [(start, top), (end, top - 0.7)],
            phase_colour(p.phase, theme).filled(),
        )
    }))?;
    // A title on the first line; the legend on its own line below it.
    let left = xr.start - bx;
    let (mut x, mut y) = (left, 4);
    if let Some(title) = r.title {
        area.draw(&Text::new(
            title.to_string(),
            (4, 10),
            theme.font(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += LEGEND_LINE;
    }
    for &phase in r.legend {
        let label = phase.label();
        let px = legend_entry_px(label);
        if x + px > w as i32 && x > left {
            (x, y) = (left, y + LEGEND_LINE);
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
    Ok(xr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    use crate::engine::record::fixtures::phase as span;
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

    #[test]
    fn a_stack_draws_each_run_on_one_axis_under_its_title() {
        let a = vec![
            span(0, 0, Phase::Compute, 0.0, 4.0),
            span(0, 1, Phase::Compute, 4.0, 8.0),
        ];
        let b = vec![
            span(0, 0, Phase::Compute, 0.0, 2.0),
            span(0, 0, Phase::Reduce, 2.0, 2.5),
            span(1, 0, Phase::Compute, 0.0, 2.0),
            span(1, 0, Phase::Wait, 2.0, 2.5),
        ];
        let bands = [
            PhaseBand {
                title: "one thread: 8 ms",
                phases: &a,
                devices: 1,
            },
            PhaseBand {
                title: "two threads: 2.5 ms",
                phases: &b,
                devices: 2,
            },
        ];
        let mut columns = 0..0;
        let out = svg(600, stack_height(&bands), |area| {
            columns = draw_phase_stack(
                area,
                &bands,
                8.0,
                &|r| format!("thread {}", r + 1),
                &Theme::LIGHT,
            )
            .unwrap();
        });
        for t in [
            "one thread: 8 ms",
            "two threads: 2.5 ms",
            "thread 2",
            "gradient",
            "ms since the run began",
        ] {
            assert!(has_text(&out, t), "{t} missing");
        }
        // The legend, above the first band, names every band's phases.
        assert!(has_text(&out, "all-reduce") && has_text(&out, "barrier wait"));
        assert!(columns.start > 0 && columns.end > columns.start && columns.end <= 600);
        // Each row's name beside its row: band 1's in its first band_height
        // pixels, band 2's below them (text is placed from a band's corner).
        let ys = |label: &str| -> Vec<f64> {
            out.split("<text")
                .skip(1)
                .filter_map(|t| {
                    let (attrs, rest) = t.split_once('>')?;
                    let (inner, _) = rest.split_once("</text>")?;
                    let y = attrs.split(" y=\"").nth(1)?.split('"').next()?;
                    (inner.trim() == label).then(|| y.parse().ok())?
                })
                .collect()
        };
        let first = f64::from(band_height(0, 1));
        let (one, two) = (ys("thread 1"), ys("thread 2"));
        assert_eq!(one.len(), 2, "{one:?}");
        assert!(
            one[0] < first && one[1] > first,
            "{one:?}, first band {first} px"
        );
        assert!(
            two.len() == 1 && two[0] > one[1] && two[0] < f64::from(stack_height(&bands)),
            "{two:?}"
        );
        assert_eq!(stack_height(&bands), band_height(0, 1) + band_height(1, 2));
    }

    /// On a phone the legend wraps: the rows move down to make room, so no
    /// legend line is drawn over them.
    #[test]
    fn a_wrapped_legend_pushes_the_rows_down() {
        let phases = vec![
            span(0, 0, Phase::Compute, 0.0, 4.0),
            span(0, 0, Phase::Reduce, 4.0, 4.5),
            span(0, 0, Phase::Wait, 4.5, 5.0),
        ];
        assert_eq!(legend_lines(&Phase::ALL, 300), 2);
        assert_eq!(legend_lines(&Phase::ALL, 800), 1);
        let out = svg(300, phases_height(1), |a| {
            draw_phases(a, &phases, 1, 0..1, &|_| "thread 1".into(), &Theme::LIGHT).unwrap()
        });
        let y_of = |label: &str| -> f64 {
            out.split("<text")
                .skip(1)
                .find_map(|t| {
                    let (attrs, rest) = t.split_once('>')?;
                    let (inner, _) = rest.split_once("</text>")?;
                    let y = attrs.split(" y=\"").nth(1)?.split('"').next()?;
                    (inner.trim() == label).then(|| y.parse().ok())?
                })
                .unwrap_or_else(|| panic!("{label} not drawn"))
        };
        // The bars start below the legend's last line (its text's bottom).
        let lowest_legend = ["gradient", "barrier wait", "all-reduce"]
            .map(y_of)
            .into_iter()
            .fold(0.0, f64::max)
            + 6.0;
        let colour = hex(phase_colour(Phase::Compute, &Theme::LIGHT));
        let bar_top = out
            .split("<rect")
            .skip(1)
            .filter(|r| r.split('>').next().is_some_and(|a| a.contains(&colour)))
            .filter_map(|r| {
                r.split(" y=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .fold(0.0, f64::max);
        assert!(
            bar_top > lowest_legend,
            "legend down to {lowest_legend}, bar from {bar_top}"
        );
    }
}
