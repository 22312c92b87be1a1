//! What a server's timeline adds to the ordinary one (`timeline`, drawn by
//! `stacked::draw_body`): a mark where a loop stole work, as `go tool
//! trace` marks its events, and, for a run too large to keep every span,
//! a shade over the time from which the timeline is no longer whole.
//!
//! Both draw on the body's area over the timeline just drawn, in its
//! pixels (`TimelineGeometry`).

use super::timeline::TimelineGeometry;
use super::{DrawResult, Theme};
use crate::engine::format::thousands;
use crate::engine::record::{Lane, SPANS_KEPT};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A steal's mark: a red apart from the task colours' red-orange, dark on
/// a light page and light on a dark one (3:1 or more against each
/// background, as marks that carry meaning need).
pub const STEAL_COLOUR: RGBColor = RGBColor(190, 30, 45);
pub const STEAL_COLOUR_DARK: RGBColor = RGBColor(255, 107, 120);

pub fn steal_colour(theme: &Theme) -> RGBColor {
    if *theme == Theme::DARK {
        STEAL_COLOUR_DARK
    } else {
        STEAL_COLOUR
    }
}

/// Half the width of a steal's mark (a triangle pointing down at the
/// lane's top edge), in pixels.
const MARK_HALF_PX: f64 = 4.0;

/// Draws a triangle at the top of `lane`'s row at each steal's time.
/// Steals closer than a mark's width on one lane draw as one mark.
pub fn draw_steals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &TimelineGeometry,
    steals: &[(Lane, f64)],
    theme: &Theme,
) -> DrawResult<usize, DB> {
    let mut marks: Vec<(usize, i32)> = steals
        .iter()
        .filter(|(lane, at)| lane.row() < g.rows && at.is_finite())
        .map(|&(lane, at)| (lane.row(), g.x_of(at).round() as i32))
        .collect();
    marks.sort_unstable();
    marks.dedup_by(|b, a| a.0 == b.0 && (b.1 - a.1).abs() < (2.0 * MARK_HALF_PX) as i32);
    for &(row, x) in &marks {
        let top = g.top + row as f64 * g.row_height();
        let (x, y) = (f64::from(x), top + 1.0);
        let points = vec![
            ((x - MARK_HALF_PX) as i32, y as i32),
            ((x + MARK_HALF_PX) as i32, y as i32),
            (x as i32, (y + 2.0 * MARK_HALF_PX) as i32),
        ];
        area.draw(&Polygon::new(points, steal_colour(theme).filled()))?;
    }
    Ok(marks.len())
}

/// Shades the plot from `from_ms` to its right edge and says why: a loop
/// had kept its `per_loop` spans by then.
pub fn draw_not_kept<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &TimelineGeometry,
    (from_ms, per_loop): (f64, usize),
    theme: &Theme,
) -> DrawResult<(), DB> {
    let left = g.x_of(from_ms);
    if left >= g.right - 1.0 {
        return Ok(());
    }
    area.draw(&Rectangle::new(
        [
            (left as i32, g.top as i32),
            (g.right as i32, g.bottom as i32),
        ],
        theme.grid.mix(0.7).filled(),
    ))?;
    // At the shade's top left, where the wait bands' counts (bottom right
    // of each row) are not.
    let style = theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw(&Text::new(
        not_kept_words(per_loop),
        (left as i32 + 6, g.top as i32 + 3),
        style,
    ))
}

/// What the shade says: a run keeps [`SPANS_KEPT`] spans, shared
/// equally by its loops.
pub fn not_kept_words(per_loop: usize) -> String {
    format!(
        "not kept: a run keeps {} spans, {} a loop",
        thousands(SPANS_KEPT as u64),
        thousands(per_loop as u64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    fn geometry() -> TimelineGeometry {
        TimelineGeometry {
            left: 100.0,
            right: 700.0,
            top: 10.0,
            bottom: 130.0,
            x_max_ms: 60.0,
            rows: 3,
        }
    }

    #[test]
    fn a_mark_per_steal_on_its_lane_and_close_ones_as_one() {
        let g = geometry();
        let steals = [
            (Lane::Worker(0), 10.0),
            (Lane::Worker(0), 10.1), // a pixel on: one mark
            (Lane::Worker(1), 10.0), // another lane: its own
            (Lane::Worker(0), 50.0),
            (Lane::Worker(7), 5.0), // no such row: not drawn
        ];
        let mut drawn = 0;
        let out = svg(800, 140, |a| {
            drawn = draw_steals(a, &g, &steals, &Theme::LIGHT).unwrap()
        });
        assert_eq!(drawn, 3);
        assert_eq!(out.matches(&hex(STEAL_COLOUR)).count(), 3, "{out}");
        // Worker 1's mark at the top of its row (the second).
        let top = g.top + g.row_height();
        assert!(
            out.contains(&format!("{},{} ", g.x_of(10.0) - 4.0, top + 1.0)),
            "{out}"
        );
    }

    #[test]
    fn the_shade_starts_where_spans_stopped_being_kept() {
        let g = geometry();
        let out = svg(800, 140, |a| {
            draw_not_kept(a, &g, (30.0, 50_000), &Theme::LIGHT).unwrap()
        });
        assert!(has_text(
            &out,
            "not kept: a run keeps 100,000 spans, 50,000 a loop"
        ));
        assert!(out.contains(&format!("x=\"{}\"", g.x_of(30.0))), "{out}");
        let none = svg(800, 140, |a| {
            draw_not_kept(a, &g, (60.0, 50_000), &Theme::LIGHT).unwrap()
        });
        assert!(!none.contains("<rect"), "a whole timeline is not shaded");
    }
}
