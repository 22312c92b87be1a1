//! Slider scales: where a value sits on a slider and back. Ranges over
//! orders of magnitude (1 to 100,000 tasks) are logarithmic.

use super::Field;

/// Slider positions run from 0 to this.
pub const SLIDER_STEPS: u32 = 1000;

impl Field {
    /// Whether the slider is logarithmic: for ranges over orders of magnitude
    /// (1 to 10,000 tasks), where a linear slider would leave the small values
    /// in its first pixel.
    pub fn logarithmic(self) -> bool {
        matches!(self, Field::Tasks | Field::WorkMs | Field::LatencyMs)
    }

    /// The slider's range: positions for logarithmic sliders, values otherwise.
    pub fn slider_range(self, max: u32) -> (u32, u32) {
        if self.logarithmic() {
            (0, SLIDER_STEPS)
        } else {
            (self.bounds().min, max)
        }
    }

    /// Slider position of `value`, within a maximum of `max`.
    pub fn to_position(self, value: u32, max: u32) -> u32 {
        if !self.logarithmic() {
            return value;
        }
        let min = f64::from(self.bounds().min.max(1));
        let span = (f64::from(max.max(2)) / min).ln();
        let at = (f64::from(value.max(1)) / min).ln() / span;
        (at * f64::from(SLIDER_STEPS))
            .round()
            .clamp(0.0, f64::from(SLIDER_STEPS)) as u32
    }

    /// The value a slider moved to `position` should take, `current` being
    /// the value before: at least one step away from `current` in the
    /// direction moved, so that an arrow key always changes a logarithmic
    /// slider's value (one position is less than one unit near its low end).
    pub fn value_at(self, position: u32, max: u32, current: u32) -> u32 {
        let value = self.from_position(position, max);
        let before = self.to_position(current, max);
        if value == current && position > before {
            (current + 1).min(max)
        } else if value == current && position < before {
            current.saturating_sub(1).max(self.bounds().min)
        } else {
            value
        }
    }

    /// The value at slider position `position`.
    pub fn from_position(self, position: u32, max: u32) -> u32 {
        if !self.logarithmic() {
            return position;
        }
        let min = f64::from(self.bounds().min.max(1));
        let t = f64::from(position.min(SLIDER_STEPS)) / f64::from(SLIDER_STEPS);
        (min * (f64::from(max.max(2)) / min).powf(t)).round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn logarithmic_sliders_reach_both_ends_and_round_trip() {
        for field in [Field::Tasks, Field::WorkMs, Field::LatencyMs] {
            let max = field.bounds().max;
            assert_eq!(field.from_position(0, max), 1);
            assert_eq!(field.from_position(SLIDER_STEPS, max), max);
            for value in [1, 2, 8, 50, 200, 999, max] {
                let back = field.from_position(field.to_position(value, max), max);
                let error = (f64::from(back) - f64::from(value)).abs() / f64::from(value);
                assert!(
                    error < 0.01 || back.abs_diff(value) <= 1,
                    "{field:?} {value} -> {back}"
                );
            }
        }
        assert_eq!(Field::Lanes.to_position(3, 8), 3);
        // One arrow-key step always moves the value.
        let p = Field::Tasks.to_position(8, 10_000);
        assert_eq!(Field::Tasks.value_at(p + 1, 10_000, 8), 9);
        assert_eq!(Field::Tasks.value_at(p - 1, 10_000, 8), 7);
        assert_eq!(Field::Tasks.value_at(0, 10_000, 1), 1);
        assert_eq!(Field::Tasks.value_at(SLIDER_STEPS, 10_000, 8), 10_000);
        assert_eq!(Field::Lanes.slider_range(8), (1, 8));
    }
}
