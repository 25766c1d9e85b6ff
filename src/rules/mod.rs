//! The rules file: column aliases, per-check actions and gate thresholds, and each check
//! family's parameters. One TOML file configures a run; the built-in rules are
//! `rules/default.toml`, compiled into the binary.
//!
//! A rules file is laid over the built-in one key by key inside each family section (so a
//! pack can override one parameter and keep the rest), but `[checks]` and `[sources]` are
//! taken as written: a check that a rules file does not list is off.

mod locate;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::checks::{self, catalog};
use crate::error::{Error, Location, Result};

pub use locate::line_of_key;

/// The built-in rules, as shipped in `rules/default.toml`.
pub const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");

/// The canonical lead fields that header aliases map onto.
pub const CANONICAL_FIELDS: &[&str] = &[
    "lead_id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "company",
    "job_title",
    "industry",
    "naics",
    "employees",
    "revenue",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "date_of_birth",
    "captured_at",
    "channel",
    "ip",
    "page_url",
    "email_opens",
    "email_clicks",
    "downloads",
    "webinar_attended",
    "pages_visited",
    "last_activity_at",
    "budget",
    "authority",
    "need",
    "timeline",
    "price",
];

/// What a finding does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The row goes to rejected.csv.
    Reject,
    /// The row stays accepted; the finding is recorded.
    Flag,
    /// The check does not run.
    Off,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Reject => "reject",
            Action::Flag => "flag",
            Action::Off => "off",
        }
    }
}

/// A check's row action and gate thresholds (rates 0–1 of the input rows).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRule {
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_above: Option<f64>,
}

/// Header aliases: canonical field -> extra header spellings. Extends the built-in table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnRules {
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// Defaults for fields a lead row may leave empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadRules {
    /// ISO 3166 alpha-2 country assumed when a row has none (also the phone default region).
    pub default_country: String,
    /// Channels a lead is meant to be contacted on when its row has no `channel`.
    pub default_channels: Vec<String>,
}

/// Per-source commercial terms, for the vendor scorecard and survivorship.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRules {
    /// Price paid per lead (any currency; the report shows cost per accepted lead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_lead: Option<f64>,
    /// Lower wins when survivorship prefers a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
}

/// A whole rules file after it is laid over the built-in rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub columns: ColumnRules,
    pub leads: LeadRules,
    #[serde(default)]
    pub sources: BTreeMap<String, SourceRules>,
    #[serde(default)]
    pub checks: BTreeMap<String, CheckRule>,
    pub identity: checks::identity::IdentityRules,
    pub email: checks::email::EmailRules,
    pub phone: checks::phone::PhoneRules,
    pub rankings: crate::rankings::RankingRules,
    pub fit: checks::fit::rules::FitRules,
    pub consent: checks::consent::ConsentRules,
    pub suppression: checks::suppression::SuppressionRules,
    pub dedup: checks::dedup::DedupRules,
}

/// Sections a rules file takes as written instead of laying over the built-in ones.
const UNMERGED_SECTIONS: &[&str] = &["checks", "sources"];

/// A loaded rules file with what the audit trail records about it.
#[derive(Debug, Clone)]
pub struct LoadedRules {
    pub rules: Rules,
    /// `built-in` or the path given.
    pub path: String,
    pub sha256: String,
}

/// The built-in rules as a TOML table (parsed once).
fn builtin_table() -> &'static toml::Table {
    static TABLE: LazyLock<toml::Table> = LazyLock::new(|| match toml::from_str(DEFAULT_RULES) {
        Ok(table) => table,
        // Tested by `builtin_rules_parse`; a released binary cannot get here.
        Err(e) => panic!("built-in rules do not parse: {e}"),
    });
    &TABLE
}

/// One family section of the built-in rules, e.g. `builtin_section::<EmailRules>("email")`:
/// the `Default` of the family rules structs, so defaults live in `rules/default.toml` only.
pub fn builtin_section<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let section = builtin_table()
        .get(name)
        .cloned()
        .unwrap_or_else(|| toml::Value::Table(toml::Table::new()));
    match section.try_into() {
        Ok(rules) => rules,
        // Tested by `builtin_rules_parse`; a released binary cannot get here.
        Err(e) => panic!("built-in [{name}] rules do not parse: {e}"),
    }
}

/// Lays `user` over the built-in rules: inside each family section the user's keys replace
/// the built-in ones; `[checks]` and `[sources]` come from `user` alone.
fn lay_over_builtin(user: toml::Table) -> toml::Table {
    let mut merged = builtin_table().clone();
    for section in UNMERGED_SECTIONS {
        merged.remove(*section);
    }
    for (section, value) in user {
        match (merged.get_mut(&section), value) {
            (Some(toml::Value::Table(base)), toml::Value::Table(overrides))
                if !UNMERGED_SECTIONS.contains(&section.as_str()) =>
            {
                base.extend(overrides);
            }
            (_, value) => {
                merged.insert(section, value);
            }
        }
    }
    merged
}

/// `a."b.c".d` from a serde path, quoting keys that contain dots, for `line_of_key`.
fn dotted_key(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } if key.contains('.') => {
                Some(format!("\"{key}\""))
            }
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

impl Rules {
    /// Parses and validates rules text; `path` is used in error messages.
    pub fn parse(text: &str, path: &str) -> Result<Rules> {
        let user: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
        let merged = toml::Value::Table(lay_over_builtin(user));
        let rules: Rules = serde_path_to_error::deserialize(merged).map_err(|e| {
            let key = dotted_key(e.path());
            let message = e.inner().message().trim().to_string();
            let mut at = Location::file(path);
            if let Some(line) = line_of_key(text, &key) {
                at = at.line(line);
            }
            if key.is_empty() {
                Error::rules(at, message)
            } else {
                Error::rules(at, format!("{message} (key `{key}`)"))
            }
        })?;
        rules.validate(text, path)?;
        Ok(rules)
    }

    /// Loads the rules from `path`, or the built-in rules when `None`.
    pub fn load(path: Option<&Path>) -> Result<LoadedRules> {
        let (text, shown) = match path {
            None => (DEFAULT_RULES.to_string(), "built-in".to_string()),
            Some(p) => {
                let shown = p.display().to_string();
                let bytes = std::fs::read(p).map_err(|e| {
                    Error::rules(Location::file(&shown), format!("cannot read: {e}"))
                })?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    let line = line_number_bytes(e.as_bytes(), e.utf8_error().valid_up_to());
                    Error::rules(Location::file(&shown).line(line), "not valid UTF-8")
                })?;
                (text, shown)
            }
        };
        let rules = Rules::parse(&text, &shown)?;
        Ok(LoadedRules {
            rules,
            sha256: crate::ingest::sha256_hex(text.as_bytes()),
            path: shown,
        })
    }

    /// The rule for a check, if the check is on.
    pub fn enabled(&self, check: &str) -> Option<&CheckRule> {
        self.checks.get(check).filter(|r| r.action != Action::Off)
    }

    pub fn is_enabled(&self, check: &str) -> bool {
        self.enabled(check).is_some()
    }

    /// Enabled checks of the given families, in catalog order.
    pub fn enabled_checks<'a>(
        &'a self,
        families: &'a [&str],
    ) -> impl Iterator<Item = &'static str> + 'a {
        catalog()
            .iter()
            .filter(move |c| families.contains(&c.family) && self.is_enabled(c.id))
            .map(|c| c.id)
    }

    fn validate(&self, text: &str, path: &str) -> Result<()> {
        let at = |key: &str| {
            let loc = Location::file(path);
            match line_of_key(text, key) {
                Some(line) => loc.line(line),
                None => loc,
            }
        };
        for (id, rule) in &self.checks {
            let key = format!("checks.\"{id}\"");
            if !catalog().iter().any(|c| c.id == id) {
                return Err(Error::rules(
                    at(&key),
                    format!("unknown check `{id}` (key `{key}`); `leadaudit rules show` lists the check ids"),
                ));
            }
            for (name, value) in [
                ("warn_above", rule.warn_above),
                ("fail_above", rule.fail_above),
            ] {
                if let Some(v) = value {
                    if !(0.0..=1.0).contains(&v) || v.is_nan() {
                        return Err(Error::rules(
                            at(&key),
                            format!("`{key}.{name}` is {v}: a rate must be between 0 and 1"),
                        ));
                    }
                }
            }
            if let (Some(w), Some(f)) = (rule.warn_above, rule.fail_above) {
                if w > f {
                    return Err(Error::rules(
                        at(&key),
                        format!("`{key}`: warn_above ({w}) is above fail_above ({f})"),
                    ));
                }
            }
        }
        for field in self.columns.aliases.keys() {
            if !CANONICAL_FIELDS.contains(&field.as_str()) {
                let key = format!("columns.aliases.{field}");
                return Err(Error::rules(
                    at(&key),
                    format!(
                        "unknown canonical field `{field}` (key `{key}`); known fields: {}",
                        CANONICAL_FIELDS.join(", ")
                    ),
                ));
            }
        }
        if self.leads.default_country.len() != 2 {
            return Err(Error::rules(
                at("leads.default_country"),
                "`leads.default_country` must be an ISO 3166 alpha-2 code such as \"US\"",
            ));
        }
        for channel in &self.leads.default_channels {
            if !checks::CHANNELS.contains(&channel.as_str()) {
                return Err(Error::rules(
                    at("leads.default_channels"),
                    format!(
                        "`leads.default_channels` has unknown channel `{channel}`; use {}",
                        checks::CHANNELS.join(", ")
                    ),
                ));
            }
        }
        self.identity
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.email
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.phone
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.rankings
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        crate::rankings::validate_checks(&self.checks)
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.fit
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.consent
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.suppression
            .validate()
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        self.dedup
            .validate(CANONICAL_FIELDS)
            .map_err(|(key, msg)| Error::rules(at(&key), msg))?;
        if !self.checks.values().any(|r| r.action != Action::Off) {
            return Err(Error::rules(
                Location::file(path),
                "no check is enabled: set at least one check's action to `reject` or `flag` under [checks]",
            ));
        }
        Ok(())
    }
}

fn toml_error(text: &str, path: &str, e: &toml::de::Error) -> Error {
    let mut at = Location::file(path);
    if let Some(span) = e.span() {
        at = at.line(line_number(text, span.start));
    }
    Error::rules(at, e.message().trim().to_string())
}

/// 1-based line number of a byte offset.
pub(crate) fn line_number(text: &str, offset: usize) -> usize {
    line_number_bytes(text.as_bytes(), offset)
}

fn line_number_bytes(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let rules = Rules::parse(DEFAULT_RULES, "built-in").expect("default rules must parse");
        assert!(rules.is_enabled("email.syntax"));
        assert_eq!(rules.leads.default_country, "US");
    }

    #[test]
    fn unknown_key_is_named_with_line() {
        let text = "[checks.\"email.syntax\"]\naction = \"reject\"\nwarn_abov = 0.1\n";
        let err = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(err.contains("warn_abov"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn wrong_type_names_key() {
        let text = "[checks.\"email.syntax\"]\naction = \"reject\"\nwarn_above = \"high\"\n";
        let err = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(err.contains("warn_above"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_check_id_is_an_error() {
        let text = "[checks.\"email.syntx\"]\naction = \"reject\"\n";
        let err = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(
            err.contains("email.syntx") && err.contains("line 1"),
            "{err}"
        );
    }

    #[test]
    fn no_enabled_check_is_an_error() {
        let text = "[checks.\"email.syntax\"]\naction = \"off\"\n";
        let err = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(err.contains("no check is enabled"), "{err}");
    }

    #[test]
    fn family_sections_fill_from_builtin() {
        let text =
            "[leads]\ndefault_country = \"CA\"\n[checks.\"email.missing\"]\naction = \"flag\"\n";
        let rules = Rules::parse(text, "r.toml").expect("parses");
        assert_eq!(rules.leads.default_country, "CA");
        assert!(!rules.leads.default_channels.is_empty());
        assert!(!rules.is_enabled("email.syntax"));
    }

    #[test]
    fn threshold_out_of_range() {
        let text = "[checks.\"email.missing\"]\naction = \"flag\"\nfail_above = 5\n";
        let err = Rules::parse(text, "r.toml").unwrap_err().to_string();
        assert!(err.contains("between 0 and 1"), "{err}");
    }
}
