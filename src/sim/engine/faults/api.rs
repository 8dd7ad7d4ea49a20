//! API server crash (docs/model.md, "API server crash").
//!
//! - Arrival: `faults.api_crash`, stream `api-crash/api-K` per server;
//!   the next crash is drawn one crash ahead (`Sim::draw_api_ahead`).
//! - Effect: the server stops serving; the write path stops if fewer than
//!   `api.min_healthy` servers reach the primary. Without a record a crash
//!   that stops nothing is counted, not listed.
//! - Repair: restart after `api.restart` (stream `api-restart/api-K`),
//!   made by the event loop when due, or queued (recording, or while the
//!   pool is short).
//! - Loss: none. An API server holds no data, so no ledger call.

use crate::sim::engine::*;

impl Sim<'_, '_> {
    pub(in crate::sim::engine) fn on_api_crash(&mut self, server: usize, epoch: u32) {
        if epoch == self.pool.servers[server].epoch {
            self.crash_api(server, None);
        }
    }

    /// Restarts the crashed API servers whose restart is due (`up_at` at
    /// or before now), and finds the next one due. Unless restarts are
    /// queued: then [`Sim::on_api_restart`] makes each.
    pub(in crate::sim::engine) fn restart_api_servers_due(&mut self) {
        let mut next = Micros::MAX;
        let mut i = 0;
        while i < self.pool.down.len() {
            let k = self.pool.down[i] as usize;
            let up_at = self.pool.servers[k].up_at;
            if up_at > self.now {
                next = next.min(up_at);
                i += 1;
                continue;
            }
            self.pool.down.swap_remove(i);
            self.pool.set_crashed(k, false, &self.topo);
        }
        self.pool.next_up = next;
    }

    /// A queued restart (recording, or the full-refresh mode): one server
    /// at a time, as the story tells it, where servers due at the same
    /// moment would otherwise come back together.
    pub(in crate::sim::engine) fn on_api_restart(&mut self, server: usize) {
        self.pool.set_crashed(server, false, &self.topo);
        self.note_with(|s| Happening::Up {
            component: Component::Api(s.e.api_names[server].to_string()),
        });
    }

    /// While the pool is short, the next restart may end the outage at its
    /// own moment, which the lazy restarts of `restart_api_servers_due`
    /// would miss: queue it as an event.
    #[cold]
    pub(in crate::sim::engine) fn wake_for_api_restart(&mut self) {
        self.pool.wake = self.pool.next_up;
        self.queue.push(self.pool.wake, (Ev::ApiPoolCheck, None));
    }

    pub(in crate::sim::engine) fn crash_api(&mut self, k: usize, note: Option<String>) {
        if self.pool.servers[k].crashed {
            return;
        }
        if self.record {
            self.open_incident(FaultKind::ApiCrash, self.e.api_names[k].clone(), note);
        } else {
            // Counted, not listed, unless it stops writes: an API server
            // holds no data, so nothing else can be charged to it.
            self.outcome.quiet_api_crashes += 1;
            self.quiet_api = Some(ix(k));
            self.ctx = None;
        }
        let restart = self.pool.servers[k].next_restart;
        let ttf = self.pool.servers[k].next_ttf;
        self.pool.set_crashed(k, true, &self.topo);
        let st = &mut self.pool.servers[k];
        st.epoch += 1;
        let epoch = st.epoch;
        let up_at = self.now.saturating_add(restart);
        st.up_at = up_at;
        // The restart is an event of the trial whether or not it is queued.
        if up_at < self.sc.horizon {
            self.outcome.events += 1;
        }
        if self.eager_restarts {
            self.at(restart, Ev::ApiRestart { server: ix(k) });
        } else {
            self.pool.down.push(ix(k));
            self.pool.next_up = self.pool.next_up.min(up_at);
        }
        // The next crash, scheduled now rather than at the restart: the
        // server's own stream gives the same draw either way.
        if self.e.laws.api_crash[k].is_some() {
            self.queue.push(
                up_at.saturating_add(ttf),
                (
                    Ev::ApiCrash {
                        server: ix(k),
                        epoch,
                    },
                    None,
                ),
            );
        }
        self.note_with(|s| Happening::Down {
            component: Component::Api(s.e.api_names[k].to_string()),
            why: DownReason::ApiCrash {
                restart_in: restart,
            },
        });
        self.draw_api_ahead(k);
    }
}
