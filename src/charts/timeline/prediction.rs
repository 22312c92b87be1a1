//! The person's predicted time, drawn on the timeline of the run it
//! predicted: a dashed line across the lanes at that time, named at its
//! top, so the prediction and the run's end (the axis's end) read together.

use super::geometry::TimelineGeometry;
use crate::charts::{DrawResult, Theme, format_ms};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws the predicted time `ms` on a timeline drawn at `geometry`. A time
/// past the axis (the run was quicker than predicted) sits at its right
/// edge with an arrow, so that the bars keep the whole width.
pub fn draw_prediction<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    geometry: &TimelineGeometry,
    ms: f64,
    theme: &Theme,
) -> DrawResult<(), DB> {
    let beyond = ms > geometry.x_max_ms;
    let x = geometry.x_of(ms).round() as i32;
    let (top, bottom) = (geometry.top as i32, geometry.bottom as i32);
    let line = theme.text.stroke_width(2);
    let mut y = top;
    while y < bottom {
        area.draw(&PathElement::new(
            vec![(x, y), ((x), (y + 5).min(bottom))],
            line,
        ))?;
        y += 9;
    }
    let label = if beyond {
        format!("you predicted {} →", format_ms(ms))
    } else {
        format!("you predicted {}", format_ms(ms))
    };
    // Right of the line, unless it is in the right half: then left of it.
    let right_half = f64::from(x) > (geometry.left + geometry.right) / 2.0;
    let (dx, h) = if right_half {
        (-5, HPos::Right)
    } else {
        (5, HPos::Left)
    };
    let font = theme.font(12.0).pos(Pos::new(h, VPos::Top));
    // A backing so the words stay legible over the bars.
    let (w, th) = area.estimate_text_size(&label, &font).unwrap_or((0, 0));
    let x0 = if right_half {
        x + dx - w as i32
    } else {
        x + dx
    };
    area.draw(&Rectangle::new(
        [(x0 - 3, top + 2), (x0 + w as i32 + 3, top + 4 + th as i32)],
        theme.background.mix(0.85).filled(),
    ))?;
    area.draw(&Text::new(label, (x + dx, top + 3), font))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{TimelineData, draw_timeline};
    use super::*;
    use crate::charts::test_support::{has_text, svg};
    use crate::engine::record::{Lane, Span, SpanKind};

    /// The timeline of one 100 ms span with `ms` predicted, as SVG.
    fn drawn(ms: f64) -> String {
        let spans = [Span::new(0, Lane::Main, SpanKind::Run, 0.0, 100.0)];
        svg(800, 200, |a| {
            let g = draw_timeline(
                a,
                &TimelineData {
                    spans: &spans,
                    rows: 1,
                    x_max_ms: 100.0,
                },
                &Theme::LIGHT,
            )
            .unwrap();
            draw_prediction(a, &g, ms, &Theme::LIGHT).unwrap();
        })
    }

    #[test]
    fn the_prediction_is_named_where_it_was_drawn() {
        let out = drawn(40.0);
        assert!(has_text(&out, "you predicted 40.0 ms"), "{out}");
        let beyond = drawn(250.0);
        assert!(has_text(&beyond, "you predicted 250 ms →"), "{beyond}");
    }

    #[test]
    fn the_line_stands_at_the_predicted_time() {
        // The x of every vertical dash of the prediction's colour.
        let xs = |svg: &str| -> Vec<f64> {
            svg.split("<polyline")
                .skip(1)
                .filter(|p| {
                    p.contains(&format!(
                        "stroke=\"{}\"",
                        crate::charts::test_support::hex(Theme::LIGHT.text)
                    ))
                })
                .filter_map(|p| {
                    let pts = p.split("points=\"").nth(1)?.split('"').next()?;
                    let v: Vec<(f64, f64)> = pts
                        .split_whitespace()
                        .filter_map(|xy| {
                            let (x, y) = xy.split_once(',')?;
                            Some((x.parse().ok()?, y.parse().ok()?))
                        })
                        .collect();
                    (v.len() == 2 && v[0].0 == v[1].0 && v[0].1 != v[1].1).then_some(v[0].0)
                })
                .collect()
        };
        let at_40 = xs(&drawn(40.0));
        let at_80 = xs(&drawn(80.0));
        assert!(at_40.len() > 3 && at_80.len() > 3, "{at_40:?} {at_80:?}");
        // Plot from 88 px (the lane names) to 784 px (the right margin).
        let x40 = at_40[0];
        let x80 = at_80[0];
        assert!(at_40.iter().all(|x| *x == x40) && at_80.iter().all(|x| *x == x80));
        let per_ms = (x80 - x40) / 40.0;
        assert!((per_ms - (784.0 - 88.0) / 100.0).abs() < 0.1, "{per_ms}");
    }
}
