//! Chart back end: every chart renders to well-formed SVG and a decodable
//! PNG of the stated size, deterministically, without panicking on
//! degenerate input.

use failsim::charts::{
    CdfChart, Chart, ChartError, EventKind, IntervalState, LineChart, PercentileChart,
    PercentileSeries, ScatterChart, ScatterPoint, Series, TimelineChart, TimelineEvent,
    TimelineInterval, TimelineRow, cdf_chart, line_chart, percentile_chart, scatter_chart,
    timeline_chart,
};

const HOUR_S: f64 = 3600.0;
const DAY_S: f64 = 86_400.0;

fn percentile_sample() -> PercentileChart {
    let s = |name: &str, mean, p50, p95, p99, max| PercentileSeries {
        name: name.to_string(),
        mean,
        p50,
        p95,
        p99,
        max,
    };
    PercentileChart {
        title: "Recovery point per incident, by strategy".to_string(),
        x_label: "strategy".to_string(),
        y_label: "RPO (s)".to_string(),
        log_scale: None,
        series: vec![
            s(
                "backup-only (24 h)",
                43_100.0,
                43_000.0,
                82_000.0,
                85_500.0,
                86_300.0,
            ),
            s("async", 0.8, 0.5, 2.1, 4.8, 12.0),
            s("semi-sync", 0.05, 0.01, 0.2, 0.6, 1.5),
            s("sync", 0.0, 0.0, 0.0, 0.0, 0.0),
            s("delayed (1 h)", 3_610.0, 3_600.0, 3_650.0, 3_700.0, 3_800.0),
            s("async+backup", 0.9, 0.5, 2.3, 5.1, 14.0),
        ],
    }
}

fn scatter_sample() -> ScatterChart {
    let p = |name: &str, x, y| ScatterPoint {
        name: name.to_string(),
        x,
        y,
    };
    ScatterChart {
        title: "Durability versus write latency".to_string(),
        x_label: "write latency added (ms)".to_string(),
        y_label: "expected lost writes per year".to_string(),
        x_log: None,
        y_log: None,
        points: vec![
            p("none", 0.0, 2.5e6),
            p("backup-only", 0.0, 1.8e5),
            p("async", 0.1, 120.0),
            p("semi-sync", 1.2, 3.0),
            p("sync (cross-region)", 42.0, 0.0),
            p("delayed", 0.1, 9_000.0),
            p("async+backup", 0.1, 95.0),
        ],
    }
}

/// A deterministic empirical CDF: `zero_share` of the trials have no
/// downtime, the rest are exponential with the given mean.
fn downtime_cdf(name: &str, zero_share: f64, mean_min: f64) -> Series {
    let n = 200;
    let points = (1..=n)
        .map(|k| {
            let f = f64::from(k) / f64::from(n);
            let x = if f <= zero_share {
                0.0
            } else {
                let g = (f - zero_share) / (1.0 - zero_share);
                -mean_min * (1.0 - g.min(0.999)).ln()
            };
            (x, f)
        })
        .collect();
    Series {
        name: name.to_string(),
        points,
    }
}

fn nines() -> Vec<(f64, String)> {
    vec![
        (525.6, "99.9% (525.6 min/yr)".to_string()),
        (52.56, "99.99% (52.56 min/yr)".to_string()),
        (5.256, "99.999% (5.256 min/yr)".to_string()),
    ]
}

fn cdf_sample() -> CdfChart {
    CdfChart {
        title: "Downtime per simulated year".to_string(),
        x_label: "downtime per year (min)".to_string(),
        y_label: "fraction of trials".to_string(),
        x_log: None,
        series: vec![
            downtime_cdf("backup-only", 0.05, 600.0),
            downtime_cdf("async", 0.4, 12.0),
            downtime_cdf("sync", 0.45, 9.0),
        ],
        markers: nines(),
    }
}

fn timeline_sample() -> TimelineChart {
    let iv = |start_s, end_s, state| TimelineInterval {
        start_s,
        end_s,
        state,
    };
    let ev = |row, at_s, kind| TimelineEvent { row, at_s, kind };
    let crash_s = 12.3 * DAY_S;
    let region_s = 21.5 * DAY_S;
    let mut events = vec![
        ev(0, crash_s, EventKind::Crash),
        ev(1, crash_s + 30.0, EventKind::Failover),
        ev(0, region_s, EventKind::Crash),
        ev(1, region_s, EventKind::Crash),
        ev(0, region_s + 2.0 * HOUR_S, EventKind::RestoreStarted),
    ];
    for day in 0..30 {
        events.push(ev(
            3,
            f64::from(day) * DAY_S + 2.0 * HOUR_S,
            EventKind::BackupTaken,
        ));
    }
    TimelineChart {
        title: "Trial 17: async replication + daily backups".to_string(),
        rows: vec![
            TimelineRow {
                name: "primary db1".to_string(),
                intervals: vec![
                    iv(crash_s, crash_s + 6.0 * HOUR_S, IntervalState::Down),
                    iv(
                        crash_s + 6.0 * HOUR_S,
                        crash_s + 20.0 * HOUR_S,
                        IntervalState::Rebuilding,
                    ),
                    iv(region_s, region_s + 2.0 * HOUR_S, IntervalState::Down),
                    iv(
                        region_s + 2.0 * HOUR_S,
                        region_s + 7.0 * HOUR_S,
                        IntervalState::Restoring,
                    ),
                ],
            },
            TimelineRow {
                name: "replica db2".to_string(),
                intervals: vec![
                    iv(4.0 * DAY_S, 4.0 * DAY_S + 1_800.0, IntervalState::Lagging),
                    iv(region_s, region_s + 9.0 * HOUR_S, IntervalState::Down),
                    iv(
                        region_s + 9.0 * HOUR_S,
                        region_s + 30.0 * HOUR_S,
                        IntervalState::Rebuilding,
                    ),
                ],
            },
            TimelineRow {
                name: "API pool".to_string(),
                intervals: vec![
                    iv(crash_s, crash_s + 30.0, IntervalState::Down),
                    iv(
                        crash_s + 30.0,
                        crash_s + 20.0 * HOUR_S,
                        IntervalState::Degraded,
                    ),
                    iv(region_s, region_s + 7.0 * HOUR_S, IntervalState::Down),
                ],
            },
            TimelineRow {
                name: "backups".to_string(),
                intervals: vec![],
            },
        ],
        events,
        loss_windows: vec![
            (crash_s - 2.0, crash_s),
            (21.0 * DAY_S + 2.0 * HOUR_S, region_s),
        ],
        horizon_s: Some(30.0 * DAY_S),
    }
}

fn line_sample() -> LineChart {
    let xs = [1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0];
    LineChart {
        title: "Lost writes against backup interval".to_string(),
        x_label: "backup interval (h)".to_string(),
        y_label: "expected lost writes per year".to_string(),
        x_log: Some(false),
        y_log: Some(false),
        series: vec![
            Series {
                name: "backup-only".to_string(),
                points: xs.iter().map(|&x| (x, 7_500.0 * x)).collect(),
            },
            Series {
                name: "async+backup".to_string(),
                points: xs.iter().map(|&x| (x, 120.0 + 400.0 * x)).collect(),
            },
            Series {
                name: "delayed+backup".to_string(),
                points: xs.iter().map(|&x| (x, 9_000.0 + 900.0 * x)).collect(),
            },
        ],
    }
}

fn line_log_sample() -> LineChart {
    let xs = [0.0, 0.1, 0.5, 1.0, 5.0, 10.0, 50.0, 100.0];
    LineChart {
        title: "Lost writes against replication lag bound".to_string(),
        x_label: "replication lag bound (s)".to_string(),
        y_label: "lost writes per incident".to_string(),
        x_log: None,
        y_log: None,
        series: vec![
            Series {
                name: "async, 500 writes/s".to_string(),
                points: xs.iter().map(|&x| (x, 500.0 * x)).collect(),
            },
            Series {
                name: "async, 20 writes/s".to_string(),
                points: xs.iter().map(|&x| (x, 20.0 * x)).collect(),
            },
        ],
    }
}

/// Checks what every chart must satisfy: the SVG is well-formed XML with
/// the stated size, the PNG decodes to the stated size, and text is at
/// least 13 px.
fn check(chart: &Chart) {
    assert_eq!(chart.width, 900);
    assert!(chart.height >= 540);
    let doc = roxmltree::Document::parse(&chart.svg).expect("SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.attribute("width"),
        Some(chart.width.to_string().as_str())
    );
    assert_eq!(
        root.attribute("height"),
        Some(chart.height.to_string().as_str())
    );
    for text in root.descendants().filter(|n| n.has_tag_name("text")) {
        let size: f64 = text
            .attribute("font-size")
            .and_then(|s| s.parse().ok())
            .expect("font-size");
        assert!(size >= 13.0, "text {:?} is {size} px", text.text());
    }

    let decoder = png::Decoder::new(std::io::Cursor::new(&chart.png));
    let mut reader = decoder.read_info().expect("PNG header decodes");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG decodes");
    assert_eq!((info.width, info.height), (chart.width, chart.height));
}

/// All text content of the SVG.
fn svg_texts(chart: &Chart) -> Vec<String> {
    let doc = roxmltree::Document::parse(&chart.svg).expect("SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

#[test]
fn percentile_chart_renders() {
    let chart = percentile_chart(&percentile_sample()).unwrap();
    check(&chart);
    let texts = svg_texts(&chart);
    for expected in [
        "Recovery point per incident, by strategy",
        "RPO (s)",
        "p99",
        "mean",
        "async",
    ] {
        assert!(texts.iter().any(|t| t == expected), "missing {expected:?}");
    }
    assert!(
        texts.iter().any(|t| t == "0"),
        "log axis zero floor is labelled"
    );
}

#[test]
fn scatter_chart_renders() {
    let chart = scatter_chart(&scatter_sample()).unwrap();
    check(&chart);
    let texts = svg_texts(&chart);
    assert!(
        texts.iter().filter(|t| *t == "semi-sync").count() >= 2,
        "legend and label"
    );
    assert!(texts.iter().any(|t| t == "1M"), "SI tick labels: {texts:?}");
}

#[test]
fn cdf_chart_renders() {
    let chart = cdf_chart(&cdf_sample()).unwrap();
    check(&chart);
    let texts = svg_texts(&chart);
    assert!(texts.iter().any(|t| t == "99.99% (52.56 min/yr)"));
}

#[test]
fn timeline_chart_renders() {
    let chart = timeline_chart(&timeline_sample()).unwrap();
    check(&chart);
    let texts = svg_texts(&chart);
    assert!(texts.iter().any(|t| t == "time since trial start (days)"));
    for expected in [
        "primary db1",
        "backups",
        "restoring",
        "failover",
        "acknowledged writes lost",
    ] {
        assert!(texts.iter().any(|t| t == expected), "missing {expected:?}");
    }
}

#[test]
fn timeline_axis_ends_at_the_horizon() {
    // A year in days: the axis must not be rounded up to 400 days, which
    // would draw components as up after the trial ended.
    let mut spec = timeline_sample();
    spec.horizon_s = Some(365.0 * DAY_S);
    let texts = svg_texts(&timeline_chart(&spec).unwrap());
    assert!(texts.iter().any(|t| t == "time since trial start (days)"));
    assert!(texts.iter().any(|t| t == "300"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "400"), "{texts:?}");
}

#[test]
fn timeline_time_unit_follows_the_span() {
    let mut spec = timeline_sample();
    spec.horizon_s = None;
    spec.events.clear();
    spec.loss_windows.clear();
    spec.rows = vec![TimelineRow {
        name: "primary".to_string(),
        intervals: vec![TimelineInterval {
            start_s: 600.0,
            end_s: 5.0 * HOUR_S,
            state: IntervalState::Down,
        }],
    }];
    let texts = svg_texts(&timeline_chart(&spec).unwrap());
    assert!(texts.iter().any(|t| t == "time since trial start (hours)"));
    spec.rows[0].intervals[0].end_s = 1_800.0;
    let texts = svg_texts(&timeline_chart(&spec).unwrap());
    assert!(
        texts
            .iter()
            .any(|t| t == "time since trial start (minutes)")
    );
}

#[test]
fn line_charts_render() {
    check(&line_chart(&line_sample()).unwrap());
    check(&line_chart(&line_log_sample()).unwrap());
}

#[test]
fn same_input_gives_byte_identical_output() {
    let twice = |f: &dyn Fn() -> Chart| {
        let (a, b) = (f(), f());
        assert_eq!(a.svg, b.svg);
        assert_eq!(a.png, b.png);
    };
    twice(&|| percentile_chart(&percentile_sample()).unwrap());
    twice(&|| scatter_chart(&scatter_sample()).unwrap());
    twice(&|| cdf_chart(&cdf_sample()).unwrap());
    twice(&|| timeline_chart(&timeline_sample()).unwrap());
    twice(&|| line_chart(&line_sample()).unwrap());
}

#[test]
fn text_is_escaped_in_svg() {
    let title = r#"p99 < 5 s & "sync" > 'async' </svg>"#;
    let mut spec = percentile_sample();
    spec.title = title.to_string();
    spec.series[0].name = "a<b>&c".to_string();
    spec.y_label = "RPO <s> & more".to_string();
    let chart = percentile_chart(&spec).unwrap();
    check(&chart);
    let texts = svg_texts(&chart);
    assert!(texts.iter().any(|t| t == title), "{texts:?}");
    assert!(texts.iter().any(|t| t == "a<b>&c"));
    assert!(texts.iter().any(|t| t == "RPO <s> & more"));
    assert!(chart.svg.contains("&lt;"));
}

#[test]
fn rendering_is_identical_across_threads() {
    let expected = timeline_chart(&timeline_sample()).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| timeline_chart(&timeline_sample()).unwrap()))
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), expected);
        }
    });
}

#[test]
fn characters_outside_the_font_render() {
    let mut spec = line_sample();
    spec.title = "復旧時間 🚨 ≥ 99.9 % — ∞".to_string();
    spec.series[0].name = "🔥🔥".to_string();
    let chart = line_chart(&spec).unwrap();
    check(&chart);
    assert!(
        svg_texts(&chart)
            .iter()
            .any(|t| t == "復旧時間 🚨 ≥ 99.9 % — ∞")
    );
}

#[test]
fn control_characters_do_not_break_the_xml() {
    let mut spec = scatter_sample();
    spec.title = "bell\u{7} null\u{0} esc\u{1b} newline\n tab\t end".to_string();
    spec.points[0].name = "\u{0}\u{1}".to_string();
    check(&scatter_chart(&spec).unwrap());
}

#[test]
fn empty_input_draws_a_no_data_chart() {
    let no_data = |chart: Chart| {
        check(&chart);
        assert!(svg_texts(&chart).iter().any(|t| t == "No data to plot"));
    };
    no_data(percentile_chart(&PercentileChart::default()).unwrap());
    no_data(scatter_chart(&ScatterChart::default()).unwrap());
    no_data(cdf_chart(&CdfChart::default()).unwrap());
    no_data(timeline_chart(&TimelineChart::default()).unwrap());
    no_data(line_chart(&LineChart::default()).unwrap());
    // Series present but without points.
    no_data(
        line_chart(&LineChart {
            series: vec![Series::default(), Series::default()],
            ..LineChart::default()
        })
        .unwrap(),
    );
    no_data(
        cdf_chart(&CdfChart {
            series: vec![Series::default()],
            markers: nines(),
            ..CdfChart::default()
        })
        .unwrap(),
    );
}

#[test]
fn non_finite_values_are_omitted_with_a_note() {
    let mut spec = percentile_sample();
    spec.series[1].p99 = f64::NAN;
    spec.series[2].max = f64::INFINITY;
    spec.series[3].mean = f64::NEG_INFINITY;
    let chart = percentile_chart(&spec).unwrap();
    check(&chart);
    assert!(
        svg_texts(&chart)
            .iter()
            .any(|t| t.starts_with("3 values omitted")),
        "note"
    );

    let all_nan = PercentileSeries {
        name: "nan".to_string(),
        mean: f64::NAN,
        p50: f64::NAN,
        p95: f64::NAN,
        p99: f64::NAN,
        max: f64::NAN,
    };
    let chart = percentile_chart(&PercentileChart {
        series: vec![all_nan],
        ..PercentileChart::default()
    })
    .unwrap();
    check(&chart);
    assert!(svg_texts(&chart).iter().any(|t| t == "No data to plot"));

    let mut spec = scatter_sample();
    spec.points[0].x = f64::NAN;
    spec.points[1].y = f64::INFINITY;
    check(&scatter_chart(&spec).unwrap());

    let mut spec = cdf_sample();
    spec.series[0].points.push((f64::NAN, 0.5));
    spec.markers.push((f64::INFINITY, "inf".to_string()));
    check(&cdf_chart(&spec).unwrap());

    let mut spec = line_sample();
    spec.series[0].points[2] = (f64::NAN, f64::NAN);
    check(&line_chart(&spec).unwrap());

    let mut spec = timeline_sample();
    spec.rows[0].intervals[0].end_s = f64::INFINITY;
    spec.events[0].at_s = f64::NAN;
    spec.horizon_s = Some(f64::NAN);
    check(&timeline_chart(&spec).unwrap());
}

#[test]
fn all_zero_data_renders() {
    let zero = PercentileSeries {
        name: "sync".to_string(),
        ..PercentileSeries::default()
    };
    let chart = percentile_chart(&PercentileChart {
        title: "zeros".to_string(),
        series: vec![zero.clone(), zero],
        log_scale: Some(true),
        ..PercentileChart::default()
    })
    .unwrap();
    check(&chart);
    assert!(svg_texts(&chart).iter().any(|t| t == "all 0"));

    let mut spec = scatter_sample();
    for p in &mut spec.points {
        p.x = 0.0;
        p.y = 0.0;
    }
    check(&scatter_chart(&spec).unwrap());

    let mut spec = cdf_sample();
    for s in &mut spec.series {
        for p in &mut s.points {
            p.0 = 0.0;
        }
    }
    spec.markers.clear();
    check(&cdf_chart(&spec).unwrap());

    let mut spec = line_sample();
    spec.y_log = Some(true);
    for s in &mut spec.series {
        for p in &mut s.points {
            p.1 = 0.0;
        }
    }
    check(&line_chart(&spec).unwrap());
}

#[test]
fn single_points_render() {
    let mut spec = percentile_sample();
    spec.series.truncate(1);
    check(&percentile_chart(&spec).unwrap());

    let mut spec = scatter_sample();
    spec.points.truncate(1);
    check(&scatter_chart(&spec).unwrap());

    let mut spec = cdf_sample();
    spec.series = vec![Series {
        name: "one".to_string(),
        points: vec![(3.0, 1.0)],
    }];
    spec.markers.clear();
    check(&cdf_chart(&spec).unwrap());

    let mut spec = line_sample();
    spec.series = vec![Series {
        name: "one".to_string(),
        points: vec![(3.0, 7.0)],
    }];
    check(&line_chart(&spec).unwrap());

    let spec = TimelineChart {
        title: "one event".to_string(),
        rows: vec![TimelineRow {
            name: "db".to_string(),
            intervals: vec![],
        }],
        events: vec![TimelineEvent {
            row: 0,
            at_s: 0.0,
            kind: EventKind::Crash,
        }],
        loss_windows: vec![],
        horizon_s: None,
    };
    check(&timeline_chart(&spec).unwrap());
}

#[test]
fn huge_ranges_and_negative_values_render() {
    let mut spec = scatter_sample();
    spec.points[0].y = 1e140;
    spec.points[1].y = 1e-300;
    spec.points[2].x = 1e120;
    spec.points[3].x = -5.0;
    check(&scatter_chart(&spec).unwrap());

    let mut spec = line_sample();
    spec.y_log = Some(true);
    spec.series[0].points[0].1 = -1e149;
    spec.series[1].points[0].1 = 1e149;
    let chart = line_chart(&spec).unwrap();
    check(&chart);
    assert!(
        svg_texts(&chart)
            .iter()
            .any(|t| t.contains("log scale cannot show negative"))
    );

    let mut spec = percentile_sample();
    spec.series[0].max = 1e149;
    spec.series[1].p50 = 1e-200;
    check(&percentile_chart(&spec).unwrap());

    // Beyond the plottable range: omitted, not drawn.
    let mut spec = cdf_sample();
    spec.series[0].points.push((1e300, 1.0));
    check(&cdf_chart(&spec).unwrap());

    let mut spec = timeline_sample();
    spec.horizon_s = Some(1e12);
    check(&timeline_chart(&spec).unwrap());
}

fn many_categories() -> PercentileChart {
    let mut spec = percentile_sample();
    for i in 0..6 {
        spec.series.push(PercentileSeries {
            name: format!("a very long strategy name number {i} with details"),
            mean: 10.0,
            p50: 5.0,
            p95: 20.0,
            p99: 40.0,
            max: 90.0,
        });
    }
    spec.title = format!("A title far too long to fit: {}", "lorem ipsum ".repeat(40));
    spec
}

#[test]
fn many_series_and_long_names_render() {
    let mut spec = many_categories();
    check(&percentile_chart(&spec).unwrap());
    spec.title = "x".repeat(100_000);
    check(&percentile_chart(&spec).unwrap());

    let mut spec = line_sample();
    for i in 0..20 {
        spec.series.push(Series {
            name: format!("series {i}"),
            points: vec![(1.0, f64::from(i)), (2.0, f64::from(i) * 2.0)],
        });
    }
    check(&line_chart(&spec).unwrap());

    let mut spec = timeline_sample();
    for i in 0..100 {
        spec.rows.push(TimelineRow {
            name: format!("replica {i}"),
            intervals: vec![],
        });
    }
    let chart = timeline_chart(&spec).unwrap();
    check(&chart);
    assert!(chart.height <= 2000);
}

#[test]
fn inconsistent_timelines_are_errors() {
    let mut spec = timeline_sample();
    spec.events.push(TimelineEvent {
        row: 9,
        at_s: 0.0,
        kind: EventKind::Failover,
    });
    assert!(matches!(
        timeline_chart(&spec),
        Err(ChartError::InvalidInput(_))
    ));

    let mut spec = timeline_sample();
    spec.loss_windows.push((10.0, 5.0));
    assert!(matches!(
        timeline_chart(&spec),
        Err(ChartError::InvalidInput(_))
    ));
}

/// Writes every sample chart to `target/chart-samples/` for a human to
/// look at: `cargo test --test charts -- --ignored write_samples`.
#[test]
#[ignore = "writes files for manual inspection"]
fn write_samples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/chart-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let mut zero_floor_cdf = cdf_sample();
    zero_floor_cdf.title = "Downtime per simulated year (linear)".to_string();
    zero_floor_cdf.x_log = Some(false);
    zero_floor_cdf.markers.truncate(2);
    let charts = [
        ("percentile", percentile_chart(&percentile_sample())),
        ("percentile-linear", {
            let mut spec = percentile_sample();
            spec.title = "Lost writes per incident".to_string();
            spec.y_label = "lost writes".to_string();
            spec.series.retain(|s| s.max < 100.0);
            spec.log_scale = Some(false);
            percentile_chart(&spec)
        }),
        ("scatter", scatter_chart(&scatter_sample())),
        ("cdf", cdf_chart(&cdf_sample())),
        ("cdf-linear", cdf_chart(&zero_floor_cdf)),
        ("timeline", timeline_chart(&timeline_sample())),
        ("line", line_chart(&line_sample())),
        ("line-log", line_chart(&line_log_sample())),
        ("stress-percentile", percentile_chart(&many_categories())),
        ("stress-timeline", {
            let mut spec = timeline_sample();
            for i in 0..8 {
                spec.rows.push(TimelineRow {
                    name: format!("read replica number {i} in region eu-west-{i}"),
                    intervals: vec![],
                });
            }
            timeline_chart(&spec)
        }),
        (
            "no-data",
            line_chart(&LineChart {
                title: "Nothing here".to_string(),
                ..LineChart::default()
            }),
        ),
    ];
    for (name, chart) in charts {
        let chart = chart.unwrap();
        std::fs::write(dir.join(format!("{name}.svg")), &chart.svg).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &chart.png).unwrap();
    }
}
