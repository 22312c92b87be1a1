//! The training example's model: logistic regression, its loss and its
//! gradient over a batch of samples, computed one number at a time
//! (scalar) or four at a time in one instruction (wasm `simd128`).
//!
//! Why fixed point: a step's gradient is a sum over the batch, and float
//! sums depend on their order. Each [`CHUNK`] of samples is summed in f32
//! in one fixed order, then converted to integers (`× 2³²`); integers add
//! exactly in any order. So the summed gradient, and every weight after
//! it, is bitwise the same on 1 thread or 4, however the all-reduce
//! groups the sums: the final loss is a checksum of the whole run.

use super::dataset::Dataset;
use std::ops::Range;

/// Samples summed in f32 before the sum turns exact: the unit a batch is
/// split into among devices (a device takes whole chunks).
pub const CHUNK: usize = 256;

/// The fixed point's scale: 2³², so a chunk's sum (|g| ≤ 256 per weight)
/// keeps 32 bits of fraction, and 2²⁰ chunks still fit an i64.
pub const FIXED_ONE: f64 = 4_294_967_296.0;

/// How the inner loops compute: one float at a time, or four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lanes {
    Scalar,
    /// wasm `simd128` in the page; natively, the same four lanes as plain
    /// arrays, added in the same order (so the two give the same bits).
    Simd,
}

/// Numbers a step sums for a model of `features` weights: the gradient of
/// each weight, of the bias, and the loss.
pub fn sum_len(features: usize) -> usize {
    features + 2
}

/// Adds the gradient and the loss of `rows` (whole chunks but perhaps the
/// last) to `acc`, in fixed point. `w` holds the weights then the bias;
/// `acc` is [`sum_len`] long.
#[optimize(speed)]
pub fn accumulate(data: &Dataset, w: &[f32], rows: Range<usize>, lanes: Lanes, acc: &mut [i64]) {
    let d = data.features;
    debug_assert_eq!(w.len(), d + 1);
    debug_assert_eq!(acc.len(), sum_len(d));
    let mut g = vec![0.0f32; d + 1];
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + CHUNK).min(rows.end);
        g.iter_mut().for_each(|v| *v = 0.0);
        let x = &data.x[start * d..end * d];
        let y = &data.y[start..end];
        let loss = match lanes {
            Lanes::Scalar => chunk_scalar(x, y, w, &mut g),
            Lanes::Simd => chunk_simd(x, y, w, &mut g),
        };
        for (a, v) in acc.iter_mut().zip(g.iter().chain(std::iter::once(&loss))) {
            *a += to_fixed(*v);
        }
        start = end;
    }
}

/// A sum in fixed point (the GPU rung's sums, read back in f32, become
/// fixed point like a chunk's).
pub fn to_fixed(v: f32) -> i64 {
    (f64::from(v) * FIXED_ONE).round() as i64
}

/// The mean of a fixed-point sum over `batch` samples.
pub fn mean_of(sum: i64, batch: usize) -> f64 {
    sum as f64 / FIXED_ONE / batch as f64
}

/// One step of gradient descent from a batch's summed numbers: returns the
/// batch's mean loss (before the step).
pub fn apply_step(w: &mut [f32], sums: &[i64], batch: usize, rate: f64) -> f64 {
    for (wj, &g) in w.iter_mut().zip(sums) {
        *wj = (f64::from(*wj) - rate * mean_of(g, batch)) as f32;
    }
    mean_of(sums[sums.len() - 1], batch)
}

/// The logistic function and the per-sample loss, `softplus(z) − y·z`,
/// from one `exp`: stable for any `z`.
#[inline(always)]
fn sigmoid_and_loss(z: f32, y: f32) -> (f32, f32) {
    let t = (-z.abs()).exp();
    let p = if z >= 0.0 {
        1.0 / (1.0 + t)
    } else {
        t / (1.0 + t)
    };
    (p, z.max(0.0) + t.ln_1p() - y * z)
}

#[optimize(speed)]
fn chunk_scalar(x: &[f32], y: &[f32], w: &[f32], g: &mut [f32]) -> f32 {
    let d = w.len() - 1;
    let mut loss = 0.0f32;
    for (row, &label) in x.chunks_exact(d).zip(y) {
        let mut z = w[d];
        for (a, b) in w[..d].iter().zip(row) {
            z += a * b;
        }
        let (p, l) = sigmoid_and_loss(z, label);
        loss += l;
        let e = p - label;
        for (gj, xj) in g[..d].iter_mut().zip(row) {
            *gj += e * xj;
        }
        g[d] += e;
    }
    loss
}

/// The SIMD chunk natively: four lanes as an array, summed as the wasm
/// version sums them, so a native test checks the page's arithmetic.
#[cfg(not(target_arch = "wasm32"))]
fn chunk_simd(x: &[f32], y: &[f32], w: &[f32], g: &mut [f32]) -> f32 {
    let d = w.len() - 1;
    let mut loss = 0.0f32;
    for (row, &label) in x.chunks_exact(d).zip(y) {
        let mut acc = [0.0f32; 4];
        let (wq, xq) = (w[..d].chunks_exact(4), row.chunks_exact(4));
        let (wr, xr) = (wq.remainder(), xq.remainder());
        for (a, b) in wq.zip(xq) {
            for l in 0..4 {
                acc[l] += a[l] * b[l];
            }
        }
        let mut z = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (a, b) in wr.iter().zip(xr) {
            z += a * b;
        }
        z += w[d];
        let (p, l) = sigmoid_and_loss(z, label);
        loss += l;
        let e = p - label;
        for (gj, xj) in g[..d].iter_mut().zip(row) {
            *gj += e * xj;
        }
        g[d] += e;
    }
    loss
}

/// The SIMD chunk in the page: `simd128` for this function only, so every
/// other loop of the crate stays scalar (the scalar rung really is).
#[cfg(target_arch = "wasm32")]
fn chunk_simd(x: &[f32], y: &[f32], w: &[f32], g: &mut [f32]) -> f32 {
    // Safe to call on wasm (a missing feature fails the module's
    // compilation, never a call): and every browser with the shared memory
    // the page's threads need (Chrome 91, Firefox 89, Safari 16.4) has it.
    simd128::chunk(x, y, w, g)
}

#[cfg(target_arch = "wasm32")]
mod simd128 {
    use super::sigmoid_and_loss;
    use core::arch::wasm32::*;

    /// Four f32 from a slice of at least four.
    #[inline(always)]
    fn load(s: &[f32]) -> v128 {
        assert!(s.len() >= 4);
        // SAFETY: 16 readable bytes (checked above); v128_load takes any alignment.
        unsafe { v128_load(s.as_ptr().cast()) }
    }

    #[target_feature(enable = "simd128")]
    #[optimize(speed)]
    pub fn chunk(x: &[f32], y: &[f32], w: &[f32], g: &mut [f32]) -> f32 {
        let d = w.len() - 1;
        let quads = d / 4 * 4;
        let mut loss = 0.0f32;
        for (row, &label) in x.chunks_exact(d).zip(y) {
            let mut acc = f32x4_splat(0.0);
            let mut j = 0;
            while j < quads {
                acc = f32x4_add(acc, f32x4_mul(load(&w[j..]), load(&row[j..])));
                j += 4;
            }
            let lane = |k| match k {
                0 => f32x4_extract_lane::<0>(acc),
                1 => f32x4_extract_lane::<1>(acc),
                2 => f32x4_extract_lane::<2>(acc),
                _ => f32x4_extract_lane::<3>(acc),
            };
            let mut z = (lane(0) + lane(1)) + (lane(2) + lane(3));
            for k in quads..d {
                z += w[k] * row[k];
            }
            z += w[d];
            let (p, l) = sigmoid_and_loss(z, label);
            loss += l;
            let e = p - label;
            let es = f32x4_splat(e);
            let mut j = 0;
            while j < quads {
                let sum = f32x4_add(load(&g[j..]), f32x4_mul(es, load(&row[j..])));
                // SAFETY: g[j..j + 4] exists (j + 4 <= quads <= d < g.len()).
                unsafe { v128_store(g[j..j + 4].as_mut_ptr().cast(), sum) };
                j += 4;
            }
            for k in quads..d {
                g[k] += e * row[k];
            }
            g[d] += e;
        }
        loss
    }
}

/// The mean loss of `rows` in f64 (a reference for tests and checks; the
/// training itself uses the fixed-point sums).
pub fn mean_loss(data: &Dataset, w: &[f64], rows: Range<usize>) -> f64 {
    let d = data.features;
    let n = rows.len();
    let mut total = 0.0;
    for i in rows {
        let row = &data.x[i * d..(i + 1) * d];
        let z = w[d]
            + w[..d]
                .iter()
                .zip(row)
                .map(|(a, &b)| a * f64::from(b))
                .sum::<f64>();
        let y = f64::from(data.y[i]);
        total += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
    }
    total / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(data: &Dataset, w: &[f32], lanes: Lanes) -> Vec<i64> {
        let mut acc = vec![0; sum_len(data.features)];
        accumulate(data, w, 0..data.samples(), lanes, &mut acc);
        acc
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let data = Dataset::generate(3, 1_000, 12);
        let w: Vec<f32> = (0..13).map(|j| 0.1 * (j as f32 - 6.0)).collect();
        let acc = sums(&data, &w, Lanes::Scalar);
        let wide: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
        for j in 0..13 {
            let h = 1e-4;
            let (mut up, mut down) = (wide.clone(), wide.clone());
            up[j] += h;
            down[j] -= h;
            let numeric =
                (mean_loss(&data, &up, 0..1_000) - mean_loss(&data, &down, 0..1_000)) / (2.0 * h);
            let analytic = mean_of(acc[j], 1_000);
            assert!(
                (numeric - analytic).abs() < 1e-4,
                "weight {j}: finite difference {numeric}, gradient {analytic}"
            );
        }
        let loss = mean_of(acc[13], 1_000);
        assert!((loss - mean_loss(&data, &wide, 0..1_000)).abs() < 1e-5);
    }

    #[test]
    fn simd_and_scalar_agree() {
        // 13 features: three quads and a remainder.
        let data = Dataset::generate(5, 2 * CHUNK + 17, 13);
        let w: Vec<f32> = (0..14).map(|j| 0.05 * j as f32 - 0.3).collect();
        let (s, v) = (sums(&data, &w, Lanes::Scalar), sums(&data, &w, Lanes::Simd));
        for (j, (a, b)) in s.iter().zip(&v).enumerate() {
            let (a, b) = (mean_of(*a, 529), mean_of(*b, 529));
            assert!((a - b).abs() < 1e-5, "number {j}: scalar {a}, simd {b}");
        }
        assert_ne!(s, v, "the two orders of summing should differ in some bit");
    }

    #[test]
    fn the_loss_falls_as_it_trains() {
        let data = Dataset::generate(9, 4 * CHUNK, 16);
        let mut w = vec![0.0f32; 17];
        let mut losses = Vec::new();
        for _ in 0..30 {
            let acc = sums(&data, &w, Lanes::Simd);
            losses.push(apply_step(&mut w, &acc, data.samples(), 2.0));
        }
        assert!(
            (losses[0] - std::f64::consts::LN_2).abs() < 1e-5,
            "{losses:?}"
        );
        assert!(losses[29] < 0.5 * losses[0], "{losses:?}");
        assert!(losses.windows(2).all(|p| p[1] <= p[0] + 1e-9), "{losses:?}");
    }

    #[test]
    fn chunks_sum_alike_in_any_grouping() {
        let data = Dataset::generate(2, 4 * CHUNK, 8);
        let w = vec![0.1f32; 9];
        let whole = sums(&data, &w, Lanes::Scalar);
        let mut parts = vec![0; sum_len(8)];
        for r in [0..CHUNK, CHUNK..3 * CHUNK, 3 * CHUNK..4 * CHUNK] {
            let mut a = vec![0; sum_len(8)];
            accumulate(&data, &w, r, Lanes::Scalar, &mut a);
            parts.iter_mut().zip(&a).for_each(|(p, v)| *p += v);
        }
        assert_eq!(whole, parts);
    }
}
