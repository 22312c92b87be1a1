//! The replay's cursor, drawn over a timeline already on screen: a vertical
//! line at the instant shown, its time, and — when the page could not paint
//! then — the frame gap shaded on the main thread's row.
//!
//! It draws on a transparent layer above the timeline (the page clears the
//! layer first), so a replay frame redraws a line, not the whole chart.

use super::timeline::TimelineGeometry;
use super::{DrawResult, Theme, format_ms};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The shade of a frame gap: the page was frozen.
pub const FROZEN: RGBColor = RGBColor(200, 40, 40);

/// What the cursor shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CursorData {
    /// The instant, in ms since the run started.
    pub t_ms: f64,
    /// The frame gap around the instant, when the page could not paint.
    pub frozen: Option<(f64, f64)>,
}

/// Draws the cursor on `area` (the same size as the timeline that gave
/// `geometry`). Draws no background: the layer stays see-through.
pub fn draw_cursor<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    geometry: &TimelineGeometry,
    data: &CursorData,
    theme: &Theme,
) -> DrawResult<(), DB> {
    let g = geometry;
    let px = |x: f64| x.round() as i32;
    if let Some((from, to)) = data.frozen {
        let (x0, x1) = (g.x_of(from), g.x_of(to));
        let (y0, y1) = (g.top, g.top + g.row_height());
        area.draw(&Rectangle::new(
            [(px(x0), px(y0)), (px(x1), px(y1))],
            FROZEN.mix(0.22).filled(),
        ))?;
        if x1 - x0 > 70.0 {
            area.draw(&Text::new(
                "no frames".to_string(),
                (px((x0 + x1) / 2.0), px(y1) - 3),
                ("sans-serif", 11.0)
                    .into_font()
                    .color(&FROZEN)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
    }
    let x = px(g.x_of(data.t_ms));
    area.draw(&PathElement::new(
        vec![(x, px(g.top)), (x, px(g.bottom))],
        theme.text.stroke_width(2),
    ))?;
    // The time beside the line, on the side with room, on a plate so it
    // reads over the bars.
    let label = format_ms(data.t_ms);
    let width = 7 * label.chars().count() as i32 + 8;
    let right_side = f64::from(x + width + 4) <= g.right;
    let (x0, x1) = if right_side {
        (x + 3, x + 3 + width)
    } else {
        (x - 3 - width, x - 3)
    };
    let y = px(g.top);
    area.draw(&Rectangle::new(
        [(x0, y), (x1, y + 17)],
        theme.background.mix(0.9).filled(),
    ))?;
    area.draw(&Text::new(
        label,
        ((x0 + x1) / 2, y + 9),
        theme.font(12.0).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::{has_text, hex, svg};

    const G: TimelineGeometry = TimelineGeometry {
        left: 100.0,
        right: 500.0,
        top: 10.0,
        bottom: 210.0,
        x_max_ms: 100.0,
        rows: 2,
    };

    fn draw(data: CursorData) -> String {
        svg(600, 250, |a| {
            draw_cursor(a, &G, &data, &Theme::LIGHT).unwrap()
        })
    }

    /// The x of the cursor line (the one polyline drawn in the text colour).
    fn line_x(svg: &str) -> Vec<String> {
        let colour = hex(Theme::LIGHT.text);
        svg.lines()
            .filter(|l| l.starts_with("<polyline") && l.contains(&colour))
            .filter_map(|l| l.split("points=\"").nth(1)?.split('"').next())
            .map(|p| p.trim().to_string())
            .collect()
    }

    #[test]
    fn the_line_stands_at_the_instant_across_every_row() {
        // (t, expected points): 25 ms of 100 over 400 px from x = 100.
        let cases = [
            (25.0, "200,10 200,210"),
            (0.0, "100,10 100,210"),
            (100.0, "500,10 500,210"),
            // Outside the run: held at the edge, never drawn off the plot.
            (-50.0, "100,10 100,210"),
            (1e6, "500,10 500,210"),
            (f64::NAN, "100,10 100,210"),
        ];
        for (t, points) in cases {
            let out = draw(CursorData {
                t_ms: t,
                frozen: None,
            });
            assert_eq!(line_x(&out), [points], "t = {t}");
        }
    }

    #[test]
    fn it_labels_the_time_and_draws_no_background() {
        let out = draw(CursorData {
            t_ms: 25.0,
            frozen: None,
        });
        assert!(has_text(&out, "25.0 ms"), "{out}");
        assert!(
            !out.contains("<rect x=\"0\" y=\"0\""),
            "the layer stays transparent: {out}"
        );
    }

    #[test]
    fn a_frame_gap_is_shaded_on_the_main_row_only() {
        let out = draw(CursorData {
            t_ms: 40.0,
            frozen: Some((20.0, 60.0)),
        });
        let shade = hex(FROZEN);
        let rects: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&shade))
            .collect();
        assert_eq!(rects.len(), 1, "{out}");
        // 20–60 ms is x 180–340; the main row is the top half, y 10–110.
        for attr in ["x=\"180\"", "y=\"10\"", "width=\"160\"", "height=\"100\""] {
            assert!(rects[0].contains(attr), "{attr} in {}", rects[0]);
        }
        assert!(has_text(&out, "no frames"));
        let without = draw(CursorData {
            t_ms: 40.0,
            frozen: None,
        });
        assert!(!without.contains(&shade), "no gap, no shade");
    }
}
