//! The `[consent]` rules section and its compiled form: which records count for a lead, and
//! per jurisdiction (a "rule pack" section) which channels need consent, what evidence a
//! record must carry, what its text must say, how long it lasts and how fast a revocation
//! must be honoured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::channels::Channels;
use super::dates::Period;
use super::records::Field;
use super::text::fold;

/// Keys that tie a consent record to a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKey {
    LeadId,
    Email,
    Phone,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRules {
    /// Keys that tie a record to a lead. `lead_id`, when listed and some record has the lead's
    /// id, wins; otherwise every record sharing one of the listed contact keys counts.
    pub match_by: Vec<MatchKey>,
    /// Channels a record covers when its `channel` is empty or the file has no such column.
    pub blank_record_channels: Vec<String>,
    /// The seller's brand names: consent text must name one of them (or the record's own
    /// `seller`) where a rule pack section says `seller_named`.
    pub seller_names: Vec<String>,
    /// Consent logged up to this many minutes after the lead's capture time still counts
    /// as given at capture.
    pub capture_grace_minutes: u32,
    /// Hours after creation within which a TrustedForm certificate must be claimed.
    pub trustedform_claim_hours: u32,
    /// Extra header spellings for consent-record fields (consented_at, consent_text, seller,
    /// certificate, method, revoked_at, purpose, certificate_claimed_at).
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Rule pack sections, tried in order: the first whose countries (and states) match a
    /// lead judges it.
    pub jurisdictions: Vec<Jurisdiction>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub id: String,
    pub label: String,
    /// ISO 3166 alpha-2 codes; `*` matches any country.
    pub countries: Vec<String>,
    /// State/province codes as written in lead rows (`FL`, `ON`); empty = every state.
    #[serde(default)]
    pub states: Vec<String>,
    /// Channels on which contact needs prior consent here.
    pub consent_channels: Vec<String>,
    /// Per channel, record fields that must be present; `a|b` = at least one of them.
    #[serde(default)]
    pub evidence: BTreeMap<String, Vec<String>>,
    /// The consent text must name the seller.
    pub seller_named: bool,
    /// Channels that need written consent with the phrases below.
    #[serde(default)]
    pub written_consent_channels: Vec<String>,
    /// What written consent must say: a description -> phrases, one of which must appear.
    #[serde(default)]
    pub written_consent_phrases: BTreeMap<String, Vec<String>>,
    /// How long consent lasts, per record `method` (`purchase`, `inquiry`, …; `*` for any
    /// other), as `30d`, `6m` or `2y`. A method with no entry does not expire.
    #[serde(default)]
    pub max_age: BTreeMap<String, String>,
    /// Business days within which a revocation must be honoured.
    pub revocation_business_days: u32,
}

/// Record fields that evidence requirements may name.
pub const EVIDENCE_FIELDS: &[Field] = &[
    Field::ConsentedAt,
    Field::Ip,
    Field::PageUrl,
    Field::ConsentText,
    Field::Seller,
    Field::Certificate,
    Field::Method,
    Field::Purpose,
    Field::Email,
    Field::Phone,
    Field::FirstName,
    Field::LastName,
    Field::FullName,
    Field::CapturedAt,
];

/// Consent-record fields that are not canonical lead fields (header aliases map onto them).
pub const RECORD_FIELDS: &[&str] = &[
    "consented_at",
    "consent_text",
    "seller",
    "certificate",
    "method",
    "revoked_at",
    "purpose",
    "certificate_claimed_at",
];

/// `Implied Purchase` -> `implied_purchase`: how record methods and `max_age` keys compare.
pub fn method_key(text: &str) -> String {
    let lowered = text.trim().to_lowercase();
    lowered
        .split(|c: char| !c.is_alphanumeric() && c != '*')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// A rule pack section ready to judge leads.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub label: String,
    any_country: bool,
    countries: Vec<String>,
    states: Vec<String>,
    pub consent_channels: Channels,
    /// Per channel (`CHANNELS` order): required fields, each a list of alternatives (and
    /// the spec as the rules wrote it, for details).
    pub evidence: [Vec<(Vec<Field>, String)>; 3],
    pub seller_named: bool,
    pub written_channels: Channels,
    /// (description, index into [`Compiled::phrases`]).
    pub phrase_groups: Vec<(String, usize)>,
    max_age: BTreeMap<String, (Period, String)>,
    pub revocation_business_days: u32,
}

impl Pack {
    pub fn matches(&self, country: &str, state: Option<&str>) -> bool {
        (self.any_country || self.countries.iter().any(|c| c == country))
            && (self.states.is_empty()
                || state.is_some_and(|s| self.states.iter().any(|x| x.eq_ignore_ascii_case(s))))
    }

    /// The age limit for a record method (folded by [`method_key`]; its own entry, else the
    /// `*` entry), with its rules text.
    pub fn max_age(&self, method_key: Option<&str>) -> Option<&(Period, String)> {
        if self.max_age.is_empty() {
            return None;
        }
        method_key
            .and_then(|m| self.max_age.get(m))
            .or_else(|| self.max_age.get("*"))
    }
}

/// The whole section compiled: packs in matching order, phrase groups folded for matching.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub packs: Vec<Pack>,
    /// Phrase groups of every pack (a pack refers to them by index); folded text.
    pub phrases: Vec<Vec<String>>,
    /// Seller names folded for matching, and as the rules wrote them (for details).
    pub seller_names: Vec<String>,
    pub seller_labels: Vec<String>,
    pub blank_record_channels: Channels,
}

type RuleError = (String, String);

fn err(key: String, message: String) -> RuleError {
    (key, message)
}

impl ConsentRules {
    pub fn validate(&self) -> Result<(), RuleError> {
        self.compile().map(|_| ())
    }

    pub fn compile(&self) -> Result<Compiled, RuleError> {
        if self.match_by.is_empty() {
            return Err(err(
                "consent.match_by".into(),
                "`consent.match_by` needs at least one of lead_id, email, phone".into(),
            ));
        }
        let blank_record_channels = Channels::from_names(&self.blank_record_channels)
            .map_err(|c| unknown_channel("consent.blank_record_channels", c))?;
        for (field, aliases) in &self.aliases {
            if !RECORD_FIELDS.contains(&field.as_str()) {
                return Err(err(
                    format!("consent.aliases.{field}"),
                    format!(
                        "unknown consent-record field `{field}` (key `consent.aliases.{field}`); known: {} (aliases of lead fields go under [columns.aliases])",
                        RECORD_FIELDS.join(", ")
                    ),
                ));
            }
            if aliases.iter().any(|a| a.trim().is_empty()) {
                return Err(err(
                    format!("consent.aliases.{field}"),
                    format!("`consent.aliases.{field}` has an empty header"),
                ));
            }
        }
        if self.seller_names.iter().any(|s| s.trim().is_empty()) {
            return Err(err(
                "consent.seller_names".into(),
                "`consent.seller_names` has an empty name".into(),
            ));
        }
        let mut phrases = Vec::new();
        let mut packs = Vec::with_capacity(self.jurisdictions.len());
        for (i, j) in self.jurisdictions.iter().enumerate() {
            let key = |name: &str| format!("consent.jurisdictions.{i}.{name}");
            if j.id.trim().is_empty() {
                return Err(err(key("id"), format!("`{}` is empty", key("id"))));
            }
            if packs.iter().any(|p: &Pack| p.id == j.id) {
                return Err(err(
                    key("id"),
                    format!("two [[consent.jurisdictions]] have the id `{}`", j.id),
                ));
            }
            if j.countries.is_empty() {
                return Err(err(
                    key("countries"),
                    format!(
                        "`{}` is empty: list ISO 3166 alpha-2 codes or \"*\"",
                        key("countries")
                    ),
                ));
            }
            for c in &j.countries {
                if c != "*" && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())) {
                    return Err(err(
                        key("countries"),
                        format!(
                            "`{}` has `{c}`: use upper-case ISO 3166 alpha-2 codes such as \"US\", or \"*\"",
                            key("countries")
                        ),
                    ));
                }
            }
            let channels = |name: &str, list: &Vec<String>| {
                Channels::from_names(list).map_err(|c| unknown_channel(&key(name), c))
            };
            let consent_channels = channels("consent_channels", &j.consent_channels)?;
            let written_channels =
                channels("written_consent_channels", &j.written_consent_channels)?;
            let mut evidence: [Vec<(Vec<Field>, String)>; 3] = Default::default();
            for (channel, fields) in &j.evidence {
                let slot = Channels::named(channel)
                    .ok_or_else(|| unknown_channel(&key("evidence"), channel))?
                    .index();
                for spec in fields {
                    let mut options = Vec::new();
                    for name in spec.split('|').map(str::trim) {
                        match Field::named(name).filter(|f| EVIDENCE_FIELDS.contains(f)) {
                            Some(field) => options.push(field),
                            None => {
                                return Err(err(
                                    format!("{}.{channel}", key("evidence")),
                                    format!(
                                        "`{}.{channel}` names unknown field `{name}`; known: {}",
                                        key("evidence"),
                                        EVIDENCE_FIELDS
                                            .iter()
                                            .map(|f| f.name())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                ))
                            }
                        }
                    }
                    let shown = options
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join("|");
                    evidence[slot].push((options, shown));
                }
            }
            let mut phrase_groups = Vec::new();
            for (what, list) in &j.written_consent_phrases {
                let folded: Vec<String> = list.iter().map(|p| fold(p)).collect();
                if folded.is_empty() || folded.iter().any(String::is_empty) {
                    return Err(err(
                        key("written_consent_phrases"),
                        format!(
                            "`{}.\"{what}\"` needs at least one non-empty phrase",
                            key("written_consent_phrases")
                        ),
                    ));
                }
                phrase_groups.push((what.clone(), phrases.len()));
                phrases.push(folded);
            }
            let mut max_age = BTreeMap::new();
            for (method, limit) in &j.max_age {
                let period = Period::parse(limit).ok_or_else(|| {
                    err(
                        key("max_age"),
                        format!(
                            "`{}.{method}` is \"{limit}\": write a number and a unit, e.g. \"30d\", \"6m\", \"2y\"",
                            key("max_age")
                        ),
                    )
                })?;
                max_age.insert(method_key(method), (period, limit.clone()));
            }
            packs.push(Pack {
                id: j.id.clone(),
                label: j.label.clone(),
                any_country: j.countries.iter().any(|c| c == "*"),
                countries: j.countries.clone(),
                states: j.states.clone(),
                consent_channels,
                evidence,
                seller_named: j.seller_named,
                written_channels,
                phrase_groups,
                max_age,
                revocation_business_days: j.revocation_business_days,
            });
        }
        if phrases.len() > 64 {
            return Err(err(
                "consent.jurisdictions".into(),
                format!(
                    "{} written-consent phrase groups in all; at most 64 are supported",
                    phrases.len()
                ),
            ));
        }
        Ok(Compiled {
            packs,
            phrases,
            seller_names: self.seller_names.iter().map(|s| fold(s)).collect(),
            seller_labels: self.seller_names.clone(),
            blank_record_channels,
        })
    }
}

fn unknown_channel(key: &str, channel: &str) -> RuleError {
    err(
        key.to_string(),
        format!(
            "`{key}` has unknown channel `{channel}`; use {}",
            crate::checks::CHANNELS.join(", ")
        ),
    )
}

impl Compiled {
    /// The first pack that matches a country (and state).
    pub fn pack_for(&self, country: &str, state: Option<&str>) -> Option<usize> {
        self.packs.iter().position(|p| p.matches(country, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Rules, DEFAULT_RULES};

    fn rules() -> ConsentRules {
        Rules::parse(DEFAULT_RULES, "built-in")
            .expect("default rules parse")
            .consent
    }

    #[test]
    fn default_section_compiles_and_matches_states_before_countries() {
        let compiled = rules().compile().expect("compiles");
        let us = compiled.pack_for("US", Some("TX")).expect("US pack");
        assert_eq!(compiled.packs[us].id, "us");
        let ca = compiled.pack_for("CA", None).expect("CA pack");
        assert_eq!(compiled.packs[ca].id, "ca");
        assert!(compiled.pack_for("DE", None).is_some());
    }

    #[test]
    fn method_keys_fold_case_and_punctuation() {
        assert_eq!(method_key(" Implied - Purchase "), "implied_purchase");
        assert_eq!(method_key("*"), "*");
    }

    #[test]
    fn bad_sections_name_the_key() {
        let mut r = rules();
        r.jurisdictions[0]
            .max_age
            .insert("inquiry".into(), "6 weeks".into());
        let (key, msg) = r.compile().unwrap_err();
        assert_eq!(key, "consent.jurisdictions.0.max_age");
        assert!(msg.contains("6 weeks"), "{msg}");

        let mut r = rules();
        r.jurisdictions[0]
            .evidence
            .insert("call".into(), vec!["ip|pagee_url".into()]);
        let (key, msg) = r.compile().unwrap_err();
        assert_eq!(key, "consent.jurisdictions.0.evidence.call");
        assert!(msg.contains("pagee_url"), "{msg}");

        let mut r = rules();
        r.jurisdictions[0].consent_channels.push("fax".into());
        assert!(r.compile().unwrap_err().1.contains("fax"));

        let mut r = rules();
        r.jurisdictions[1].id = r.jurisdictions[0].id.clone();
        assert!(r.compile().unwrap_err().1.contains("two"));

        let mut r = rules();
        r.jurisdictions[0].countries = vec!["usa".into()];
        assert!(r.compile().unwrap_err().1.contains("usa"));

        let mut r = rules();
        r.aliases.insert("email".into(), vec!["E".into()]);
        assert!(r.compile().unwrap_err().1.contains("[columns.aliases]"));
    }
}
