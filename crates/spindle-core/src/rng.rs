//! Random streams keyed by what they serve, never by thread.
//!
//! Every random stream is a ChaCha8 generator whose key is built from the kernel seed, a domain
//! tag and up to two ids (e.g. generator id and target id). Any thread can therefore recreate
//! any stream, and results never depend on how nodes are spread over threads.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

/// Domain tag of Poisson generator → target streams.
pub const DOMAIN_POISSON: u32 = 0x504f_4953;
/// Domain tag of per-node streams (stochastic neuron models).
pub const DOMAIN_NODE: u32 = 0x4e4f_4445;
/// Domain tag of node parameters drawn from a random parameter when nodes are created or set
/// (`Create(model, n, {"V_m": nest.random.uniform(..)})`), keyed by parameter and node id.
pub const DOMAIN_NODE_PARAM: u32 = 0x4e50_4152;

/// Domain tag of a device's own stream (trains shared by all its targets).
pub const DOMAIN_DEVICE: u32 = 0x4445_5643;

/// Domain tag of the stream that synapses drawing at delivery (`bernoulli_synapse`,
/// `quantal_stp_synapse`) share per target neuron, keyed by the target's node id (see
/// `Archive::draws`).
pub const DOMAIN_SYNAPSE: u32 = 0x5359_4e44;

/// A keyed random stream.
pub type Stream = ChaCha8Rng;

/// The stream for `(seed, domain, a, b)`; `occurrence` separates several connections between
/// the same pair.
pub fn stream(seed: u64, domain: u32, a: u32, b: u32, occurrence: u32) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..12].copy_from_slice(&domain.to_le_bytes());
    key[12..16].copy_from_slice(&a.to_le_bytes());
    key[16..20].copy_from_slice(&b.to_le_bytes());
    key[20..24].copy_from_slice(&occurrence.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

/// The stream of node `node`'s own draws (a stochastic neuron model's, see
/// `NeuronChunk::seed_streams`).
pub fn node_stream(seed: u64, node: u32) -> ChaCha8Rng {
    stream(seed, DOMAIN_NODE, node, 0, 0)
}

/// A uniform double in `[0, 1)` with 53 random bits.
#[inline]
pub fn uniform<R: rand_core::Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw (Marsaglia's polar method; the second value is discarded).
pub fn standard_normal<R: rand_core::Rng + ?Sized>(r: &mut R) -> f64 {
    loop {
        let u = 2.0 * uniform(r) - 1.0;
        let v = 2.0 * uniform(r) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * s.ln() / s).sqrt();
        }
    }
}

/// A gamma-distributed draw with `shape ≥ 1` and scale 1 (Marsaglia and Tsang's squeeze
/// method, 2000).
pub fn gamma<R: rand_core::Rng + ?Sized>(r: &mut R, shape: f64) -> f64 {
    debug_assert!(shape >= 1.0);
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let (x, v) = loop {
            let x = standard_normal(r);
            let v = 1.0 + c * x;
            if v > 0.0 {
                break (x, v * v * v);
            }
        };
        let u = uniform(r);
        if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

/// An integer drawn uniformly from `0 .. n`, `n > 0` (Lemire's multiply-shift, with rejection).
#[inline]
pub fn below<R: rand_core::Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// A Poisson-distributed count with mean `lambda`: inversion by sequential search for small
/// means (one uniform per draw), Hörmann's PTRS transformed rejection for large ones.
pub fn poisson<R: rand_core::Rng + ?Sized>(rng: &mut R, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 10.0 {
        let mut p = (-lambda).exp();
        let mut cdf = p;
        let u = uniform(rng);
        let mut k = 0u32;
        // The cap only guards against a cdf that rounding keeps just below u.
        while u > cdf && k < 1000 {
            k += 1;
            p *= lambda / k as f64;
            cdf += p;
        }
        return k;
    }
    let slam = lambda.sqrt();
    let loglam = lambda.ln();
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let invalpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = uniform(rng) - 0.5;
        let v = uniform(rng);
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= vr {
            return k as u32;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
            <= -lambda + k * loglam - log_gamma(k + 1.0)
        {
            return k as u32;
        }
    }
}

/// A binomially distributed count of successes in `n` trials of probability `p` (exact):
/// Knuth's splitting by beta-distributed order statistics while the mean is large, then
/// geometric waiting times (one uniform per success).
pub fn binomial<R: rand_core::Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    let (mut n, mut p, mut count) = (n, p, 0u64);
    while n as f64 * p > 16.0 {
        // The a-th smallest of n uniforms is Beta(a, n + 1 - a); below it lie a - 1 of them.
        let a = 1 + n / 2;
        let b = n + 1 - a;
        let ga = gamma(rng, a as f64);
        let x = ga / (ga + gamma(rng, b as f64));
        if x >= p {
            n = a - 1;
            p /= x;
        } else {
            count += a;
            n = b - 1;
            p = (p - x) / (1.0 - x);
        }
    }
    let log_q = (-p).ln_1p();
    let mut trials = 0u64;
    loop {
        // Trials up to and including the next success: geometric on 1, 2, …
        let u = 1.0 - uniform(rng);
        let g = (u.ln() / log_q).floor() + 1.0;
        if g > (n - trials) as f64 {
            return count;
        }
        trials += g as u64;
        count += 1;
    }
}

/// `ln Γ(x)` for `x ≥ 1` by Stirling's series with upward recursion below 7.
pub fn log_gamma(x: f64) -> f64 {
    const A: [f64; 10] = [
        8.333333333333333e-02,
        -2.777777777777778e-03,
        7.936507936507937e-04,
        -5.952380952380952e-04,
        8.417508417508418e-04,
        -1.917526917526918e-03,
        6.410_256_410_256_41e-3,
        -2.955065359477124e-02,
        1.796443723688307e-01,
        -1.392_432_216_905_9,
    ];
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let mut x0 = x;
    let mut n = 0;
    if x <= 7.0 {
        n = (7.0 - x) as i64;
        x0 = x + n as f64;
    }
    let x2 = 1.0 / (x0 * x0);
    let mut gl0 = A[9];
    for k in (0..9).rev() {
        gl0 = gl0 * x2 + A[k];
    }
    let mut gl = gl0 / x0 + 0.5 * (2.0 * std::f64::consts::PI).ln() + (x0 - 0.5) * x0.ln() - x0;
    if x <= 7.0 {
        for _ in 0..n {
            gl -= (x0 - 1.0).ln();
            x0 -= 1.0;
        }
    }
    gl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_and_variance(lambda: f64, n: usize) -> (f64, f64) {
        let mut rng = stream(7, DOMAIN_POISSON, 1, 2, 0);
        let draws: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn poisson_counts_have_poisson_mean_and_variance() {
        for &lambda in &[0.05, 1.78, 8.0, 25.0, 400.0] {
            let n = 200_000;
            let (mean, var) = mean_and_variance(lambda, n);
            // Five standard errors of the mean; the variance within 3 %.
            let se = (lambda / n as f64).sqrt();
            assert!(
                (mean - lambda).abs() < 5.0 * se,
                "lambda {lambda}: mean {mean}"
            );
            assert!(
                (var / lambda - 1.0).abs() < 0.03,
                "lambda {lambda}: var {var}"
            );
        }
    }

    #[test]
    fn binomial_counts_have_binomial_mean_and_variance() {
        for &(n, p) in &[(10u64, 0.3), (1000, 0.01), (5000, 0.2), (40, 0.9)] {
            let mut r = stream(3, 9, n as u32, 0, 0);
            let draws = 20_000;
            let xs: Vec<f64> = (0..draws).map(|_| binomial(&mut r, n, p) as f64).collect();
            let mean = xs.iter().sum::<f64>() / draws as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (draws - 1) as f64;
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            assert!(
                (mean - m).abs() < 5.0 * (v / draws as f64).sqrt(),
                "{n} {p}: {mean}"
            );
            assert!((var / v - 1.0).abs() < 0.06, "{n} {p}: {var} vs {v}");
        }
    }

    #[test]
    fn log_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for k in 1..30 {
            fact *= k as f64;
            assert!(
                (log_gamma(k as f64 + 1.0) - fact.ln()).abs() < 1e-10,
                "k = {k}"
            );
        }
    }

    #[test]
    fn gamma_draws_have_gamma_mean_and_variance() {
        for &shape in &[1.0, 2.5, 10.0] {
            let n = 200_000;
            let mut rng = node_stream(3, 9);
            let draws: Vec<f64> = (0..n).map(|_| gamma(&mut rng, shape)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            // Mean and variance of Gamma(k, 1) are both k; five standard errors of the mean.
            assert!(
                (mean - shape).abs() < 5.0 * (shape / n as f64).sqrt(),
                "shape {shape}: mean {mean}"
            );
            assert!((var / shape - 1.0).abs() < 0.03, "shape {shape}: var {var}");
        }
    }

    #[test]
    fn streams_differ_by_every_key_part() {
        let draw = |s, a, b, o| stream(s, DOMAIN_POISSON, a, b, o).next_u64();
        use rand_core::Rng;
        let base = draw(1, 2, 3, 0);
        assert_eq!(base, draw(1, 2, 3, 0));
        assert_ne!(base, draw(2, 2, 3, 0));
        assert_ne!(base, draw(1, 3, 3, 0));
        assert_ne!(base, draw(1, 2, 4, 0));
        assert_ne!(base, draw(1, 2, 3, 1));
    }
}
