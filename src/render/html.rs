//! HTML report pages, rendered with tera from the templates in `templates/` (compiled in;
//! `--templates DIR` overrides any of them by name). Autoescaping is on for every `.html`
//! template, so data is always escaped; the only markup inserted unescaped is what this
//! crate builds itself (charts from [`super::svg`], family sections rendered by their own
//! escaping templates, and the page script).
//!
//! Pages extend `base.html` (header, verdict banner, audit trail, footer, script); the audit
//! page is `report.html`. See docs/ARCHITECTURE.md "Report pages" for the template contract.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tera::{Context, Tera};

use super::{mask, numbers, scorecard, svg};
use crate::audit::AuditResult;
use crate::compact_text::TextRows;
use crate::error::{Error, Location, Result};
use crate::rules::Action;
use crate::summary::{GateNote, Status, Summary};

/// Failing rows shown per check; the full list is in findings.csv.
pub const SAMPLES_PER_CHECK: usize = 20;
/// Longest text shown in one sample cell, so one huge value cannot bloat the page.
pub const SAMPLE_TEXT_CHARS: usize = 160;
/// Checks shown per source in the "top findings" charts.
pub const TOP_FINDINGS: usize = 5;

/// Every template the binary ships, by name. A family section is `sections/<id>.html`;
/// register it here.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("report.html", include_str!("../../templates/report.html")),
    (
        "partials/verdict.html",
        include_str!("../../templates/partials/verdict.html"),
    ),
    (
        "partials/trail.html",
        include_str!("../../templates/partials/trail.html"),
    ),
    (
        "partials/scorecard.html",
        include_str!("../../templates/partials/scorecard.html"),
    ),
    (
        "partials/checks.html",
        include_str!("../../templates/partials/checks.html"),
    ),
    (
        "partials/samples.html",
        include_str!("../../templates/partials/samples.html"),
    ),
    ("base.css", include_str!("../../templates/base.css")),
    ("sort.js", include_str!("../../templates/sort.js")),
    // The contact families share one section layout (a field report).
    ("sections/identity.html", CONTACT_SECTION),
    ("sections/email.html", CONTACT_SECTION),
    ("sections/phone.html", CONTACT_SECTION),
    (
        "rankings.html",
        include_str!("../../templates/rankings.html"),
    ),
    (
        "sections/fit.html",
        include_str!("../../templates/sections/fit.html"),
    ),
    (
        "sections/consent.html",
        include_str!("../../templates/sections/consent.html"),
    ),
    (
        "sections/suppression.html",
        include_str!("../../templates/sections/suppression.html"),
    ),
    (
        "sections/dedup.html",
        include_str!("../../templates/sections/dedup.html"),
    ),
];

const CONTACT_SECTION: &str = include_str!("../../templates/sections/contact.html");

/// The page templates, built-in or overridden from a folder.
pub struct Templates {
    tera: Tera,
    /// The `--templates` folder, when one was given (render errors are then the user's).
    overrides: Option<PathBuf>,
}

impl Templates {
    /// The built-in templates with the files of `dir` laid over them by relative name.
    /// A file whose name is not a known template is an error (a typo would otherwise be
    /// silently ignored); hidden files are skipped.
    pub fn load(dir: Option<&Path>) -> Result<Templates> {
        let mut sources: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(Error::input(
                    Location::file(dir.display().to_string()),
                    "--templates: not a folder",
                ));
            }
            for path in files_under(dir)? {
                let at = Location::file(path.display().to_string());
                let name = template_name(dir, &path);
                let Some(slot) = sources.iter_mut().find(|(n, _)| *n == name) else {
                    let known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
                    return Err(Error::input(
                        at,
                        format!(
                            "'{name}' is not a report template; templates are: {}",
                            known.join(", ")
                        ),
                    ));
                };
                slot.1 = std::fs::read_to_string(&path)
                    .map_err(|e| Error::input(at, format!("cannot read template: {e}")))?;
            }
        }
        let mut tera = Tera::default();
        tera.register_filter("pct", pct_filter);
        tera.register_filter("count", count_filter);
        tera.register_filter("money", money_filter);
        tera.add_raw_templates(sources).map_err(|e| match dir {
            Some(dir) => Error::input(
                Location::file(dir.display().to_string()),
                format!("invalid template: {}", error_chain(&e)),
            ),
            None => Error::internal_chain("loading report templates", &e),
        })?;
        Ok(Templates {
            tera,
            overrides: dir.map(Path::to_path_buf),
        })
    }

    /// Renders one template (a page or a fragment such as a family section).
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(name, ctx)
            .map_err(|e| match &self.overrides {
                Some(dir) => Error::input(
                    Location::file(dir.display().to_string()),
                    format!("rendering {name}: {}", error_chain(&e)),
                ),
                None => Error::internal_chain(&format!("rendering {name}"), &e),
            })
    }

    /// Renders a whole page that extends `base.html`: adds the page script and the
    /// Content-Security-Policy hash that lets exactly that script run.
    pub fn render_page(&self, name: &str, mut ctx: Context) -> Result<String> {
        let script = self.render("sort.js", &Context::new())?;
        let script_hash = format!(
            "sha256-{}",
            base64(Sha256::digest(script.as_bytes()).as_slice())
        );
        ctx.insert(
            "page",
            &PageAssets {
                script,
                script_hash,
            },
        );
        self.render(name, &ctx)
    }
}

#[derive(Serialize)]
struct PageAssets {
    script: String,
    script_hash: String,
}

/// Files under `dir`, recursively, in name order; hidden files and folders are skipped, and
/// so are symlinked folders (no loops).
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let read = std::fs::read_dir(&folder).map_err(|e| {
            Error::input(
                Location::file(folder.display().to_string()),
                format!("cannot read folder: {e}"),
            )
        })?;
        for entry in read.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(_) if path.is_file() => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `DIR/partials/verdict.html` → `partials/verdict.html`.
fn template_name(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message.replace('\n', " ")
}

/// Standard base64 (for the CSP script hash).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Number filters for templates: `{{ rate | pct }}` (`4.1%`; `pct(decimals=2)` for fixed
/// precision), `{{ n | count }}` (`1,234`), `{{ amount | money }}` (`1,234.50`). A
/// non-number (null) shows as `–`.
fn pct_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let decimals = args.get("decimals").and_then(Value::as_u64);
    Ok(Value::from(value.as_f64().map_or(
        "–".to_string(),
        |v| match decimals {
            Some(d) => numbers::percent_with(v, d.min(6) as usize),
            None => numbers::percent(v),
        },
    )))
}

fn count_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::from(
        value.as_f64().map_or("–".to_string(), numbers::thousands),
    ))
}

fn money_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::from(
        value.as_f64().map_or("–".to_string(), numbers::money),
    ))
}

/// The verdict banner: the gate status and why.
#[derive(Debug, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub headline: String,
    /// Checks above a threshold, failing ones first.
    pub reasons: Vec<Reason>,
    /// Gate conditions that are not row checks.
    pub notes: Vec<GateNote>,
}

#[derive(Debug, Serialize)]
pub struct Reason {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub rows: usize,
    pub rate: f64,
    /// The threshold it is above: `fail_above` for failures, `warn_above` for warnings.
    pub threshold: Option<f64>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verdict of any page with a gate (audit and rankings).
pub fn verdict(summary: &Summary) -> Verdict {
    let mut reasons: Vec<Reason> = summary
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| Reason {
            id: c.id,
            title: c.title,
            status: c.status,
            rows: c.rows,
            rate: c.rate,
            threshold: if c.status == Status::Fail {
                c.fail_above
            } else {
                c.warn_above
            },
        })
        .collect();
    reasons.sort_by(|a, b| b.status.cmp(&a.status).then(b.rate.total_cmp(&a.rate)));
    let gate = &summary.gate;
    let headline = match gate.status {
        Status::Pass => "Every check is within its thresholds.".to_string(),
        Status::Warn => format!(
            "{} above the warn threshold; nothing fails.",
            plural(gate.warned.len(), "condition is", "conditions are")
        ),
        Status::Fail if gate.warned.is_empty() => format!(
            "{} above the fail threshold.",
            plural(gate.failed.len(), "condition is", "conditions are")
        ),
        Status::Fail => format!(
            "{} above the fail threshold, {} above the warn threshold.",
            plural(gate.failed.len(), "condition is", "conditions are"),
            gate.warned.len()
        ),
    };
    Verdict {
        status: gate.status,
        headline,
        reasons,
        notes: gate.notes.clone(),
    }
}

/// The context every page starts from: `summary` and `verdict`.
pub fn page_context(summary: &Summary) -> Context {
    let mut ctx = Context::new();
    ctx.insert("summary", summary);
    ctx.insert("verdict", &verdict(summary));
    ctx
}

#[derive(Serialize)]
struct SampleRow {
    source: String,
    row: u32,
    lead_id: String,
    name: String,
    email: String,
    phone: String,
    detail: String,
}

#[derive(Serialize)]
struct CheckSamples {
    id: &'static str,
    title: &'static str,
    action: Action,
    total: usize,
    rows: Vec<SampleRow>,
}

/// Text shortened to [`SAMPLE_TEXT_CHARS`].
fn clip(text: &str) -> String {
    if text.chars().count() <= SAMPLE_TEXT_CHARS {
        return text.to_string();
    }
    let mut s: String = text.chars().take(SAMPLE_TEXT_CHARS - 1).collect();
    s.push('…');
    s
}

/// Masks email addresses and E.164-looking phone numbers inside free text (finding
/// details), plus the row's own phone as written.
fn mask_text(text: &str, own_phone: &str) -> String {
    static EMAIL: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"[^\s,;:()<>\[\]"'=]+@[^\s,;()<>\[\]"']+"#).ok());
    static E164: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\+\d{8,15}").ok());
    let mut out = text.to_string();
    let own = own_phone.trim();
    if own.chars().filter(char::is_ascii_digit).count() > 4 && out.contains(own) {
        out = out.replace(own, &mask::phone(own));
    }
    if let Some(re) = EMAIL.as_ref() {
        out = re
            .replace_all(&out, |c: &regex::Captures| mask::email(&c[0]))
            .into_owned();
    }
    if let Some(re) = E164.as_ref() {
        out = re
            .replace_all(&out, |c: &regex::Captures| mask::phone(&c[0]))
            .into_owned();
    }
    out
}

/// The first [`SAMPLES_PER_CHECK`] rows of each check that found something, in row order.
fn samples(result: &AuditResult, show_pii: bool) -> Result<Vec<CheckSamples>> {
    let frame = &result.leads.frame;
    // Cells read one at a time: a whole compacted column is not decoded for a few rows.
    let text = |name: &str| frame.column(name).ok().and_then(|c| TextRows::new(c).ok());
    let (lead_id, first, last, full, email, phone) = (
        text("lead_id"),
        text("first_name"),
        text("last_name"),
        text("full_name"),
        text("email"),
        text("phone"),
    );
    let sources = result.leads.sources()?;
    let rows = result.leads.rows()?;
    let get = |column: &Option<TextRows>, row: usize| {
        column
            .as_ref()
            .and_then(|c| c.rows(row, 1).ok())
            .and_then(|cell| cell.get(0).map(str::to_string))
            .unwrap_or_default()
    };
    let mut groups: Vec<CheckSamples> = result
        .summary
        .checks
        .iter()
        .filter(|c| c.rows > 0)
        .map(|c| CheckSamples {
            id: c.id,
            title: c.title,
            action: c.action,
            total: c.rows,
            rows: Vec::new(),
        })
        .collect();
    let index: HashMap<&str, usize> = groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
    let mut open = groups.len();
    let findings = &result.findings;
    for i in 0..findings.len() {
        if open == 0 {
            break;
        }
        let Some(group) = index
            .get(findings.check[i])
            .and_then(|&g| groups.get_mut(g))
        else {
            continue;
        };
        if group.rows.len() >= SAMPLES_PER_CHECK {
            continue;
        }
        let row = findings.row[i] as usize;
        let name = match get(&full, row) {
            n if !n.trim().is_empty() => n,
            _ => format!("{} {}", get(&first, row), get(&last, row))
                .trim()
                .to_string(),
        };
        let (email, phone) = (get(&email, row), get(&phone, row));
        let detail = findings.detail(i);
        let (email, phone, detail) = if show_pii {
            (email, phone, detail.to_string())
        } else {
            let masked_detail = mask_text(detail, &phone);
            let masked = |v: String, f: fn(&str) -> String| if v.is_empty() { v } else { f(&v) };
            (
                masked(email, mask::email),
                masked(phone, mask::phone),
                masked_detail,
            )
        };
        group.rows.push(SampleRow {
            source: clip(sources.get(row).unwrap_or("")),
            row: rows.get(row).unwrap_or(0),
            lead_id: clip(&get(&lead_id, row)),
            name: clip(&name),
            email: clip(&email),
            phone: clip(&phone),
            detail: clip(&detail),
        });
        if group.rows.len() == SAMPLES_PER_CHECK {
            open -= 1;
        }
    }
    Ok(groups)
}

#[derive(Serialize)]
struct SourceChart {
    source: String,
    svg: svg::Svg,
}

/// Bars of the checks that hit the most rows, per source, on one shared scale.
fn top_findings_charts(summary: &Summary) -> Vec<SourceChart> {
    let action = |id: &str| summary.checks.iter().find(|c| c.id == id).map(|c| c.action);
    let tops: Vec<(String, Vec<svg::Bar>)> = summary
        .sources
        .iter()
        .filter(|s| s.rows > 0)
        .map(|s| {
            let mut hits: Vec<(&String, u64)> = s
                .checks
                .iter()
                .filter_map(|(id, n)| n.as_u64().filter(|&n| n > 0).map(|n| (id, n)))
                .collect();
            // Stable sort: ties keep catalog order.
            hits.sort_by_key(|h| std::cmp::Reverse(h.1));
            let bars = hits
                .into_iter()
                .take(TOP_FINDINGS)
                .map(|(id, n)| svg::Bar {
                    label: id.clone(),
                    value: n as f64 / s.rows as f64,
                    series: usize::from(action(id) == Some(Action::Reject)),
                })
                .collect();
            (s.source.clone(), bars)
        })
        .collect();
    let x_max = tops
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.value))
        .fold(0.0_f64, f64::max);
    tops.into_iter()
        .filter(|(_, bars)| !bars.is_empty())
        .map(|(source, bars)| SourceChart {
            svg: svg::bar_chart(&svg::BarChart {
                title: format!("Top findings in {source}"),
                x_label: "share of the source's rows".to_string(),
                format: svg::Format::Percent,
                bars,
                series: vec!["flags the row".to_string(), "rejects the row".to_string()],
                x_max: Some(x_max),
            }),
            source,
        })
        .collect()
}

#[derive(Serialize)]
struct RenderedSection {
    id: &'static str,
    title: String,
    html: String,
}

/// report.html of `rankings`; `data` is shaped by the rankings family (`rankings::report`).
pub fn rankings_report(summary: &Summary, data: &Value, templates: &Templates) -> Result<String> {
    let mut ctx = page_context(summary);
    ctx.insert("data", data);
    templates.render_page("rankings.html", ctx)
}

/// report.html of `audit`.
pub fn audit_report(result: &AuditResult, show_pii: bool, templates: &Templates) -> Result<String> {
    let mut sections = Vec::new();
    for section in &result.sections {
        let mut ctx = Context::new();
        ctx.insert("data", &section.data);
        ctx.insert("show_pii", &show_pii);
        let html = templates.render(&format!("sections/{}.html", section.id), &ctx)?;
        sections.push(RenderedSection {
            id: section.id,
            title: section.title.clone(),
            html,
        });
    }
    let summary = &result.summary;
    let enabled: Vec<&str> = summary.checks.iter().map(|c| c.id).collect();
    let mut ctx = page_context(summary);
    ctx.insert("scorecard_columns", &scorecard::column_views(&enabled));
    ctx.insert(
        "has_prices",
        &summary.scorecard.iter().any(|r| r.price_per_lead.is_some()),
    );
    let acceptance_rate = summary
        .rows
        .filter(|r| r.input > 0)
        .map(|r| r.accepted as f64 / r.input as f64);
    ctx.insert("acceptance_rate", &acceptance_rate);
    ctx.insert("top_findings", &top_findings_charts(summary));
    ctx.insert("sections", &sections);
    ctx.insert("samples", &samples(result, show_pii)?);
    ctx.insert("sample_cap", &SAMPLES_PER_CHECK);
    ctx.insert("show_pii", &show_pii);
    templates.render_page("report.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn builtin_templates_load() {
        let t = Templates::load(None).expect("built-in templates parse");
        let names: Vec<&str> = t.tera.get_template_names().collect();
        for (name, _) in TEMPLATES {
            assert!(names.contains(name), "{name}");
        }
    }

    #[test]
    fn filters_format_numbers_and_nulls() {
        let none = HashMap::new();
        assert_eq!(pct_filter(&Value::from(0.25), &none).unwrap(), "25.0%");
        assert_eq!(pct_filter(&Value::Null, &none).unwrap(), "–");
        let two = HashMap::from([("decimals".to_string(), Value::from(2))]);
        assert_eq!(pct_filter(&Value::from(0.0501), &two).unwrap(), "5.01%");
        assert_eq!(
            count_filter(&Value::from(1234567), &none).unwrap(),
            "1,234,567"
        );
        assert_eq!(money_filter(&Value::from(2.5), &none).unwrap(), "2.50");
    }

    #[test]
    fn details_are_masked() {
        assert_eq!(
            mask_text("did you mean jane.doe@gmail.com?", ""),
            "did you mean j***@gmail.com?"
        );
        assert_eq!(
            mask_text("same as +16502530000 (row 4)", ""),
            "same as +1 ***-***-0000 (row 4)"
        );
        assert_eq!(
            mask_text("landline (650) 253-0000 for sms", "(650) 253-0000"),
            "landline ***-***-0000 for sms"
        );
        // Dates and scores stay readable.
        assert_eq!(
            mask_text("expired 2023-01-05; score 42", ""),
            "expired 2023-01-05; score 42"
        );
    }

    #[test]
    fn clip_bounds_cell_text() {
        let long = "x".repeat(10_000);
        assert_eq!(clip(&long).chars().count(), SAMPLE_TEXT_CHARS);
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn overrides_replace_by_name_and_reject_unknown_names() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("partials")).unwrap();
        std::fs::write(
            dir.path().join("partials/verdict.html"),
            "<p id=\"custom\">{{ verdict.status }}</p>",
        )
        .unwrap();
        std::fs::write(dir.path().join(".hidden"), "ignored").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), dir.path().join("partials/loop")).unwrap();
        let t = Templates::load(Some(dir.path())).expect("override loads");
        let mut ctx = Context::new();
        ctx.insert("verdict", &serde_json::json!({"status": "<b>pass</b>"}));
        let html = t.render("partials/verdict.html", &ctx).unwrap();
        assert_eq!(html, "<p id=\"custom\">&lt;b&gt;pass&lt;&#x2F;b&gt;</p>");

        std::fs::write(dir.path().join("verdikt.html"), "x").unwrap();
        let err = Templates::load(Some(dir.path())).err().unwrap().to_string();
        assert!(
            err.contains("verdikt.html") && err.contains("partials/verdict.html"),
            "{err}"
        );
        std::fs::remove_file(dir.path().join("verdikt.html")).unwrap();

        std::fs::write(dir.path().join("partials/verdict.html"), "{% if %}").unwrap();
        let err = Templates::load(Some(dir.path())).err().unwrap().to_string();
        assert!(err.contains("partials/verdict.html"), "{err}");
    }

    #[test]
    fn page_csp_allows_exactly_the_page_script() {
        let t = Templates::load(None).unwrap();
        let script = t.render("sort.js", &Context::new()).unwrap();
        let mut ctx = Context::new();
        ctx.insert("x", &1);
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(
            dir.path().join("report.html"),
            "{{ page.script_hash | safe }}|{{ page.script | safe }}",
        )
        .unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        let page = t.render_page("report.html", ctx).unwrap();
        let (hash, body) = page.split_once('|').unwrap();
        assert_eq!(body, script);
        let expected = format!("sha256-{}", base64(&Sha256::digest(script.as_bytes())));
        assert_eq!(hash, expected);
    }

    #[test]
    fn stylesheet_text_colours_have_contrast() {
        let css = TEMPLATES
            .iter()
            .find(|(name, _)| *name == "base.css")
            .map(|(_, text)| *text)
            .unwrap();
        let var = |name: &str| -> String {
            let key = format!("--{name}:");
            let at = css.find(&key).unwrap_or_else(|| panic!("no {key}")) + key.len();
            css[at..].trim_start().chars().take(7).collect()
        };
        let pairs = [
            ("ink", "bg"),
            ("muted", "bg"),
            ("muted", "panel"),
            ("accent", "bg"),
            ("fail", "bg"),
            ("warn", "bg"),
            ("pass", "bg"),
            ("ink", "pass-bg"),
            ("ink", "warn-bg"),
            ("ink", "fail-bg"),
            ("muted", "pass-bg"),
            ("muted", "warn-bg"),
            ("muted", "fail-bg"),
            ("masthead-ink", "masthead"),
            ("masthead-muted", "masthead"),
        ];
        for (fg, bg) in pairs {
            let ratio = svg::contrast(&var(fg), &var(bg));
            assert!(ratio >= 4.5, "--{fg} on --{bg}: {ratio:.2}");
        }
        // Badges: white text on the status colours.
        for status in ["pass", "warn", "fail", "muted"] {
            let ratio = svg::contrast("#ffffff", &var(status));
            assert!(ratio >= 4.5, "white on --{status}: {ratio:.2}");
        }
    }

    /// A page for another command (e.g. `rankings`) extends base.html and gets the shared
    /// header, verdict banner, audit trail and script.
    #[test]
    fn other_pages_extend_the_base_layout() {
        use crate::summary::{CheckSummary, Gate, RulesRef, Tool};
        let check = CheckSummary {
            id: "rank.paid_top_share",
            title: "paid products <b>over-represented</b> at the top",
            action: Action::Flag,
            rows: 3,
            rate: 0.3,
            warn_above: Some(0.1),
            fail_above: Some(0.25),
            status: Status::Fail,
        };
        let summary = Summary {
            schema_version: 1,
            tool: Tool::default(),
            command: "rankings",
            generated_at: "2026-11-25T00:00:00Z".into(),
            as_of: "2026-11-25".into(),
            rules: RulesRef {
                path: "rules/rankings-cfpb.toml".into(),
                sha256: "ab".repeat(32),
            },
            inputs: vec![],
            rows: None,
            checks: vec![check],
            sources: vec![],
            scorecard: vec![],
            sections: serde_json::Map::new(),
            gate: Gate::from_statuses([("rank.paid_top_share", Status::Fail)].into_iter(), vec![]),
        };
        let mut t = Templates::load(None).unwrap();
        t.tera
            .add_raw_template(
                "rankings.html",
                "{% extends \"base.html\" %}{% block heading %}Ranking audit{% endblock heading %}\
                 {% block content %}<p id=\"tests\">{{ tests }}</p>{% endblock content %}",
            )
            .unwrap();
        let mut ctx = page_context(&summary);
        ctx.insert("tests", "<i>none</i>");
        let html = t.render_page("rankings.html", ctx).unwrap();
        assert!(html.contains("<h1>Ranking audit</h1>"));
        assert!(html.contains("<p id=\"tests\">&lt;i&gt;none&lt;&#x2F;i&gt;</p>"));
        assert!(html.contains("class=\"verdict fail\""), "verdict banner");
        assert!(html.contains("rank.paid_top_share") && html.contains("30.00%"));
        assert!(html.contains("&lt;b&gt;over-represented"), "titles escaped");
        assert!(html.contains("id=\"trail\"") && html.contains("rules&#x2F;rankings-cfpb.toml"));
        assert!(html.contains("script-src 'sha256-"));
        assert_eq!(html.matches("<script>").count(), 1);
    }
}
