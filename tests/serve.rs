//! `failsim serve`: the API answered by the router itself (no socket),
//! compared with what the command line gives for the same settings and
//! seed. The browser test of the page is e2e/serve.spec.mjs (.ci/run).

use assert_cmd::Command;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use failsim::scenario::Format;
use failsim::serve::{self, AppState};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn base() -> serve::Base {
    let text = failsim::library::builtin("ecommerce").unwrap();
    serve::base("scenarios/ecommerce.toml (built in)", text, Format::Toml).unwrap()
}

/// Sends one request to a fresh router and returns the status and body.
fn send(method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = serve::router(AppState::new(base()));
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    })
}

fn post(uri: &str, body: &Value) -> (StatusCode, Vec<u8>) {
    send("POST", uri, serde_json::to_vec(body).unwrap())
}

fn refused(uri: &str, body: &Value) -> (String, String) {
    let (status, bytes) = post(uri, body);
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    (
        v["field"].as_str().unwrap_or_default().to_string(),
        v["error"].as_str().unwrap().to_string(),
    )
}

fn failsim() -> Command {
    Command::cargo_bin("failsim").unwrap()
}

#[test]
fn a_bad_knob_value_is_refused_naming_the_field() {
    let (field, error) = refused(
        "/api/simulate",
        &json!({"settings": {"replication.mode": "sink"}, "trials": 10}),
    );
    assert_eq!(field, "settings.replication.mode");
    assert!(
        error.contains("field `replication.mode`: unknown replication mode `sink`"),
        "{error}"
    );
    let (field, error) = refused(
        "/api/simulate",
        &json!({"settings": {"failover.detection": "soon"}, "trials": 10}),
    );
    assert_eq!(field, "settings.failover.detection");
    assert!(error.contains("failover.detection"), "{error}");
}

#[test]
fn an_unknown_knob_is_refused_naming_it() {
    let (field, error) = refused(
        "/api/simulate",
        &json!({"settings": {"replication.speed": "fast"}, "trials": 10}),
    );
    assert_eq!(field, "settings.replication.speed");
    assert!(error.contains("unknown field `speed`"), "{error}");
}

#[test]
fn an_oversized_body_is_refused_with_413() {
    let body = format!(
        "{{\"scenario\": \"{}\"}}",
        "#".repeat(failsim::serve::api::BODY_MAX)
    );
    let (status, bytes) = send("POST", "/api/simulate", body.into_bytes());
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["field"], "body");
    assert_eq!(
        v["error"],
        "the request body is over 1048576 bytes, the most a request may carry"
    );
}

#[test]
fn too_many_trials_are_refused() {
    let (field, error) = refused("/api/simulate", &json!({"trials": 20_001}));
    assert_eq!(field, "trials");
    assert_eq!(error, "20001 trials; give 1 to 20000");
    let (field, _) = refused("/api/simulate", &json!({"trials": 0}));
    assert_eq!(field, "trials");
}

#[test]
fn an_unknown_strategy_is_refused() {
    let (field, error) = refused(
        "/api/simulate",
        &json!({"strategies": ["as-written", "warp-drive"], "trials": 10}),
    );
    assert_eq!(field, "strategies");
    assert!(error.contains("warp-drive"), "{error}");
    let (field, error) = refused(
        "/api/simulate",
        &json!({"strategies": ["as-written", "async"], "trials": 10}),
    );
    assert_eq!(field, "strategies");
    assert!(error.contains("`async` is listed twice"), "{error}");
}

#[test]
fn a_malformed_or_unknown_request_field_is_refused() {
    let (status, _) = send("POST", "/api/simulate", b"{not json".to_vec());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (field, error) = refused("/api/simulate", &json!({"trails": 10}));
    assert_eq!(field, "trails");
    assert!(error.contains("unknown field `trails`"), "{error}");
    let (field, _) = refused("/api/simulate", &json!({"trials": "many"}));
    assert_eq!(field, "trials");
}

#[test]
fn a_posted_scenario_is_validated_as_a_file() {
    let (field, error) = refused(
        "/api/simulate",
        &json!({"scenario": "name = \"x\"\n[[regions]]\nname = 1\n"}),
    );
    assert_eq!(field, "scenario");
    assert!(error.starts_with("the posted scenario:3"), "{error}");
}

#[test]
fn a_valid_request_gives_the_json_of_compare() {
    let (status, body) = post(
        "/api/simulate",
        &json!({"strategies": ["async", "sync", "async+backup"], "trials": 300, "seed": 7}),
    );
    assert_eq!(status, StatusCode::OK);
    let out = failsim()
        .args([
            "compare",
            "--strategies",
            "async,sync,async+backup",
            "--trials",
            "300",
            "--seed",
            "7",
            "--json",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(body).unwrap(),
        String::from_utf8(out.stdout).unwrap()
    );
}

fn edited() -> Value {
    json!({
        "settings": {
            "replication.mode": "sync",
            "failover.detection": "10s",
            "backups.log_archive": {"interval": "5m"},
            "backups.copy_to": [],
            "faults.db_crash.mttf": "60d",
        },
        "trials": 300,
        "seed": 11,
    })
}

#[test]
fn the_export_runs_as_the_page_ran() {
    let (status, toml) = post("/api/export", &edited());
    assert_eq!(status, StatusCode::OK);
    let toml = String::from_utf8(toml).unwrap();
    // Comments and layout are kept; the knobs are written in place.
    assert!(toml.contains("# Aurora crash restart < 60 s"), "{toml}");
    assert!(toml.contains("mode = \"sync\""), "{toml}");
    assert!(
        toml.contains("detection = \"10s\"            # health checks"),
        "{toml}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.toml");
    std::fs::write(&path, &toml).unwrap();
    let out = failsim()
        .args(["run", path.to_str().unwrap(), "--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, body) = post("/api/simulate", &edited());
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn the_export_by_query_string_matches_the_posted_one() {
    let q = "/api/export?set=replication.mode=sync&set=failover.detection=10s\
             &set=backups.log_archive.interval=5m&set=backups.copy_to=%5B%5D\
             &set=faults.db_crash.mttf=60d&trials=300&seed=11";
    let (status, by_query) = send("GET", q, Vec::new());
    assert_eq!(status, StatusCode::OK);
    let by_query = String::from_utf8(by_query).unwrap();
    assert!(by_query.contains("[backups.log_archive]") || by_query.contains("log_archive"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.toml");
    std::fs::write(&path, &by_query).unwrap();
    let out = failsim()
        .args(["run", path.to_str().unwrap(), "--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, body) = post("/api/simulate", &edited());
    assert_eq!(
        String::from_utf8(body).unwrap(),
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn the_worst_year_is_the_one_that_lost_most() {
    let (status, body) = post(
        "/api/explain",
        &json!({"trials": 200, "seed": 3, "trial": "worst"}),
    );
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let worst = v["explained"]["totals"]["lost_writes"].as_u64().unwrap();
    assert!(v["text"].as_str().unwrap().starts_with("Trial "));
    // No trial of the 200 lost more: the API's median is told with no more.
    let (_, body) = post(
        "/api/explain",
        &json!({"trials": 200, "seed": 3, "trial": "median"}),
    );
    let m: Value = serde_json::from_slice(&body).unwrap();
    assert!(m["explained"]["totals"]["lost_writes"].as_u64().unwrap() <= worst);
    let k = v["explained"]["trial"].as_u64().unwrap();
    let out = failsim()
        .args([
            "explain",
            "--trial",
            &k.to_string(),
            "--seed",
            "3",
            "--json",
            "-",
        ])
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["story"], v["explained"]["story"]);
    let (field, _) = refused("/api/explain", &json!({"trials": 200, "trial": "200"}));
    assert_eq!(field, "trial");
}

#[test]
fn the_paragraph_names_the_knob_and_the_figures_that_moved() {
    let run = |mode: &str| {
        let req = json!({"settings": {"replication.mode": mode}, "trials": 400, "seed": 5});
        let (_, body) = post("/api/simulate", &req);
        json!({"settings": req["settings"], "results": serde_json::from_slice::<Value>(&body).unwrap()})
    };
    let (before, after) = (run("async"), run("sync"));
    let (status, body) = post("/api/changed", &json!({"before": before, "after": after}));
    assert_eq!(status, StatusCode::OK);
    let text = serde_json::from_slice::<Value>(&body).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.starts_with("Moving replication.mode from async to sync, the same 400 simulated trials ran again under sync: "), "{text}");
    assert!(
        text.contains("Why: A sync replica holds every write"),
        "{text}"
    );
    let (field, _) = refused("/api/changed", &json!({"before": before}));
    assert_eq!(field, "after");
}

#[test]
fn the_page_and_its_data_are_served() {
    let (status, html) = send("GET", "/", Vec::new());
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(html)
            .unwrap()
            .contains("<script src=\"/app.js\">")
    );
    let (status, toml) = send("GET", "/api/scenario", Vec::new());
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        String::from_utf8(toml).unwrap(),
        failsim::library::builtin("ecommerce").unwrap()
    );
    let (status, topo) = send("GET", "/api/topology?set=replication.mode=sync", Vec::new());
    assert_eq!(status, StatusCode::OK);
    let topo: Value = serde_json::from_slice(&topo).unwrap();
    assert_eq!(topo["replication"], "sync");
    assert_eq!(topo["nodes"][1]["mode"], "sync");
    let (status, c) = send("GET", "/api/controls", Vec::new());
    assert_eq!(status, StatusCode::OK);
    let c: Value = serde_json::from_slice(&c).unwrap();
    let paths: Vec<&str> = c["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    for p in [
        "replication.mode",
        "replication.lag.median",
        "database.nodes",
        "failover.mode",
        "failover.detection",
        "backups.incremental_every",
        "backups.retention",
        "backups.log_archive",
        "backups.copy_to",
        "faults.db_crash.mttf",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    let (status, _) = send("GET", "/api/explain?trial=sometime", Vec::new());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send("GET", "/api/export?colour=blue", Vec::new());
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[test]
fn the_report_of_the_page_is_markdown() {
    let (status, md) = post(
        "/api/report",
        &json!({"trials": 100, "strategies": ["as-written", "sync"]}),
    );
    assert_eq!(status, StatusCode::OK);
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with('#'), "{}", &md[..200.min(md.len())]);
    assert!(md.contains("sync"));
}

#[test]
fn a_bad_address_or_a_taken_port_exits_2() {
    let out = failsim()
        .args(["serve", "--bind", "localhost"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --bind localhost: not an IP address (e.g. 127.0.0.1, the default, or 0.0.0.0 for every interface)\n"
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = failsim().args(["serve", "--port", &port]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: --bind 127.0.0.1 --port {port}: cannot listen there: "
        )),
        "{err}"
    );
    assert!(
        err.ends_with("(another server on that port? try --port 0 for any free one)\n"),
        "{err}"
    );
}

#[test]
fn a_replica_added_in_another_region_exports_as_an_entry() {
    let (_, c) = send("GET", "/api/controls", Vec::new());
    let c: Value = serde_json::from_slice(&c).unwrap();
    let nodes = c["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"] == "database.nodes")
        .unwrap()["value"]
        .clone();
    let mut nodes = nodes.as_array().unwrap().clone();
    assert_eq!(nodes.len(), 2);
    nodes.push(json!({"name": "db3", "zone": "us-west-2a", "role": "replica"}));
    let req = json!({"settings": {"database.nodes": nodes}, "trials": 200, "seed": 4});
    let (status, toml) = post("/api/export", &req);
    assert_eq!(status, StatusCode::OK);
    let toml = String::from_utf8(toml).unwrap();
    assert!(
        toml.contains("mode = \"active\"              # serves reads"),
        "{toml}"
    );
    assert!(
        toml.contains("[[database.nodes]]\nname = \"db3\""),
        "{toml}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("three.toml");
    std::fs::write(&path, &toml).unwrap();
    let out = failsim()
        .args(["run", path.to_str().unwrap(), "--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, body) = post("/api/simulate", &req);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        String::from_utf8(out.stdout).unwrap()
    );
    // The topology draws the third node where it was put.
    let (_, topo) = post("/api/topology", &req);
    let topo: Value = serde_json::from_slice(&topo).unwrap();
    assert_eq!(topo["nodes"][2]["zone"], "us-west-2a");
}

#[test]
fn simultaneous_requests_each_get_their_own_answer() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let bodies: Vec<(StatusCode, Vec<u8>)> = rt.block_on(async {
        let app = serve::router(AppState::new(base()));
        let mut handles = Vec::new();
        for i in 0..6 {
            let app = app.clone();
            let mode = if i % 2 == 0 { "async" } else { "sync" };
            let body = json!({"settings": {"replication.mode": mode}, "trials": 200, "seed": 1});
            handles.push(tokio::spawn(async move {
                let req = Request::builder()
                    .method("POST")
                    .uri("/api/simulate")
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                let status = res.status();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                (status, bytes.to_vec())
            }));
        }
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    });
    for (i, (status, body)) in bodies.iter().enumerate() {
        assert_eq!(*status, StatusCode::OK);
        // The same request gives the same bytes, whatever ran beside it.
        assert_eq!(body, &bodies[i % 2].1);
    }
    assert_ne!(bodies[0].1, bodies[1].1);
}
