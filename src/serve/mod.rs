//! `failsim serve`: a live playground. A local web server shows the
//! scenario's topology with the knobs that teach; moving one re-simulates
//! the same trials (common random numbers: the same seed for every
//! request) and updates the results in place (docs/serve.md).
//!
//! ```text
//!   mod.rs      the listener, the runtime, Ctrl-C
//!   api.rs      the routes: one handler per endpoint
//!   request.rs  a request -> a validated scenario and its strategies
//!   export.rs   the page's scenario as TOML, comments kept
//!   controls.rs the knobs the page shows, and the topology it draws
//!   changed.rs  "what changed and why", from two results
//! ```
//!
//! Simulations run on blocking threads, at most one per core at a time
//! (a semaphore), each under a timeout; request bodies, trials and
//! strategies are bounded ([`api::BODY_MAX`], [`request::TRIALS_MAX`]).

pub mod api;
pub mod changed;
pub mod controls;
pub mod export;
pub mod request;

use crate::error::{Error, Result};
use crate::scenario::Format;
use std::net::SocketAddr;

pub use api::{AppState, router};
pub use request::Base;

/// The port `failsim serve` listens on when none is given.
pub const DEFAULT_PORT: u16 = 7878;

/// The served scenario as TOML text: a JSON scenario is written as TOML
/// (its comments are JSON's none).
pub fn base(label: &str, text: &str, format: Format) -> Result<Base> {
    let text = match format {
        Format::Toml => text.to_string(),
        Format::Json => {
            let raw = crate::scenario::parse_raw(text, label, format)?;
            let v = serde_json::to_value(&raw)
                .map_err(|e| Error::internal("serializing the scenario", e))?;
            toml::to_string_pretty(&v)
                .map_err(|e| Error::internal("writing the scenario as TOML", e))?
        }
    };
    Ok(Base {
        label: label.to_string(),
        text,
    })
}

/// Binds `bind:port`, prints the address on standard output and serves
/// until Ctrl-C. Port 0 takes any free port (the address printed says which).
pub fn run(base: Base, bind: &str, port: u16, open: bool) -> Result<()> {
    let ip: std::net::IpAddr = bind.parse().map_err(|_| {
        Error::user(format!(
            "--bind {bind}: not an IP address (e.g. 127.0.0.1, the default, or 0.0.0.0 for every interface)"
        ))
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::internal("starting the server's runtime", e))?;
    rt.block_on(async move {
        let addr = SocketAddr::new(ip, port);
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Error::user(format!(
                "--bind {bind} --port {port}: cannot listen there: {e} (another server on that port? try --port 0 for any free one)"
            ))
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::internal("reading the listener's address", e))?;
        let url = format!("http://{local}/");
        crate::output::print(&format!(
            "failsim serve: {url} ({}; Ctrl-C to stop)\n",
            base.label
        ))?;
        if !ip.is_loopback() {
            crate::output::eprint(
                "failsim serve: listening beyond this machine; anyone who can reach it can run simulations here\n",
            );
        }
        if open {
            open_browser(&url);
        }
        let app = router(AppState::new(base));
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::internal("serving", e))
    })
}

/// Asks the desktop to open `url`; failing to is not an error (the
/// address is printed).
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        crate::output::eprint(&format!(
            "failsim serve: could not start {cmd}; open {url} yourself\n"
        ));
    }
}
