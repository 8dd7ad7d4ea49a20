//! The routes of `failsim serve`. Every simulating request is built and
//! validated by [`super::request`], run on a blocking thread under the
//! semaphore of cores and the timeout, and answered with JSON, or with
//! HTTP 400 `{"error", "field"}` naming what to fix.

use super::request::{self, AS_WRITTEN, Base, Built, Failure, Refused, Request};
use super::{changed, controls, export};
use crate::montecarlo::{self, Arm};
use crate::sim::Engine;
use crate::{explain, output, results, strategy};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The largest request body accepted (413 above it): a scenario file is
/// at most 1 MiB too (src/scenario/limits.rs).
pub const BODY_MAX: usize = 1 << 20;

/// How long a request may wait for a core and run before it is answered
/// 503. The largest request of the default scenario
/// ([`request::TRIALS_MAX`] trials of [`request::STRATEGIES_MAX`]
/// strategies) takes under a second on 2 cores; a posted scenario with a
/// long horizon or dense faults can take far longer.
pub const TIMEOUT: Duration = Duration::from_secs(60);

const INDEX_HTML: &str = include_str!("../../web/index.html");
const APP_JS: &str = include_str!("../../web/app.js");
const STYLE_CSS: &str = include_str!("../../web/style.css");

/// What every handler shares.
pub struct AppState {
    pub base: Base,
    /// One permit per core: simulations beyond that wait their turn. A
    /// permit is held until its simulation ends, even one whose request
    /// timed out (a simulation cannot be stopped part way).
    pub cores: Arc<Semaphore>,
}

impl AppState {
    pub fn new(base: Base) -> Arc<Self> {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        Arc::new(AppState {
            base,
            cores: Arc::new(Semaphore::new(n)),
        })
    }
}

/// The server's routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { page(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { page(STYLE_CSS, "text/css; charset=utf-8") }),
        )
        .route("/api/scenario", get(scenario))
        .route("/api/controls", get(controls_route))
        .route("/api/simulate", post(simulate))
        .route("/api/topology", get(topology_get).post(topology_post))
        .route("/api/explain", get(explain_get).post(explain_post))
        .route("/api/export", get(export_get).post(export_post))
        .route("/api/report", get(report_get).post(report_post))
        .route("/api/changed", post(changed_route))
        .layer(DefaultBodyLimit::max(BODY_MAX))
        .with_state(state)
}

fn page(body: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

fn refused(r: &Refused) -> Response {
    let body = json!({"error": r.message, "field": r.field});
    json_response(StatusCode::BAD_REQUEST, output::to_json(&body))
}

fn failed(f: Failure) -> Response {
    match f {
        Failure::Refused(r) => refused(&r),
        Failure::Internal(m) => {
            let body = json!({"error": format!("internal error: {m}; this is a bug in failsim")});
            json_response(StatusCode::INTERNAL_SERVER_ERROR, output::to_json(&body))
        }
    }
}

/// The request body, refused with 413 above [`BODY_MAX`].
async fn read(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, BODY_MAX).await.map_err(|_| {
        let body = json!({
            "error": format!("the request body is over {BODY_MAX} bytes, the most a request may carry"),
            "field": "body",
        });
        json_response(StatusCode::PAYLOAD_TOO_LARGE, output::to_json(&body))
    })
}

/// A request body as JSON; an empty body is the empty request.
fn parse_body(body: &[u8]) -> Result<Request, Refused> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Request::default());
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".into() } else { path };
        Refused::new(&field, format!("the request body: {}", e.inner()))
    })
}

/// A request from a query string: `set=PATH=VALUE` (repeatable; a VALUE
/// that is a JSON list or `null` is read as JSON), `strategies=a,b`,
/// `strategy`, `trials`, `seed`, `trial`.
fn parse_query(uri: &Uri) -> Result<Request, Refused> {
    let mut req = Request::default();
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        let number = |field: &str| {
            v.parse::<u64>()
                .map_err(|_| Refused::new(field, format!("`{v}` is not a whole number")))
        };
        match k.as_str() {
            "set" => {
                let (path, value) = v
                    .split_once('=')
                    .ok_or_else(|| Refused::new("set", format!("`{v}`: write set=PATH=VALUE")))?;
                let value = match serde_json::from_str::<Value>(value) {
                    Ok(j @ (Value::Array(_) | Value::Null)) => j,
                    _ => Value::String(value.to_string()),
                };
                req.settings.insert(path.to_string(), value);
            }
            "strategies" => {
                req.strategies = Some(v.split(',').map(str::to_string).collect());
            }
            "strategy" => req.strategy = Some(v),
            "trial" => req.trial = Some(v),
            "trials" => req.trials = Some(number("trials")?),
            "seed" => req.seed = Some(number("seed")?),
            _ => {
                return Err(Refused::new(
                    &k,
                    "unknown query parameter (known: set, strategies, strategy, trials, seed, trial)",
                ));
            }
        }
    }
    Ok(req)
}

/// Percent-decoding of a query component (`+` is a space).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs `work` on a blocking thread once a core is free, within [`TIMEOUT`].
async fn blocking<F>(st: &Arc<AppState>, work: F) -> Response
where
    F: FnOnce(&AppState) -> Result<Response, Failure> + Send + 'static,
{
    let st2 = Arc::clone(st);
    let run = async move {
        let permit = Arc::clone(&st2.cores)
            .acquire_owned()
            .await
            .map_err(|e| Failure::Internal(e.to_string()))?;
        let st3 = Arc::clone(&st2);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&st3)
        })
        .await
        .map_err(|e| Failure::Internal(format!("the simulation stopped: {e}")))?
    };
    match tokio::time::timeout(TIMEOUT, run).await {
        Ok(Ok(r)) => r,
        Ok(Err(f)) => failed(f),
        Err(_) => {
            let body = json!({"error": format!(
                "the simulation took longer than {} s; ask for fewer trials or strategies",
                TIMEOUT.as_secs()
            )});
            json_response(StatusCode::SERVICE_UNAVAILABLE, output::to_json(&body))
        }
    }
}

async fn scenario(State(st): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        st.base.text.clone(),
    )
        .into_response()
}

async fn controls_route(State(st): State<Arc<AppState>>) -> Response {
    match request::build(&st.base, &Request::default()) {
        Ok(b) => json_response(StatusCode::OK, output::to_json(&controls::controls(&b))),
        Err(f) => failed(f),
    }
}

/// The results of a request, as `failsim compare --json` writes them.
pub fn simulate_json(base: &Base, req: &Request) -> Result<Vec<u8>, Failure> {
    let built = request::build(base, req)?;
    let arms = request::arms(&built.scenario, req.strategies.as_deref())?;
    let sc = &built.scenario;
    let partials = montecarlo::run(&arms, sc.seed, 0..sc.trials, &|_| {})
        .map_err(|e| Failure::of("scenario", e))?;
    Ok(output::to_json(&results::build(
        sc, sc.seed, sc.trials, &partials,
    )))
}

async fn simulate(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let req = match parse_body(&body) {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    blocking(&st, move |st| {
        simulate_json(&st.base, &req).map(|b| json_response(StatusCode::OK, b))
    })
    .await
}

fn topology(st: &AppState, req: Result<Request, Refused>) -> Response {
    let req = match req {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    match request::build(&st.base, &req) {
        Ok(b) => json_response(StatusCode::OK, output::to_json(&controls::topology(&b))),
        Err(f) => failed(f),
    }
}

async fn topology_get(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    topology(&st, parse_query(&uri))
}

async fn topology_post(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    topology(&st, parse_body(&body))
}

/// The arm a request's `strategy` names (default: as written).
fn one_arm(built: &Built, req: &Request) -> Result<Arm, Failure> {
    let name = req.strategy.clone().unwrap_or_else(|| AS_WRITTEN.into());
    let mut arms = request::arms(&built.scenario, Some(&[name])).map_err(|f| match f {
        Failure::Refused(r) => Failure::Refused(Refused::new("strategy", r.message)),
        other => other,
    })?;
    Ok(arms.remove(0))
}

/// One trial told: `trial` is an index, `worst` (most lost writes, then
/// most downtime), `median` (the middle trial in that order) or
/// `eventful` (as `failsim explain` chooses); default `worst`.
pub fn explain_json(base: &Base, req: &Request) -> Result<Vec<u8>, Failure> {
    let built = request::build(base, req)?;
    let arm = one_arm(&built, req)?;
    let sc = &arm.scenario;
    let seed = sc.seed;
    let which = req.trial.clone().unwrap_or_else(|| "worst".into());
    let engine = Engine::new(sc);
    let ranked = || {
        let mut v: Vec<(u64, u64, u64)> = (0..sc.trials)
            .into_par_iter()
            .map(|t| {
                let o = engine.run_trial(seed, t, false);
                (o.lost_writes, o.downtime, t)
            })
            .collect();
        v.sort_by_key(|&(l, d, t)| (l, d, std::cmp::Reverse(t)));
        v
    };
    let (trial, chosen) = match which.as_str() {
        "worst" => {
            let v = ranked();
            (
                v.last().map_or(0, |x| x.2),
                format!("worst of {}", sc.trials),
            )
        }
        "median" => {
            let v = ranked();
            (
                v.get(v.len().saturating_sub(1) / 2).map_or(0, |x| x.2),
                format!("median of {}", sc.trials),
            )
        }
        "eventful" => (
            montecarlo::most_eventful(&arm, seed, 0..sc.trials),
            format!("most eventful of {}", sc.trials),
        ),
        k => match k.parse::<u64>() {
            Ok(k) if k < sc.trials => (k, "given".to_string()),
            _ => {
                return Err(Refused::new(
                    "trial",
                    format!(
                        "`{k}`: give worst, median, eventful or a trial index from 0 to {}",
                        sc.trials - 1
                    ),
                )
                .into());
            }
        },
    };
    let outcome = engine.run_trial(seed, trial, true);
    if engine.reached_cap(&outcome) {
        return Err(Refused::new(
            "scenario",
            format!("trial {trial} reached the engine's cap of events before the horizon: make failures rarer, repairs longer, or the horizon shorter"),
        )
        .into());
    }
    let story = explain::narrate(sc, &outcome, &arm.name);
    let title = format!(
        "Trial {trial} of {} under {} (seed {seed}, the {chosen} trials)",
        sc.name, arm.name
    );
    let doc = explain::explained(sc, &outcome, &story, seed, chosen);
    let body = json!({
        "title": title,
        "text": explain::to_text(&story, &title),
        "strategy": strategy::own_name(sc),
        "explained": doc,
    });
    Ok(output::to_json(&body))
}

async fn explain_any(st: Arc<AppState>, req: Result<Request, Refused>) -> Response {
    let req = match req {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    blocking(&st, move |st| {
        explain_json(&st.base, &req).map(|b| json_response(StatusCode::OK, b))
    })
    .await
}

async fn explain_get(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    explain_any(st, parse_query(&uri)).await
}

async fn explain_post(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    explain_any(st, parse_body(&body)).await
}

/// The edited scenario as TOML (see [`export`]).
pub fn export_toml(base: &Base, req: &Request) -> Result<(String, String), Failure> {
    let built = request::build(base, req)?;
    let keys: Vec<String> = req.settings.keys().cloned().collect();
    let name = built.scenario.name.clone();
    Ok((export::toml_text(&built, &keys), name))
}

fn attachment(body: String, name: &str, ext: &str, kind: &'static str) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{safe}.{ext}\"");
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn export_any(st: &AppState, req: Result<Request, Refused>) -> Response {
    let req = match req {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    match export_toml(&st.base, &req) {
        Ok((text, name)) => attachment(text, &name, "toml", "application/toml; charset=utf-8"),
        Err(f) => failed(f),
    }
}

async fn export_get(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    export_any(&st, parse_query(&uri))
}

async fn export_post(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    export_any(&st, parse_body(&body))
}

/// The Markdown report of a request, as `failsim report` writes report.md.
pub fn report_md(base: &Base, req: &Request) -> Result<(String, String), Failure> {
    let built = request::build(base, req)?;
    let arms = request::arms(&built.scenario, req.strategies.as_deref())?;
    let sc = &built.scenario;
    let meta = crate::report::Meta {
        label: format!("{} with the page's settings", base.label),
        command: format!(
            "failsim run SCENARIO --seed {} --trials {} (SCENARIO: the page's export)",
            sc.seed, sc.trials
        ),
    };
    let sim =
        crate::report::simulate(sc, &arms, &|_| {}).map_err(|e| Failure::of("scenario", e))?;
    let report = crate::report::render(sc, &arms, &sim, &meta)
        .map_err(|e| Failure::Internal(format!("drawing the report: {e}")))?;
    let md = report
        .files
        .iter()
        .find(|f| f.path == "report.md")
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .ok_or_else(|| Failure::Internal("the report has no report.md".into()))?;
    Ok((md, sc.name.clone()))
}

async fn report_any(st: Arc<AppState>, req: Result<Request, Refused>) -> Response {
    let req = match req {
        Ok(r) => r,
        Err(r) => return refused(&r),
    };
    blocking(&st, move |st| {
        report_md(&st.base, &req)
            .map(|(md, name)| attachment(md, &name, "md", "text/markdown; charset=utf-8"))
    })
    .await
}

async fn report_get(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    report_any(st, parse_query(&uri)).await
}

async fn report_post(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    report_any(st, parse_body(&body)).await
}

async fn changed_route(State(st): State<Arc<AppState>>, body: Body) -> Response {
    let body = match read(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return refused(&Refused::new("body", format!("the request body: {e}"))),
    };
    let served = match request::build(&st.base, &Request::default()) {
        Ok(b) => serde_json::to_value(&b.raw).unwrap_or(Value::Null),
        Err(f) => return failed(f),
    };
    match changed::paragraph(&v, &served) {
        Ok(text) => json_response(StatusCode::OK, output::to_json(&json!({ "text": text }))),
        Err(r) => refused(&r),
    }
}
