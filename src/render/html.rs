//! report.html: one self-contained page rendered with tera (autoescaping on, so data is
//! always escaped). Family sections come from `templates/sections/<id>.html`.

use serde::Serialize;
use tera::{Context, Tera};

use super::mask;
use crate::audit::AuditResult;
use crate::error::{Error, Result};

/// Failing rows shown per check; the full list is in findings.csv.
pub const SAMPLES_PER_CHECK: usize = 20;

const TEMPLATES: &[(&str, &str)] = &[
    ("report.html", include_str!("../../templates/report.html")),
    ("base.css", include_str!("../../templates/base.css")),
    // The contact families share one section layout (a field report).
    ("sections/identity.html", CONTACT_SECTION),
    ("sections/email.html", CONTACT_SECTION),
    ("sections/phone.html", CONTACT_SECTION),
    (
        "sections/dedup.html",
        include_str!("../../templates/sections/dedup.html"),
    ),
];

const CONTACT_SECTION: &str = include_str!("../../templates/sections/contact.html");

fn tera() -> Result<Tera> {
    let mut tera = Tera::default();
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| Error::internal_chain("loading report templates", &e))?;
    Ok(tera)
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
    total: usize,
    rows: Vec<SampleRow>,
}

fn samples(result: &AuditResult, show_pii: bool) -> Result<Vec<CheckSamples>> {
    let frame = &result.leads.frame;
    let text = |name: &str| frame.column(name).ok().and_then(|c| c.str().ok());
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
    let get = |col: Option<&polars::prelude::StringChunked>, row: usize| {
        col.and_then(|c| c.get(row)).unwrap_or("").to_string()
    };
    let mut out: Vec<CheckSamples> = result
        .summary
        .checks
        .iter()
        .filter(|c| c.rows > 0)
        .map(|c| CheckSamples {
            id: c.id,
            title: c.title,
            total: c.rows,
            rows: Vec::new(),
        })
        .collect();
    let findings = &result.findings;
    for i in 0..findings.len() {
        let Some(group) = out.iter_mut().find(|g| g.id == findings.check[i]) else {
            continue;
        };
        if group.rows.len() >= SAMPLES_PER_CHECK {
            continue;
        }
        let row = findings.row[i] as usize;
        let name = match get(full, row) {
            n if !n.is_empty() => n,
            _ => format!("{} {}", get(first, row), get(last, row))
                .trim()
                .to_string(),
        };
        let (email, phone) = (get(email, row), get(phone, row));
        group.rows.push(SampleRow {
            source: sources.get(row).unwrap_or("").to_string(),
            row: rows.get(row).unwrap_or(0),
            lead_id: get(lead_id, row),
            name,
            email: if show_pii || email.is_empty() {
                email
            } else {
                mask::email(&email)
            },
            phone: if show_pii || phone.is_empty() {
                phone
            } else {
                mask::phone(&phone)
            },
            detail: findings.detail[i].clone(),
        });
    }
    Ok(out)
}

#[derive(Serialize)]
struct RenderedSection {
    id: &'static str,
    title: String,
    html: String,
}

pub fn audit_report(result: &AuditResult, show_pii: bool) -> Result<String> {
    let tera = tera()?;
    let mut sections = Vec::new();
    for section in &result.sections {
        let name = format!("sections/{}.html", section.id);
        let mut ctx = Context::new();
        ctx.insert("data", &section.data);
        ctx.insert("show_pii", &show_pii);
        let html = tera
            .render(&name, &ctx)
            .map_err(|e| Error::internal_chain(&format!("rendering {name}"), &e))?;
        sections.push(RenderedSection {
            id: section.id,
            title: section.title.clone(),
            html,
        });
    }
    let mut ctx = Context::new();
    ctx.insert("summary", &result.summary);
    ctx.insert("samples", &samples(result, show_pii)?);
    ctx.insert("sample_cap", &SAMPLES_PER_CHECK);
    ctx.insert("sections", &sections);
    ctx.insert("show_pii", &show_pii);
    tera.render("report.html", &ctx)
        .map_err(|e| Error::internal_chain("rendering report.html", &e))
}
