//! The training example (the article's "training on many GPUs"): a model
//! trained by minibatch gradient descent, data-parallel across "devices"
//! (pool threads here, a GPU's cores there). Data only: what a run trains
//! on, how its devices sum their gradients, on which rung of the ladder.

use crate::engine::work::CHUNK;
use std::ops::Range;

/// How the devices sum their gradients after each step (the all-reduce).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reduce {
    /// Everyone's gradient into device 1, which sums them all and hands
    /// the total back: one device works while the others wait.
    ToOne,
    /// Reduce-scatter then all-gather: each device sums its share of the
    /// weights across everyone's gradients, so summing is split p ways.
    Scatter,
}

impl Reduce {
    pub const ALL: [Reduce; 2] = [Reduce::ToOne, Reduce::Scatter];

    pub fn name(self) -> &'static str {
        match self {
            Reduce::ToOne => "to-one",
            Reduce::Scatter => "scatter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reduce::ToOne => "Everyone into one",
            Reduce::Scatter => "Reduce-scatter, all-gather",
        }
    }

    /// The weights device `device` of `devices` sums, of `len`.
    pub fn share(self, device: usize, devices: usize, len: usize) -> Range<usize> {
        match self {
            Reduce::ToOne if device == 0 => 0..len,
            Reduce::ToOne => 0..0,
            Reduce::Scatter => device * len / devices..(device + 1) * len / devices,
        }
    }
}

/// A rung of the ladder: the same training, on more parallel hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rung {
    /// One thread, one float at a time.
    Scalar,
    /// One thread, four floats per instruction (wasm `simd128`).
    Simd,
    /// SIMD on every pool thread, each a device with its shard.
    Threads,
    /// A WebGPU compute shader.
    Gpu,
}

impl Rung {
    pub const ALL: [Rung; 4] = [Rung::Scalar, Rung::Simd, Rung::Threads, Rung::Gpu];

    pub fn name(self) -> &'static str {
        match self {
            Rung::Scalar => "scalar",
            Rung::Simd => "simd",
            Rung::Threads => "threads",
            Rung::Gpu => "gpu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rung::Scalar => "Scalar, 1 thread",
            Rung::Simd => "SIMD, 1 thread",
            Rung::Threads => "SIMD, every thread",
            Rung::Gpu => "GPU (WebGPU)",
        }
    }

    pub fn index(self) -> usize {
        Rung::ALL.iter().position(|&r| r == self).unwrap_or(0)
    }
}

/// What a training run trains: `steps` steps of `batch` samples each, of
/// `features` numbers, from a data set of `samples` (a multiple of the
/// batch: step `s` takes the batch `s mod (samples / batch)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Training {
    pub seed: u64,
    pub features: usize,
    pub samples: usize,
    pub batch: usize,
    pub steps: u32,
    /// Gradient descent's step size.
    pub rate: f64,
}

/// The step size every run uses: large enough that the loss visibly falls
/// in a few dozen steps on this data (features in [-1, 1]), small enough
/// that it never climbs (a native test trains with it).
pub const RATE: f64 = 2.0;

/// The data set's size in batches: each sample comes back every 4 steps.
pub const BATCHES: usize = 4;

impl Training {
    /// A run of `steps` steps on batches of `batch` samples (rounded up to
    /// whole chunks) of `features` numbers.
    pub fn new(seed: u64, features: usize, batch: usize, steps: u32) -> Training {
        // At most the largest batch offered × 16: a batch from a bad input
        // cannot wrap the arithmetic below (usize is 32 bits in wasm).
        let batch = batch.clamp(1, MOST_BATCH).div_ceil(CHUNK) * CHUNK;
        Training {
            seed,
            features: features.clamp(1, MOST_FEATURES),
            samples: batch * BATCHES,
            batch,
            steps: steps.max(1),
            rate: RATE,
        }
    }

    /// The same run on a data set of `samples` rows, rounded down to whole
    /// batches (at least one: the data set must then hold one batch), so
    /// that runs of several batch sizes share one data set.
    pub fn with_samples(self, samples: usize) -> Training {
        let samples = (samples / self.batch).max(1) * self.batch;
        Training { samples, ..self }
    }

    /// Chunks in one batch: the most devices that each get work.
    pub fn chunks(&self) -> usize {
        self.batch / CHUNK
    }

    /// The rows of step `step`'s batch that device `device` of `devices`
    /// computes: whole chunks, spread as evenly as they go.
    pub fn shard(&self, step: u32, device: usize, devices: usize) -> Range<usize> {
        let first = (step as usize % (self.samples / self.batch)) * self.batch;
        let chunks = self.chunks();
        let (a, b) = (device * chunks / devices, (device + 1) * chunks / devices);
        first + a * CHUNK..first + b * CHUNK
    }
}

/// Bounds of any run, whatever asks for it (a bad benchmark call
/// included): 2²⁰ samples a step, 1,024 features.
pub const MOST_BATCH: usize = 1 << 20;
pub const MOST_FEATURES: usize = 1_024;

/// The card's choices: features per sample, and the largest batch.
pub const FEATURES: [usize; 3] = [16, 64, 128];
pub const BATCHES_OFFERED: [usize; 4] = [1_024, 4_096, 16_384, 65_536];
/// Steps per run: enough that the median step is steady and the loss
/// visibly falls; at most 200 (a run's phases stay a few thousand).
pub const STEPS: (u32, u32) = (5, 200);

/// The batch sizes of the ladder up to `largest`: each 4 times the last.
pub fn ladder_batches(largest: usize) -> Vec<usize> {
    BATCHES_OFFERED
        .into_iter()
        .filter(|&b| b <= largest.max(BATCHES_OFFERED[0]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_batch_once_in_whole_chunks() {
        let t = Training::new(1, 8, 10 * CHUNK, 5);
        for devices in 1..=4 {
            for step in [0, 1, 3, 4] {
                let mut rows: Vec<usize> = Vec::new();
                for d in 0..devices {
                    let r = t.shard(step, d, devices);
                    assert_eq!(r.start % CHUNK, 0);
                    rows.extend(r);
                }
                let first = (step as usize % BATCHES) * t.batch;
                assert_eq!(rows, (first..first + t.batch).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn each_way_of_summing_covers_the_weights_once() {
        for reduce in Reduce::ALL {
            for devices in 1..=4 {
                let covered: Vec<usize> = (0..devices)
                    .flat_map(|d| reduce.share(d, devices, 10))
                    .collect();
                assert_eq!(
                    covered,
                    (0..10).collect::<Vec<_>>(),
                    "{reduce:?} on {devices}"
                );
            }
        }
    }

    #[test]
    fn a_larger_data_set_keeps_each_step_on_whole_batches() {
        let t = Training::new(1, 8, 1_024, 9).with_samples(16_384);
        assert_eq!(t.samples, 16_384);
        assert_eq!(t.shard(15, 0, 1), 15 * 1_024..16 * 1_024);
        assert_eq!(t.shard(16, 0, 1), 0..1_024);
        // 3 batches of 3 chunks fit 10 chunks' rows; never more than asked.
        let odd = Training::new(1, 8, 3 * CHUNK, 1).with_samples(10 * CHUNK);
        assert_eq!(odd.samples, 9 * CHUNK);
        assert_eq!(ladder_batches(16_384), vec![1_024, 4_096, 16_384]);
        assert_eq!(ladder_batches(0), vec![1_024]);
    }

    #[test]
    fn a_batch_is_whole_chunks() {
        let t = Training::new(1, 8, 300, 1);
        assert_eq!(t.batch, 2 * CHUNK);
        assert_eq!(t.samples, BATCHES * t.batch);
    }
}
