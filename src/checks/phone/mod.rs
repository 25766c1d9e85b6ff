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
use super::{
    blank_mask, distinct_column, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput,
};
use crate::error::{PolarsContext, Result};

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
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &["identity"]
    }

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
            findings.push_mask(&blank_mask(&phones), "phone.missing", "phone is empty");
        }
        let default_country = ctx.rules.leads.default_country.to_ascii_uppercase();
        // The identity stage normalised the country; a row's own country (not the default)
        // is what a number can mismatch. Regions are few: rows key on a region's index, so the
        // phone key below hashes and compares one string, not two.
        let written_country = str_column(leads, "country")?;
        let countries = distinct_column(leads, "country_normalized")?;
        let mut regions: Vec<&str> = countries.keys.clone();
        let default_region = match regions.iter().position(|r| *r == default_country) {
            Some(index) => index as u32,
            None => {
                regions.push(default_country.as_str());
                (regions.len() - 1) as u32
            }
        };
        // Per row: the region numbers are read in.
        let row_region: Vec<u32> = countries
            .row_key
            .iter()
            .map(|key| key.unwrap_or(default_region))
            .collect();
        // Per row: whether the region is the row's own country (written, and recognised).
        let explicit: Vec<bool> = match written_country {
            Some(written) => countries
                .row_key
                .iter()
                .zip(written.iter())
                .map(|(own, written)| {
                    own.is_some() && written.is_some_and(|w| !w.trim().is_empty())
                })
                .collect(),
            None => vec![false; height],
        };
        let distinct = Distinct::new(
            phones
                .iter()
                .zip(&row_region)
                .map(|(v, region)| v.filter(|v| !v.trim().is_empty()).map(|v| (v, *region))),
        );
        let verdicts = distinct.map(|(raw, region)| {
            verify_phone(
                raw,
                regions.get(*region as usize).copied().unwrap_or_default(),
            )
        });

        let defaults = &ctx.rules.leads.default_channels;
        let channel_column = str_column(leads, "channel")?;
        let channels = Distinct::new(
            column_values(channel_column.as_deref(), height)
                .into_iter()
                .map(Some),
        );
        let channel_sets = channels.map(|cell| phone_channels(*cell, defaults));

        let check_type = ctx.rules.is_enabled("phone.type");
        let check_country = ctx.rules.is_enabled("phone.country_mismatch");
        let check_invalid = ctx.rules.is_enabled("phone.invalid");
        // The same few (type, channel) messages come up on many rows.
        let mut type_messages: Vec<((PhoneType, Channel), String)> = Vec::new();
        let mut status = Vec::with_capacity(height);
        let mut types: BTreeMap<&str, usize> = BTreeMap::new();
        let rows = distinct
            .per_row(&verdicts)
            .zip(channels.per_row(&channel_sets))
            .zip(row_region.iter().zip(&explicit));
        for (row, ((verdict, lead_channels), (&region, &explicit))) in rows.enumerate() {
            let Some(verdict) = verdict else {
                status.push(FieldStatus::Absent);
                continue;
            };
            if let Some(problem) = &verdict.invalid {
                status.push(FieldStatus::Invalid);
                if check_invalid {
                    findings.push(row as u32, "phone.invalid", problem.to_string());
                }
                continue;
            }
            status.push(FieldStatus::Valid);
            let kind = verdict.phone_type.map(PhoneType::as_str);
            *types.entry(kind.unwrap_or("unknown")).or_default() += 1;
            if check_type {
                for &channel in lead_channels.into_iter().flatten() {
                    let accepted = ctx.rules.phone.accepted_types(channel);
                    if let (Some(accepted), Some(kind)) = (accepted, verdict.phone_type) {
                        if !accepted.contains(&kind) {
                            let message = match type_messages
                                .iter()
                                .find(|(key, _)| *key == (kind, channel))
                            {
                                Some((_, message)) => message.clone(),
                                None => {
                                    let message = format!(
                                        "a {} number cannot serve the lead's {} channel",
                                        kind.as_str(),
                                        channel.as_str()
                                    );
                                    type_messages.push(((kind, channel), message.clone()));
                                    message
                                }
                            };
                            findings.push(row as u32, "phone.type", message);
                        }
                    }
                }
            }
            let non_geographic = verdict.region.as_deref() == Some("001");
            if check_country && explicit && !non_geographic && !verdict.valid_in_default_region {
                let lead_country = regions.get(region as usize).copied().unwrap_or_default();
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
        // Valid numbers only; the columns are gathered from the distinct verdicts.
        let valid = |verdict: &'_ PhoneVerdict| verdict.invalid.is_none();
        let column = |name: &str, value: &dyn Fn(&PhoneVerdict) -> Option<&str>| {
            distinct
                .gather_str(
                    name,
                    verdicts
                        .iter()
                        .map(|verdict| value(verdict).filter(|_| valid(verdict))),
                )
                .map(IntoColumn::into_column)
                .step(name)
        };
        let columns = vec![
            column("phone_e164", &|v| v.e164.as_deref())?,
            column("phone_type", &|v| v.phone_type.map(PhoneType::as_str))?,
            column("phone_region", &|v| v.region.as_deref())?,
        ];
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
            columns,
            findings,
            summary: vec![summary],
            report: Some(report),
            ..StageOutput::default()
        })
    }
}

#[cfg(test)]
mod tests;
