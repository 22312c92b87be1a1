//! The training example's data: samples of `features` numbers in [-1, 1]
//! and a 0/1 label each, generated from a seed, so that every thread count,
//! every rung of the ladder and every machine trains on the same numbers.
//!
//! The labels come from a hidden linear rule plus noise: a logistic
//! regression can learn most of them, never all, so its loss falls and
//! then flattens, as a real model's does.

/// A generated data set, row-major: sample `i`'s features are
/// `x[i * features..(i + 1) * features]`, its label `y[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub features: usize,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

/// SplitMix64 (Steele, Lea and Flood 2014): a different stream per sample
/// from one seed, so rows can be generated in any order, on any thread.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in [-1, 1) from the top 24 bits (exact in an f32).
fn unit(state: &mut u64) -> f32 {
    (splitmix(state) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

impl Dataset {
    /// The weight of feature `j` in the hidden rule: alternating signs,
    /// falling in size, so that some features matter more than others.
    pub fn hidden_weight(j: usize) -> f32 {
        let sign = if j.is_multiple_of(2) { 1.0 } else { -1.0 };
        sign * 4.0 / (1.0 + j as f32 * 0.25)
    }

    /// Rows `rows` of the data set of `seed`: the same numbers whichever
    /// range is asked, so a data set can be built in parts.
    pub fn rows(seed: u64, features: usize, rows: std::ops::Range<usize>) -> Dataset {
        let n = rows.len();
        let (mut x, mut y) = (Vec::with_capacity(n * features), Vec::with_capacity(n));
        for i in rows {
            let mut state = seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407);
            let mut score = 0.0f32;
            for j in 0..features {
                let v = unit(&mut state);
                score += v * Self::hidden_weight(j);
                x.push(v);
            }
            // Noise flips the labels of samples near the boundary.
            let noise = unit(&mut state) * 1.5;
            y.push(if score + noise > 0.0 { 1.0 } else { 0.0 });
        }
        Dataset { features, x, y }
    }

    /// The whole data set of `samples` rows.
    pub fn generate(seed: u64, samples: usize, features: usize) -> Dataset {
        Self::rows(seed, features, 0..samples)
    }

    /// Appends `other`'s rows (built with the same `features`).
    pub fn extend(&mut self, other: Dataset) {
        debug_assert_eq!(self.features, other.features);
        self.x.extend(other.x);
        self.y.extend(other.y);
    }

    pub fn samples(&self) -> usize {
        self.y.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_rows_however_built() {
        let whole = Dataset::generate(7, 300, 16);
        let mut parts = Dataset::rows(7, 16, 0..100);
        parts.extend(Dataset::rows(7, 16, 100..300));
        assert_eq!(whole, parts);
        assert_ne!(whole, Dataset::generate(8, 300, 16));
    }

    #[test]
    fn features_lie_in_range_and_both_labels_occur() {
        let d = Dataset::generate(1, 2_000, 8);
        assert_eq!(d.x.len(), 2_000 * 8);
        assert!(d.x.iter().all(|v| (-1.0..1.0).contains(v)));
        let ones = d.y.iter().filter(|&&l| l == 1.0).count();
        assert!((600..1_400).contains(&ones), "{ones} of 2000 labelled 1");
    }
}
