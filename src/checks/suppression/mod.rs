//! Suppression: leads whose email, email domain or phone is on a `--suppress` list.
//! `suppress.dnc` for Do-Not-Call lists, `suppress.list` for every other list (see `lists`
//! for formats and how a file is recognised as a DNC list).
//!
//! The report states each DNC list's date and age at `--as-of`; a gate note warns when a
//! list is older than `suppression.dnc_max_age_days` (the 31-day registry safe harbour),
//! when its date is unknown, and when leads are meant for calls or texts but no DNC list was
//! given at all.

mod lists;

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::consent::{lead_channels, Channels};
use super::match_keys::{email_key, lead_countries, lead_phone_keys};
use super::{
    row_blocks, str_cells, str_column, CheckInfo, Findings, ReportSection, SideInput, Stage,
    StageContext, StageOutput,
};
use crate::error::Result;
use crate::ingest::HeaderMap;
use crate::summary::{GateNote, Status};
use lists::{phone_number, read_list, Kind, ListFile};

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "suppress.dnc",
        family: "suppression",
        title: "phone (or address) is on a Do-Not-Call list",
    },
    CheckInfo {
        id: "suppress.list",
        family: "suppression",
        title: "email, email domain or phone is on a suppression list",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionRules {
    /// A `--suppress` file whose name contains one of these (ignoring case) is a DNC list.
    pub dnc_file_markers: Vec<String>,
    /// Date (YYYY-MM-DD) the DNC list was downloaded, used when neither a `# date:` line in
    /// the file nor its name gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnc_list_date: Option<String>,
    /// A DNC list older than this many days at `--as-of` makes the gate warn.
    pub dnc_max_age_days: u32,
    /// A domain on a list also suppresses its subdomains (`example.com` -> `mail.example.com`).
    pub match_subdomains: bool,
}

impl SuppressionRules {
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        if self.dnc_file_markers.iter().any(|m| m.trim().is_empty()) {
            return Err((
                "suppression.dnc_file_markers".into(),
                "`suppression.dnc_file_markers` has an empty marker".into(),
            ));
        }
        if let Some(date) = &self.dnc_list_date {
            if chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").is_err() {
                return Err((
                    "suppression.dnc_list_date".into(),
                    format!(
                        "`suppression.dnc_list_date` is \"{date}\": write it as \"YYYY-MM-DD\""
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A slice of rows' findings (row, check, detail) and its leads hit per list.
type SliceHits = (Vec<(u32, &'static str, String)>, Vec<usize>);

pub struct SuppressionStage;

impl Stage for SuppressionStage {
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &["identity", "email", "phone"]
    }

    fn side_inputs(&self) -> &'static [SideInput] {
        &[SideInput::Suppress]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        if !CHECKS.iter().any(|c| ctx.rules.is_enabled(c.id)) {
            return Ok(StageOutput::default());
        }
        let rules = &ctx.rules.suppression;
        let region = ctx.rules.leads.default_country.as_str();
        let headers = HeaderMap::from_rules(ctx.rules);
        let files = ctx
            .side
            .suppress
            .iter()
            .map(|path| read_list(path, rules, &headers, region))
            .collect::<Result<Vec<ListFile>>>()?;

        let height = leads.height();
        let mut findings = Findings::default();
        let mut hits_per_file = vec![0usize; files.len()];
        if !files.is_empty() {
            let countries = lead_countries(leads)?;
            let phones = lead_phone_keys(leads, &countries, region)?;
            let emails = str_column(leads, "email")?;
            let emails = emails.as_deref();
            // Rows are looked up a slice at a time on both cores (one core took 9 s at 10M
            // leads); the slices' findings are added in row order.
            const ROWS_PER_TASK: usize = 64 * 1024;
            let slices: Vec<SliceHits> = row_blocks(height, ROWS_PER_TASK)
                .map(|rows| {
                    let (start, len) = (rows.start, rows.len());
                    let phones = phones.slice(start as i64, len);
                    let emails = emails.map(|e| e.slice(start as i64, len));
                    let mut found = Vec::new();
                    let mut hits_per_file = vec![0usize; files.len()];
                    for (i, (email, phone)) in str_cells(emails.as_ref(), len)
                        .zip(phones.iter())
                        .enumerate()
                    {
                        let row = (start + i) as u32;
                        let email = email.and_then(email_key);
                        let email = email.as_deref();
                        let phone = phone.and_then(phone_number);
                        let mut hits: [Vec<String>; 2] = Default::default();
                        for (count, file) in hits_per_file.iter_mut().zip(&files) {
                            let on_list = file_hits(file, email, phone, rules.match_subdomains);
                            if !on_list.is_empty() {
                                *count += 1;
                            }
                            let (slot, list) = match file.kind {
                                Kind::Dnc => (0, "Do-Not-Call list"),
                                Kind::List => (1, "suppression list"),
                            };
                            for (what, line) in on_list {
                                hits[slot].push(format!(
                                    "{what} on {list} {} ({} {line})",
                                    file.name, file.unit
                                ));
                            }
                        }
                        for (id, hits) in ["suppress.dnc", "suppress.list"].into_iter().zip(hits) {
                            if !hits.is_empty() {
                                found.push((row, id, hits.join("; ")));
                            }
                        }
                    }
                    (found, hits_per_file)
                })
                .collect();
            for (found, hits) in slices {
                for (row, check, detail) in found {
                    findings.push(row, check, detail);
                }
                for (total, n) in hits_per_file.iter_mut().zip(hits) {
                    *total += n;
                }
            }
        }

        let mut gate_notes = Vec::new();
        let mut file_rows = Vec::new();
        for (file, hits) in files.iter().zip(&hits_per_file) {
            let age = file
                .list_date
                .map(|(date, _)| (ctx.as_of - date).num_days());
            if file.kind == Kind::Dnc && ctx.rules.is_enabled("suppress.dnc") {
                if let Some(message) = dnc_age_problem(file, rules.dnc_max_age_days, ctx) {
                    gate_notes.push(GateNote {
                        id: "suppress.dnc.list_age".into(),
                        status: Status::Warn,
                        message,
                    });
                }
            }
            if let Some(first) = file.unrecognised.first() {
                gate_notes.push(GateNote {
                    id: "suppress.unrecognised".into(),
                    status: Status::Warn,
                    message: match file.unrecognised.len() {
                        1 => format!(
                            "{}: {} {first} is not an email, phone or domain and suppresses nothing",
                            file.path, file.unit
                        ),
                        n => format!(
                            "{}: {n} {}s are not an email, phone or domain and suppress nothing (first: {} {first})",
                            file.path, file.unit, file.unit
                        ),
                    },
                });
            }
            file_rows.push(json!({
                "path": file.path,
                "kind": match file.kind { Kind::Dnc => "dnc", Kind::List => "list" },
                "kind_from": file.kind_from,
                "emails": file.emails.len(),
                "phones": file.phones.len(),
                "domains": file.domains.len(),
                "unrecognised": file.unrecognised.len(),
                "first_unrecognised": file.unrecognised.iter().take(5).collect::<Vec<_>>(),
                "unit": file.unit,
                "list_date": file.list_date.map(|(d, _)| d.format("%Y-%m-%d").to_string()),
                "list_date_from": file.list_date.map(|(_, from)| from),
                "age_days": if file.kind == Kind::Dnc { age } else { None },
                "leads_hit": hits,
            }));
        }
        if ctx.rules.is_enabled("suppress.dnc")
            && !files.iter().any(|f| f.kind == Kind::Dnc)
            && calls_or_texts_planned(leads, ctx)?
        {
            gate_notes.push(GateNote {
                id: "suppress.dnc.no_list".into(),
                status: Status::Warn,
                message: "leads are meant for calls or texts but no Do-Not-Call list was given (--suppress): numbers were not screened".into(),
            });
        }
        let data = json!({
            "files": file_rows,
            "dnc_max_age_days": rules.dnc_max_age_days,
            "as_of": ctx.as_of.format("%Y-%m-%d").to_string(),
        });
        Ok(StageOutput {
            findings,
            summary: vec![("suppression".into(), data.clone())],
            report: Some(ReportSection {
                id: "suppression",
                title: "Suppression and Do-Not-Call".into(),
                data,
            }),
            gate_notes,
            ..StageOutput::default()
        })
    }
}

/// What a lead matches in one file: (what, line).
fn file_hits(
    file: &ListFile,
    email: Option<&str>,
    phone: Option<u64>,
    subdomains: bool,
) -> Vec<(&'static str, u32)> {
    let mut found = Vec::new();
    if let Some(line) = email.and_then(|e| file.emails.get(e)) {
        found.push(("email", *line));
    }
    if let Some(domain) = email.and_then(|e| e.rsplit_once('@')).map(|(_, d)| d) {
        let mut candidate = Some(domain);
        while let Some(d) = candidate {
            if let Some(line) = file.domains.get(d) {
                found.push(("email domain", *line));
                break;
            }
            candidate = d
                .split_once('.')
                .map(|(_, rest)| rest)
                .filter(|_| subdomains);
        }
    }
    if let Some(line) = phone.and_then(|p| file.phones.get(&p)) {
        found.push(("phone", *line));
    }
    found
}

fn dnc_age_problem(file: &ListFile, max_days: u32, ctx: &StageContext) -> Option<String> {
    let cite = "the registry safe harbour needs a version at most";
    let Some((date, from)) = file.list_date else {
        return Some(format!(
            "Do-Not-Call list {} has no date: add a `# date: YYYY-MM-DD` line, put the date in its file name, or set suppression.dnc_list_date ({cite} {max_days} days old, 16 CFR 310.4(b)(3)(iv))",
            file.path
        ));
    };
    let days = (ctx.as_of - date).num_days();
    if days < 0 {
        Some(format!(
            "Do-Not-Call list {} is dated {date} (from {from}), after --as-of {}",
            file.path, ctx.as_of
        ))
    } else if days > i64::from(max_days) {
        Some(format!(
            "Do-Not-Call list {} is {days} days old at {} (dated {date}, from {from}); {cite} {max_days} days old (16 CFR 310.4(b)(3)(iv), 47 CFR 64.1200(c)(2)(i)(D))",
            file.path, ctx.as_of
        ))
    } else {
        None
    }
}

/// True when some lead is meant for calls or texts.
fn calls_or_texts_planned(leads: &DataFrame, ctx: &StageContext) -> Result<bool> {
    let voice =
        Channels::named("call").unwrap_or_default() | Channels::named("sms").unwrap_or_default();
    Ok(lead_channels(leads, ctx.rules)?
        .iter()
        .any(|c| c.intersects(voice)))
}
