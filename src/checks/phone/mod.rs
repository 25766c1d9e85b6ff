//! Phone: is there a number, is it a real number in the lead's country, and can it take the
//! channel the lead is meant for. Parsing, validation and typing use Google's libphonenumber
//! metadata through `rlibphonenumber` (pinned: its behaviour is what the tests pin down).

mod verify;

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

pub use verify::{verify_phone, PhoneProblem, PhoneType, PhoneVerdict};

use super::distinct::Distinct;
use super::field_report::{field_report, FieldStatus};
use super::{blank_mask, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::error::Result;

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "phone.missing",
        family: "phone",
        title: "no phone number",
    },
    CheckInfo {
        id: "phone.invalid",
        family: "phone",
        title: "phone number is unparseable or not a valid number",
    },
    CheckInfo {
        id: "phone.type",
        family: "phone",
        title: "number type cannot serve the lead's channel (e.g. landline for SMS)",
    },
    CheckInfo {
        id: "phone.country_mismatch",
        family: "phone",
        title: "number belongs to another country than the lead",
    },
];

/// The `[phone]` section of the rules; defaults and comments are in `rules/default.toml`.
/// The default region for numbers without `+CC` is `[leads] default_country`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneRules {
    /// Number types that can receive SMS: a lead whose channel includes `sms` and whose number
    /// is of another type gets `phone.type`.
    pub sms_types: Vec<PhoneType>,
    /// Number types acceptable for the `call` channel; empty accepts every valid number.
    pub call_types: Vec<PhoneType>,
}

impl Default for PhoneRules {
    fn default() -> Self {
        crate::rules::builtin_section("phone")
    }
}

impl PhoneRules {
    /// Checks the section; errors give (key, message).
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        if self.sms_types.is_empty() {
            return Err((
                "phone.sms_types".into(),
                "`phone.sms_types` is empty: no number could take SMS (list at least \"mobile\")"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The types a channel accepts; `None` when any valid number will do.
    fn accepted_types(&self, channel: Channel) -> Option<&[PhoneType]> {
        let types = match channel {
            Channel::Sms => &self.sms_types,
            Channel::Call => &self.call_types,
        };
        (!types.is_empty()).then_some(types.as_slice())
    }
}

/// The phone channels a lead can be meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Call,
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Sms => "sms",
        }
    }
}

/// The phone channels in a `channel` cell (`email;call;sms`, `SMS, email`); a blank cell
/// means the rules' default channels.
fn phone_channels<'a>(cell: Option<&'a str>, defaults: &'a [String]) -> Vec<Channel> {
    let named: Vec<&str> = match cell.map(str::trim).filter(|c| !c.is_empty()) {
        Some(cell) => cell.split([';', ',']).map(str::trim).collect(),
        None => defaults.iter().map(String::as_str).collect(),
    };
    [Channel::Call, Channel::Sms]
        .into_iter()
        .filter(|ch| named.iter().any(|n| n.eq_ignore_ascii_case(ch.as_str())))
        .collect()
}

/// A column's values (all `None` when the input lacks it).
fn column_values(column: Option<&StringChunked>, height: usize) -> Vec<Option<&str>> {
    match column {
        Some(values) => values.iter().collect(),
        None => vec![None; height],
    }
}

pub struct PhoneStage;

impl Stage for PhoneStage {
    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let height = leads.height();
        let mut findings = Findings::default();
        let null_columns = || {
            ["phone_e164", "phone_type", "phone_region"]
                .map(|name| Column::full_null(name.into(), height, &DataType::String))
                .to_vec()
        };
        let Some(phones) = str_column(leads, "phone")? else {
            if ctx.rules.is_enabled("phone.missing") {
                findings.push_mask(
                    &BooleanChunked::full("missing".into(), true, height),
                    "phone.missing",
                    "no phone column",
                );
            }
            return Ok(StageOutput {
                columns: null_columns(),
                findings,
                ..StageOutput::default()
            });
        };
        if ctx.rules.is_enabled("phone.missing") {
            findings.push_mask(&blank_mask(phones), "phone.missing", "phone is empty");
        }
        let default_country = ctx.rules.leads.default_country.to_ascii_uppercase();
        // The identity stage normalised the country; a row's own country (not the default)
        // is what a number can mismatch.
        let own_country = column_values(str_column(leads, "country_normalized")?, height);
        let written_country = column_values(str_column(leads, "country")?, height);
        // Per row: the region numbers are read in, and whether it is the row's own country.
        let regions: Vec<(&str, bool)> = own_country
            .iter()
            .zip(&written_country)
            .map(|(own, written)| match own {
                Some(country) => (*country, written.is_some_and(|w| !w.trim().is_empty())),
                None => (default_country.as_str(), false),
            })
            .collect();
        let distinct = Distinct::new(
            phones
                .iter()
                .zip(&regions)
                .map(|(v, (region, _))| v.filter(|v| !v.trim().is_empty()).map(|v| (v, *region))),
        );
        let verdicts = distinct.map(|(raw, region)| verify_phone(raw, region));

        let defaults = &ctx.rules.leads.default_channels;
        let channels = Distinct::new(
            column_values(str_column(leads, "channel")?, height)
                .into_iter()
                .map(Some),
        );
        let channel_sets = channels.map(|cell| phone_channels(*cell, defaults));

        let check_type = ctx.rules.is_enabled("phone.type");
        let check_country = ctx.rules.is_enabled("phone.country_mismatch");
        let check_invalid = ctx.rules.is_enabled("phone.invalid");
        let mut status = Vec::with_capacity(height);
        let mut columns: [Vec<Option<&str>>; 3] =
            std::array::from_fn(|_| Vec::with_capacity(height));
        let mut types: BTreeMap<&str, usize> = BTreeMap::new();
        let rows = distinct
            .per_row(&verdicts)
            .zip(channels.per_row(&channel_sets))
            .zip(&regions);
        for (row, ((verdict, lead_channels), &(lead_country, explicit))) in rows.enumerate() {
            let Some(verdict) = verdict else {
                status.push(FieldStatus::Absent);
                columns.iter_mut().for_each(|c| c.push(None));
                continue;
            };
            if let Some(problem) = &verdict.invalid {
                status.push(FieldStatus::Invalid);
                columns.iter_mut().for_each(|c| c.push(None));
                if check_invalid {
                    findings.push(row as u32, "phone.invalid", problem.to_string());
                }
                continue;
            }
            status.push(FieldStatus::Valid);
            let kind = verdict.phone_type.map(PhoneType::as_str);
            columns[0].push(verdict.e164.as_deref());
            columns[1].push(kind);
            columns[2].push(verdict.region.as_deref());
            *types.entry(kind.unwrap_or("unknown")).or_default() += 1;
            if check_type {
                for &channel in lead_channels.into_iter().flatten() {
                    let accepted = ctx.rules.phone.accepted_types(channel);
                    if let (Some(accepted), Some(kind)) = (accepted, verdict.phone_type) {
                        if !accepted.contains(&kind) {
                            findings.push(
                                row as u32,
                                "phone.type",
                                format!(
                                    "a {} number cannot serve the lead's {} channel",
                                    kind.as_str(),
                                    channel.as_str()
                                ),
                            );
                        }
                    }
                }
            }
            let non_geographic = verdict.region.as_deref() == Some("001");
            if check_country && explicit && !non_geographic && !verdict.valid_in_default_region {
                findings.push(
                    row as u32,
                    "phone.country_mismatch",
                    format!(
                        "the number is from {}, the lead's country is {lead_country}",
                        verdict.region.as_deref().unwrap_or("another country")
                    ),
                );
            }
        }
        let [e164, kind, region] = columns;
        let breakdown = types.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        let (summary, report) = field_report(
            leads,
            ("phone", "Phone verification", "phone"),
            &status,
            &findings,
            &["phone.invalid", "phone.type", "phone.country_mismatch"],
            breakdown,
        )?;
        Ok(StageOutput {
            columns: vec![
                StringChunked::from_iter_options("phone_e164".into(), e164.into_iter())
                    .into_column(),
                StringChunked::from_iter_options("phone_type".into(), kind.into_iter())
                    .into_column(),
                StringChunked::from_iter_options("phone_region".into(), region.into_iter())
                    .into_column(),
            ],
            findings,
            summary: vec![summary],
            report: Some(report),
            ..StageOutput::default()
        })
    }
}

#[cfg(test)]
mod tests;
