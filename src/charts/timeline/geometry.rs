//! Where the timeline's rows and times land on the drawing area, and its
//! frame: the time axis, the row separators and the lane names.

use crate::charts::{DrawResult, Theme, clear, format_tick};
use crate::engine::record::Lane;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Where the plot landed, in the drawing area's pixels: what hit-testing needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineGeometry {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x_max_ms: f64,
    pub rows: usize,
}

impl TimelineGeometry {
    /// The height of one lane's row, in pixels.
    pub fn row_height(&self) -> f64 {
        (self.bottom - self.top) / self.rows.max(1) as f64
    }

    /// The pixel column of time `ms`, clamped to the plot.
    pub fn x_of(&self, ms: f64) -> f64 {
        let share = if self.x_max_ms > 0.0 && ms.is_finite() {
            (ms / self.x_max_ms).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.left + share * (self.right - self.left)
    }

    pub(super) fn ms_per_px(&self) -> f64 {
        self.x_max_ms / (self.right - self.left).max(1.0)
    }
}

/// Share of a row's height taken by the run band (top) and the wait band (below it).
pub(super) const RUN_BAND: (f64, f64) = (0.08, 0.46);
pub(super) const WAIT_BAND: (f64, f64) = (0.52, 0.94);

/// The chart's coordinates on `area`, built the same way for every draw so
/// that a live view's later strokes land on the pixels of its first.
pub(super) fn chart_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: usize,
    x_max: f64,
) -> DrawResult<(TimelineChart<'_, DB>, TimelineGeometry), DB> {
    let chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(16)
        .x_label_area_size(34)
        .y_label_area_size(88)
        .build_cartesian_2d(0f64..x_max, 0f64..rows as f64)?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let geometry = TimelineGeometry {
        left: f64::from(xr.start),
        right: f64::from(xr.end),
        top: f64::from(yr.start),
        bottom: f64::from(yr.end),
        x_max_ms: x_max,
        rows,
    };
    Ok((chart, geometry))
}

pub(super) type TimelineChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Clears `area` and draws the axis, the row separators and the lane names.
pub(super) fn draw_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    rows: usize,
    x_max: f64,
    theme: &Theme,
) -> DrawResult<(TimelineChart<'a, DB>, TimelineGeometry), DB> {
    clear(area, theme)?;
    let (mut chart, geometry) = chart_on(area, rows, x_max)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels((area.dim_in_pixel().0 / 90).clamp(3, 10) as usize)
        .x_label_formatter(&|x| format_tick(*x))
        .x_desc("time since Run")
        .axis_style(theme.muted)
        .bold_line_style(theme.grid)
        .max_light_lines(0)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.muted_font(12.0))
        .draw()?;

    // Row separators and lane names.
    for row in 0..rows {
        let y_top = rows as f64 - row as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y_top - 1.0), (x_max, y_top - 1.0)],
            theme.grid,
        )))?;
        let (_, py) = chart.backend_coord(&(0.0, y_top - 0.5));
        let label = Text::new(
            Lane::from_row(row).to_string(),
            (geometry.left as i32 - 8, py),
            theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        );
        area.draw(&label)?;
    }
    Ok((chart, geometry))
}
