//! Did-you-mean for mistyped mailbox domains (`gmial.com` -> `gmail.com`, `acme.con` -> `acme.com`).

use std::collections::{HashMap, HashSet};

use super::lists::{domain_key, is_known_tld};
use super::EmailRules;

/// A popular domain split where typos are compared: the name part and the top-level label.
#[derive(Debug)]
struct Target {
    domain: String,
    name: String,
    tld: String,
    letters: LetterCounts,
    /// Edits this name tolerates: short names are too close to real, unrelated domains
    /// (`aol` vs `aon`), so they get fewer.
    max_edits: usize,
}

#[derive(Debug)]
pub(super) struct TypoTable {
    targets: Vec<Target>,
    /// Domains never reported as typos: the popular domains and the rules' exceptions.
    real: HashSet<String>,
    tld_fixes: HashMap<String, String>,
}

impl TypoTable {
    pub(super) fn new(rules: &EmailRules) -> Self {
        let targets = rules
            .typo_domains
            .iter()
            .filter_map(|d| {
                let domain = domain_key(d);
                let (name, tld) = domain.rsplit_once('.')?;
                let first_label = name.split('.').next().unwrap_or(name);
                let max_edits = (first_label.chars().count().saturating_sub(3) / 2)
                    .min(rules.typo_max_distance);
                Some(Target {
                    letters: LetterCounts::of(name),
                    name: name.to_string(),
                    tld: tld.to_string(),
                    domain,
                    max_edits,
                })
            })
            .collect::<Vec<_>>();
        let real = targets
            .iter()
            .map(|t| t.domain.clone())
            .chain(rules.typo_exceptions.iter().map(|d| domain_key(d)))
            .collect();
        let tld_fixes = rules
            .typo_tld_fixes
            .iter()
            .map(|(typo, fix)| (typo.to_lowercase(), fix.to_lowercase()))
            .collect();
        Self {
            targets,
            real,
            tld_fixes,
        }
    }

    /// The domain the writer most likely meant, if `domain` (normalised ASCII) looks like a slip.
    /// `is_free` tells real free-mail domains, which are never typos themselves. A domain that
    /// is a real service of its own (`listed`, e.g. a disposable provider such as
    /// `yopmail.com`) only counts as a slip one edit away: squatters register one-edit typos
    /// (`gmial.com`), while two edits reach unrelated real names.
    pub(super) fn suggest(
        &self,
        domain: &str,
        listed: bool,
        is_free: impl Fn(&str) -> bool,
    ) -> Option<String> {
        if self.real.contains(domain) || is_free(domain) {
            return None;
        }
        let (name, typed_tld) = domain.rsplit_once('.')?;
        let fixed_tld = self.tld_fixes.get(typed_tld);
        let tld = fixed_tld.map_or(typed_tld, String::as_str);
        if fixed_tld.is_some() {
            let fixed = format!("{name}.{tld}");
            if self.real.contains(&fixed) || is_free(&fixed) {
                return Some(fixed);
            }
        }
        if let Some(target) = self.closest(name, tld, if listed { 1 } else { usize::MAX }) {
            return Some(target.domain.clone());
        }
        // A TLD that does not exist (`.con`) is a slip whatever the name; one that does
        // (`.co`, `.om`) is only corrected for the known domains above.
        match fixed_tld {
            Some(_) if !is_known_tld(typed_tld) => Some(format!("{name}.{tld}")),
            _ => None,
        }
    }

    /// The popular domain with the same TLD whose name is fewest edits from `name` (first in
    /// list order on ties, so results are deterministic).
    fn closest(&self, name: &str, tld: &str, edit_cap: usize) -> Option<&Target> {
        let len = name.chars().count();
        let letters = LetterCounts::of(name);
        let mut best: Option<(usize, &Target)> = None;
        for target in &self.targets {
            if target.tld != tld
                || target.max_edits == 0
                || len.abs_diff(target.name.chars().count()) > target.max_edits
                || letters.difference(&target.letters) > 2 * target.max_edits
            {
                continue;
            }
            let edits = strsim::osa_distance(name, &target.name);
            if edits > 0
                && edits <= target.max_edits.min(edit_cap)
                && best.is_none_or(|(b, _)| edits < b)
            {
                best = Some((edits, target));
            }
        }
        best.map(|(_, target)| target)
    }
}

/// How often each letter, digit and other character occurs. One edit changes these counts by
/// at most 2 in total, so a larger difference rules a target out before the distance is computed.
#[derive(Debug, PartialEq, Eq)]
struct LetterCounts([u8; 37]);

impl LetterCounts {
    fn of(text: &str) -> Self {
        let mut counts = [0u8; 37];
        for c in text.chars() {
            let slot = match c {
                'a'..='z' => usize::from(c as u8 - b'a'),
                '0'..='9' => 26 + usize::from(c as u8 - b'0'),
                _ => 36,
            };
            if let Some(count) = counts.get_mut(slot) {
                *count = count.saturating_add(1);
            }
        }
        Self(counts)
    }

    fn difference(&self, other: &Self) -> usize {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggest(domain: &str) -> Option<String> {
        let table = TypoTable::new(&EmailRules::default());
        suggest_with(&table, domain)
    }

    fn suggest_with(table: &TypoTable, domain: &str) -> Option<String> {
        table.suggest(domain, false, |d| {
            ["mail.com", "yahoo.fr", "gmx.at"].contains(&d)
        })
    }

    #[test]
    fn classic_slips_get_the_intended_domain() {
        for (typed, meant) in [
            ("gmial.com", "gmail.com"),
            ("gmai.com", "gmail.com"),
            ("gmaill.com", "gmail.com"),
            ("hotmial.com", "hotmail.com"),
            ("hotmai.com", "hotmail.com"),
            ("yaho.com", "yahoo.com"),
            ("yahooo.com", "yahoo.com"),
            ("outlok.com", "outlook.com"),
            ("iclod.com", "icloud.com"),
            ("comcats.net", "comcast.net"),
            ("hotmial.co.uk", "hotmail.co.uk"),
            ("gmail.con", "gmail.com"),
            ("gmail.cmo", "gmail.com"),
            ("gmail.co", "gmail.com"),
            ("yahoo.om", "yahoo.com"),
            ("aol.con", "aol.com"),
            ("comcast.ne", "comcast.net"),
            ("gmial.con", "gmail.com"),
            ("acme.con", "acme.com"),
            ("example.ogr", "example.org"),
        ] {
            assert_eq!(suggest(typed).as_deref(), Some(meant), "{typed}");
        }
    }

    #[test]
    fn real_domains_are_left_alone() {
        for domain in [
            "gmail.com",
            "hotmail.com",
            "mail.com", // free-mail provider, one edit from gmail.com
            "yahoo.fr",
            "gmx.at",
            "cloud.com", // rules exception: one edit from icloud.com
            "aon.com",   // one edit from aol.com, but aol is too short to guess
            "acme.co",   // .co is a real TLD and acme.com is no known mailbox domain
            "acme.com",
            "outlook.cz", // other TLDs are not guessed at
            "gmail.de",
            "example.org",
            "company.om",
        ] {
            assert_eq!(suggest(domain), None, "{domain}");
        }
    }

    #[test]
    fn max_distance_comes_from_the_rules() {
        let strict = EmailRules {
            typo_max_distance: 0,
            ..EmailRules::default()
        };
        let table = TypoTable::new(&strict);
        assert_eq!(suggest_with(&table, "gmial.com"), None);
        // TLD fixes do not depend on edit distance.
        assert_eq!(
            suggest_with(&table, "gmail.con").as_deref(),
            Some("gmail.com")
        );
        // Two edits are allowed for long names only.
        assert_eq!(suggest("hotmaiil.con").as_deref(), Some("hotmail.com"));
        assert_eq!(suggest("hotmiall.com").as_deref(), Some("hotmail.com"));
        assert_eq!(suggest("gmiall.com"), None);
    }
}
