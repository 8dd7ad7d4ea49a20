//! Properties that must hold for every valid scenario, checked on random
//! ones.
//!
//! The generator builds scenario *text* (TOML) from random choices, so the
//! whole path a user's file takes is exercised: parse, validate, simulate.
//! Every generated scenario is valid by construction; one that the
//! validator refuses fails the test with its text.
//!
//! What is checked, for a few trials of each scenario and of a few
//! strategies built from it:
//!
//! - nothing panics, and a valid file is accepted;
//! - the same seed gives the same outcome (compared with `==`), and asking
//!   for the record of a trial does not change its numbers;
//! - `downtime <= horizon`, `availability` in [0, 1], every incident starts
//!   inside the horizon, its RTO ends inside it (`at + rto <= horizon`) and
//!   its RPO reaches no further back than the data set does
//!   (`rpo <= history + horizon`); incidents are charged no more lost writes
//!   than the trial lost;
//! - the lost-writes bound (see [`lost_writes_bound`]);
//! - synchronous replication that blocks loses no acknowledged write while
//!   no fault can destroy every copy (see [`sync_block_loses_nothing`]).
//!
//! Case counts are fixed and modest, and the random seed is fixed too, so
//! the file runs the same cases everywhere, in a few seconds in release
//! mode on two cores (`PROPTEST_*` variables do not change them). To search
//! longer by hand: `FAILSIM_PROPTEST_SEED=7 FAILSIM_PROPTEST_CASES=5000
//! cargo test --release --test properties`.
//!
//! The tests at the end reproduce engine faults these properties found
//! (all fixed); the generators still steer around those corners, as each
//! place says, and the reproductions guard them.

use failsim::scenario::{self, Format, Scenario};
use failsim::sim::{Engine, TrialOutcome};
use failsim::strategy;
use failsim::units::SECOND;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

// ---------------------------------------------------------------------------
// The generator: random choices, then text.

/// A distribution of durations, as a TOML value, between `lo` and `hi`
/// seconds (roughly).
fn dist(lo: u64, hi: u64) -> impl Strategy<Value = String> {
    let hi = hi.max(lo + 1);
    (0u8..6, lo..hi, 1u64..4).prop_map(move |(kind, s, k)| match kind {
        0 => format!("\"{s}s\""),
        1 => format!("{{ dist = \"exponential\", mean = \"{s}s\" }}"),
        2 => format!(
            "{{ dist = \"lognormal\", median = \"{s}s\", p95 = \"{}s\" }}",
            s * (k + 1)
        ),
        3 => format!(
            "{{ dist = \"uniform\", min = \"{s}s\", max = \"{}s\" }}",
            s * k
        ),
        4 => format!(
            "{{ dist = \"weibull\", shape = {}.5, scale = \"{s}s\" }}",
            k - 1
        ),
        _ => format!("{{ dist = \"fixed\", mean = \"{s}s\" }}"),
    })
}

/// The failure law of a stochastic source, with an MTTF in hours.
fn law(lo_h: u64, hi_h: u64) -> impl Strategy<Value = String> {
    (0u8..4, lo_h..hi_h, 1u8..20).prop_map(|(kind, h, x)| match kind {
        0 | 1 => format!("mttf = \"{h}h\""),
        2 => format!(
            "mttf = \"{h}h\", dist = \"weibull\", shape = {}",
            0.5 + x as f64 / 10.0
        ),
        _ => format!(
            "mttf = \"{h}h\", dist = \"lognormal\", sigma = {}",
            x as f64 / 10.0
        ),
    })
}

#[derive(Clone, Debug)]
struct NodeSpec {
    zone: usize,
    standby: bool,
    /// 0: no override; 1..=4 an override of the replication mode.
    over: u8,
}

#[derive(Clone, Debug)]
struct BackupSpec {
    full_days: u64,
    incr_hours: Option<u64>,
    region: usize,
    copies: Vec<usize>,
    copy_delay: String,
    archive_min: Option<u64>,
    corrupt_pct: u8,
    before_migrations: bool,
    provision: String,
}

#[derive(Clone, Debug)]
struct Faults {
    api_crash: Option<String>,
    db_crash: Option<String>,
    disk_loss: Option<String>,
    zone_outage: Option<(String, String)>,
    region_outage: Option<(String, String, u8)>,
    partition: Option<(String, String)>,
    delete: Option<(String, String, u8)>,
}

/// A scheduled event: a kind and raw numbers, read modulo what the
/// scenario has when the text is written.
#[derive(Clone, Debug)]
struct EventSpec {
    kind: u8,
    /// Where in the horizon, in thousandths.
    at: u16,
    target: usize,
    other: usize,
    minutes: u64,
    flag: bool,
    share: u8,
}

#[derive(Clone, Debug)]
struct MigrationSpec {
    effect: u8,
    at: u16,
    minutes: u64,
    flag: bool,
    share: u8,
}

#[derive(Clone, Debug)]
struct Spec {
    seed: u64,
    horizon_days: u64,
    history_days: u64,
    writes_per_sec: f64,
    data_gb: u64,
    zones_per_region: Vec<usize>,
    links: Vec<(usize, usize, u64)>,
    cross_region_rtt: Option<u64>,
    nodes: Vec<NodeSpec>,
    mode: u8,
    block: bool,
    lag: String,
    delay_min: u64,
    semi_timeout_s: u64,
    failover: u8,
    cross_region: bool,
    fencing: bool,
    promote_on_partition: bool,
    max_lag_kb: u64,
    detection: String,
    promotion: String,
    restart: String,
    disk_replace: String,
    response: String,
    night: u8,
    api: Option<(u32, u32, String)>,
    backups: Option<BackupSpec>,
    faults: Faults,
    events: Vec<EventSpec>,
    migrations: Vec<MigrationSpec>,
}

const MODES: [&str; 4] = ["async", "semi-sync", "sync", "delayed"];

fn backups() -> impl Strategy<Value = BackupSpec> {
    (
        1u64..8,
        proptest::option::of(1u64..25),
        0usize..3,
        proptest::collection::vec(0usize..3, 0..3),
        60u64..7200,
        proptest::option::of(1u64..120),
        (0u8..30, any::<bool>()),
        dist(60, 3600),
    )
        .prop_map(
            |(
                full_days,
                incr,
                region,
                copies,
                copy_delay,
                archive_min,
                (corrupt, before),
                provision,
            )| {
                BackupSpec {
                    full_days,
                    // Incrementals at least as often as fulls.
                    incr_hours: incr.filter(|h| *h <= full_days * 24),
                    region,
                    copies,
                    copy_delay: format!("{copy_delay}s"),
                    archive_min,
                    corrupt_pct: corrupt.saturating_sub(20),
                    before_migrations: before,
                    provision,
                }
            },
        )
}

fn faults() -> impl Strategy<Value = Faults> {
    use proptest::option::of;
    (
        of(law(24, 480)),
        of(law(24, 480)),
        of(law(72, 1440)),
        of((law(120, 1440), dist(600, 86_400))),
        of((law(240, 2880), dist(600, 86_400), 0u8..=100)),
        of((law(120, 1440), dist(60, 21_600))),
        of((law(240, 2400), dist(60, 86_400), 0u8..=100)),
    )
        .prop_map(
            |(api_crash, db_crash, disk_loss, zone_outage, region_outage, partition, delete)| {
                Faults {
                    api_crash,
                    db_crash,
                    disk_loss,
                    zone_outage,
                    region_outage,
                    partition,
                    delete,
                }
            },
        )
}

fn event() -> impl Strategy<Value = EventSpec> {
    (
        0u8..8,
        0u16..1000,
        0usize..16,
        0usize..16,
        1u64..2880,
        any::<bool>(),
        0u8..=100,
    )
        .prop_map(
            |(kind, at, target, other, minutes, flag, share)| EventSpec {
                kind,
                at,
                target,
                other,
                minutes,
                flag,
                share,
            },
        )
}

fn migration() -> impl Strategy<Value = MigrationSpec> {
    (0u8..4, 0u16..1000, 1u64..240, any::<bool>(), 0u8..=100).prop_map(
        |(effect, at, minutes, flag, share)| MigrationSpec {
            effect,
            at,
            minutes,
            flag,
            share,
        },
    )
}

prop_compose! {
    fn spec()(
        (seed, horizon_days, history_days, writes_per_sec, data_gb) in
            (any::<u64>(), 1u64..46, prop_oneof![Just(0u64), 1u64..1500], 0.01f64..300.0, 1u64..2000),
        zones_per_region in proptest::collection::vec(1usize..4, 1..4),
        links in proptest::collection::vec((0usize..3, 0usize..3, 1u64..200), 0..4),
        cross_region_rtt in proptest::option::of(1u64..200),
        nodes in proptest::collection::vec(
            (0usize..9, any::<bool>(), prop_oneof![4 => Just(0u8), 1 => 1u8..5])
                .prop_map(|(zone, standby, over)| NodeSpec { zone, standby, over }),
            1..5),
        (mode, block, lag, delay_min, semi_timeout_s) in
            (0u8..4, any::<bool>(), dist(1, 30), 1u64..240, 1u64..60),
        (failover, cross_region, fencing, promote_on_partition, max_lag_kb) in
            (0u8..3, any::<bool>(), any::<bool>(), any::<bool>(), 1u64..100_000),
        (detection, promotion, restart, disk_replace, response, night) in
            (dist(1, 120), dist(1, 300), dist(5, 600), dist(300, 21_600), dist(60, 7200), 0u8..3),
        api in proptest::option::of((1u32..7, 1u32..7, dist(5, 1200))),
        backups in proptest::option::of(backups()),
        faults in faults(),
        events in proptest::collection::vec(event(), 0..7),
        migrations in proptest::collection::vec(migration(), 0..4),
    ) -> Spec {
        Spec {
            seed, horizon_days, history_days, writes_per_sec, data_gb, zones_per_region, links,
            cross_region_rtt, nodes, mode, block, lag, delay_min, semi_timeout_s, failover,
            cross_region, fencing, promote_on_partition, max_lag_kb, detection, promotion,
            restart, disk_replace, response, night,
            api: api.map(|(servers, min, restart)| (servers, min.min(servers), restart)),
            backups, faults, events, migrations,
        }
    }
}

impl Spec {
    fn regions(&self) -> usize {
        self.zones_per_region.len()
    }
    fn zone_names(&self) -> Vec<(String, usize)> {
        let mut v = Vec::new();
        for (r, &n) in self.zones_per_region.iter().enumerate() {
            for z in 0..n {
                v.push((format!("r{r}z{z}"), r));
            }
        }
        v
    }
    /// Links between distinct regions, one per pair, plus any needed so
    /// that every replica can reach the primary.
    fn effective_links(&self) -> Vec<(usize, usize, u64)> {
        let mut links: Vec<(usize, usize, u64)> = Vec::new();
        let n = self.regions();
        let has = |links: &Vec<(usize, usize, u64)>, a: usize, b: usize| {
            links
                .iter()
                .any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a))
        };
        for &(a, b, rtt) in &self.links {
            let (a, b) = (a % n, b % n);
            if a != b && !has(&links, a, b) {
                links.push((a, b, rtt));
            }
        }
        if self.cross_region_rtt.is_none() {
            let zones = self.zone_names();
            let pr = zones[self.nodes[0].zone % zones.len()].1;
            for node in &self.nodes[1..] {
                let r = zones[node.zone % zones.len()].1;
                if r != pr && !has(&links, pr, r) {
                    links.push((pr, r, 60));
                }
            }
        }
        links
    }
    fn routed(&self, a: usize, b: usize) -> bool {
        a != b
            && (self.cross_region_rtt.is_some()
                || self
                    .effective_links()
                    .iter()
                    .any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a)))
    }
    fn replicas(&self) -> usize {
        self.nodes.len() - 1
    }
    fn horizon_secs(&self) -> u64 {
        self.horizon_days * 86_400
    }
    /// A time inside the horizon, from thousandths.
    fn at(&self, permille: u16) -> u64 {
        (self.horizon_secs() * permille as u64 / 1000).min(self.horizon_secs() - 1)
    }
    fn toml(&self) -> String {
        use std::fmt::Write;
        let mut t = String::new();
        let w = &mut t;
        let zones = self.zone_names();
        writeln!(w, "name = \"generated\"").unwrap();
        writeln!(w, "seed = {}", self.seed).unwrap();
        writeln!(w, "trials = 3").unwrap();
        writeln!(w, "horizon = \"{}d\"", self.horizon_days).unwrap();
        writeln!(w, "\n[workload]").unwrap();
        writeln!(w, "writes_per_sec = {:?}", self.writes_per_sec).unwrap();
        writeln!(w, "write_size = \"2KB\"").unwrap();
        writeln!(w, "data_size = \"{}GB\"", self.data_gb).unwrap();
        writeln!(w, "history = \"{}d\"", self.history_days).unwrap();
        for (r, &n) in self.zones_per_region.iter().enumerate() {
            writeln!(w, "\n[[regions]]\nname = \"r{r}\"").unwrap();
            let names: Vec<String> = (0..n).map(|z| format!("\"r{r}z{z}\"")).collect();
            writeln!(w, "zones = [{}]", names.join(", ")).unwrap();
        }
        writeln!(w, "\n[network]").unwrap();
        if let Some(rtt) = self.cross_region_rtt {
            writeln!(w, "rtt_cross_region = \"{rtt}ms\"").unwrap();
        }
        for (a, b, rtt) in self.effective_links() {
            writeln!(
                w,
                "\n[[network.links]]\nbetween = [\"r{a}\", \"r{b}\"]\nrtt = \"{rtt}ms\""
            )
            .unwrap();
        }
        if let Some((servers, min, restart)) = &self.api {
            writeln!(
                w,
                "\n[api]\nservers = {servers}\nmin_healthy = {min}\nrestart = {restart}"
            )
            .unwrap();
        }
        writeln!(
            w,
            "\n[database]\nrestart = {}\ndisk_replace = {}\nrebuild_throughput = \"200MB/s\"",
            self.restart, self.disk_replace
        )
        .unwrap();
        for (i, n) in self.nodes.iter().enumerate() {
            let (zone, _) = &zones[n.zone % zones.len()];
            let role = if i == 0 { "primary" } else { "replica" };
            writeln!(
                w,
                "\n[[database.nodes]]\nname = \"n{i}\"\nzone = \"{zone}\"\nrole = \"{role}\""
            )
            .unwrap();
            if i > 0 {
                writeln!(
                    w,
                    "mode = \"{}\"",
                    if n.standby { "standby" } else { "active" }
                )
                .unwrap();
                if n.over > 0 {
                    writeln!(w, "replication = \"{}\"", MODES[n.over as usize - 1]).unwrap();
                }
            }
        }
        writeln!(w, "\n[replication]").unwrap();
        if self.replicas() > 0 {
            writeln!(w, "mode = \"{}\"", MODES[self.mode as usize]).unwrap();
        } else {
            writeln!(w, "mode = \"none\"").unwrap();
        }
        writeln!(w, "lag = {}", self.lag).unwrap();
        writeln!(w, "delay = \"{}m\"", self.delay_min).unwrap();
        writeln!(w, "semi_sync_timeout = \"{}s\"", self.semi_timeout_s).unwrap();
        writeln!(
            w,
            "sync_on_replica_down = \"{}\"",
            if self.block { "block" } else { "degrade" }
        )
        .unwrap();
        writeln!(w, "\n[failover]").unwrap();
        writeln!(
            w,
            "mode = \"{}\"",
            ["automatic", "manual", "none"][self.failover as usize]
        )
        .unwrap();
        writeln!(w, "detection = {}", self.detection).unwrap();
        writeln!(w, "promotion = {}", self.promotion).unwrap();
        writeln!(w, "cross_region = {}", self.cross_region).unwrap();
        writeln!(w, "fencing = {}", self.fencing).unwrap();
        writeln!(
            w,
            "promote_on_partition = {}",
            self.promote_on_partition && self.cross_region
        )
        .unwrap();
        writeln!(w, "max_lag = \"{}KB\"", self.max_lag_kb).unwrap();
        writeln!(
            w,
            "\n[operators]\nresponse = {}\nnight_multiplier = {}",
            self.response,
            1 + self.night
        )
        .unwrap();
        if let Some(b) = &self.backups {
            let n = self.regions();
            writeln!(w, "\n[backups]\nfull_every = \"{}d\"", b.full_days).unwrap();
            if let Some(h) = b.incr_hours {
                writeln!(w, "incremental_every = \"{h}h\"").unwrap();
            }
            let region = b.region % n;
            writeln!(w, "region = \"r{region}\"").unwrap();
            let mut copies: Vec<usize> = b
                .copies
                .iter()
                .map(|c| c % n)
                .filter(|&c| c != region)
                .collect();
            copies.dedup();
            let copies: Vec<String> = copies.iter().map(|c| format!("\"r{c}\"")).collect();
            writeln!(w, "copy_to = [{}]", copies.join(", ")).unwrap();
            writeln!(w, "copy_delay = \"{}\"", b.copy_delay).unwrap();
            writeln!(w, "corrupt = \"{}%\"", b.corrupt_pct).unwrap();
            writeln!(w, "before_migrations = {}", b.before_migrations).unwrap();
            writeln!(w, "provision = {}", b.provision).unwrap();
            if let Some(m) = b.archive_min {
                writeln!(w, "log_archive = {{ interval = \"{m}m\" }}").unwrap();
            }
        }
        writeln!(w, "\n[faults]").unwrap();
        let f = &self.faults;
        if let Some(l) = &f.api_crash
            && self.api.is_some()
        {
            writeln!(w, "api_crash = {{ {l} }}").unwrap();
        }
        if let Some(l) = &f.db_crash {
            writeln!(w, "db_crash = {{ {l} }}").unwrap();
        }
        if let Some(l) = &f.disk_loss {
            writeln!(w, "disk_loss = {{ {l} }}").unwrap();
        }
        if let Some((l, d)) = &f.zone_outage {
            writeln!(w, "zone_outage = {{ {l}, duration = {d} }}").unwrap();
        }
        if let Some((l, d, p)) = &f.region_outage {
            writeln!(
                w,
                "region_outage = {{ {l}, duration = {d}, destroys_data = \"{p}%\" }}"
            )
            .unwrap();
        }
        if let Some((l, d)) = &f.partition
            && self.regions() > 1
        {
            writeln!(w, "partition = {{ {l}, duration = {d} }}").unwrap();
        }
        if let Some((l, d, s)) = &f.delete {
            writeln!(
                w,
                "accidental_delete = {{ {l}, detect = {d}, share = \"{s}%\" }}"
            )
            .unwrap();
        }
        for e in &self.events {
            if let Some(text) = self.event_toml(e) {
                writeln!(w, "\n[[events]]\n{text}").unwrap();
            }
        }
        for (i, m) in self.migrations.iter().enumerate() {
            writeln!(
                w,
                "\n[[migrations]]\nversion = \"{}\"\ndescription = \"m{i}\"\nat = \"{}s\"",
                i + 1,
                self.at(m.at)
            )
            .unwrap();
            match m.effect {
                0 => writeln!(w, "effect = \"online\"").unwrap(),
                1 => writeln!(w, "effect = \"locking\"\nlock = \"{}m\"", m.minutes).unwrap(),
                2 => writeln!(
                    w,
                    "effect = \"failing\"\nfix = \"{}m\"\nrollback = {}",
                    m.minutes, m.flag
                )
                .unwrap(),
                _ => writeln!(
                    w,
                    "effect = \"destructive\"\nshare = \"{}%\"\ndetect = \"{}m\"",
                    m.share, m.minutes
                )
                .unwrap(),
            }
        }
        t
    }

    fn event_toml(&self, e: &EventSpec) -> Option<String> {
        let at = format!("at = \"{}s\"\n", self.at(e.at));
        let zones = self.zone_names();
        Some(match e.kind {
            0 => {
                let (servers, _, _) = self.api.as_ref()?;
                format!(
                    "{at}fault = \"api-crash\"\ntarget = \"api-{}\"",
                    e.target % *servers as usize
                )
            }
            1 | 2 => {
                let kind = if e.kind == 1 { "db-crash" } else { "disk-loss" };
                let target = match e.target % 3 {
                    0 => "primary".to_string(),
                    1 if self.replicas() > 0 => "replica".to_string(),
                    _ => format!("n{}", e.other % self.nodes.len()),
                };
                format!("{at}fault = \"{kind}\"\ntarget = \"{target}\"")
            }
            3 => format!(
                "{at}fault = \"zone-outage\"\ntarget = \"{}\"\nduration = \"{}m\"",
                zones[e.target % zones.len()].0,
                e.minutes
            ),
            4 => format!(
                "{at}fault = \"region-outage\"\ntarget = \"r{}\"\nduration = \"{}m\"\ndestroys_data = {}",
                e.target % self.regions(),
                e.minutes,
                e.flag
            ),
            5 => {
                let n = self.regions();
                let (a, b) = (e.target % n, e.other % n);
                if !self.routed(a, b) {
                    return None;
                }
                format!(
                    "{at}fault = \"partition\"\nbetween = [\"r{a}\", \"r{b}\"]\nduration = \"{}m\"",
                    e.minutes
                )
            }
            6 => format!(
                "{at}fault = \"accidental-delete\"\nshare = \"{}%\"\ndetect = \"{}m\"\nnote = \"oops\"",
                e.share, e.minutes
            ),
            _ => {
                self.backups.as_ref()?;
                format!(
                    "{at}fault = \"backup-failure\"\nuntil = \"{}s\"",
                    self.at(e.at) + e.minutes * 60
                )
            }
        })
    }

    /// The same scenario, narrowed to what synchronous replication with
    /// `block` promises to survive without losing an acknowledged write:
    /// every replica synchronous, writes wait while none is connected, no
    /// logical damage, no destroyed region, no promotion on a partition
    /// (the far side cannot know what the near side acknowledged). Then
    /// either no disk is lost (any number of crashes, outages and
    /// partitions), or one disk is lost and nothing else touches a node.
    fn sync_block(mut self) -> Spec {
        if self.nodes.len() < 2 {
            self.nodes.push(NodeSpec {
                zone: self.nodes[0].zone + 1,
                standby: false,
                over: 0,
            });
        }
        for n in &mut self.nodes {
            n.over = 0;
        }
        self.mode = 2;
        self.block = true;
        self.promote_on_partition = false;
        // A replica that lacks at most `max_lag` of log may be promoted while
        // the primary is away: a synchronous replica that was disconnected
        // (writes went on through another) lacks what came after.
        self.max_lag_kb = 0;
        self.faults.delete = None;
        self.faults.disk_loss = None;
        if let Some(r) = &mut self.faults.region_outage {
            r.2 = 0;
        }
        let mut disk_losses = 0;
        self.events.retain_mut(|e| {
            match e.kind {
                4 => e.flag = false,
                6 => return false,
                2 => {
                    disk_losses += 1;
                    return disk_losses == 1;
                }
                _ => {}
            }
            true
        });
        for m in &mut self.migrations {
            if m.effect == 3 {
                m.effect = 0;
            }
        }
        if disk_losses > 0 {
            // The disk loss is the only fault that touches a node: a second
            // one could strike while the only other copy is being re-seeded
            // (a deposed primary is re-seeded in full, never rewound), and
            // then every copy is gone. A disk lost while its zone is down is
            // also mishandled: see `disk_lost_in_a_down_zone_*` below.
            self.faults.db_crash = None;
            self.faults.zone_outage = None;
            self.faults.region_outage = None;
            self.faults.partition = None;
            self.events.retain(|e| matches!(e.kind, 0 | 2 | 7));
        }
        self
    }
}

// ---------------------------------------------------------------------------
// Checks.

fn load(text: &str) -> Result<Scenario, TestCaseError> {
    scenario::parse(text, "generated.toml", Format::Toml).map_err(|e| {
        TestCaseError::fail(format!(
            "a generated scenario was refused:\n{e}\n--- scenario ---\n{text}"
        ))
    })
}

/// A bound on a Poisson draw of mean `mean` that a draw exceeds with
/// probability below 1e-12 (Chernoff: P(X >= m + x) <= exp(-x^2 / (2(m + x/3)))).
fn poisson_ceiling(mean: f64) -> f64 {
    mean + 8.0 * mean.sqrt() + 40.0
}

/// Invariants of one outcome that hold whatever the scenario.
fn check_outcome(sc: &Scenario, o: &TrialOutcome, what: &str) -> Result<(), TestCaseError> {
    let h = sc.horizon;
    prop_assert_eq!(o.horizon, h, "{}: horizon", what);
    prop_assert!(
        o.downtime <= h,
        "{what}: downtime {} > horizon {h}",
        o.downtime
    );
    let a = o.availability();
    prop_assert!((0.0..=1.0).contains(&a), "{what}: availability {a}");
    let history = sc.workload.history;
    let mut charged = 0u64;
    for (k, inc) in o.incidents.iter().enumerate() {
        prop_assert!(inc.at < h, "{what}: incident {k} at {} >= horizon", inc.at);
        prop_assert!(
            inc.rto <= h - inc.at,
            "{what}: incident {k} ({:?} at {}) has RTO {} past the horizon {h}",
            inc.cause,
            inc.at,
            inc.rto
        );
        prop_assert!(
            inc.rpo <= history + h,
            "{what}: incident {k} RPO {} reaches back further than the data set ({} + {h})",
            inc.rpo,
            history
        );
        // A split brain's RPO is set even when no diverged write was drawn:
        // see `split_brain_without_diverged_writes_has_no_rpo` below.
        if inc.lost_writes == 0 && inc.cause != scenario::FaultKind::Partition {
            prop_assert_eq!(
                inc.rpo,
                0,
                "{}: incident {} lost nothing but has an RPO",
                what,
                k
            );
        }
        charged += inc.lost_writes;
    }
    prop_assert!(
        charged <= o.lost_writes,
        "{what}: incidents charged {charged} lost writes, the trial lost {}",
        o.lost_writes
    );
    lost_writes_bound(sc, o, what)
}

/// The lost-writes bound, as the model defines lost writes
/// (docs/model.md, "Losing writes without simulating writes"):
///
/// - Every window of the log lost by a failover, a restore or a start-empty
///   is drawn as Poisson writes *and added to `writes_acknowledged`* (which
///   is those draws plus a draw for the rest of the up time). So writes
///   lost from inside the horizon never exceed the writes acknowledged, in
///   every trial, exactly.
/// - On top of those, two losses reach before the horizon and are drawn on
///   their own: the `history` (`writes_per_sec x history`), lost at most
///   once per trial, when every copy is gone; and each logical damage that
///   operators keep rather than roll back, which takes `share` of every
///   write the data set holds (its history plus the horizon so far).
///
/// Hence, with `H = writes_per_sec x history` and `N = writes_per_sec x
/// horizon`:
///
/// - `history = 0` and no logical damage: `lost <= acknowledged`, exactly;
/// - no logical damage: `lost <= acknowledged + X`, X a Poisson(H) draw;
/// - `k` logical damages: `lost <= acknowledged + X + Y_1 + ... + Y_k`, each
///   `Y_i` a Poisson draw of mean at most `H + N`.
///
/// The draws X and Y_i are not reported, so the test bounds each by a
/// value a Poisson draw of that mean exceeds with probability < 1e-12.
/// (The stronger statement "lost <= acknowledged + the history's writes",
/// whatever the logical damage, does not hold in this model: see
/// `kept_damage_is_counted_once`, below.)
fn lost_writes_bound(sc: &Scenario, o: &TrialOutcome, what: &str) -> Result<(), TestCaseError> {
    let rate = sc.workload.writes_per_sec / SECOND as f64;
    let history = rate * sc.workload.history as f64;
    let horizon = rate * sc.horizon as f64;
    let logical = o
        .incidents
        .iter()
        .filter(|i| {
            matches!(
                i.cause,
                scenario::FaultKind::AccidentalDelete | scenario::FaultKind::Migration
            )
        })
        .count() as f64;
    let lost = o.lost_writes as f64;
    let acked = o.writes_acknowledged as f64;
    // Diverged writes (a split brain's) are drawn on their own, outside
    // `writes_acknowledged`: see `diverged_writes_are_acknowledged` below.
    let diverged = o.diverged_writes as f64;
    if sc.workload.history == 0 && logical == 0.0 {
        prop_assert!(
            o.lost_writes - o.diverged_writes <= o.writes_acknowledged,
            "{what}: lost {} (of which diverged {}) > acknowledged {} with no history and no logical damage",
            o.lost_writes,
            o.diverged_writes,
            o.writes_acknowledged
        );
    }
    let ceiling = if logical == 0.0 {
        poisson_ceiling(history)
    } else {
        poisson_ceiling(history) + logical * poisson_ceiling(history + horizon)
    };
    prop_assert!(
        lost - diverged <= acked + ceiling,
        "{what}: lost {lost} > acknowledged {acked} + {ceiling} (history {history}, {logical} logical damages)"
    );
    Ok(())
}

/// Runs trials of `sc` and checks each: invariants, and that running the
/// same trial again, or with its record, gives the same numbers.
fn check_trials(
    sc: &Scenario,
    trials: u64,
    what: &str,
) -> Result<Vec<TrialOutcome>, TestCaseError> {
    let engine = Engine::new(sc);
    let mut out = Vec::new();
    for k in 0..trials {
        let o = engine.run_trial(sc.seed, k, false);
        check_outcome(sc, &o, what)?;
        let again = Engine::new(sc).run_trial(sc.seed, k, false);
        prop_assert!(o == again, "{what}: trial {k} differs between two runs");
        let mut recorded = engine.run_trial(sc.seed, k, true);
        recorded.records.clear();
        // Recording lists every incident; without, quiet API-server
        // crashes are only counted.
        recorded.count_quiet_api_crashes();
        prop_assert!(
            o == recorded,
            "{what}: trial {k} differs when its record is kept"
        );
        out.push(o);
    }
    Ok(out)
}

const STRATEGIES: &[&str] = &[
    "none",
    "backup-only",
    "async",
    "semi-sync",
    "sync",
    "delayed",
    "async+backup",
    "async+pitr",
    "async+delayed",
    "sync+pitr+pre-migration-backup+rollback",
    "backup-and-restore",
    "pilot-light",
    "warm-standby",
    "hot-standby",
    "active-active",
];

/// A number from the environment, for longer searches by hand; the
/// default is what CI runs.
fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(env_or("FAILSIM_PROPTEST_SEED", 0x5eed_fa11)),
        max_shrink_iters: 2000,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(env_or("FAILSIM_PROPTEST_CASES", 512) as u32))]

    /// Every generated scenario is accepted, reads the same from JSON as
    /// from TOML, and every trial of it (and of a few strategies built from
    /// it) keeps the invariants.
    #[test]
    fn valid_scenarios_keep_the_invariants(spec in spec(), picks in proptest::collection::vec(0usize..STRATEGIES.len(), 3)) {
        let text = spec.toml();
        let sc = load(&text)?;
        let outcomes = check_trials(&sc, 3, "as written").map_err(|e| {
            TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}"))
        })?;

        // The same file written as JSON is the same scenario.
        let raw = scenario::parse_raw(&text, "generated.toml", Format::Toml).unwrap();
        let json = serde_json::to_string_pretty(&raw).unwrap();
        let from_json = scenario::parse(&json, "generated.json", Format::Json)
            .map_err(|e| TestCaseError::fail(format!("the JSON form was refused: {e}\n{json}")))?;
        prop_assert!(Engine::new(&from_json).run_trial(sc.seed, 0, false) == outcomes[0]);

        for &p in &picks {
            let name = STRATEGIES[p];
            match strategy::apply(&sc, name) {
                Ok(s) => {
                    check_trials(&s, 2, name).map_err(|e| {
                        TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}"))
                    })?;
                }
                Err(e) => prop_assert!(!e.to_string().is_empty(), "{name}: empty refusal"),
            }
        }
    }

    /// Synchronous replication that blocks writes while no synchronous
    /// replica is connected loses no acknowledged write, as long as some
    /// copy of the data survives every fault: process crashes, outages that
    /// destroy nothing, partitions without a promotion, and at most one
    /// scheduled disk loss.
    #[test]
    fn sync_block_loses_nothing(spec in spec()) {
        let text = spec.sync_block().toml();
        let sc = load(&text)?;
        let outcomes = check_trials(&sc, 4, "sync, block").map_err(|e| {
            TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}"))
        })?;
        for (k, o) in outcomes.iter().enumerate() {
            prop_assert_eq!(
                o.lost_writes, 0,
                "trial {} lost {} acknowledged writes under sync + block:\n{:#?}\n--- scenario ---\n{}",
                k, o.lost_writes, o.incidents, text
            );
        }
    }
}

/// A scenario without logical damage or history: the exact bound, on many
/// trials of one busy scenario (every copy lost often, restores, start-empty).
#[test]
fn lost_never_exceeds_acknowledged_without_history() {
    let text = r#"
name = "busy"
seed = 3
trials = 1
horizon = "60d"
[workload]
writes_per_sec = 0.5
history = "0s"
[[regions]]
name = "a"
zones = ["a1", "a2"]
[[regions]]
name = "b"
zones = ["b1"]
[network]
rtt_cross_region = "50ms"
[[database.nodes]]
name = "p"
zone = "a1"
role = "primary"
[[database.nodes]]
name = "r"
zone = "b1"
role = "replica"
[replication]
mode = "async"
lag = { dist = "exponential", mean = "10m" }
[backups]
full_every = "2d"
copy_to = ["b"]
[faults]
db_crash = { mttf = "2d" }
disk_loss = { mttf = "4d" }
zone_outage = { mttf = "10d", duration = "6h" }
region_outage = { mttf = "15d", duration = "1d", destroys_data = "60%" }
partition = { mttf = "5d", duration = "2h" }
"#;
    let sc = scenario::parse(text, "busy.toml", Format::Toml).unwrap();
    let engine = Engine::new(&sc);
    let mut lost = 0;
    for k in 0..400 {
        let o = engine.run_trial(sc.seed, k, false);
        assert!(
            o.lost_writes <= o.writes_acknowledged,
            "trial {k}: lost {} > acknowledged {}",
            o.lost_writes,
            o.writes_acknowledged
        );
        lost += o.lost_writes;
    }
    assert!(lost > 0, "the scenario should lose writes");
}

/// The stronger bound, "lost writes never exceed the writes acknowledged
/// plus the history's", fails in this model when logical damage is kept:
/// each kept damage draws `share x (history + writes before it)` on its
/// own, so two kept deletes of every row count every row twice, and a kept
/// delete followed by the loss of every copy counts the history twice.
/// Kept (ignored) as the reproduction of that engine fault; it passes once
/// rows already lost are not counted again.
#[test]
fn kept_damage_is_counted_once() {
    let text = r#"
name = "twice"
seed = 1
trials = 1
horizon = "10d"
[workload]
writes_per_sec = 10
history = "100d"
[[regions]]
name = "a"
zones = ["a1"]
[[database.nodes]]
name = "p"
zone = "a1"
role = "primary"
[[events]]
at = "1d"
fault = "accidental-delete"
share = "100%"
detect = "1h"
[[events]]
at = "2d"
fault = "accidental-delete"
share = "100%"
detect = "1h"
"#;
    let sc = scenario::parse(text, "twice.toml", Format::Toml).unwrap();
    let o = Engine::new(&sc).run_trial(sc.seed, 0, false);
    let history = 10 * 100 * 86_400;
    assert!(
        o.lost_writes <= o.writes_acknowledged + history + history / 100,
        "lost {} > acknowledged {} + history {history}",
        o.lost_writes,
        o.writes_acknowledged
    );
}

/// One trial of a scenario text, with its record.
fn trial(text: &str) -> TrialOutcome {
    let sc = scenario::parse(text, "repro.toml", Format::Toml).unwrap();
    Engine::new(&sc).run_trial(sc.seed, 0, true)
}

/// A partition promotes the far replica without fencing (split brain); at
/// 0.01 writes/s the one minute of divergence holds no write, yet the
/// incident reports an RPO of about a minute: the RPO is charged whether
/// or not a diverged write was drawn (docs/metrics.md: "0 when nothing was
/// lost").
#[test]
fn split_brain_without_diverged_writes_has_no_rpo() {
    let o = trial(
        r#"
name = "split"
seed = 1
horizon = "1d"
[workload]
writes_per_sec = 0.0001
history = "0s"
[[regions]]
name = "a"
[[regions]]
name = "b"
[[network.links]]
between = ["a", "b"]
rtt = "60ms"
[[database.nodes]]
name = "p"
zone = "a"
role = "primary"
[[database.nodes]]
name = "r"
zone = "b"
role = "replica"
[failover]
detection = "1s"
promotion = "1s"
cross_region = true
fencing = false
promote_on_partition = true
[[events]]
at = "1h"
fault = "partition"
between = ["a", "b"]
duration = "60s"
"#,
    );
    let inc = &o.incidents[0];
    assert_eq!(inc.lost_writes, 0, "{inc:?}");
    assert_eq!(inc.rpo, 0, "no write lost, so no RPO: {inc:?}");
}

const DOWN_ZONE: &str = r#"
name = "down-zone"
seed = 1
horizon = "6d"
[workload]
writes_per_sec = 0.01
data_size = "1GB"
history = "0s"
[[regions]]
name = "r"
zones = ["z"]
[database]
disk_replace = "5m"
[[database.nodes]]
name = "n0"
zone = "z"
role = "primary"
[[database.nodes]]
name = "n1"
zone = "z"
role = "replica"
[replication]
mode = "sync"
sync_on_replica_down = "block"
[[events]]
at = "6h"
fault = "zone-outage"
target = "z"
duration = "9h"
[[events]]
at = "7h"
fault = "disk-loss"
target = "primary"
"#;

/// Primary and its sync replica share a zone; the zone goes down, and
/// during the outage the primary's disk dies. The replica holds every
/// acknowledged write and comes back with the zone. With no backups the
/// engine waits for it and promotes it, but the deposed primary, whose new
/// disk arrived while it was the (down) primary, is never re-seeded: the
/// new primary never gets a sync replica and writes stay blocked for the
/// rest of the horizon (downtime = horizon - 6 h).
#[test]
fn disk_lost_in_a_down_zone_writes_resume() {
    let o = trial(DOWN_ZONE);
    assert_eq!(o.lost_writes, 0);
    assert!(
        o.downtime < 2 * 86_400 * SECOND,
        "writes should resume once the zone is back and the deposed primary is re-seeded; downtime {} s",
        o.downtime / SECOND
    );
}

/// The same, with a daily full backup: instead of waiting for the replica
/// that holds every write, the engine restores the 02:00 backup onto the
/// primary (inside the zone that is still down), loses the writes since,
/// and then re-seeds the replica from the restored copy.
#[test]
fn disk_lost_in_a_down_zone_keeps_the_replicas_copy() {
    let o = trial(&format!("{DOWN_ZONE}\n[backups]\nfull_every = \"1d\"\n"));
    assert_eq!(
        o.lost_writes, 0,
        "the sync replica holds every write: {:#?}",
        o.incidents
    );
}

proptest! {
    #![proptest_config(config(env_or("FAILSIM_PROPTEST_CASES", 128) as u32))]

    /// The engine's own invariants hold after every event of every trial:
    /// lost windows sorted and disjoint, one node in the primary role,
    /// positions never going back, the event loop ending below its cap.
    /// Checked by the engine's checking mode, which runs in release builds
    /// too (the `debug_assert!`s on its hot path do not), on a generated
    /// scenario and two strategies built from it, with and without the
    /// record; the checks change no outcome.
    #[test]
    fn engine_invariants_hold_after_every_event(spec in spec(), picks in proptest::collection::vec(0usize..STRATEGIES.len(), 2)) {
        let text = spec.toml();
        let sc = load(&text)?;
        let mut scenarios = vec![("as written", sc.clone())];
        for &p in &picks {
            if let Ok(s) = strategy::apply(&sc, STRATEGIES[p]) {
                scenarios.push((STRATEGIES[p], s));
            }
        }
        for (what, s) in &scenarios {
            let engine = Engine::new(s);
            for k in 0..3 {
                for record in [false, true] {
                    let checked = engine.run_trial_checked(s.seed, k, record).map_err(|e| {
                        TestCaseError::fail(format!("{what}: {e}\n--- scenario ---\n{text}"))
                    })?;
                    prop_assert!(
                        checked == engine.run_trial(s.seed, k, record),
                        "{what}: trial {k} (record {record}): checking changed the outcome"
                    );
                }
            }
        }
    }
}

/// The same invariants on the benchmark's scenario built to fail
/// constantly (every fault kind, about 24,000 events a trial), under every
/// strategy of `failsim compare`.
#[test]
fn engine_invariants_hold_on_a_fault_heavy_scenario() {
    let sc = scenario::parse(
        include_str!("../bench/fault-heavy.toml"),
        "bench/fault-heavy.toml",
        Format::Toml,
    )
    .expect("valid benchmark scenario");
    for s in [
        "none",
        "backup-only",
        "async",
        "semi-sync",
        "sync",
        "delayed",
        "async+backup",
    ] {
        let sc = strategy::apply(&sc, s).expect("known strategy");
        let engine = Engine::new(&sc);
        for k in 0..2 {
            if let Err(e) = engine.run_trial_checked(sc.seed, k, false) {
                panic!("{s}: {e}");
            }
        }
    }
}
