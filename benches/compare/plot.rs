//! How cost grows with size, as an SVG drawn by hand (two panels of lines on
//! a logarithmic size axis): cost per object of cloning 10k, 100k and 1M
//! objects, and cost per MiB of copying 1, 16 and 64 MiB ArrayBuffers. A
//! flat line is linear growth.

use crate::table::{Outcome, Sample, Side, outcome};
use crate::workloads::{Kind, Workload};
use std::fmt::Write;

const WIDTH: f64 = 420.0;
const HEIGHT: f64 = 300.0;
const MARGIN: f64 = 60.0;

struct Series {
    name: &'static str,
    color: &'static str,
    points: Vec<(f64, f64)>,
}

/// The two panels, or why there is nothing to draw.
pub fn growth(chosen: &[&Workload], samples: &[Sample]) -> Result<String, String> {
    let per_object = panel_series(chosen, samples, |k| match k {
        Kind::Objects(n) => Some(f64::from(n)),
        _ => None,
    });
    let per_mib = panel_series(chosen, samples, |k| match k {
        Kind::BufferCopy(n) => Some(n as f64 / (1024.0 * 1024.0)),
        _ => None,
    });
    if per_object.iter().chain(&per_mib).all(|s| s.points.len() < 2) {
        return Err("no workload measured at two sizes".to_owned());
    }
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{HEIGHT}" font-family="sans-serif" font-size="11">"#,
        2.0 * WIDTH
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    panel(
        &mut svg,
        0.0,
        "structuredClone of n objects: µs per object",
        "objects",
        1e6,
        &per_object,
    );
    panel(
        &mut svg,
        WIDTH,
        "ArrayBuffer copy: ms per MiB",
        "MiB",
        1e3,
        &per_mib,
    );
    svg.push_str("</svg>\n");
    Ok(svg)
}

/// Seconds per unit of size for each side, at each size `size_of` gives.
fn panel_series(
    chosen: &[&Workload],
    samples: &[Sample],
    size_of: impl Fn(Kind) -> Option<f64>,
) -> Vec<Series> {
    [
        (Side::Ours, "webmessaging", "#c0392b"),
        (Side::Node, "node", "#2471a3"),
        (Side::Limit, "limit", "#7f8c8d"),
    ]
    .into_iter()
    .map(|(side, name, color)| Series {
        name,
        color,
        points: chosen
            .iter()
            .filter_map(|w| {
                let size = size_of(w.kind)?;
                match outcome(samples, w.name, side) {
                    Outcome::Ran { seconds, .. } => Some((size, seconds / size)),
                    _ => None,
                }
            })
            .collect(),
    })
    .filter(|s| !s.points.is_empty())
    .collect()
}

fn panel(svg: &mut String, left: f64, title: &str, unit: &str, scale: f64, series: &[Series]) {
    let points = series.iter().flat_map(|s| s.points.iter());
    let (mut x_min, mut x_max, mut y_max) = (f64::MAX, f64::MIN, 0.0f64);
    for &(x, y) in points {
        x_min = x_min.min(x.log10());
        x_max = x_max.max(x.log10());
        y_max = y_max.max(y * scale);
    }
    if x_max <= x_min || y_max <= 0.0 {
        return;
    }
    let y_max = y_max * 1.15;
    let plot_w = WIDTH - 1.5 * MARGIN;
    let plot_h = HEIGHT - 2.0 * MARGIN;
    let px = |x: f64| left + MARGIN + (x.log10() - x_min) / (x_max - x_min) * plot_w;
    let py = |y: f64| MARGIN + plot_h - (y * scale) / y_max * plot_h;
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-size="13" text-anchor="middle">{title}</text>"#,
        left + WIDTH / 2.0,
        MARGIN / 2.0
    );
    let (x0, y0) = (left + MARGIN, MARGIN + plot_h);
    let _ = writeln!(
        svg,
        r#"<path d="M{x0},{MARGIN} V{y0} H{}" stroke="black" fill="none"/>"#,
        x0 + plot_w
    );
    for tick in 0..=4 {
        let v = y_max * f64::from(tick) / 4.0;
        let y = MARGIN + plot_h - plot_h * f64::from(tick) / 4.0;
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{y}" text-anchor="end" dy="4">{v:.2}</text><path d="M{x0},{y} h{plot_w}" stroke="#ddd"/>"##,
            x0 - 6.0
        );
    }
    let sizes: Vec<f64> = {
        let mut s: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s
    };
    for x in sizes {
        let label = if x >= 1e6 {
            format!("{}M", x / 1e6)
        } else if x >= 1e3 {
            format!("{}k", x / 1e3)
        } else {
            format!("{x}")
        };
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{label} {unit}</text>"#,
            px(x),
            y0 + 16.0
        );
    }
    for (k, s) in series.iter().enumerate() {
        let path: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" stroke="{}" stroke-width="2" fill="none"/>"#,
            path.join(" "),
            s.color
        );
        for &(x, y) in &s.points {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                px(x),
                py(y),
                s.color
            );
        }
        let ly = y0 + 34.0;
        let lx = left + MARGIN + 110.0 * k as f64;
        let _ = writeln!(
            svg,
            r#"<rect x="{lx}" y="{}" width="12" height="4" fill="{}"/><text x="{}" y="{ly}">{}</text>"#,
            ly - 6.0,
            s.color,
            lx + 16.0,
            s.name
        );
    }
}
