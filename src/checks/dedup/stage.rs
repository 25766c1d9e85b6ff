//! The dedup stage: the lead frame (and the `--known` contacts) become the engine's columns;
//! the outcome becomes findings, optional filled columns, summary.json's `overlap` and
//! `dedup` sections and the report's overlap matrix.
//!
//! Keys: the leads' `email_normalized` and `phone_e164` from the contact stages (blank when
//! invalid, so invalid values never match). The known contacts, which no contact stage reads,
//! are verified here the same way (`verify_distinct_emails`, `verify_phone` in the row's
//! country or the default one), once per distinct value.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use polars::prelude::*;
use rayon::prelude::*;
use serde_json::json;

use super::records::TextColumnBuilder;
use super::{deduplicate, plan_fills, Checks, Criterion, Outcome, Records, Source, TextColumn};
use crate::checks::distinct::Distinct;
use crate::checks::email::{verify_distinct_emails, EmailLists};
use crate::checks::identity::normalize_country;
use crate::checks::phone::verify_phone;
use crate::checks::{
    distinct_column, row_blocks, str_cells, str_column, CheckInfo, Findings, ReportSection,
    SideInput, Stage, StageContext, StageOutput,
};
use crate::error::{Error, PolarsContext, Result};
use crate::ingest::{ROW_COL, SOURCE_COL};
use crate::rules::{Rules, CANONICAL_FIELDS};
use crate::summary::{GateNote, Status};

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "dup.email",
        family: "dedup",
        title: "same normalised email as a kept row (a role address: and the same name)",
    },
    CheckInfo {
        id: "dup.phone",
        family: "dedup",
        title: "same E.164 phone as a kept row",
    },
    CheckInfo {
        id: "dup.fuzzy",
        family: "dedup",
        title: "same person or company as a kept row by a fuzzy match rule",
    },
    CheckInfo {
        id: "dup.known",
        family: "dedup",
        title: "already among the known contacts (--known)",
    },
];

/// The name the known contacts have in findings and overlap (`known:17`).
const KNOWN_SOURCE: &str = "known";

pub struct DedupStage;

impl Stage for DedupStage {
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &["identity", "email", "phone"]
    }

    fn side_inputs(&self) -> &'static [SideInput] {
        &[SideInput::Known]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let rules = ctx.rules;
        let known_frame = ctx.side.known.as_ref().map(|t| &t.frame);
        let checks = Checks {
            email: rules.is_enabled("dup.email"),
            phone: rules.is_enabled("dup.phone"),
            fuzzy: rules.is_enabled("dup.fuzzy"),
            known: rules.is_enabled("dup.known") && known_frame.is_some(),
        };
        if !(checks.email || checks.phone || checks.fuzzy || checks.known) {
            return Ok(StageOutput::default());
        }
        let mut records = records(leads, known_frame, ctx)?;
        let outcome = deduplicate(&mut records, &rules.dedup, checks)
            .map_err(|e| Error::internal("deduplicating", e))?;
        let lead_rows = leads.height();
        let mut findings = Findings::default();
        for f in outcome
            .findings
            .iter()
            .filter(|f| (f.row as usize) < lead_rows)
        {
            findings.push(f.row, f.check.id(), f.detail.clone());
        }
        let columns = if rules.dedup.survivorship.fill_blanks {
            filled_columns(
                leads,
                &records,
                &outcome,
                &rules.dedup.survivorship.fill_fields,
            )?
        } else {
            Vec::new()
        };
        let overlap = serde_json::to_value(&outcome.overlap)
            .map_err(|e| Error::internal_chain("overlap summary", &e))?;
        let stats = serde_json::to_value(&outcome.stats)
            .map_err(|e| Error::internal_chain("dedup summary", &e))?;
        let capped = Capped::of(&outcome);
        let dedup_summary = json!({
            "clusters": outcome.clusters.len(),
            "blocks_capped": capped.blocks,
            "pairs_skipped": capped.pairs_skipped,
            "blocking": stats,
        });
        Ok(StageOutput {
            columns,
            findings,
            report: Some(ReportSection {
                id: "dedup",
                title: "Duplicates and list overlap".to_string(),
                data: report_data(&outcome, checks.known),
            }),
            summary: vec![
                ("overlap".to_string(), overlap),
                ("dedup".to_string(), dedup_summary),
            ],
            gate_notes: capped.note().into_iter().collect(),
        })
    }
}

/// Blocks over their pass's `max_block_size`, over all passes.
struct Capped {
    blocks: u64,
    /// Rows compared by sorted neighbourhood only.
    neighbourhood_rows: u64,
    pairs_skipped: u64,
}

impl Capped {
    fn of(outcome: &Outcome) -> Capped {
        let passes = &outcome.stats.passes;
        Capped {
            blocks: passes.iter().map(|p| p.oversized_blocks).sum(),
            neighbourhood_rows: passes.iter().map(|p| p.neighbourhood_rows).sum(),
            pairs_skipped: passes.iter().map(|p| p.pairs_skipped).sum(),
        }
    }

    /// An informational gate note (it does not change the gate) when blocking left pairs
    /// of a block uncompared: duplicates among very common keys may be missed.
    fn note(&self) -> Option<GateNote> {
        (self.pairs_skipped > 0).then(|| GateNote {
            id: "dup.blocks_capped".into(),
            status: Status::Pass,
            message: format!(
                "duplicate search: {} blocks capped at their maximum size (split by finer keys \
                 or compared by sorted neighbourhood, {} rows), {} pairs in them not compared \
                 there; other blocking passes may still compare some, but duplicates among \
                 very common keys may be missed (see summary.json dedup.blocking)",
                self.blocks, self.neighbourhood_rows, self.pairs_skipped
            ),
        })
    }
}

/// Dates of birth in one spelling (`YYYYMMDD`) when they parse as a common date format;
/// otherwise the text as given.
fn birth_date_key(raw: &str) -> String {
    let value = raw.trim();
    ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(value, f).ok())
        .map_or_else(|| value.to_string(), |d| d.format("%Y%m%d").to_string())
}

/// `captured_at` as seconds since the epoch: RFC 3339, or a naive date-time (taken as UTC),
/// or a date.
fn captured_seconds(raw: &str) -> Option<i64> {
    let value = raw.trim();
    let date = || {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
    };
    let date_time = || {
        DateTime::parse_from_rfc3339(value)
            .map(|t| t.timestamp())
            .ok()
            .or_else(|| {
                ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                    .iter()
                    .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
                    .map(|t| t.and_utc().timestamp())
            })
    };
    // No value is both (a date-time needs a time after the day), so the order only sets
    // the cost: a date alone (a CRM's `Created Date`) is at most 10 characters and is tried
    // first rather than after four failed parses.
    if value.len() <= 10 {
        date().or_else(date_time)
    } else {
        date_time().or_else(date)
    }
}

/// A text column of one part as the dedup stage reads it: a compacted column by its
/// distinct values and each row's index among them (no string decoded or hashed per row),
/// any other as strings.
enum Values<'a> {
    Keyed(Distinct<&'a str>),
    Text(Cow<'a, StringChunked>),
    /// The frame lacks the column: every row blank.
    Absent(usize),
}

impl<'a> Values<'a> {
    fn of(frame: &'a DataFrame, name: &str) -> Result<Values<'a>> {
        let Ok(column) = frame.column(name) else {
            return Ok(Values::Absent(frame.height()));
        };
        Ok(
            match crate::compact_text::distinct_ids(column).step(name)? {
                Some(distinct) => Values::Keyed(distinct),
                None => Values::Text(crate::compact_text::text(column).step(name)?),
            },
        )
    }

    fn cells(&self) -> Box<dyn Iterator<Item = Cell<'_>> + '_> {
        match self {
            Values::Keyed(distinct) => keyed_cells(&distinct.row_key),
            Values::Text(values) => Box::new(values.iter().map(Cell::Text)),
            Values::Absent(rows) => Box::new(std::iter::repeat_n(Cell::Text(None), *rows)),
        }
    }

    fn value<'c>(&'c self, cell: Cell<'c>) -> Option<&'c str> {
        match (self, cell) {
            (_, Cell::Text(value)) => value,
            (Values::Keyed(distinct), Cell::Key(key)) => distinct.keys.get(key as usize).copied(),
            (_, Cell::Key(_)) => None,
        }
    }
}

/// Each row's key (none: blank).
fn keyed_cells(row_key: &[Option<u32>]) -> Box<dyn Iterator<Item = Cell<'_>> + '_> {
    Box::new(
        row_key
            .iter()
            .map(|key| key.map_or(Cell::Text(None), Cell::Key)),
    )
}

/// One row's value as interning reads it: the text, or an index into its part's keys
/// ([`Cells::key`]), whose id is looked up once for all the rows sharing it.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(Option<&'a str>),
    Key(u32),
}

/// The cells of one field of one part, read value by value while the field is interned:
/// per-row vectors of all eight fields at once were ~2 GB of the dedup stage's peak at 10M
/// rows.
enum Cells<'a> {
    /// A frame column as it is.
    Column(Values<'a>),
    /// A value derived once per distinct raw value: each row's index into `values`.
    PerValue {
        row_key: Vec<Option<u32>>,
        values: Vec<Option<String>>,
    },
    /// First or last name; a row with neither takes them from `full_name` (last word = last
    /// name).
    Name {
        first: Values<'a>,
        last: Values<'a>,
        full: Values<'a>,
        last_name: bool,
    },
}

impl<'a> Cells<'a> {
    fn column(frame: &'a DataFrame, name: &str) -> Result<Cells<'a>> {
        Ok(Cells::Column(Values::of(frame, name)?))
    }

    fn per_value<K: std::hash::Hash + Eq + Clone + Sync>(
        distinct: Distinct<K>,
        derive: impl Fn(&K) -> Option<String> + Sync + Send,
    ) -> Cells<'a> {
        let values = distinct.map(derive);
        Cells::PerValue {
            row_key: distinct.row_key,
            values,
        }
    }

    /// The column whose keys [`Cell::Key`] indexes; `None` for per-value cells, whose keys
    /// index their derived values.
    fn keyed_column(&self) -> Option<&Values<'a>> {
        match self {
            Cells::Column(values) => Some(values),
            Cells::PerValue { .. } => None,
            Cells::Name {
                first,
                last,
                last_name,
                ..
            } => Some(if *last_name { last } else { first }),
        }
    }

    /// How many keys [`Cell::Key`] may index.
    fn keys(&self) -> usize {
        match (self, self.keyed_column()) {
            (Cells::PerValue { values, .. }, _) => values.len(),
            (_, Some(Values::Keyed(distinct))) => distinct.keys.len(),
            _ => 0,
        }
    }

    /// At most how many values interning looks up: one per key, or one per row of a column
    /// read as strings.
    fn looked_up(&self) -> usize {
        match self.keyed_column() {
            Some(Values::Text(text)) => text.len(),
            _ => self.keys(),
        }
    }

    /// The value of key `key`.
    fn key(&self, key: u32) -> Option<&str> {
        match (self, self.keyed_column()) {
            (Cells::PerValue { values, .. }, _) => {
                values.get(key as usize).and_then(Option::as_deref)
            }
            (_, Some(values)) => values.value(Cell::Key(key)),
            (_, None) => None,
        }
    }

    fn iter(&self) -> Box<dyn Iterator<Item = Cell<'_>> + '_> {
        match self {
            Cells::Column(values) => values.cells(),
            Cells::PerValue { row_key, .. } => keyed_cells(row_key),
            Cells::Name {
                first,
                last,
                full,
                last_name,
            } => {
                let blank = |v: Option<&str>| v.is_none_or(|s| s.trim().is_empty());
                let last_name = *last_name;
                Box::new(first.cells().zip(last.cells()).zip(full.cells()).map(
                    move |((f, l), full_cell)| {
                        let own = if last_name { l } else { f };
                        if !(blank(first.value(f)) && blank(last.value(l))) {
                            return own;
                        }
                        let Some(whole) = full.value(full_cell) else {
                            return own;
                        };
                        let whole = whole.trim();
                        let (f, l) = match whole.rsplit_once(char::is_whitespace) {
                            Some((f, l)) => (Some(f.trim()), Some(l)),
                            None => (None, Some(whole)),
                        };
                        Cell::Text(if last_name { l } else { f })
                    },
                ))
            }
        }
    }
}

/// One part of the engine input: the lead frame or the known contacts.
struct Part<'a> {
    frame: &'a DataFrame,
    /// The leads carry the contact stages' `email_normalized` / `phone_e164`; the known
    /// contacts are verified here.
    verified: bool,
}

impl<'a> Part<'a> {
    fn email(&self, rules: &Rules, lists: &EmailLists) -> Result<Cells<'a>> {
        if self.verified {
            return Cells::column(self.frame, "email_normalized");
        }
        let distinct = distinct_column(self.frame, "email")?;
        // Only the normalised address is wanted: no issues built.
        let values = verify_distinct_emails(&distinct.keys, &rules.email, lists, |_| false)
            .into_iter()
            .map(|verdict| verdict.normalized)
            .collect();
        Ok(Cells::PerValue {
            row_key: distinct.row_key,
            values,
        })
    }

    fn phone(&self, rules: &Rules) -> Result<Cells<'a>> {
        if self.verified {
            return Cells::column(self.frame, "phone_e164");
        }
        let default = rules.leads.default_country.as_str();
        let rows = self.frame.height();
        let (countries, phones) = (
            str_column(self.frame, "country")?,
            str_column(self.frame, "phone")?,
        );
        let countries = str_cells(countries.as_deref(), rows);
        let phones = str_cells(phones.as_deref(), rows);
        Ok(Cells::per_value(
            Distinct::new(phones.zip(countries).map(|(phone, country)| {
                let region = country.and_then(normalize_country).unwrap_or(default);
                phone.map(|p| (p, region))
            })),
            |(raw, region)| verify_phone(raw, region).e164,
        ))
    }

    fn name(&self, last_name: bool) -> Result<Cells<'a>> {
        Ok(Cells::Name {
            first: Values::of(self.frame, "first_name")?,
            last: Values::of(self.frame, "last_name")?,
            full: Values::of(self.frame, "full_name")?,
            last_name,
        })
    }

    fn birth_date(&self) -> Result<Cells<'a>> {
        Ok(Cells::per_value(
            distinct_column(self.frame, "date_of_birth")?,
            |raw| Some(birth_date_key(raw)),
        ))
    }

    /// Non-blank canonical fields per row (`lead_id` not counted).
    fn completeness(&self) -> Result<Vec<u16>> {
        // Rows counted per parallel task, each task reading its slice of every column.
        const ROWS_PER_TASK: usize = 64 * 1024;
        let columns: Vec<Values> = CANONICAL_FIELDS
            .iter()
            .filter(|f| **f != "lead_id")
            .map(|f| Values::of(self.frame, f))
            .collect::<Result<_>>()?;
        // A compacted column's blanks are found once per distinct value.
        let filled_keys: Vec<Vec<bool>> = columns
            .iter()
            .map(|values| match values {
                Values::Keyed(distinct) => {
                    distinct.keys.iter().map(|k| !k.trim().is_empty()).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        Ok(row_blocks(self.frame.height(), ROWS_PER_TASK)
            .flat_map_iter(|rows| {
                let mut counts = vec![0u16; rows.len()];
                for (column, filled) in columns.iter().zip(&filled_keys) {
                    match column {
                        Values::Keyed(distinct) => {
                            let keys = distinct.row_key.get(rows.clone()).unwrap_or_default();
                            for (count, key) in counts.iter_mut().zip(keys) {
                                if key.is_some_and(|k| filled.get(k as usize) == Some(&true)) {
                                    *count += 1;
                                }
                            }
                        }
                        Values::Text(values) => {
                            let values = values.slice(rows.start as i64, rows.len());
                            for (count, value) in counts.iter_mut().zip(values.iter()) {
                                if value.is_some_and(|v| !v.trim().is_empty()) {
                                    *count += 1;
                                }
                            }
                        }
                        Values::Absent(_) => {}
                    }
                }
                counts
            })
            .collect())
    }

    fn captured_at(&self, needed: bool) -> Result<Vec<Option<i64>>> {
        if !needed {
            return Ok(vec![None; self.frame.height()]);
        }
        let rows = self.frame.height();
        let captured = str_column(self.frame, "captured_at")?;
        let cells: Vec<Option<&str>> = str_cells(captured.as_deref(), rows).collect();
        Ok(cells
            .into_par_iter()
            .map(|v| v.and_then(captured_seconds))
            .collect())
    }
}

/// Interns one field over the leads then the known contacts. A key's id is looked up at its
/// first row and reused for the others: a compacted column's rows are not hashed one by one.
fn column(parts: &[Cells], rows: usize) -> TextColumn {
    let looked_up = parts.iter().map(Cells::looked_up).sum();
    let mut builder = TextColumnBuilder::with_rows(rows, looked_up);
    for part in parts {
        let mut key_ids = vec![u32::MAX; part.keys()];
        for cell in part.iter() {
            let id = match cell {
                Cell::Text(value) => builder.id(value),
                Cell::Key(key) => match key_ids.get_mut(key as usize) {
                    Some(id) if *id != u32::MAX => *id,
                    Some(id) => {
                        *id = builder.id(part.key(key));
                        *id
                    }
                    None => builder.id(part.key(key)),
                },
            };
            builder.push(id);
        }
    }
    builder.finish()
}

fn records(leads: &DataFrame, known: Option<&DataFrame>, ctx: &StageContext) -> Result<Records> {
    let rules = ctx.rules;
    let mut parts = vec![Part {
        frame: leads,
        verified: true,
    }];
    if let Some(frame) = known.filter(|_| rules.is_enabled("dup.known")) {
        parts.push(Part {
            frame,
            verified: false,
        });
    }

    // Sources in input order, then the known contacts.
    let mut sources: Vec<Source> = Vec::new();
    let mut source = Vec::new();
    let mut row = Vec::new();
    let source_column = str_column(leads, SOURCE_COL)?
        .ok_or_else(|| Error::internal(SOURCE_COL, "the lead frame has no such column"))?;
    let row_column = leads
        .column(ROW_COL)
        .and_then(|c| c.u32().cloned())
        .step(ROW_COL)?;
    for (name, number) in source_column.iter().zip(row_column.iter()) {
        let name = name.unwrap_or("");
        let index = match sources.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                sources.push(Source {
                    name: name.to_string(),
                    known: false,
                    priority: rules.sources.get(name).and_then(|s| s.priority),
                });
                sources.len() - 1
            }
        };
        source.push(index as u16);
        row.push(number.unwrap_or(0));
    }
    if let Some(known_part) = parts.get(1) {
        let index = sources.len() as u16;
        sources.push(Source {
            name: KNOWN_SOURCE.to_string(),
            known: true,
            priority: None,
        });
        source.extend(std::iter::repeat_n(index, known_part.frame.height()));
        row.extend(1..=known_part.frame.height() as u32);
    }
    if sources.len() > usize::from(u16::MAX) {
        return Err(Error::Usage(format!(
            "{} lead sources: dedup supports at most {}",
            sources.len(),
            u16::MAX
        )));
    }

    let newest = rules
        .dedup
        .survivorship
        .prefer
        .contains(&Criterion::NewestCapturedAt);
    let mut completeness = Vec::new();
    let mut captured_at = Vec::new();
    let lists = EmailLists::new(&rules.email);
    // Per field, its cells in each part.
    let mut fields: Vec<Vec<Cells>> = (0..8).map(|_| Vec::new()).collect();
    for part in &parts {
        completeness.extend(part.completeness()?);
        captured_at.extend(part.captured_at(newest)?);
        let cells = [
            part.name(false)?,
            part.name(true)?,
            Cells::column(part.frame, "company")?,
            Cells::column(part.frame, "postal_code")?,
            Cells::column(part.frame, "address")?,
            part.email(rules, &lists)?,
            part.phone(rules)?,
            part.birth_date()?,
        ];
        for (field, cells) in fields.iter_mut().zip(cells) {
            field.push(cells);
        }
    }
    let rows = source.len();
    // The fields are independent: intern them in parallel.
    let mut built: Vec<TextColumn> = fields.par_iter().map(|cells| column(cells, rows)).collect();
    let mut take = || built.remove(0);
    let mut records = Records {
        sources,
        source,
        row,
        completeness,
        captured_at,
        first_name: take(),
        last_name: take(),
        company: take(),
        postal_code: take(),
        address: take(),
        email: take(),
        phone: take(),
        date_of_birth: take(),
        shared_mailbox: Vec::new(),
    };
    records.mark_shared_mailboxes(|local| lists.is_role(local));
    Ok(records)
}

/// `<field>_filled` per filled field (each row's own value, a survivor's blank filled from
/// its best duplicate) and `dup_filled_from` naming where each filled value came from.
fn filled_columns(
    leads: &DataFrame,
    records: &Records,
    outcome: &Outcome,
    fields: &[String],
) -> Result<Vec<Column>> {
    let present: Vec<&String> = fields
        .iter()
        .filter(|f| leads.column(f.as_str()).is_ok())
        .collect();
    let raw: Vec<TextColumn> = present
        .iter()
        .map(|f| {
            let values = str_column(leads, f)?;
            Ok(TextColumn::from_values(str_cells(
                values.as_deref(),
                leads.height(),
            )))
        })
        .collect::<Result<_>>()?;
    let fills = plan_fills(&outcome.clusters, &raw.iter().collect::<Vec<_>>());
    let mut columns = Vec::new();
    let mut from: Vec<Vec<String>> = vec![Vec::new(); leads.height()];
    for (index, (field, values)) in present.iter().zip(&raw).enumerate() {
        let mut filled: Vec<Option<&str>> = (0..leads.height()).map(|r| values.get(r)).collect();
        let mut any = false;
        for fill in fills.iter().filter(|f| f.column == index) {
            let survivor = fill.survivor as usize;
            if let Some(slot) = filled.get_mut(survivor) {
                *slot = values.get(fill.donor as usize);
                from[survivor].push(format!("{field}: {}", records.reference(fill.donor)));
                any = true;
            }
        }
        if any {
            columns.push(
                StringChunked::from_iter_options(
                    format!("{field}_filled").into(),
                    filled.into_iter(),
                )
                .into_column(),
            );
        }
    }
    if !columns.is_empty() {
        let from = from
            .into_iter()
            .map(|parts| (!parts.is_empty()).then(|| parts.join("; ")));
        columns
            .push(StringChunked::from_iter_options("dup_filled_from".into(), from).into_column());
    }
    Ok(columns)
}

/// The overlap matrix for the report: one row per lead source; cells = rows in common with
/// each other source and the known contacts; the diagonal is the within-list duplicate rate.
fn report_data(outcome: &Outcome, with_known: bool) -> serde_json::Value {
    let overlap = &outcome.overlap.sources;
    let mut columns: Vec<&str> = overlap.iter().map(|s| s.source.as_str()).collect();
    if with_known {
        columns.push(KNOWN_SOURCE);
    }
    let percent = |share: f64| format!("{:.1}%", share * 100.0);
    let rows: Vec<serde_json::Value> = overlap
        .iter()
        .map(|s| {
            let cells: Vec<serde_json::Value> = columns
                .iter()
                .map(|&other| {
                    if other == s.source {
                        json!({"diagonal": true, "text": format!("{} dup ({})", s.duplicate_rows, percent(s.duplicate_rate))})
                    } else {
                        let c = s.in_common.iter().find(|c| c.with == other);
                        let (rows, share) = c.map_or((0, 0.0), |c| (c.rows, c.share));
                        json!({"diagonal": false, "text": format!("{rows} ({})", percent(share))})
                    }
                })
                .collect();
            json!({
                "source": s.source,
                "rows": s.rows,
                "cells": cells,
                "unique_new": format!("{} ({})", s.unique_new, percent(s.unique_new_share)),
            })
        })
        .collect();
    let stats = &outcome.stats;
    let capped = Capped::of(outcome);
    json!({
        "columns": columns,
        "rows": rows,
        "clusters": outcome.clusters.len(),
        "candidate_pairs": stats.candidate_pairs,
        "pairs_per_row": format!("{:.2}", stats.pairs_per_row),
        "fuzzy_matches": stats.fuzzy_matches,
        "oversized_blocks": capped.blocks,
        "neighbourhood_rows": capped.neighbourhood_rows,
        "pairs_skipped": capped.pairs_skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacted_columns_intern_as_their_strings_do() {
        let names: Vec<Option<&str>> = (0..64)
            .map(|i| match i % 5 {
                0 => None,
                1 => Some(" Ann "),
                2 => Some("Bob"),
                3 => Some("Ann"),
                _ => Some("  "),
            })
            .collect();
        let full: Vec<Option<&str>> = (0..64).map(|i| (i % 5 == 0).then_some("Cy Dee")).collect();
        let strings = |name: &str, values: &[Option<&str>]| {
            StringChunked::from_iter_options(name.into(), values.iter().copied()).into_column()
        };
        let compacted = |name: &str, values: &[Option<&str>]| {
            crate::compact_text::compact(strings(name, values)).expect("compact")
        };
        let leads = DataFrame::new(
            64,
            vec![
                compacted("first_name", &names),
                strings("last_name", &names),
                strings("full_name", &full),
                compacted("company", &names),
            ],
        )
        .expect("leads");
        assert!(matches!(
            leads.column("first_name").map(Column::dtype),
            Ok(DataType::Categorical(..))
        ));
        let known = DataFrame::new(
            2,
            vec![
                strings("first_name", &[Some("Eve"), Some("Bob")]),
                strings("company", &[Some("Eve"), None]),
            ],
        )
        .expect("known");
        let part = |frame| Part {
            frame,
            verified: true,
        };
        let (leads_part, known_part) = (part(&leads), part(&known));
        let rows = 66;

        // First names: a row with neither first nor last name takes the first word of its
        // full name.
        let first = column(
            &[
                leads_part.name(false).expect("cells"),
                known_part.name(false).expect("cells"),
            ],
            rows,
        );
        let expected: Vec<Option<&str>> = names
            .iter()
            .zip(&full)
            .map(|(name, full)| full.map_or(*name, |_| Some("Cy")))
            .chain([Some("Eve"), Some("Bob")])
            .collect();
        let interned = TextColumn::from_values(expected);
        assert_eq!(first.ids(), interned.ids());
        assert_eq!(first.values().len(), 5);

        let company = column(
            &[
                Cells::column(&leads, "company").expect("cells"),
                Cells::column(&known, "company").expect("cells"),
            ],
            rows,
        );
        let interned = TextColumn::from_values(names.iter().copied().chain([Some("Eve"), None]));
        assert_eq!(company.ids(), interned.ids());
        let values = |c: &TextColumn| {
            (0..rows)
                .map(|r| c.get(r).map(str::to_string))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&company), values(&interned));
    }

    #[test]
    fn dates() {
        assert_eq!(birth_date_key("1980-03-05"), "19800305");
        assert_eq!(birth_date_key("03/05/1980"), "19800305");
        assert_eq!(birth_date_key("sometime"), "sometime");
        assert_eq!(captured_seconds("1970-01-01T00:01:00Z"), Some(60));
        assert_eq!(captured_seconds("1970-01-01 00:02:00"), Some(120));
        assert_eq!(captured_seconds("1970-01-02"), Some(86_400));
        assert_eq!(captured_seconds(" 1970-1-2 "), Some(86_400));
        assert_eq!(captured_seconds("1970-01-02 00:01"), Some(86_460));
        assert_eq!(captured_seconds("1970-1-2 0:1"), Some(86_460));
        assert_eq!(captured_seconds("yesterday"), None);
    }
}
