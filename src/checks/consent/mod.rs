//! Consent: does each lead have provable consent for the channels it is meant for, under the
//! rules of its jurisdiction (TCPA/TSR, CASL, GDPR rule pack sections)?
//!
//! Records come from `--consent`; they match leads by `lead_id`, else by email / phone
//! (see `matching`). An unreadable date never drops a row: it becomes part of a finding's
//! detail (`consented_at` under `consent.evidence`, `revoked_at` under `consent.revoked` —
//! treated as revoked —, `captured_at` under `consent.timing`).
//!
//! Adds `consent_jurisdiction` (the rule pack section that judged the lead) and
//! `consent_channels` (channels the lead may be contacted on as far as consent goes).

mod channels;
mod dates;
mod judge;
mod jurisdiction;
mod matching;
mod records;
mod report;
mod rules;
mod text;

pub use channels::{lead_channels, Channels};
pub use records::{Records, RecordsBuilder};
pub use rules::{ConsentRules, Jurisdiction, MatchKey};

use polars::prelude::*;

use super::match_keys::{email_keys, lead_countries, lead_phone_keys};
use super::{str_column, CheckInfo, SideInput, Stage, StageContext, StageOutput};
use crate::error::{Error, Result};
use crate::ingest::{read_table_in_batches, ContactColumns, HeaderMap, InputInfo, SourceSpec};
use crate::rules::Rules;
use crate::summary::{GateNote, Status};
use judge::{Check, Leads, Settings};
use matching::KeyColumns;
use records::{parse_dates, trimmed};

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "consent.missing",
        family: "consent",
        title: "no consent record for a channel the lead is to be contacted on",
    },
    CheckInfo {
        id: "consent.evidence",
        family: "consent",
        title: "consent record lacks required evidence (timestamp, IP, page, text, …)",
    },
    CheckInfo {
        id: "consent.seller",
        family: "consent",
        title: "consent text does not name the seller or lacks written-consent terms",
    },
    CheckInfo {
        id: "consent.expired",
        family: "consent",
        title: "consent is older than its jurisdiction allows",
    },
    CheckInfo {
        id: "consent.timing",
        family: "consent",
        title: "consent dated after the lead's capture or in the future",
    },
    CheckInfo {
        id: "consent.revoked",
        family: "consent",
        title: "consent was revoked on or before the as-of date",
    },
    CheckInfo {
        id: "consent.certificate",
        family: "consent",
        title: "malformed TrustedForm / LeadiD certificate reference",
    },
];

/// Reads `--consent` records for judging, keeping only what judging reads (see [`Records`]).
pub fn read_records(
    spec: &SourceSpec,
    headers: &HeaderMap,
    rules: &Rules,
) -> Result<(Records, InputInfo)> {
    let mut builder = RecordsBuilder::new(
        &rules.consent,
        &rules.leads.default_country,
        spec.path.display().to_string(),
    )?;
    let info = read_table_in_batches(spec, headers, ContactColumns::Optional, &mut |batch| {
        builder.add(batch)
    })?;
    Ok((builder.finish()?, info))
}

pub struct ConsentStage;

impl Stage for ConsentStage {
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &["identity", "email", "phone"]
    }

    fn side_inputs(&self) -> &'static [SideInput] {
        &[SideInput::Consent]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        if !Check::ALL.iter().any(|c| ctx.rules.is_enabled(c.id())) {
            return Ok(StageOutput::default());
        }
        let rules = &ctx.rules.consent;
        // Validated when the rules were loaded; a failure here is a bug, reported as such.
        let compiled = rules
            .compile()
            .map_err(|(key, message)| Error::internal(&format!("compiling {key}"), message))?;
        let height = leads.height();
        let default_country = ctx.rules.leads.default_country.as_str();
        let countries = lead_countries(leads)?;
        let phone_keys = lead_phone_keys(leads, &countries, default_country)?;
        let assignment =
            jurisdiction::assign(leads, &countries, &phone_keys, default_country, &compiled)?;
        let wanted = channels::lead_channels(leads, ctx.rules)?;
        let jurisdiction_column = StringChunked::from_iter_options(
            "consent_jurisdiction".into(),
            assignment
                .pack
                .iter()
                .map(|p| p.and_then(|p| compiled.packs.get(p)).map(|p| p.id.as_str())),
        );
        let sources = str_column(leads, crate::ingest::SOURCE_COL)?;

        let Some(records) = &ctx.side.consent else {
            let data = report::not_checked(&compiled, &assignment);
            return Ok(StageOutput {
                columns: vec![
                    jurisdiction_column.into_column(),
                    StringChunked::full_null("consent_channels".into(), height).into_column(),
                ],
                summary: vec![("consent".into(), data.clone())],
                report: Some(report::section(data)),
                gate_notes: vec![GateNote {
                    id: "consent.records".into(),
                    status: Status::Warn,
                    message: "consent checks are on but no --consent records were given: consent was not checked".into(),
                }],
                ..StageOutput::default()
            });
        };

        let lead_ids = match str_column(leads, "lead_id")? {
            Some(values) => trimmed(&values),
            None => StringChunked::full_null("lead_id".into(), height),
        };
        let email_keys = email_keys(str_column(leads, "email")?.as_deref(), height);
        let pairs = matching::match_records(
            &KeyColumns {
                lead_id: &lead_ids,
                email: &email_keys,
                phone: &phone_keys,
            },
            &KeyColumns {
                lead_id: &records.lead_id,
                email: &records.email_key,
                phone: &records.phone_key,
            },
            &rules.match_by,
        )?;
        let captured_raw = str_column(leads, "captured_at")?;
        let captured_raw = captured_raw.as_deref();
        let captured = parse_dates(captured_raw, height);
        let outcome = judge::judge(
            &Leads {
                wanted: &wanted,
                pack: &assignment.pack,
                captured: &captured,
                captured_raw,
                email_key: &email_keys,
                phone_key: &phone_keys,
            },
            records,
            &pairs,
            &Settings {
                compiled: &compiled,
                as_of: ctx.as_of,
                grace_secs: i64::from(rules.capture_grace_minutes) * 60,
                claim_hours: rules.trustedform_claim_hours,
            },
        );
        let consent_channels = StringChunked::from_iter_options(
            "consent_channels".into(),
            outcome.leads.iter().map(|l| Some(l.ok.names(";"))),
        );
        let data = report::checked(&report::Inputs {
            compiled: &compiled,
            rules,
            assignment: &assignment,
            wanted: &wanted,
            sources: sources.as_deref(),
            records,
            outcome: &outcome,
        });
        Ok(StageOutput {
            columns: vec![
                jurisdiction_column.into_column(),
                consent_channels.into_column(),
            ],
            findings: outcome.findings,
            summary: vec![("consent".into(), data.clone())],
            report: Some(report::section(data)),
            gate_notes: Vec::new(),
        })
    }
}
