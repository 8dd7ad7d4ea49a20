//! Partial results of `--shard I/N` runs, and `failsim merge`, which adds
//! them up into the result of the whole run.
//!
//! A shard file is input: it may come from another machine, another
//! version, or an editor. Before anything is added, each file is checked
//! to be what this binary would have written for its shard: the same
//! version, a shard index below the shard count, the trial range that
//! index gives, strategies that match the run's digest, and statistics
//! that running those trials could have produced. Counts are added with
//! checked arithmetic. Every refusal names the file and the field.

use crate::error::{Error, Result};
use crate::montecarlo::{Arm, StrategyPartial};
use crate::results::{self, RunResults};
use crate::scenario::validate::{HORIZON_MAX, check_run_size};
use crate::sim::rng::{fnv1a, mix64};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Partial results of one shard, to be merged.
#[derive(Debug, Serialize, Deserialize)]
pub struct Partial {
    pub kind: String,
    pub version: String,
    /// A fingerprint of the scenario text and the strategies, in order
    /// (see [`digest`]).
    pub scenario_digest: String,
    /// A fingerprint of the scenario text alone: with the strategies'
    /// names it gives `scenario_digest` again, so a strategy removed from
    /// a shard file is found.
    pub text_digest: String,
    pub shard: (u64, u64),
    pub trial_range: (u64, u64),
    /// The results header, with `strategies` empty.
    pub header: RunResults,
    pub horizon_us: u64,
    /// The scenario's policy, so the merged result carries its verdicts.
    pub policy: Option<crate::scenario::Policy>,
    pub partials: Vec<StrategyPartial>,
}

pub const PARTIAL_KIND: &str = "failsim-partial-results";

/// The largest shard file `merge` reads: a shard holds a few accumulators
/// of at most 4,763 buckets per strategy, well under a megabyte.
pub const SHARD_BYTES_MAX: u64 = 64 * 1024 * 1024;

/// A fingerprint of a scenario's text.
pub fn text_digest(text: &str) -> String {
    format!("{:016x}", fnv1a(text))
}

fn chain(text_hash: u64, names: impl Iterator<Item = impl AsRef<str>>) -> String {
    let mut h = text_hash;
    for n in names {
        h = mix64(h ^ fnv1a(n.as_ref()));
    }
    format!("{h:016x}")
}

/// A fingerprint of what a shard ran, so shards of different runs are not merged.
pub fn digest(text: &str, arms: &[Arm]) -> String {
    chain(fnv1a(text), arms.iter().map(|a| &a.name))
}

fn user(msg: impl Into<String>) -> Error {
    Error::user(msg)
}

/// Reads and checks one shard file on its own.
pub fn read_part(path: &Path) -> Result<Partial> {
    let file = path.display();
    let bytes = crate::scenario::read_bounded(path, SHARD_BYTES_MAX)
        .map_err(|e| user(format!("{file}: cannot read: {e}")))?
        .ok_or_else(|| {
            user(format!(
                "{file}: holds more than 64 MiB (or never ends): not a partial result of `--shard`"
            ))
        })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        user(format!(
            "{file}: not UTF-8 text: not a partial result of `--shard`"
        ))
    })?;
    parse_part(text, &file.to_string()).map_err(user)
}

/// Parses and checks the text of one shard file named `file`.
pub fn parse_part(text: &str, file: &str) -> Result<Partial, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let part: Partial = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        let field = if at == "." {
            String::new()
        } else {
            format!(" field `{at}`:")
        };
        format!(
            "{file}:{field} not a partial result of `--shard`: {}",
            e.inner()
        )
    })?;
    de.end()
        .map_err(|e| format!("{file}: not a partial result of `--shard`: {e}"))?;
    check_part(&part).map_err(|e| format!("{file}: {e}"))?;
    Ok(part)
}

/// The checks one shard passes on its own; the error names the field.
fn check_part(p: &Partial) -> Result<(), String> {
    if p.kind != PARTIAL_KIND {
        return Err("field `kind`: not a partial result of `--shard`".into());
    }
    if p.version != results::VERSION {
        return Err(format!(
            "field `version`: written by failsim {}, and this is failsim {}: run every shard with one version",
            p.version,
            results::VERSION
        ));
    }
    let trials = p.header.trials;
    if trials == 0 {
        return Err("field `header.trials`: must be at least 1".into());
    }
    if p.horizon_us == 0 || p.horizon_us > HORIZON_MAX {
        return Err(format!(
            "field `horizon_us`: {} is outside 1..={HORIZON_MAX}",
            p.horizon_us
        ));
    }
    check_run_size(trials, p.horizon_us).map_err(|e| format!("field `header.trials`: {e}"))?;
    let (i, n) = p.shard;
    if n == 0 || i >= n || n > trials {
        return Err(format!(
            "field `shard`: [{i}, {n}] is not shard I of N with I < N <= trials ({trials})"
        ));
    }
    // Exact in 128 bits: trials and n are at most 10^8 here.
    let at = |k: u64| (u128::from(trials) * u128::from(k) / u128::from(n)) as u64;
    let expected = (at(i), at(i + 1));
    if p.trial_range != expected {
        return Err(format!(
            "field `trial_range`: [{}, {}], but shard {i}/{n} of {trials} trials is [{}, {}]",
            p.trial_range.0, p.trial_range.1, expected.0, expected.1
        ));
    }
    if let Some(policy) = &p.policy {
        let q = policy.percentile;
        if !(q > 0.0 && q <= 100.0) {
            let q = if q.abs() < 1e6 {
                q.to_string()
            } else {
                format!("{q:e}")
            };
            return Err(format!(
                "field `policy.percentile`: {q} is outside (0, 100]"
            ));
        }
    }
    if p.partials.is_empty() {
        return Err("field `partials`: no strategies".into());
    }
    let text_hash = u64::from_str_radix(&p.text_digest, 16)
        .map_err(|_| "field `text_digest`: not a fingerprint".to_string())?;
    if chain(text_hash, p.partials.iter().map(|s| &s.strategy)) != p.scenario_digest {
        return Err(
            "field `partials`: the strategies are not the ones this shard ran (a strategy was removed, added or renamed)"
                .into(),
        );
    }
    let range = expected.0..expected.1;
    for (k, s) in p.partials.iter().enumerate() {
        s.check(&range).map_err(|e| {
            format!(
                "{} (strategy `{}`)",
                e.replacen("field `", &format!("field `partials[{k}]."), 1),
                s.strategy
            )
        })?;
    }
    Ok(())
}

/// Adds up shard files into the result of the whole run.
pub fn merge_files(paths: &[std::path::PathBuf]) -> Result<RunResults> {
    let mut parts: Vec<(Partial, &Path)> = Vec::new();
    for p in paths {
        parts.push((read_part(p)?, p));
    }
    merge(parts)
}

/// Adds up checked shards (each with the file it came from).
pub fn merge(mut parts: Vec<(Partial, &Path)>) -> Result<RunResults> {
    if parts.is_empty() {
        return Err(user("merge needs at least one shard file"));
    }
    parts.sort_by_key(|p| p.0.shard.0);
    let first = &parts[0].0;
    let n = first.shard.1;
    for (p, file) in &parts {
        if p.scenario_digest != first.scenario_digest
            || p.header.seed != first.header.seed
            || p.header.trials != first.header.trials
            || p.horizon_us != first.horizon_us
            || p.policy != first.policy
        {
            return Err(user(format!(
                "{}: this shard comes from a different run (scenario, strategies, seed, trials or version differ)",
                file.display()
            )));
        }
        if p.shard.1 != n {
            return Err(user(format!(
                "{}: field `shard`: cut into {} parts, and {} into {n}: the shards were cut into different numbers of parts",
                file.display(),
                p.shard.1,
                parts[0].1.display()
            )));
        }
    }
    if let Some(w) = parts.windows(2).find(|w| w[0].0.shard.0 == w[1].0.shard.0) {
        return Err(user(format!(
            "a shard is given twice: {} and {} are both shard {}/{n}",
            w[0].1.display(),
            w[1].1.display(),
            w[0].0.shard.0
        )));
    }
    if parts.len() as u64 != n {
        // Indices are distinct and below n: list the first few missing.
        let have: Vec<u64> = parts.iter().map(|p| p.0.shard.0).collect();
        let missing: Vec<String> = (0..n)
            .filter(|i| have.binary_search(i).is_err())
            .take(10)
            .map(|i| format!("{i}/{n}"))
            .collect();
        let more = n - parts.len() as u64 - missing.len() as u64;
        return Err(user(if more > 0 {
            format!("shards missing: {} and {more} more", missing.join(", "))
        } else {
            format!("shards missing: {}", missing.join(", "))
        }));
    }
    let mut total = parts[0].0.partials.clone();
    for (p, file) in &parts[1..] {
        for (t, x) in total.iter_mut().zip(&p.partials) {
            t.try_merge(x).map_err(|e| {
                user(format!(
                    "{}: strategy `{}`: {e}",
                    file.display(),
                    x.strategy
                ))
            })?;
        }
    }
    for t in &mut total {
        t.normalize();
    }
    let (first, _) = &parts[0];
    let mut r = first.header.clone();
    r.strategies = total
        .iter()
        .map(|p| results::summarize(p, first.horizon_us, first.policy.as_ref()))
        .collect();
    Ok(r)
}
