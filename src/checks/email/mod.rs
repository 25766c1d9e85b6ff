//! Email: is there an address, could mail be delivered to it, and is it a person's lasting
//! mailbox (not disposable, not a role account, not a mistyped domain).
//!
//! The per-value work is [`verify_email`]; the stage runs it once per distinct value.

mod lists;
mod syntax;
mod typo;
mod verify;

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use lists::EmailLists;
pub use syntax::SyntaxProblem;
pub use verify::{verify_email, EmailIssue, EmailVerdict};

use super::distinct::Distinct;
use super::field_report::{field_report, FieldStatus};
use super::{blank_mask, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::error::{PolarsContext, Result};

/// [`verify_email`] of distinct addresses, each distinct domain's work done once (lists
/// repeat a few thousand domains a million times). Issues `keep` refuses are not built.
pub fn verify_distinct_emails(
    addresses: &[&str],
    rules: &EmailRules,
    lists: &EmailLists,
    keep: impl Fn(&'static str) -> bool + Sync,
) -> Vec<EmailVerdict> {
    let split: Vec<_> = addresses
        .par_iter()
        .map(|raw| syntax::split_address(raw, rules))
        .collect();
    let domains = Distinct::new(
        split
            .iter()
            .map(|split| split.as_ref().ok().map(|split| split.domain.as_ref())),
    );
    let domain_verdicts = domains.map(|domain| verify::domain_verdict(domain, rules, lists));
    split
        .par_iter()
        .zip(domains.row_key.par_iter())
        .map(|(split, domain)| {
            let domain = domain.and_then(|k| domain_verdicts.get(k as usize));
            verify::address_verdict(split, domain, lists, &keep)
        })
        .collect()
}

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
    CheckInfo {
        id: "email.disposable",
        family: "email",
        title: "disposable (throwaway) email domain",
    },
    CheckInfo {
        id: "email.role",
        family: "email",
        title: "role account (info@, sales@, noreply@), not a person",
    },
    CheckInfo {
        id: "email.free",
        family: "email",
        title: "free webmail address (for B2B lists)",
    },
    CheckInfo {
        id: "email.typo",
        family: "email",
        title: "domain looks mistyped (did-you-mean in the detail)",
    },
];

/// The checks whose findings come from [`verify_email`].
const VERIFIED: &[&str] = &[
    "email.syntax",
    "email.disposable",
    "email.role",
    "email.free",
    "email.typo",
];

/// The `[email]` section of the rules; defaults and comments are in `rules/default.toml`.
///
/// Built-in lists (disposable, role, free, top-level domains) live in `rules/lists/`; the
/// `extra_*` keys add to them for one run, `disposable_exceptions` removes false positives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRules {
    /// Accept `user@[192.0.2.1]`. Deliverable marketing mail practically never uses these.
    pub allow_ip_literal: bool,
    /// Accept `"john doe"@example.com`. Legal in RFC 5322, rejected by most forms and ESPs.
    pub allow_quoted_local: bool,
    /// Providers that ignore dots in the local part (`j.o.e@gmail.com` is `joe@gmail.com`).
    pub dot_insensitive_domains: Vec<String>,
    /// Providers that deliver `joe+tag@` to `joe@`; the tag is dropped when normalising.
    pub plus_tag_domains: Vec<String>,
    /// Domains that are the same mailbox namespace as another (`googlemail.com` = `gmail.com`).
    pub domain_aliases: BTreeMap<String, String>,
    /// Added to the built-in disposable list (subdomains match too).
    pub extra_disposable_domains: Vec<String>,
    /// Never reported as disposable, even if the built-in list names them or a parent domain.
    pub disposable_exceptions: Vec<String>,
    /// Added to the built-in role-account local parts.
    pub extra_role_accounts: Vec<String>,
    /// Added to the built-in free-webmail domains.
    pub extra_free_domains: Vec<String>,
    /// Well-known mailbox domains that `email.typo` suggests (`gmial.com` -> `gmail.com`).
    pub typo_domains: Vec<String>,
    /// Top-level-domain slips and their fix (`con` -> `com`). A fix whose typo is itself a real
    /// TLD (`co`, `om`) is only suggested when the fixed domain is a known mailbox domain.
    pub typo_tld_fixes: BTreeMap<String, String>,
    /// Most edits between a domain name and a `typo_domains` entry, counted as Damerau-Levenshtein
    /// in its optimal-string-alignment form (an insertion, deletion, substitution or swap of two
    /// neighbouring letters is one edit; `strsim::osa_distance`). Short names tolerate fewer: a
    /// name of n characters at most (n - 3) / 2, so `aol` only gets TLD fixes and `gmail` one edit.
    pub typo_max_distance: usize,
    /// Real domains that happen to be close to a popular one (`cloud.com` vs `icloud.com`).
    pub typo_exceptions: Vec<String>,
}

impl Default for EmailRules {
    fn default() -> Self {
        crate::rules::builtin_section("email")
    }
}

impl EmailRules {
    /// Checks the section; errors give (key, message).
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        let lists = [
            ("dot_insensitive_domains", &self.dot_insensitive_domains),
            ("plus_tag_domains", &self.plus_tag_domains),
            ("extra_disposable_domains", &self.extra_disposable_domains),
            ("disposable_exceptions", &self.disposable_exceptions),
            ("extra_role_accounts", &self.extra_role_accounts),
            ("extra_free_domains", &self.extra_free_domains),
            ("typo_domains", &self.typo_domains),
            ("typo_exceptions", &self.typo_exceptions),
        ];
        for (key, values) in lists {
            if values.iter().any(|v| v.trim().is_empty()) {
                return Err((
                    format!("email.{key}"),
                    format!("`email.{key}` has an empty entry"),
                ));
            }
        }
        let pairs = [
            ("domain_aliases", &self.domain_aliases),
            ("typo_tld_fixes", &self.typo_tld_fixes),
        ];
        for (key, map) in pairs {
            if let Some((from, _)) = map
                .iter()
                .find(|(from, to)| from.trim().is_empty() || to.trim().is_empty())
            {
                return Err((
                    format!("email.{key}"),
                    format!("`email.{key}` entry '{from}' has an empty side"),
                ));
            }
        }
        Ok(())
    }
}

pub struct EmailStage;

impl Stage for EmailStage {
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &[]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let height = leads.height();
        let mut findings = Findings::default();
        let Some(emails) = str_column(leads, "email")? else {
            if ctx.rules.is_enabled("email.missing") {
                findings.push_mask(
                    &BooleanChunked::full("missing".into(), true, height),
                    "email.missing",
                    "no email column",
                );
            }
            return Ok(StageOutput {
                columns: vec![Column::full_null(
                    "email_normalized".into(),
                    height,
                    &DataType::String,
                )],
                findings,
                ..StageOutput::default()
            });
        };
        if ctx.rules.is_enabled("email.missing") {
            findings.push_mask(&blank_mask(&emails), "email.missing", "email is empty");
        }
        let rules = &ctx.rules.email;
        let lists = EmailLists::new(rules);
        let distinct = Distinct::new(emails.iter().map(|v| v.filter(|v| !v.trim().is_empty())));
        let enabled: Vec<&str> = VERIFIED
            .iter()
            .copied()
            .filter(|check| ctx.rules.is_enabled(check))
            .collect();
        let keep = |check: &'static str| enabled.contains(&check);
        let verdicts: Vec<_> = verify_distinct_emails(&distinct.keys, rules, &lists, keep)
            .into_par_iter()
            .map(|verdict| {
                let issues: Vec<(&'static str, String)> = verdict
                    .issues
                    .iter()
                    .map(|issue| (issue.check_id(), issue.detail()))
                    .collect();
                (verdict.normalized, issues)
            })
            .collect();
        let mut status = Vec::with_capacity(height);
        for (row, verdict) in distinct.per_row(&verdicts).enumerate() {
            let Some((value, issues)) = verdict else {
                status.push(FieldStatus::Absent);
                continue;
            };
            status.push(match value {
                Some(_) => FieldStatus::Valid,
                None => FieldStatus::Invalid,
            });
            for (check, detail) in issues {
                findings.push(row as u32, check, detail.as_str());
            }
        }
        let column = distinct
            .gather_str(
                "email_normalized",
                verdicts.iter().map(|(value, _)| value.as_deref()),
            )
            .step("email_normalized")?;
        let (summary, report) = field_report(
            leads,
            ("email", "Email verification", "email"),
            &status,
            &findings,
            VERIFIED,
            Vec::new(),
        )?;
        Ok(StageOutput {
            columns: vec![column.into_column()],
            findings,
            summary: vec![summary],
            report: Some(report),
            ..StageOutput::default()
        })
    }
}
