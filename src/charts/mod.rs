//! Charts as functions of data: each draws on a plotters [`DrawingArea`] of
//! any backend. The page passes a canvas; native tests pass an SVG string and
//! check what was drawn. No chart reads a clock, a signal or the DOM.

pub mod compare;
pub mod cursor;
pub mod latency;
pub mod lines;
pub mod phases;
pub mod run_queue;
pub mod served_marks;
pub mod speedup;
pub mod stacked;
pub mod timeline;

pub use crate::engine::format::{format_ms, format_tick};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The result of drawing on backend `DB`.
pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Colours for a light or a dark page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
}

impl Theme {
    pub const LIGHT: Theme = Theme {
        background: RGBColor(255, 255, 255),
        text: RGBColor(28, 30, 33),
        muted: RGBColor(96, 102, 110),
        grid: RGBColor(222, 226, 230),
    };

    pub const DARK: Theme = Theme {
        background: RGBColor(24, 26, 30),
        text: RGBColor(232, 234, 237),
        muted: RGBColor(160, 166, 174),
        grid: RGBColor(58, 62, 68),
    };

    pub fn for_dark(dark: bool) -> Theme {
        if dark { Theme::DARK } else { Theme::LIGHT }
    }

    pub(crate) fn font(&self, size: f64) -> TextStyle<'static> {
        ("sans-serif", size).into_font().color(&self.text)
    }

    pub(crate) fn muted_font(&self, size: f64) -> TextStyle<'static> {
        ("sans-serif", size).into_font().color(&self.muted)
    }
}

/// Ten colours told apart by most readers, colour-blind ones included
/// (Okabe–Ito's eight, plus two), readable on light and dark backgrounds.
pub const TASK_COLOURS: [RGBColor; 10] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(120, 94, 240),
    RGBColor(140, 140, 140),
    RGBColor(160, 82, 45),
];

/// The colour of task `task` (0-based) everywhere in the page.
pub fn task_colour(task: u32) -> RGBColor {
    TASK_COLOURS[task as usize % TASK_COLOURS.len()]
}

/// About how wide a 12 px legend entry is: the swatch, its gap, the words
/// (about 6.5 px a character), and the space before the next entry.
pub(crate) fn legend_entry_px(name: &str) -> i32 {
    18 + (name.chars().count() as f64 * 6.5).ceil() as i32 + 14
}

/// Fills `area` with the theme's background.
pub(crate) fn clear<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> DrawResult<(), DB> {
    area.fill(&theme.background)
}

/// A message in the middle of an empty chart ("Run an experiment…").
pub fn draw_placeholder<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    message: &str,
) -> DrawResult<(), DB> {
    clear(area, theme)?;
    let (w, h) = area.dim_in_pixel();
    let style = theme
        .muted_font(14.0)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
}

#[cfg(test)]
pub(crate) mod test_support {
    use plotters::prelude::*;

    /// Draws with `draw` on an SVG of `w`×`h` and returns the SVG text.
    pub fn svg(
        w: u32,
        h: u32,
        draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>),
    ) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            draw(&root);
            root.present().expect("svg");
        }
        out
    }

    /// Whether the SVG has a `<text>` element reading exactly `text`.
    pub fn has_text(svg: &str, text: &str) -> bool {
        svg.split("<text").skip(1).any(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
                .is_some_and(|(inner, _)| inner.trim() == text)
        })
    }

    /// A colour as the SVG backend writes it.
    pub fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_writes_its_message() {
        let svg = test_support::svg(300, 100, |a| {
            draw_placeholder(a, &Theme::LIGHT, "Press Run").unwrap()
        });
        assert!(test_support::has_text(&svg, "Press Run"), "{svg}");
    }
}
