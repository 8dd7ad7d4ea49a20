//! Random streams. One master seed; each trial's seed is mixed from (seed,
//! trial index); each component's stream from (trial seed, component label).
//!
//! Labels are names, not indices, so adding a replica does not change when
//! the primary's disk fails, and trial k draws the same failure times under
//! every strategy (common random numbers).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every component's stream. xoshiro256++ rather than
/// a ChaCha: a trial opens a stream per component, and seeding one costs
/// four SplitMix64 steps here against a 256-byte block there, which was a
/// sixth of a trial's cost. Its statistical quality is ample for sampling
/// (it passes BigCrush); nothing here needs a cryptographic generator.
pub type StreamRng = Xoshiro256PlusPlus;

/// SplitMix64's finalizer: a bijective mix with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: a stable hash of a label (std's hasher may change across
/// releases, which would change every result).
pub fn fnv1a(label: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The seed of trial `trial` of a run seeded with `seed`.
pub fn trial_seed(seed: u64, trial: u64) -> u64 {
    mix64(seed ^ mix64(trial.wrapping_add(0x5851_F42D_4C95_7F2D)))
}

/// The stream of one component in one trial.
pub fn stream(trial_seed: u64, label: &str) -> StreamRng {
    stream_from(mix64(trial_seed ^ fnv1a(label)))
}

/// A stream from a 64-bit seed: the generator's state is four successive
/// SplitMix64 outputs (its authors' recommended seeding), computed directly
/// rather than through a byte buffer, since every trial seeds a stream per
/// component.
#[inline]
pub fn stream_from(seed: u64) -> StreamRng {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut state = [0u8; 32];
    for (i, word) in state.chunks_exact_mut(8).enumerate() {
        // mix64 adds GOLDEN first, so these are SplitMix64's outputs 1..=4.
        let x = mix64(seed.wrapping_add(GOLDEN.wrapping_mul(i as u64)));
        word.copy_from_slice(&x.to_le_bytes());
    }
    // An all-zero state is impossible: the four words are distinct outputs
    // of a bijection. from_seed would re-seed it anyway.
    StreamRng::from_seed(state)
}

/// A uniform number in [0, 1) derived from (trial seed, label, index)
/// without a stream: used for per-backup corruption, so that whether backup
/// k is corrupt needs no event and no state.
pub fn hashed_unit(trial_seed: u64, label: &str, index: u64) -> f64 {
    let h = mix64(mix64(trial_seed ^ fnv1a(label)) ^ index);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_depend_on_label_not_order() {
        let s = trial_seed(42, 7);
        let a: u64 = stream(s, "disk/db1").random();
        let _other: u64 = stream(s, "disk/db2").random();
        let b: u64 = stream(s, "disk/db1").random();
        assert_eq!(a, b);
        assert_ne!(a, stream(s, "disk/db2").random::<u64>());
        assert_ne!(trial_seed(42, 1), trial_seed(42, 2));
        assert_ne!(trial_seed(42, 1), trial_seed(43, 1));
    }

    #[test]
    fn hashed_unit_is_uniform_enough() {
        let n = 100_000;
        let below = (0..n)
            .filter(|&i| hashed_unit(9, "backup", i) < 0.3)
            .count();
        assert!((below as f64 / n as f64 - 0.3).abs() < 0.01);
    }
}
