//! Identity: is there a person (or company) behind the row, with the fields the rules require.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{blank_mask, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::error::Result;

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "field.missing",
        family: "identity",
        title: "a field the rules require is empty",
    },
    CheckInfo {
        id: "name.missing",
        family: "identity",
        title: "no name at all (first, last or full name)",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRules {
    /// Fields every lead must have. `a|b` means at least one of `a` and `b`.
    pub required_fields: Vec<String>,
}

impl IdentityRules {
    /// Checks the section; errors give (key, message).
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        for spec in &self.required_fields {
            if spec.split('|').any(|f| f.trim().is_empty()) {
                return Err((
                    "identity.required_fields".into(),
                    format!("`identity.required_fields` entry '{spec}' has an empty field name"),
                ));
            }
        }
        Ok(())
    }
}

pub struct IdentityStage;

impl Stage for IdentityStage {
    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let mut findings = Findings::default();
        let height = leads.height();
        if ctx.rules.is_enabled("field.missing") {
            field_missing(leads, &ctx.rules.identity.required_fields, &mut findings)?;
        }
        if ctx.rules.is_enabled("name.missing") {
            let mut no_name = BooleanChunked::full("no_name".into(), true, height);
            for field in ["first_name", "last_name", "full_name"] {
                if let Some(values) = str_column(leads, field)? {
                    no_name = &no_name & &blank_mask(values);
                }
            }
            findings.push_mask(&no_name, "name.missing", "no first, last or full name");
        }
        Ok(StageOutput {
            findings,
            ..StageOutput::default()
        })
    }
}

/// One `field.missing` finding per row, naming every required field it lacks.
fn field_missing(leads: &DataFrame, required: &[String], findings: &mut Findings) -> Result<()> {
    let height = leads.height();
    let mut missing: Vec<Vec<&str>> = vec![Vec::new(); height];
    for spec in required {
        let mut all_blank = BooleanChunked::full("blank".into(), true, height);
        for field in spec.split('|').map(str::trim) {
            if let Some(values) = str_column(leads, field)? {
                all_blank = &all_blank & &blank_mask(values);
            }
        }
        for (row, blank) in all_blank.iter().enumerate() {
            if blank == Some(true) {
                missing[row].push(spec.as_str());
            }
        }
    }
    for (row, fields) in missing.into_iter().enumerate() {
        if !fields.is_empty() {
            findings.push(
                row as u32,
                "field.missing",
                format!("missing: {}", fields.join(", ")),
            );
        }
    }
    Ok(())
}
