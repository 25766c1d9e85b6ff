//! The consent part of summary.json and the report: coverage per source and channel,
//! evidence gaps, and which rule pack section judged how many leads.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde_json::{json, Value};

use super::channels::Channels;
use super::dates::{DateCell, DateColumn};
use super::judge::{Check, Outcome};
use super::jurisdiction::{Assignment, Basis};
use super::records::Records;
use super::rules::{Compiled, ConsentRules, MatchKey};
use crate::checks::{ReportSection, CHANNELS};

pub fn section(data: Value) -> ReportSection {
    ReportSection {
        id: "consent",
        title: "Consent".into(),
        data,
    }
}

/// Per rule pack section (and "none"): leads judged and where their country came from.
fn pack_rows(compiled: &Compiled, assignment: &Assignment) -> Vec<(Option<usize>, Value)> {
    let mut counts: BTreeMap<Option<usize>, [usize; 3]> = BTreeMap::new();
    for (pack, basis) in assignment.pack.iter().zip(&assignment.basis) {
        let slot = Basis::ALL.iter().position(|b| b == basis).unwrap_or(0);
        counts.entry(*pack).or_default()[slot] += 1;
    }
    // Packs in rules order, then leads no section matched.
    let mut order: Vec<Option<usize>> = (0..compiled.packs.len()).map(Some).collect();
    order.push(None);
    order
        .into_iter()
        .filter_map(|p| counts.get(&p).map(|c| (p, *c)))
        .map(|(p, c)| {
            let pack = p.and_then(|i| compiled.packs.get(i));
            let basis: serde_json::Map<String, Value> = Basis::ALL
                .iter()
                .zip(c)
                .map(|(b, n)| (b.as_str().to_string(), json!(n)))
                .collect();
            (
                p,
                json!({
                    "id": pack.map(|p| p.id.as_str()),
                    "label": pack.map_or("no rule pack section matches (only missing, timing, revocation and certificate checks apply)", |p| p.label.as_str()),
                    "leads": c.iter().sum::<usize>(),
                    "basis": basis,
                    "consent_channels": pack.map_or(Channels::ALL, |p| p.consent_channels).names(", "),
                }),
            )
        })
        .collect()
}

/// The section when consent checks are on but no records were given.
pub fn not_checked(compiled: &Compiled, assignment: &Assignment) -> Value {
    json!({
        "checked": false,
        "packs": pack_rows(compiled, assignment).into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    })
}

pub struct Inputs<'a> {
    pub compiled: &'a Compiled,
    pub rules: &'a ConsentRules,
    pub assignment: &'a Assignment,
    pub wanted: &'a [Channels],
    pub sources: Option<&'a StringChunked>,
    pub records: &'a Records,
    pub outcome: &'a Outcome,
}

pub fn checked(inputs: &Inputs) -> Value {
    let Inputs {
        compiled,
        rules,
        assignment,
        wanted,
        sources,
        records,
        outcome,
    } = inputs;

    // Coverage per source and channel, sources in input order.
    let mut source_order: Vec<&str> = Vec::new();
    let mut coverage: BTreeMap<(usize, usize), [usize; 5]> = BTreeMap::new();
    for (lead, consent) in outcome.leads.iter().enumerate() {
        let source = sources.and_then(|s| s.get(lead)).unwrap_or("");
        let s = match source_order.iter().position(|x| *x == source) {
            Some(s) => s,
            None => {
                source_order.push(source);
                source_order.len() - 1
            }
        };
        let lead_wanted = wanted.get(lead).copied().unwrap_or_default();
        for channel in lead_wanted.each() {
            let c = coverage.entry((s, channel.index())).or_default();
            c[0] += 1;
            for (slot, set) in [
                consent.required,
                consent.with_record,
                consent.ok,
                consent.revoked,
            ]
            .into_iter()
            .enumerate()
            {
                if set.contains(channel) {
                    c[slot + 1] += 1;
                }
            }
        }
    }
    let coverage: Vec<Value> = coverage
        .into_iter()
        .map(|((s, ch), c)| {
            json!({
                "source": source_order.get(s).copied().unwrap_or(""),
                "channel": CHANNELS.get(ch).copied().unwrap_or(""),
                "leads": c[0],
                "needs_consent": c[1],
                "with_record": c[2],
                "contactable": c[3],
                "revoked": c[4],
            })
        })
        .collect();

    // Findings per pack and check (each lead has at most one finding per check).
    let mut per_pack: BTreeMap<(Option<usize>, &str), usize> = BTreeMap::new();
    for (&row, &check) in outcome.findings.row.iter().zip(&outcome.findings.check) {
        let pack = assignment.pack.get(row as usize).copied().flatten();
        *per_pack.entry((pack, check)).or_default() += 1;
    }
    let packs: Vec<Value> = pack_rows(compiled, assignment)
        .into_iter()
        .map(|(p, mut row)| {
            let findings: serde_json::Map<String, Value> = Check::ALL
                .iter()
                .map(|c| {
                    let n = per_pack.get(&(p, c.id())).copied().unwrap_or(0);
                    (c.id().to_string(), json!(n))
                })
                .collect();
            row["findings"] = Value::Object(findings);
            row
        })
        .collect();

    let gaps: Vec<Value> = outcome
        .gaps
        .iter()
        .map(|((p, field), n)| {
            json!({
                "pack": p.and_then(|i| compiled.packs.get(i)).map(|p| p.id.as_str()),
                "field": field,
                "leads": n,
            })
        })
        .collect();

    let unreadable =
        |cells: &DateColumn| cells.iter().filter(|c| *c == DateCell::Unreadable).count();
    let revocation_only = (0..records.count())
        .filter(|&r| records.is_revocation_only(r))
        .count();
    let matched = outcome.matched_by_id + outcome.matched_by_contact;
    json!({
        "checked": true,
        "records": {
            "path": records.path,
            "rows": records.count(),
            "used": outcome.records_used,
            "revocation_only": revocation_only,
            "unreadable_dates": {
                "consented_at": unreadable(&records.consented),
                "revoked_at": unreadable(&records.revoked),
                "captured_at": unreadable(&records.captured),
            },
            "trustedform_claims_judged": records.claimed.is_some(),
        },
        "matching": {
            "keys": rules.match_by.iter().map(|k| match k {
                MatchKey::LeadId => "lead_id",
                MatchKey::Email => "email",
                MatchKey::Phone => "phone",
            }).collect::<Vec<_>>(),
            "leads_by_lead_id": outcome.matched_by_id,
            "leads_by_contact": outcome.matched_by_contact,
            "leads_without_records": outcome.leads.len().saturating_sub(matched),
        },
        "coverage": coverage,
        "packs": packs,
        "evidence_gaps": gaps,
    })
}
