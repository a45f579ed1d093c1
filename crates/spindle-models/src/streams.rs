//! One random stream per neuron for the stochastic models (`pp_psc_delta`, the `gif` family,
//! `iaf_psc_exp`'s stochastic threshold).
//!
//! NEST draws from one generator per thread, so its random spike trains depend on how neurons
//! are spread over threads. spindle keys a stream by node id instead
//! (`rng::node_stream(seed, node)`, handed over by `NeuronChunk::seed_streams`): a neuron's
//! draws are the same whatever the partitioning, and results depend on (scenario, seed) only.
//! A model draws only when and as often as NEST does (e.g. no draw while the firing intensity
//! is 0), which keeps the deterministic special cases NEST-exact.

use rand_chacha::ChaCha8Rng;
use spindle_core::rng;

/// The streams of a chunk's neurons, neuron `i` being node `first_id + i`. A stream takes some
/// 300 bytes, so they are made at the first draw: a chunk that never draws (`iaf_psc_exp` with
/// its deterministic threshold) holds none.
pub(crate) struct NeuronStreams {
    n: usize,
    seed: u64,
    first_id: u32,
    rngs: Vec<ChaCha8Rng>,
}

impl NeuronStreams {
    /// Streams for `n` neurons under seed 0, numbered from node 1, until
    /// [`NeuronStreams::seed`] gives the real ones.
    pub fn new(n: usize) -> NeuronStreams {
        NeuronStreams {
            n,
            seed: 0,
            first_id: 1,
            rngs: Vec::new(),
        }
    }

    /// Key the streams of `n` neurons by `seed` and node ids from `first_id`.
    pub fn seed(&mut self, n: usize, seed: u64, first_id: u32) {
        *self = NeuronStreams {
            n,
            seed,
            first_id,
            rngs: Vec::new(),
        };
    }

    /// NEST's `drand()`: a uniform double in `[0, 1)` from neuron `i`'s stream.
    #[inline]
    pub fn uniform(&mut self, i: usize) -> f64 {
        rng::uniform(self.rng(i))
    }

    /// Neuron `i`'s stream, for other distributions.
    #[inline]
    pub fn rng(&mut self, i: usize) -> &mut ChaCha8Rng {
        if self.rngs.is_empty() {
            self.rngs = (0..self.n)
                .map(|k| rng::node_stream(self.seed, self.first_id + k as u32))
                .collect();
        }
        &mut self.rngs[i]
    }
}
