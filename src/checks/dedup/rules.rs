//! The `[dedup]` rules section: blocking passes, match rules, vetoes, name tolerances,
//! survivorship, and the word lists (compiled in from `rules/lists/`, replaceable).

use serde::{Deserialize, Serialize};

/// A field two rows are compared on. Each has one documented similarity in 0–1
/// (see `scoring`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    FirstName,
    LastName,
    Company,
    PostalCode,
    Address,
    EmailLocal,
    EmailDomain,
    Phone,
    DateOfBirth,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Company => "company",
            Field::PostalCode => "postal_code",
            Field::Address => "address",
            Field::EmailLocal => "email_local",
            Field::EmailDomain => "email_domain",
            Field::Phone => "phone",
            Field::DateOfBirth => "date_of_birth",
        }
    }
}

/// Minimum similarity (0–1) per field; a field left out is not part of the condition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldThresholds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_local: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<f64>,
}

impl FieldThresholds {
    /// The fields that are set, with their thresholds, in `Field` order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, f64)> {
        [
            (Field::FirstName, self.first_name),
            (Field::LastName, self.last_name),
            (Field::Company, self.company),
            (Field::PostalCode, self.postal_code),
            (Field::Address, self.address),
            (Field::EmailLocal, self.email_local),
            (Field::EmailDomain, self.email_domain),
            (Field::Phone, self.phone),
            (Field::DateOfBirth, self.date_of_birth),
        ]
        .into_iter()
        .filter_map(|(field, min)| min.map(|m| (field, m)))
    }
}

/// A named match rule: two rows match when both have every `require`d field and each
/// field's similarity reaches its threshold, and no `refuse` field that both rows have is
/// less similar than its threshold (evidence against: another street address). The rule's
/// score is the mean of the required fields' similarities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    pub name: String,
    pub require: FieldThresholds,
    #[serde(default)]
    pub refuse: FieldThresholds,
}

/// A blocking key ingredient, computed per row from its folded fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPart {
    /// Postal code (ZIP+4 reduced to the ZIP).
    PostalCode,
    /// First letter of the surname (and of each part of a compound surname).
    LastInitial,
    /// NYSIIS code of the surname (and of each part of a compound surname).
    LastPhonetic,
    /// First letter of the first name, and of every full name it is a nickname of
    /// (`Bob` gives `b` and `r`): a row can sit in several blocks of one pass.
    FirstInitial,
    /// NYSIIS code of the first name.
    FirstPhonetic,
    /// Email domain, except free-mail domains (their blocks would hold most of a list).
    EmailDomain,
    /// Letters of the email local part (`j.smith+x77@` → `jsmith`).
    EmailLocal,
    /// Last seven digits of the phone number.
    PhoneLast7,
    /// Company name without legal suffixes.
    Company,
    DateOfBirth,
    /// House number and first street word of the address.
    Street,
}

/// One blocking pass: rows with equal keys are candidates. A block larger than the maximum
/// block size is split by the `refine` parts; a piece still too large is compared by sorted
/// neighbourhood (each row with the next `neighbourhood_window` rows in name order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingPass {
    pub name: String,
    pub keys: Vec<KeyPart>,
    #[serde(default)]
    pub refine: Vec<KeyPart>,
    /// This pass's maximum block size, instead of `dedup.max_block_size` (a key that says
    /// little, such as a name alone, deserves smaller blocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_block_size: Option<usize>,
    /// This pass's neighbourhood window, instead of `dedup.neighbourhood_window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbourhood_window: Option<usize>,
}

/// How tolerant first-name and surname comparison is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRules {
    /// First-name similarity of two names on one nickname line (`Bob` / `Robert`).
    pub nickname_score: f64,
    /// First-name similarity of an initial and a name starting with it (`J.` / `John`).
    pub initial_score: f64,
    /// Surname similarity when one part of a compound surname matches
    /// (`Garcia-Lopez` / `Lopez`), multiplied by that part's similarity.
    pub compound_surname_score: f64,
}

/// A survivorship criterion; criteria apply in order, then the earlier source (command-line
/// order), then a fixed order of the rows' contents (so not the row order), and the earlier
/// row only among rows equal in every compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// More non-blank fields wins.
    MostComplete,
    /// Later `captured_at` wins; a row without one loses.
    NewestCapturedAt,
    /// Lower `[sources.NAME] priority` wins; a source without one loses.
    SourcePriority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivorshipRules {
    pub prefer: Vec<Criterion>,
    /// Fill the survivor's blank fields from its duplicates (best-ranked donor first).
    pub fill_blanks: bool,
    /// The fields `fill_blanks` may fill.
    pub fill_fields: Vec<String>,
}

/// Word lists; each defaults to the file of the same name in `rules/lists/` and can be
/// replaced in a rules file (lines in the file's own format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRules {
    /// `name: nickname, ...` lines (`nicknames.txt`).
    #[serde(default = "default_nicknames")]
    pub nicknames: Vec<String>,
    /// More known given names, comma-separated (`given_names.txt`): two different known
    /// names that share no nickname line never count as a first-name match.
    #[serde(default = "default_given_names")]
    pub given_names: Vec<String>,
    /// Legal-form words stripped from company names.
    #[serde(default = "default_company_suffixes")]
    pub company_suffixes: Vec<String>,
    /// `canonical: variant, ...` address spellings; canonical `-` drops the variants.
    #[serde(default = "default_address_words")]
    pub address_words: Vec<String>,
    /// Domains never used alone as a blocking key.
    #[serde(default = "default_free_email_domains")]
    pub free_email_domains: Vec<String>,
}

impl Default for ListRules {
    fn default() -> Self {
        ListRules {
            nicknames: default_nicknames(),
            given_names: default_given_names(),
            company_suffixes: default_company_suffixes(),
            address_words: default_address_words(),
            free_email_domains: default_free_email_domains(),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    super::text::list_lines(text).map(str::to_string).collect()
}

fn default_nicknames() -> Vec<String> {
    lines(include_str!("../../../rules/lists/nicknames.txt"))
}

fn default_given_names() -> Vec<String> {
    lines(include_str!("../../../rules/lists/given_names.txt"))
}

fn default_company_suffixes() -> Vec<String> {
    lines(include_str!("../../../rules/lists/company_suffixes.txt"))
}

fn default_address_words() -> Vec<String> {
    lines(include_str!("../../../rules/lists/address_words.txt"))
}

fn default_free_email_domains() -> Vec<String> {
    lines(include_str!("../../../rules/lists/free_email_domains.txt"))
}

/// The `[dedup]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupRules {
    /// Largest block whose rows are all compared with each other.
    pub max_block_size: usize,
    /// Rows each row is compared with inside a block too large even after refining.
    pub neighbourhood_window: usize,
    pub blocking: Vec<BlockingPass>,
    /// Tried in order; the first that holds names the match.
    #[serde(rename = "match")]
    pub match_rules: Vec<MatchRule>,
    /// Like every rule's `refuse`: no fuzzy match between two rows that both have one of
    /// these fields and are less similar on it than the threshold (different birth dates).
    #[serde(default)]
    pub veto: FieldThresholds,
    pub names: NameRules,
    pub survivorship: SurvivorshipRules,
    #[serde(default)]
    pub lists: ListRules,
}

type RuleError = (String, String);

fn unit_interval(key: &str, value: f64) -> Result<(), RuleError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err((
            key.to_string(),
            format!("`{key}` is {value}: a similarity threshold must be between 0 and 1"),
        ))
    }
}

impl DedupRules {
    /// Checks the section; errors give (key, message). `fields` are the field names
    /// `survivorship.fill_fields` may use.
    pub fn validate(&self, fields: &[&str]) -> Result<(), RuleError> {
        let err = |key: &str, msg: String| Err((key.to_string(), msg));
        if self.max_block_size < 2 {
            return err(
                "dedup.max_block_size",
                "`dedup.max_block_size` must be at least 2".into(),
            );
        }
        if self.neighbourhood_window < 1 {
            return err(
                "dedup.neighbourhood_window",
                "`dedup.neighbourhood_window` must be at least 1".into(),
            );
        }
        if self.blocking.is_empty() {
            return err(
                "dedup.blocking",
                "`dedup.blocking` needs at least one pass".into(),
            );
        }
        for (i, pass) in self.blocking.iter().enumerate() {
            if pass.keys.is_empty() {
                return err(
                    "dedup.blocking",
                    format!(
                        "blocking pass `{}` (number {}) has no keys",
                        pass.name,
                        i + 1
                    ),
                );
            }
            if pass.max_block_size.is_some_and(|m| m < 2) {
                return err(
                    "dedup.blocking",
                    format!(
                        "blocking pass `{}`: max_block_size must be at least 2",
                        pass.name
                    ),
                );
            }
            if pass.neighbourhood_window == Some(0) {
                return err(
                    "dedup.blocking",
                    format!(
                        "blocking pass `{}`: neighbourhood_window must be at least 1",
                        pass.name
                    ),
                );
            }
        }
        let mut names: Vec<&str> = Vec::new();
        for rule in &self.match_rules {
            let key = format!("dedup.match.{}", rule.name);
            if rule.name.trim().is_empty() || matches!(rule.name.as_str(), "email" | "phone") {
                return err(
                    "dedup.match",
                    format!(
                        "match rule name `{}` is empty or reserved (email, phone)",
                        rule.name
                    ),
                );
            }
            if names.contains(&rule.name.as_str()) {
                return err(
                    "dedup.match",
                    format!("match rule `{}` is defined twice", rule.name),
                );
            }
            names.push(&rule.name);
            if rule.require.iter().next().is_none() {
                return err(
                    &key,
                    format!("match rule `{}` requires no field", rule.name),
                );
            }
            for (part, thresholds) in [("require", &rule.require), ("refuse", &rule.refuse)] {
                for (field, min) in thresholds.iter() {
                    unit_interval(&format!("{key}.{part}.{}", field.name()), min)?;
                }
            }
        }
        for (field, min) in self.veto.iter() {
            unit_interval(&format!("dedup.veto.{}", field.name()), min)?;
        }
        unit_interval("dedup.names.nickname_score", self.names.nickname_score)?;
        unit_interval("dedup.names.initial_score", self.names.initial_score)?;
        unit_interval(
            "dedup.names.compound_surname_score",
            self.names.compound_surname_score,
        )?;
        let prefer = &self.survivorship.prefer;
        if let Some(dup) = prefer
            .iter()
            .enumerate()
            .find_map(|(i, c)| prefer[..i].contains(c).then_some(c))
        {
            return err(
                "dedup.survivorship.prefer",
                format!("`dedup.survivorship.prefer` lists {dup:?} twice"),
            );
        }
        if let Some(bad) = self
            .survivorship
            .fill_fields
            .iter()
            .find(|f| !fields.contains(&f.as_str()))
        {
            return err(
                "dedup.survivorship.fill_fields",
                format!(
                    "`dedup.survivorship.fill_fields` has unknown field `{bad}`; known fields: {}",
                    fields.join(", ")
                ),
            );
        }
        for (key, lines) in [
            ("dedup.lists.nicknames", &self.lists.nicknames),
            ("dedup.lists.address_words", &self.lists.address_words),
        ] {
            if let Some(bad) = lines.iter().find(|l| !l.contains(':')) {
                return err(
                    key,
                    format!("`{key}` line `{bad}` is not `name: variant, ...`"),
                );
            }
        }
        Ok(())
    }
}
