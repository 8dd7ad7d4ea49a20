#!/usr/bin/env python3
"""A SimPy model of failsim's default scenario, for a side-by-side check.

It reads the rates, durations and sizes from scenarios/ecommerce.toml and
simulates the scenario as written (`failsim run`: a primary and an async
replica in two zones of one region, six API servers, daily incremental and
weekly full backups copied to a second region) the way a SimPy user would
write it: one process per component, one timeout per fault or repair.

It reports the metrics failsim reports, with the same definitions (see
docs/performance.md, "The SimPy peer", for what it leaves out):

  lost_writes, downtime_seconds, availability   per trial
  rpo_seconds, rto_seconds                      per incident

    python3 bench/peers/simpy_model.py --trials 200 --json out.json
"""

import argparse
import json
import math
import random
import statistics
import sys
import time
import tomllib
from pathlib import Path

import simpy

Z95 = 1.6448536269514722
YEAR = 365 * 86400.0
TIME_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0, "y": YEAR}
SIZE_UNITS = {"B": 1.0, "KB": 1e3, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
              "KiB": 1024.0, "MiB": 1024.0**2, "GiB": 1024.0**3, "TiB": 1024.0**4}


def seconds(text):
    """'90d' -> seconds."""
    text = str(text).strip()
    for unit in sorted(TIME_UNITS, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * TIME_UNITS[unit]
    return float(text)


def size(text):
    """'500GB' -> bytes; '300MB/s' -> bytes per second."""
    text = str(text).strip().removesuffix("/s")
    for unit in sorted(SIZE_UNITS, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * SIZE_UNITS[unit]
    return float(text)


def fraction(text):
    text = str(text).strip()
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


class Dist:
    """A law of durations in seconds, drawn from the trial's own stream."""

    def __init__(self, spec, rng):
        self.rng = rng
        if isinstance(spec, str):
            self.kind, self.value = "fixed", seconds(spec)
        elif spec.get("dist") == "lognormal":
            mu = math.log(seconds(spec["median"]))
            self.kind, self.mu, self.sigma = "lognormal", mu, (math.log(seconds(spec["p95"])) - mu) / Z95
        else:
            raise ValueError(f"unsupported distribution {spec}")

    def sample(self):
        if self.kind == "fixed":
            return self.value
        return self.rng.lognormvariate(self.mu, self.sigma)


class TimeToFailure:
    def __init__(self, spec, rng):
        self.rng = rng
        if "afr" in spec:
            p = fraction(spec["afr"])
            shape = float(spec.get("shape", 1.0)) if spec.get("dist") == "weibull" else 1.0
            # P(T < 1 year) = p, as failsim reads an AFR.
            self.shape, self.scale = shape, YEAR / (-math.log(1 - p)) ** (1 / shape)
        else:
            self.shape, self.scale = 1.0, seconds(spec["mttf"])

    def sample(self):
        if self.shape == 1.0:
            return self.rng.expovariate(1 / self.scale)
        return self.rng.weibullvariate(self.scale, self.shape)


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean < 30:
        limit, k, p = math.exp(-mean), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


class Incident:
    __slots__ = ("cause", "at", "rpo", "rto", "lost")

    def __init__(self, cause, at):
        self.cause, self.at, self.rpo, self.rto, self.lost = cause, at, 0.0, 0.0, 0


class Node:
    def __init__(self, name, zone, primary):
        self.name, self.zone, self.primary = name, zone, primary
        self.crashed, self.restart_at = False, 0.0
        self.disk = "ok"  # ok | lost | rebuilding
        self.stale = False
        # disk_epoch cancels a stale replacement or rebuild; fail_epoch a
        # stale disk failure; disk_ready: a new disk arrived mid-failover.
        self.disk_epoch = self.fail_epoch = 0
        self.disk_ready = False


class Trial:
    """One simulated horizon of the scenario as written."""

    def __init__(self, sc, seed):
        self.sc = sc
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        rng = self.rng
        wl, db, f = sc["workload"], sc["database"], sc["faults"]
        self.horizon = seconds(sc["horizon"])
        self.wps = float(wl["writes_per_sec"])
        self.history = seconds(wl["history"])
        self.data_size = size(wl["data_size"])
        self.write_size = size(wl["write_size"])
        self.zone_region = {z: r["name"] for r in sc["regions"] for z in r["zones"]}
        api = sc["api"]
        self.api_zone = [api["zones"][k % len(api["zones"])] for k in range(api["servers"])]
        self.api_crashed = [False] * api["servers"]
        self.min_healthy = api["min_healthy"]
        self.api_restart = Dist(api["restart"], rng)
        self.db_restart = Dist(db["restart"], rng)
        self.disk_replace = Dist(db["disk_replace"], rng)
        self.rebuild = self.data_size / size(db["rebuild_throughput"])
        self.lag = Dist(sc["replication"]["lag"], rng)
        fo = sc["failover"]
        self.detection, self.promotion = Dist(fo["detection"], rng), Dist(fo["promotion"], rng)
        self.response = Dist(sc["operators"]["response"], rng)
        self.night = float(sc["operators"].get("night_multiplier", 1.0))
        b = sc["backups"]
        self.b_full_every, self.b_inc_every = seconds(b["full_every"]), seconds(b["incremental_every"])
        self.b_first = seconds(b["first_at"])
        self.b_full_dur = self.data_size / size(b["throughput"])
        inc_bytes = self.wps * self.write_size * self.b_inc_every
        self.b_inc_dur = inc_bytes / size(b["throughput"])
        self.full_restore = self.data_size / size(b["restore_throughput"])
        self.inc_restore = inc_bytes / size(b["restore_throughput"])
        self.provision = Dist(b["provision"], rng)
        self.retention = seconds(b["retention"])
        self.b_region, self.b_copies = b["region"], list(b.get("copy_to", []))
        self.copy_delay = seconds(b.get("copy_delay", "0s"))
        self.corrupt = fraction(b.get("corrupt", "0%"))
        self.corrupt_draws = {}
        self.f = {k: v for k, v in f.items()}

        self.nodes = [Node(n["name"], n["zone"], n["role"] == "primary") for n in db["nodes"]]
        self.primary = next(i for i, n in enumerate(self.nodes) if n.primary)
        self.zone_down = {z: 0 for z in self.zone_region}
        self.zone_until = {z: 0.0 for z in self.zone_region}
        self.region_down = {r["name"]: 0 for r in sc["regions"]}
        self.region_until = {r["name"]: 0.0 for r in sc["regions"]}
        self.destroyed = {r["name"]: [] for r in sc["regions"]}
        self.relocated = {}

        self.incidents = []
        self.ctx = None
        self.recovery = None  # (epoch, incident, failed_at, kind, target, position)
        self.epoch = 0
        self.logical = None  # (epoch, incident, detected_at, position)
        self.write_up, self.down_since, self.owner = True, None, None
        self.downs = []
        self.db_up, self.db_down_since, self.db_downs = True, None, []
        self.lost = []  # merged windows already counted as lost
        self.lost_writes = 0

    # ----- state -------------------------------------------------------
    def zone_of(self, n):
        return self.relocated.get(n, self.nodes[n].zone)

    def zone_is_down(self, z):
        return self.zone_down[z] > 0 or self.region_down[self.zone_region[z]] > 0

    def node_up(self, n):
        s = self.nodes[n]
        return not s.crashed and s.disk == "ok" and not self.zone_is_down(self.zone_of(n))

    def primary_serving(self):
        return self.node_up(self.primary) and self.recovery is None

    def open_incident(self, cause):
        inc = Incident(cause, self.env.now)
        self.incidents.append(inc)
        self.ctx = inc
        return inc

    def acked_time(self, a, b):
        if b <= a:
            return 0.0
        down = sum(max(0.0, min(e, b) - max(s, a)) for s, e in self.downs)
        if self.down_since is not None:
            down += max(0.0, min(self.env.now, b) - max(self.down_since, a))
        return max(0.0, (b - a) - down)

    def lose_window(self, a, b, inc):
        """Charges the writes acknowledged in [a, b] not already lost."""
        if b <= a:
            return 0
        fresh, cursor = [], a
        for s, e in self.lost:
            if e <= cursor or s >= b:
                continue
            if s > cursor:
                fresh.append((cursor, s))
            cursor = max(cursor, e)
        if cursor < b:
            fresh.append((cursor, b))
        acked = sum(self.acked_time(s, e) for s, e in fresh)
        lost = poisson(self.rng, self.wps * acked)
        merged = []
        for s, e in sorted(self.lost + [(a, b)]):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self.lost = merged
        self.charge(inc, lost, (b - fresh[0][0]) if lost > 0 and fresh else 0.0)
        return lost

    def charge(self, inc, lost, rpo):
        self.lost_writes += lost
        if inc is not None:
            inc.lost += lost
            inc.rpo = max(inc.rpo, rpo)

    def operator(self):
        d = self.response.sample()
        hour = (self.env.now % 86400) // 3600
        return d * self.night if self.night != 1.0 and not (7 <= hour < 22) else d

    # ----- the write path ---------------------------------------------------
    def refresh(self):
        # Deposed primaries resync as soon as they can run.
        for n, s in enumerate(self.nodes):
            if s.stale and s.disk == "ok" and not s.crashed and n != self.primary \
                    and not self.zone_is_down(self.zone_of(n)):
                s.stale, s.disk = False, "rebuilding"
                s.disk_epoch += 1
                self.env.process(self.rebuild_done(n, s.disk_epoch))
        p_up = self.node_up(self.primary)
        if self.recovery is None and not p_up:
            self.plan_recovery(detected=False)
        elif self.recovery is not None and self.recovery[3] == "wait":
            if p_up:
                self.recovery = None
            else:
                self.recovery = None
                self.plan_recovery(detected=True)
        db_up = self.primary_serving()
        now = self.env.now
        if db_up != self.db_up:
            self.db_up = db_up
            if db_up:
                self.db_downs.append((self.db_down_since, now))
            else:
                self.db_down_since = now
        healthy = sum(1 for k, z in enumerate(self.api_zone) if not self.api_crashed[k] and not self.zone_is_down(z))
        up = db_up and self.logical is None and healthy >= self.min_healthy
        if up == self.write_up:
            return
        self.write_up = up
        if up:
            self.downs.append((self.down_since, now))
            self.down_since = None
            if self.owner is not None:
                self.owner.rto = max(self.owner.rto, now - self.owner.at)
                self.owner = None
        else:
            self.down_since, self.owner = now, self.ctx

    # ----- recovery of the primary ------------------------------------------
    def back_at(self, n):
        s = self.nodes[n]
        if s.disk != "ok":
            return None
        z = self.zone_of(n)
        t = self.env.now
        if s.crashed:
            t = max(t, s.restart_at)
        if self.zone_down[z] > 0:
            t = max(t, self.zone_until[z])
        r = self.zone_region[z]
        if self.region_down[r] > 0:
            t = max(t, self.region_until[r])
        return t

    def plan_recovery(self, detected):
        p, now = self.primary, self.env.now
        back = self.back_at(p)
        inc = self.ctx or self.owner
        self.epoch += 1
        cand = next((n for n in range(len(self.nodes)) if n != p and not self.nodes[n].stale and self.node_up(n)), None)
        if cand is not None:
            start = 0.0 if detected else self.detection.sample()
            if back is None or back > now + start:
                position = now - self.lag.sample()
                self.recovery = (self.epoch, inc, now, "failover", cand, position)
                self.env.process(self.recover(self.epoch, start + self.promotion.sample()))
                return
        if back is None:
            response = self.operator()
            plan = self.plan_restore(now, now)
            if plan is not None:
                position, duration = plan
                self.recovery = (self.epoch, inc, now, "restore", p, position)
                self.env.process(self.recover(self.epoch, response + self.provision.sample() + duration))
            else:
                self.recovery = (self.epoch, inc, now, "empty", p, 0.0)
            return
        self.recovery = (self.epoch, inc, now, "wait", p, now)

    def recover(self, epoch, delay):
        yield self.env.timeout(delay)
        if self.recovery is None or self.recovery[0] != epoch:
            return
        _, inc, failed_at, kind, target, position = self.recovery
        self.recovery = None
        self.ctx = inc
        if kind == "failover":
            if not self.node_up(target) or self.nodes[target].stale:
                self.plan_recovery(detected=True)
                self.refresh()
                return
            self.lose_window(position, failed_at, inc)
            old = self.nodes[self.primary]
            old.stale = True
            if old.disk_ready:  # its new, empty disk is seeded from the new primary
                old.disk_ready, old.disk = False, "ok"
            self.primary = target
        else:
            self.lose_window(position, failed_at, inc)
            self.install_fresh_copy(self.primary)
        self.refresh()

    def install_fresh_copy(self, n):
        if self.zone_is_down(self.zone_of(n)):
            up = [z for z in self.zone_region if not self.zone_is_down(z)]
            if up:
                self.relocated[n] = up[0]
        s = self.nodes[n]
        s.disk, s.crashed, s.stale = "ok", False, False
        s.disk_epoch += 1
        s.disk_ready = False
        self.env.process(self.disk_process(n))
        for m, o in enumerate(self.nodes):
            if m != n and o.disk != "lost":
                o.stale = True

    # ----- backups, computed from the schedule ------------------------------
    def broken(self, kind, index):
        key = (kind, index)
        if key not in self.corrupt_draws:
            self.corrupt_draws[key] = self.rng.random() < self.corrupt
        return self.corrupt_draws[key]

    def ran(self, at):
        if self.db_down_since is not None and not self.db_up and at >= self.db_down_since:
            return False
        return not any(s <= at < e for s, e in self.db_downs)

    def stored(self, done, now):
        def survives(region, landed):
            return landed <= now and not any(landed <= x <= now for x in self.destroyed[region])
        return survives(self.b_region, done) or any(survives(r, done + self.copy_delay) for r in self.b_copies)

    def plan_restore(self, now, not_after):
        """(position, duration) of the newest restorable point <= not_after."""
        limit = min(now, not_after)
        if limit < self.b_first:
            return None
        k = int((limit - self.b_first) // self.b_full_every)
        wasted = 0.0
        while k >= 0:
            f_at = self.b_first + k * self.b_full_every
            if now - f_at > self.retention:
                return None
            f_done = f_at + self.b_full_dur
            if f_done <= now and self.ran(f_at) and self.stored(f_done, now):
                if self.broken("full", k):
                    wasted += self.full_restore
                else:
                    position, duration = f_at, self.full_restore
                    j = 1
                    while True:
                        i_at = f_at + j * self.b_inc_every
                        if i_at >= f_at + self.b_full_every or i_at > limit or i_at + self.b_inc_dur > now:
                            break
                        if not self.ran(i_at) or not self.stored(i_at + self.b_inc_dur, now):
                            break
                        duration += self.inc_restore
                        if self.broken("incremental", int(f_at // self.b_inc_every) + j):
                            break
                        position = i_at
                        j += 1
                    return position, wasted + duration
            k -= 1
        return None

    # ----- the components ----------------------------------------------------
    def api_server(self, k):
        ttf, env = TimeToFailure(self.f["api_crash"], self.rng), self.env
        while True:
            yield env.timeout(ttf.sample())
            self.open_incident("api-crash")
            self.api_crashed[k] = True
            self.refresh()
            yield env.timeout(self.api_restart.sample())
            self.ctx = None
            self.api_crashed[k] = False
            self.refresh()

    def node_crashes(self, n):
        ttf, env, s = TimeToFailure(self.f["db_crash"], self.rng), self.env, self.nodes[n]
        while True:
            yield env.timeout(ttf.sample())
            if s.crashed or s.disk != "ok":
                continue
            self.open_incident("db-crash")
            d = self.db_restart.sample()
            s.crashed, s.restart_at = True, env.now + d
            self.refresh()
            yield env.timeout(d)
            self.ctx = None
            s.crashed = False
            self.refresh()

    def disk_process(self, n):
        """The failure of the node's current disk."""
        s, env = self.nodes[n], self.env
        s.fail_epoch += 1
        epoch = s.fail_epoch
        yield env.timeout(TimeToFailure(self.f["disk_loss"], self.rng).sample())
        if s.fail_epoch != epoch:
            return
        self.open_incident("disk-loss")
        yield from self.lose_disk(n, 0.0)

    def lose_disk(self, n, replace_after):
        s, env = self.nodes[n], self.env
        s.disk = "lost"
        s.disk_epoch += 1
        s.fail_epoch += 1
        epoch = s.disk_epoch
        if n == self.primary and self.recovery is not None and self.recovery[3] == "wait":
            self.recovery = None
            self.plan_recovery(detected=True)
        self.refresh()
        yield env.timeout(replace_after + self.disk_replace.sample())
        if s.disk_epoch != epoch:
            return
        if n == self.primary and self.recovery is not None:
            if self.recovery[3] == "empty":
                _, inc, failed_at, *_ = self.recovery
                self.recovery = None
                self.ctx = inc
                before = poisson(self.rng, self.wps * self.history)
                self.charge(inc, before, 0.0)
                self.lose_window(0.0, failed_at, inc)
                inc.rpo = max(inc.rpo, self.history + failed_at)
                self.install_fresh_copy(n)
                self.refresh()
            else:
                # The restore or failover under way decides what it holds.
                s.disk_ready = self.recovery[3] == "failover"
                env.process(self.disk_process(n))
            return
        s.disk, s.stale = "ok", True
        s.disk_epoch += 1
        env.process(self.disk_process(n))
        self.refresh()

    def rebuild_done(self, n, epoch):
        yield self.env.timeout(self.rebuild)
        s = self.nodes[n]
        if s.disk_epoch == epoch:
            s.disk = "ok"
            self.refresh()

    def zone(self, z):
        spec, env = self.f["zone_outage"], self.env
        ttf, dur = TimeToFailure(spec, self.rng), Dist(spec["duration"], self.rng)
        while True:
            yield env.timeout(ttf.sample())
            self.open_incident("zone-outage")
            d = dur.sample()
            self.zone_down[z] += 1
            self.zone_until[z] = max(self.zone_until[z], env.now + d)
            self.refresh()
            yield env.timeout(d)
            self.ctx = None
            self.zone_down[z] -= 1
            self.refresh()

    def region(self, r):
        spec, env = self.f["region_outage"], self.env
        ttf, dur = TimeToFailure(spec, self.rng), Dist(spec["duration"], self.rng)
        destroys = fraction(spec.get("destroys_data", "0%"))
        while True:
            yield env.timeout(ttf.sample())
            self.open_incident("region-outage")
            d = dur.sample()
            self.region_down[r] += 1
            self.region_until[r] = max(self.region_until[r], env.now + d)
            if destroys > 0 and self.rng.random() < destroys:
                self.destroyed[r].append(env.now)
                for n, s in enumerate(self.nodes):
                    if self.zone_region[self.zone_of(n)] == r and s.disk != "lost":
                        env.process(self.lose_disk(n, d))
            self.refresh()
            yield env.timeout(d)
            self.ctx = None
            self.region_down[r] -= 1
            self.refresh()

    def partition(self):
        # Every node and API server is in one region: a partition is an
        # incident that stops nothing.
        spec, env = self.f["partition"], self.env
        ttf, dur = TimeToFailure(spec, self.rng), Dist(spec["duration"], self.rng)
        while True:
            yield env.timeout(ttf.sample())
            self.open_incident("partition")
            yield env.timeout(dur.sample())

    def deletes(self):
        spec, env = self.f["accidental_delete"], self.env
        ttf, detect = TimeToFailure(spec, self.rng), Dist(spec["detect"], self.rng)
        share = fraction(spec["share"])
        while True:
            yield env.timeout(ttf.sample())
            inc = self.open_incident("accidental-delete")
            env.process(self.detect(inc, env.now, detect.sample(), share))

    def detect(self, inc, c, after, share):
        env = self.env
        yield env.timeout(after)
        self.ctx = inc
        if self.logical is not None:
            return  # the restore under way goes back before this damage too
        response = self.operator()
        plan = self.plan_restore(env.now, c)
        keep_loss = share * self.wps * (self.history + self.acked_time(0.0, c))
        if plan is not None:
            position, duration = plan
            if self.wps * self.acked_time(position, env.now) <= keep_loss:
                self.epoch += 1
                epoch, detected_at = self.epoch, env.now
                self.logical = (epoch, inc, detected_at, position)
                self.refresh()
                yield env.timeout(response + self.provision.sample() + duration)
                if self.logical is None or self.logical[0] != epoch:
                    return
                self.logical = None
                self.ctx = inc
                self.lose_window(position, detected_at, inc)
                self.recovery = None
                self.install_fresh_copy(self.primary)
                self.refresh()
                return
        lost = poisson(self.rng, keep_loss)
        self.charge(inc, lost, (self.history + c) if lost > 0 else 0.0)

    def run(self):
        env = self.env
        for k in range(len(self.api_zone)):
            env.process(self.api_server(k))
        for n in range(len(self.nodes)):
            env.process(self.node_crashes(n))
            env.process(self.disk_process(n))
        for z in self.zone_region:
            env.process(self.zone(z))
        for r in self.region_down:
            env.process(self.region(r))
        if len(self.region_down) > 1:
            env.process(self.partition())
        env.process(self.deletes())
        env.run(until=self.horizon)
        if self.down_since is not None:
            self.downs.append((self.down_since, self.horizon))
            if self.owner is not None:
                self.owner.rto = max(self.owner.rto, self.horizon - self.owner.at)
        downtime = sum(min(e, self.horizon) - min(s, self.horizon) for s, e in self.downs)
        return self.lost_writes, downtime, self.incidents


def summary(values):
    n = len(values)
    mean = statistics.fmean(values) if n else 0.0
    sd = statistics.stdev(values) if n > 1 else 0.0
    half = 1.959963984540054 * sd / math.sqrt(n) if n > 1 else 0.0
    return {"mean": mean, "ci95": [mean - half, mean + half], "n": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios" / "ecommerce.toml"))
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", help="write the results here ('-' for standard output)")
    a = ap.parse_args()
    with open(a.scenario, "rb") as fh:
        sc = tomllib.load(fh)
    horizon = seconds(sc["horizon"])
    lost, down, avail, rpo, rto, causes = [], [], [], [], [], {}
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(a.trials):
        l, d, incidents = Trial(sc, a.seed * 1_000_003 + t).run()
        lost.append(l)
        down.append(d)
        avail.append(1 - d / horizon)
        for i in incidents:
            rpo.append(i.rpo)
            rto.append(i.rto)
            causes[i.cause] = causes.get(i.cause, 0) + 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    years = a.trials * horizon / YEAR
    out = {
        "peer": f"simpy {simpy.__version__}, python {sys.version.split()[0]}",
        "scenario": sc["name"],
        "trials": a.trials,
        "horizon_seconds": horizon,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "trial_years_per_second": years / cpu,
        "metrics": {
            "lost_writes": summary(lost),
            "downtime_seconds": summary(down),
            "availability": summary(avail),
            "rpo_seconds": summary(rpo),
            "rto_seconds": summary(rto),
        },
        "incidents_per_trial": {k: v / a.trials for k, v in sorted(causes.items())},
    }
    text = json.dumps(out, indent=2)
    if a.json == "-":
        print(text)
    elif a.json:
        Path(a.json).write_text(text + "\n")
    if a.json != "-":
        print(f"{a.trials} trials in {cpu:.1f} CPU-s: {out['trial_years_per_second']:.1f} trial-years/s", file=sys.stderr)


if __name__ == "__main__":
    main()
