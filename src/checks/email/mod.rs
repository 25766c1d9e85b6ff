//! Email: is there an address, and could mail be delivered to it.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{blank_mask, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::error::Result;

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "email.missing",
        family: "email",
        title: "no email address",
    },
    CheckInfo {
        id: "email.syntax",
        family: "email",
        title: "email address is not deliverable syntax",
    },
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRules {
    /// Accept `user@[192.0.2.1]` domain literals (rare in real leads; usually junk).
    pub allow_ip_literal: bool,
}

impl EmailRules {
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        Ok(())
    }
}

pub struct EmailStage;

impl Stage for EmailStage {
    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let mut findings = Findings::default();
        let Some(emails) = str_column(leads, "email")? else {
            findings.push_mask(
                &BooleanChunked::full("x".into(), true, leads.height()),
                "email.missing",
                "no email column",
            );
            return Ok(StageOutput {
                findings,
                ..StageOutput::default()
            });
        };
        if ctx.rules.is_enabled("email.missing") {
            findings.push_mask(&blank_mask(emails), "email.missing", "email is empty");
        }
        if ctx.rules.is_enabled("email.syntax") {
            for (row, value) in emails.iter().enumerate() {
                if let Some(reason) = value
                    .filter(|v| !v.trim().is_empty())
                    .and_then(|v| syntax_problem(v, &ctx.rules.email))
                {
                    findings.push(row as u32, "email.syntax", reason);
                }
            }
        }
        let normalized: StringChunked = emails
            .iter()
            .map(|v| {
                v.filter(|v| syntax_problem(v, &ctx.rules.email).is_none())
                    .map(|v| v.trim().to_lowercase())
            })
            .collect();
        Ok(StageOutput {
            columns: vec![normalized
                .with_name("email_normalized".into())
                .into_column()],
            findings,
            ..StageOutput::default()
        })
    }
}

/// Why an address is not deliverable syntax, in plain words; `None` when it is fine.
fn syntax_problem(raw: &str, rules: &EmailRules) -> Option<String> {
    let value = raw.trim();
    let Some((_, domain)) = value.rsplit_once('@') else {
        return Some("no @".into());
    };
    if domain.starts_with('[') && !rules.allow_ip_literal {
        return Some("IP-address domain".into());
    }
    if email_address::EmailAddress::parse_with_options(
        value,
        email_address::Options::default().without_display_text(),
    )
    .is_err()
    {
        return Some("not RFC 5322 address syntax".into());
    }
    if !domain.starts_with('[') && !domain.contains('.') {
        return Some("domain has no dot".into());
    }
    None
}
