//! Check families. Each family module owns its rules section, the normalised columns it adds
//! to the lead frame and the findings it reports; the pipeline runs them in order through the
//! [`Stage`] interface and knows nothing else about them.
//!
//! Adding a family: write a module with a `CHECKS` list and a `Stage`, then add one line to
//! [`FAMILIES`] / [`stages`].

pub mod consent;
pub mod dedup;
pub(crate) mod distinct;
pub mod email;
mod field_report;
pub mod fit;
pub mod identity;
pub mod match_keys;
pub mod phone;
#[cfg(test)]
mod robustness;
pub mod suppression;
pub mod text;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{PolarsContext, Result};
use crate::ingest::Table;
use crate::rules::Rules;
use crate::summary::GateNote;

/// Contact channels a lead can be meant for.
pub const CHANNELS: &[&str] = &["email", "call", "sms"];

/// One check in the catalog (ids are stable: add, never rename).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    pub id: &'static str,
    pub family: &'static str,
    /// What a hit means, in a few words, for reports and `rules show`.
    pub title: &'static str,
}

/// Families in pipeline order, each with its catalog entries.
const FAMILIES: &[&[CheckInfo]] = &[
    identity::CHECKS,
    email::CHECKS,
    phone::CHECKS,
    dedup::CHECKS,
    consent::CHECKS,
    suppression::CHECKS,
    fit::CHECKS,
    crate::rankings::CHECKS,
];

/// Every implemented check, in catalog order (that order is used in every output).
pub fn catalog() -> &'static [CheckInfo] {
    static CATALOG: LazyLock<Vec<CheckInfo>> =
        LazyLock::new(|| FAMILIES.iter().flat_map(|f| f.iter().copied()).collect());
    &CATALOG
}

/// Catalog entry of a check id.
pub fn check_info(id: &str) -> Option<&'static CheckInfo> {
    catalog().iter().find(|c| c.id == id)
}

/// A stage and the name its progress line and timings use.
pub type NamedStage = (&'static str, Box<dyn Stage>);

/// The lead-audit stages in their order: a stage reads the normalised columns of the earlier
/// stages it names in [`Stage::reads_columns_of`] (dedup reads `email_normalized`, …).
/// Results (findings, summary sections, columns) always join in this order.
pub fn stages() -> Vec<NamedStage> {
    vec![
        ("identity", Box::new(identity::IdentityStage)),
        ("email", Box::new(email::EmailStage)),
        ("phone", Box::new(phone::PhoneStage)),
        ("dedup", Box::new(dedup::DedupStage)),
        ("consent", Box::new(consent::ConsentStage)),
        ("suppression", Box::new(suppression::SuppressionStage)),
        ("fit", Box::new(fit::FitStage)),
    ]
}

/// An input besides the lead files that a stage reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideInput {
    Consent,
    Known,
    Suppress,
}

/// Side inputs of an audit: a table is read just before the first stage that declares it
/// ([`Stage::side_inputs`]) and freed after the last.
#[derive(Default)]
pub struct SideInputs {
    /// `--consent` records, read and prepared for judging.
    pub consent: Option<consent::Records>,
    /// `--known` contacts (a CRM export), header-mapped like lead files.
    pub known: Option<Table>,
    /// `--suppress` files; their formats vary (FTC DNC, plain lists, CSV), so the
    /// suppression family parses them.
    pub suppress: Vec<PathBuf>,
}

fn any_reads(stages: &[NamedStage], input: SideInput) -> bool {
    stages.iter().any(|(_, s)| s.side_inputs().contains(&input))
}

impl SideInputs {
    /// Frees the tables that none of `remaining` reads: the consent records can be the
    /// largest input, and later stages need the memory.
    pub fn release_unread_by(&mut self, remaining: &[NamedStage]) {
        if !any_reads(remaining, SideInput::Consent) {
            self.consent = None;
        }
        if !any_reads(remaining, SideInput::Known) {
            self.known = None;
        }
    }
}

/// What every stage may read.
pub struct StageContext<'a> {
    pub rules: &'a Rules,
    /// The date that age and expiry rules are judged at.
    pub as_of: NaiveDate,
    pub side: &'a SideInputs,
}

/// A family's part of the report: rendered by `templates/sections/<id>.html` with `data`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSection {
    pub id: &'static str,
    pub title: String,
    pub data: serde_json::Value,
}

/// What a stage returns: columns to add to the lead frame, findings, and family-specific
/// results for summary.json (top-level keys) and the report.
#[derive(Default)]
pub struct StageOutput {
    pub columns: Vec<Column>,
    pub findings: Findings,
    pub summary: Vec<(String, serde_json::Value)>,
    pub report: Option<ReportSection>,
    /// Gate conditions that are not row counts (e.g. a stale Do-Not-Call list).
    pub gate_notes: Vec<GateNote>,
}

pub trait Stage: Sync {
    /// Runs the family's checks on the lead frame (with the columns earlier stages added).
    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput>;

    /// The earlier stages (by name, see [`stages`]) whose columns `run` reads, directly or
    /// through [`match_keys`]: it runs after them, and may run beside any other stage.
    fn reads_columns_of(&self) -> &'static [&'static str];

    /// The side inputs `run` reads: the audit reads a side table just before the first stage
    /// that declares it and frees it once no later stage does, so a stage must declare every
    /// one it reads.
    fn side_inputs(&self) -> &'static [SideInput] {
        &[]
    }
}

/// Findings as one long table: (lead frame row index, check id, detail). A detail text is
/// stored once however many findings carry it: at 1M rows the audit makes 2M findings, and
/// most details repeat (the fit checks' "industry=other outside ICP; …" combinations).
#[derive(Debug, Default, Clone)]
pub struct Findings {
    pub row: Vec<u32>,
    pub check: Vec<&'static str>,
    /// Per finding: index into `texts`.
    detail: Vec<u32>,
    /// Distinct detail texts, by index.
    texts: PlIndexSet<Box<str>>,
}

impl Findings {
    pub fn push(&mut self, row: u32, check: &'static str, detail: impl AsRef<str>) {
        let id = self.intern(detail.as_ref());
        self.row.push(row);
        self.check.push(check);
        self.detail.push(id);
    }

    fn intern(&mut self, text: &str) -> u32 {
        let id = match self.texts.get_index_of(text) {
            Some(id) => id,
            None => self.texts.insert_full(text.into()).0,
        };
        id as u32
    }

    /// One finding per row where `mask` is true.
    pub fn push_mask(&mut self, mask: &BooleanChunked, check: &'static str, detail: &str) {
        for (row, hit) in mask.iter().enumerate() {
            if hit == Some(true) {
                self.push(row as u32, check, detail);
            }
        }
    }

    pub fn extend(&mut self, other: Findings) {
        let ids: Vec<u32> = other.texts.iter().map(|t| self.intern(t)).collect();
        self.row.extend(other.row);
        self.check.extend(other.check);
        self.detail
            .extend(other.detail.iter().map(|&id| ids[id as usize]));
    }

    pub fn len(&self) -> usize {
        self.row.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
    }

    /// The detail of finding `i`.
    pub fn detail(&self, i: usize) -> &str {
        &self.texts[self.detail[i] as usize]
    }

    /// Every finding's detail, in order.
    pub fn details(&self) -> impl Iterator<Item = &str> + '_ {
        self.detail.iter().map(|&id| &*self.texts[id as usize])
    }

    /// Keeps the findings whose check `keep` accepts.
    pub fn retain_checks(&mut self, keep: impl Fn(&str) -> bool) {
        let kept: Vec<usize> = (0..self.len()).filter(|&i| keep(self.check[i])).collect();
        if kept.len() == self.len() {
            return;
        }
        self.permute(&kept);
    }

    /// Sorts by row, then catalog order, then detail: outputs must not depend on stage
    /// internals or thread scheduling.
    pub fn sort(&mut self) {
        let order_of: PlHashMap<&str, u32> = catalog()
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i as u32))
            .collect();
        // (row, catalog position, index): keys sit in the sorted items (no jump per
        // comparison), and the sort runs on both cores; findings equal in row, check and
        // detail are interchangeable, so an unstable sort gives one result.
        let mut keyed: Vec<(u32, u32, u32)> = self
            .row
            .iter()
            .zip(&self.check)
            .enumerate()
            .map(|(i, (&row, check))| {
                let position = order_of.get(check).copied().unwrap_or(u32::MAX);
                (row, position, i as u32)
            })
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
                let (da, db) = (self.detail[a.2 as usize], self.detail[b.2 as usize]);
                if da == db {
                    std::cmp::Ordering::Equal
                } else {
                    self.texts[da as usize].cmp(&self.texts[db as usize])
                }
            })
        });
        let order: Vec<usize> = keyed.into_iter().map(|(_, _, i)| i as usize).collect();
        self.permute(&order);
    }

    /// The findings at `indices`, in that order (the detail texts stay as they are).
    fn permute(&mut self, indices: &[usize]) {
        self.row = indices.iter().map(|&i| self.row[i]).collect();
        self.check = indices.iter().map(|&i| self.check[i]).collect();
        self.detail = indices.iter().map(|&i| self.detail[i]).collect();
    }
}

/// A text column of the lead frame, if the input had it (borrowed, or rebuilt from its
/// compact form: see [`crate::compact_text`]).
pub fn str_column<'a>(leads: &'a DataFrame, name: &str) -> Result<Option<Cow<'a, StringChunked>>> {
    match leads.column(name) {
        Ok(column) => crate::compact_text::text(column).map(Some).step(name),
        Err(_) => Ok(None),
    }
}

/// The distinct values of a lead-frame text column (first-seen order) and each row's index
/// among them, as [`distinct::Distinct::new`] over its cells gives: a compacted column's from
/// its category ids, without decoding or hashing a string. Every row keyless when the frame
/// lacks the column.
pub fn distinct_column<'a>(
    leads: &'a DataFrame,
    name: &str,
) -> Result<distinct::Distinct<&'a str>> {
    let Ok(column) = leads.column(name) else {
        return Ok(distinct::Distinct::new(std::iter::repeat_n(
            None,
            leads.height(),
        )));
    };
    match crate::compact_text::distinct_ids(column).step(name)? {
        Some(distinct) => Ok(distinct),
        None => Ok(distinct::Distinct::new(column.str().step(name)?.iter())),
    }
}

/// A column's values row by row, all `None` when the frame lacks the column.
pub fn str_cells(
    column: Option<&StringChunked>,
    rows: usize,
) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
    match column {
        Some(column) => Box::new(column.iter()),
        None => Box::new(std::iter::repeat_n(None, rows)),
    }
}

/// True where a string value is null or only whitespace.
/// `0..height` in blocks of `per_block` rows, for work split across threads: collecting the
/// blocks' results keeps row order whatever the scheduling.
pub fn row_blocks(
    height: usize,
    per_block: usize,
) -> impl IndexedParallelIterator<Item = std::ops::Range<usize>> {
    let per_block = per_block.max(1);
    (0..height.div_ceil(per_block))
        .into_par_iter()
        .map(move |block| block * per_block..((block + 1) * per_block).min(height))
}

pub fn blank_mask(values: &StringChunked) -> BooleanChunked {
    values
        .iter()
        .map(|v| Some(v.is_none_or(|s| s.trim().is_empty())))
        .collect()
}

#[cfg(test)]
mod findings_tests {
    use super::Findings;

    fn listed(f: &Findings) -> Vec<(u32, &str, &str)> {
        (0..f.len())
            .map(|i| (f.row[i], f.check[i], f.detail(i)))
            .collect()
    }

    #[test]
    fn merged_sorted_and_filtered_findings_keep_their_details() {
        let mut first = Findings::default();
        first.push(2, "fit.market", "industry=other outside ICP");
        first.push(0, "fit.market", "industry=other outside ICP");
        first.push(0, "email.syntax", "no @");
        let mut second = Findings::default();
        second.push(1, "fit.market", "country=DE outside ICP");
        second.push(0, "fit.market", "industry=other outside ICP");
        second.push(0, "fit.market", "country=DE outside ICP");
        first.extend(second);
        // Three distinct texts, however many findings and merges carry them.
        assert_eq!(first.texts.len(), 3);
        first.sort();
        assert_eq!(
            listed(&first),
            [
                (0, "email.syntax", "no @"),
                (0, "fit.market", "country=DE outside ICP"),
                (0, "fit.market", "industry=other outside ICP"),
                (0, "fit.market", "industry=other outside ICP"),
                (1, "fit.market", "country=DE outside ICP"),
                (2, "fit.market", "industry=other outside ICP"),
            ]
        );
        first.retain_checks(|check| check != "email.syntax");
        assert_eq!(listed(&first).len(), 5);
        assert!(first.details().all(|d| d != "no @"));
        assert_eq!(first.detail(0), "country=DE outside ICP");
    }
}

#[cfg(test)]
mod stage_tests {
    #[test]
    fn stages_read_columns_only_of_earlier_stages() {
        let stages = super::stages();
        for (i, (name, stage)) in stages.iter().enumerate() {
            for read in stage.reads_columns_of() {
                let earlier = stages[..i].iter().any(|(n, _)| n == read);
                assert!(earlier, "{name} reads {read}, not an earlier stage");
            }
        }
    }
}
