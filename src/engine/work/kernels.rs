//! CPU-bound kernels: real work whose result is checked, cut into *units* so a
//! task can be run in slices and resumed.
//!
//! A task is "`units` units of kernel K starting at unit `first`". Running the
//! units `a..b` and then `b..c` gives the same checksum contribution as running
//! `a..c` in one go, which is what lets the concurrent mode slice a task and the
//! parallel mode check a cancel flag between slices without changing the result.
//!
//! The three kernels have different characters on purpose:
//! - [`Kernel::Primes`]: integer division, branchy, almost no memory.
//! - [`Kernel::Mandelbrot`]: floating point, iteration counts vary per pixel.
//! - [`Kernel::Hash`]: integer multiply/xor over bytes, perfectly regular.
//!
//! The crate is built for size (`opt-level = "z"`: most of it is UI code,
//! and every byte is downloaded), but the kernels are what the benchmark
//! measures against native code: each is marked `#[optimize(speed)]`.

use std::fmt;

/// One of the CPU-bound kernels a task can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// Trial-division primality test of consecutive odd numbers.
    Primes,
    /// Escape-time iterations of the pixels of a fixed view of the Mandelbrot set.
    Mandelbrot,
    /// FNV-1a over 64-byte blocks of a deterministic byte stream.
    Hash,
}

impl Kernel {
    pub const ALL: [Kernel; 3] = [Kernel::Primes, Kernel::Mandelbrot, Kernel::Hash];

    /// The name used in links, exports and the page.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Primes => "primes",
            Kernel::Mandelbrot => "mandelbrot",
            Kernel::Hash => "hash",
        }
    }

    pub fn from_name(name: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kernel's name in the page.
    pub fn label(self) -> &'static str {
        match self {
            Kernel::Primes => "Primes (trial division)",
            Kernel::Mandelbrot => "Mandelbrot (floating point)",
            Kernel::Hash => "Hashing (FNV-1a)",
        }
    }

    /// What one unit of this kernel is, for the page.
    pub fn describe(self) -> &'static str {
        match self {
            Kernel::Primes => "count primes by trial division",
            Kernel::Mandelbrot => "render Mandelbrot pixels",
            Kernel::Hash => "FNV-1a hash a byte stream",
        }
    }

    /// Runs units `first .. first + count` and returns their checksum.
    ///
    /// Checksums of consecutive ranges add up (wrapping) to the checksum of the
    /// whole range; see [`Kernel`] docs.
    pub fn run(self, first: u64, count: u64) -> u64 {
        match self {
            Kernel::Primes => count_primes_units(first, count),
            Kernel::Mandelbrot => mandelbrot_units(first, count),
            Kernel::Hash => hash_units(first, count),
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The primes kernel tests numbers near this base, so that every unit costs
/// about the same (trial division costs grow with √n, which barely moves here).
pub const PRIMES_BASE: u64 = 10_000_001;

/// Unit `u` of the primes kernel tests the odd number `PRIMES_BASE + 2·(u mod 2²⁰)`:
/// returns how many of the tested numbers are prime.
#[optimize(speed)]
fn count_primes_units(first: u64, count: u64) -> u64 {
    // Plain loops in the kernels, not iterator adaptors: a closure and the
    // adaptor code it is compiled into are not covered by this function's
    // #[optimize(speed)], and were built for size (the crate's opt-level)
    // while a browser's JIT inlined them: natively the hash kernel ran at
    // half the browser's speed (docs/BENCHMARKS.md).
    let mut primes = 0;
    let mut u = first;
    while u < first + count {
        primes += u64::from(is_prime(PRIMES_BASE + 2 * (u % (1 << 20))));
        u += 1;
    }
    primes
}

/// Trial division by 2, 3 and then 6k ± 1.
#[optimize(speed)]
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    let mut d = 5;
    while d * d <= n {
        if n.is_multiple_of(d) || n.is_multiple_of(d + 2) {
            return false;
        }
        d += 6;
    }
    true
}

/// The number of primes below `limit` (a reference for tests).
pub fn primes_below(limit: u64) -> u64 {
    (0..limit).filter(|&n| is_prime(n)).count() as u64
}

/// Side of the square Mandelbrot view, in pixels.
pub const MANDELBROT_SIDE: u64 = 256;

/// Unit `u` renders pixel `(u · MANDELBROT_STRIDE) mod SIDE²`, not pixel `u`.
///
/// A pixel's cost depends on where it lies: in row order the first quarter
/// of the image averages 15 iterations a pixel and the whole image 72, so a
/// "50 ms" task took 50 ms or 250 ms depending on where its units fell, and
/// calibration (which times units from 0) depended on how many units a fast
/// or slow machine reaches in its batch. Stepping by an odd stride near
/// SIDE²/φ visits every pixel once per SIDE² units (odd, so it is a
/// bijection modulo 2¹⁶) and spreads any run of consecutive units over the
/// whole image: every run of 2,000 units costs within ±2.5 % of the average,
/// every run of 500 within ±7 % (measured over all starting points).
pub const MANDELBROT_STRIDE: u64 = 40_503;
/// Iteration cap: a pixel that has not escaped after this many is "inside".
pub const MANDELBROT_MAX_ITER: u32 = 256;

/// Escape-time iterations for the point `c = re + im·i`.
#[optimize(speed)]
pub fn mandelbrot_iterations(re: f64, im: f64, max_iter: u32) -> u32 {
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < max_iter && x * x + y * y <= 4.0 {
        let xt = x * x - y * y + re;
        y = 2.0 * x * y + im;
        x = xt;
        i += 1;
    }
    i
}

/// Sums the iteration counts of the pixels of the view [-2, 0.5] × [-1.25, 1.25].
#[optimize(speed)]
fn mandelbrot_units(first: u64, count: u64) -> u64 {
    let side = MANDELBROT_SIDE;
    let scale_re = 2.5 / side as f64;
    let scale_im = 2.5 / side as f64;
    let mut sum = 0u64;
    let mut u = first;
    while u < first + count {
        let pixel = u.wrapping_mul(MANDELBROT_STRIDE) % (side * side);
        let (px, py) = (pixel % side, pixel / side);
        let re = -2.0 + px as f64 * scale_re;
        let im = -1.25 + py as f64 * scale_im;
        sum += u64::from(mandelbrot_iterations(re, im, MANDELBROT_MAX_ITER));
        u += 1;
    }
    sum
}

/// Bytes one unit of the hash kernel consumes.
pub const HASH_BLOCK: usize = 64;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
#[optimize(speed)]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        h = (h ^ u64::from(bytes[i])).wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// Unit `u` hashes the 64-byte block whose bytes are `(u·64 + i) mod 251`
/// (251 is prime, so blocks differ), and contributes that block's FNV-1a hash.
#[optimize(speed)]
fn hash_units(first: u64, count: u64) -> u64 {
    let mut block = [0u8; HASH_BLOCK];
    let mut acc = 0u64;
    let mut u = first;
    while u < first + count {
        let mut i = 0;
        while i < HASH_BLOCK {
            block[i] = ((u * HASH_BLOCK as u64 + i as u64) % 251) as u8;
            i += 1;
        }
        acc = acc.wrapping_add(fnv1a(&block));
        u += 1;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primality_of_known_numbers() {
        let cases = [
            (0, false),
            (1, false),
            (2, true),
            (3, true),
            (4, false),
            (25, false),
            (97, true),
            (7919, true),
            (7921, false), // 89²
            (10_000_019, true),
            (2_147_483_647, true), // 2³¹ − 1, a Mersenne prime
        ];
        for (n, expected) in cases {
            assert_eq!(is_prime(n), expected, "is_prime({n})");
        }
    }

    #[test]
    fn prime_counts_match_pi() {
        // π(x), the prime-counting function, at known points.
        for (limit, pi) in [(10, 4), (100, 25), (1_000, 168), (100_000, 9_592)] {
            assert_eq!(primes_below(limit), pi, "π({limit})");
        }
    }

    #[test]
    fn primes_kernel_counts_primes_near_its_base() {
        // The odd numbers 10,000,001 ..= 10,000,099 hold these primes:
        // 10000019, 10000079 (checked independently with `factor`).
        assert_eq!(Kernel::Primes.run(0, 50), 2);
    }

    #[test]
    fn mandelbrot_known_points() {
        assert_eq!(
            mandelbrot_iterations(0.0, 0.0, 100),
            100,
            "origin is inside"
        );
        assert_eq!(mandelbrot_iterations(-1.0, 0.0, 100), 100, "-1 is inside");
        assert_eq!(mandelbrot_iterations(2.0, 2.0, 100), 1, "escapes at once");
        assert_eq!(mandelbrot_iterations(0.5, 0.0, 100), 5);
    }

    #[test]
    fn fnv1a_known_values() {
        // Reference values of the FNV-1a 64-bit specification.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn slices_add_up_to_the_whole() {
        for kernel in Kernel::ALL {
            let whole = kernel.run(1_000, 900);
            let sliced = [(1_000, 300), (1_300, 1), (1_301, 599)]
                .iter()
                .fold(0u64, |acc, &(a, n)| acc.wrapping_add(kernel.run(a, n)));
            assert_eq!(whole, sliced, "{kernel}");
            assert_ne!(whole, 0, "{kernel} did some work");
        }
    }

    /// Every run of units costs about the same wherever it starts: the work
    /// a task does does not depend on its place in the task set.
    #[test]
    fn mandelbrot_units_cost_the_same_anywhere() {
        let total = mandelbrot_units(0, MANDELBROT_SIDE * MANDELBROT_SIDE);
        let mean = total as f64 / (MANDELBROT_SIDE * MANDELBROT_SIDE) as f64;
        for first in (0..200_000).step_by(9_973) {
            let block = mandelbrot_units(first, 2_000) as f64 / 2_000.0;
            assert!(
                (block / mean - 1.0).abs() < 0.05,
                "units {first}..+2000: {block:.1} iterations a unit, image average {mean:.1}"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for kernel in Kernel::ALL {
            assert_eq!(Kernel::from_name(kernel.name()), Some(kernel));
        }
        assert_eq!(Kernel::from_name("Primes"), None);
    }
}
