//! Random streams. One master seed; each trial's seed is mixed from (seed,
//! trial index); each component's stream from (trial seed, component label).
//!
//! Labels are names, not indices, so adding a replica does not change when
//! the primary's disk fails, and trial k draws the same failure times under
//! every strategy (common random numbers).

use rand::rand_core::{Infallible, TryRng, utils::fill_bytes_via_next_word};

/// The generator behind every component's stream: xoshiro256++ (Blackman
/// and Vigna, 2019), output for output the `rand_xoshiro` crate's
/// `Xoshiro256PlusPlus` (a test checks it), written here so that a stream
/// is created straight from four 64-bit words. A trial opens a stream per
/// component, and going through the crate's byte-array seed and its
/// all-zero check took twice the work of the four SplitMix64 steps
/// themselves. xoshiro256++ rather than a ChaCha for the same reason
/// (seeding a ChaCha costs a 256-byte block); it passes BigCrush, and
/// nothing here needs a cryptographic generator.
#[derive(Clone, Debug)]
pub struct StreamRng {
    s: [u64; 4],
}

impl StreamRng {
    /// The next output, and the state advanced one step.
    #[inline(always)]
    fn step(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }
}

impl TryRng for StreamRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        // The upper bits: the lowest have linear dependencies.
        Ok((self.step() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.step())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

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
/// SplitMix64 outputs (its authors' recommended seeding). They are distinct
/// outputs of a bijection, so the state is never all zero.
#[inline]
pub fn stream_from(seed: u64) -> StreamRng {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    // mix64 adds GOLDEN first, so these are SplitMix64's outputs 1..=4.
    StreamRng {
        s: [
            mix64(seed),
            mix64(seed.wrapping_add(GOLDEN)),
            mix64(seed.wrapping_add(GOLDEN.wrapping_mul(2))),
            mix64(seed.wrapping_add(GOLDEN.wrapping_mul(3))),
        ],
    }
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

    /// The same outputs as the reference crate seeded with the same four
    /// words (the generator before it was written here), for the 64-bit,
    /// 32-bit, byte and float interfaces.
    #[test]
    fn stream_rng_is_xoshiro256_plus_plus() {
        use rand::{Rng, SeedableRng};
        use rand_xoshiro::Xoshiro256PlusPlus;
        for seed in [0, 1, 42, u64::MAX, 0x0123_4567_89ab_cdef] {
            let mut ours = stream_from(seed);
            let mut bytes = [0u8; 32];
            for (i, word) in bytes.chunks_exact_mut(8).enumerate() {
                let golden = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i as u64);
                word.copy_from_slice(&mix64(seed.wrapping_add(golden)).to_le_bytes());
            }
            let mut reference = Xoshiro256PlusPlus::from_seed(bytes);
            for _ in 0..1000 {
                assert_eq!(ours.next_u64(), reference.next_u64());
            }
            assert_eq!(ours.next_u32(), reference.next_u32());
            let (mut a, mut b) = ([0u8; 13], [0u8; 13]);
            ours.fill_bytes(&mut a);
            reference.fill_bytes(&mut b);
            assert_eq!(a, b);
            assert_eq!(ours.random::<f64>(), reference.random::<f64>());
        }
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
