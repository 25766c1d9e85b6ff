//! The word lists compiled for lookup, and the folding of each text field into the form that
//! is compared and blocked on.

use std::collections::{HashMap, HashSet};

use super::names::{FirstName, LastName};
use super::rules::ListRules;
use super::text::{fold, key_values};

/// Generational suffixes taken off surnames (`Smith Jr.`), with their one spelling.
const GENERATIONS: &[(&str, &str)] = &[
    ("jr", "jr"),
    ("junior", "jr"),
    ("sr", "sr"),
    ("senior", "sr"),
    ("ii", "ii"),
    ("2nd", "ii"),
    ("iii", "iii"),
    ("3rd", "iii"),
    ("iv", "iv"),
    ("4th", "iv"),
];

/// Surname particles: kept in the joined surname (`vanderberg`) but never matched alone
/// as one part of a compound surname.
const PARTICLES: &[&str] = &[
    "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "le", "van",
    "von", "ten", "ter", "y", "e", "st", "bin", "ben", "al", "el",
];

pub(super) struct Lexicon {
    /// Folded given name → the nickname lines it is on.
    nickname_lines: HashMap<String, Vec<u16>>,
    /// Initial of each nickname line's main name.
    line_initials: Vec<u8>,
    /// Every given name the lists know (nickname lines and `given_names`).
    given_names: HashSet<String>,
    company_suffixes: Vec<Vec<String>>,
    /// Address word → its one spelling (`None`: dropped).
    address_words: HashMap<String, Option<String>>,
    /// The one spellings (`st`, `n`, …): never taken as the street name of a street key.
    address_canonicals: HashSet<String>,
    free_domains: HashSet<String>,
}

impl Lexicon {
    pub fn new(lists: &ListRules) -> Lexicon {
        let mut nickname_lines: HashMap<String, Vec<u16>> = HashMap::new();
        let mut line_initials = Vec::new();
        for (line, (name, variants)) in lists
            .nicknames
            .iter()
            .filter_map(|l| key_values(l))
            .enumerate()
        {
            let name = fold(&name);
            line_initials.push(name.bytes().next().unwrap_or(b'?'));
            for n in std::iter::once(name).chain(variants) {
                let lines = nickname_lines.entry(n).or_default();
                if !lines.contains(&(line as u16)) {
                    lines.push(line as u16);
                }
            }
        }
        let given_names: HashSet<String> = nickname_lines
            .keys()
            .cloned()
            .chain(
                lists
                    .given_names
                    .iter()
                    .flat_map(|line| line.split(','))
                    .map(fold)
                    .filter(|n| !n.is_empty()),
            )
            .collect();
        let mut company_suffixes: Vec<Vec<String>> = lists
            .company_suffixes
            .iter()
            .map(|s| {
                fold(&s.replace('.', ""))
                    .split(' ')
                    .map(str::to_string)
                    .collect()
            })
            .filter(|words: &Vec<String>| words.iter().all(|w| !w.is_empty()))
            .collect();
        // Longest first, so `sp z oo` is tried before a one-word entry could cut it short.
        company_suffixes.sort_by_key(|words| std::cmp::Reverse(words.len()));
        let mut address_words = HashMap::new();
        for (canonical, variants) in lists.address_words.iter().filter_map(|l| key_values(l)) {
            let to = (canonical != "-").then(|| fold(&canonical));
            for variant in variants {
                address_words.insert(variant, to.clone());
            }
        }
        let address_canonicals = address_words.values().flatten().cloned().collect();
        let free_domains = lists
            .free_email_domains
            .iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .collect();
        Lexicon {
            nickname_lines,
            line_initials,
            given_names,
            company_suffixes,
            address_words,
            address_canonicals,
            free_domains,
        }
    }

    pub fn first_name(&self, raw: &str) -> FirstName {
        let text = fold(raw);
        let token = text.split(' ').next().unwrap_or("").to_string();
        let mut nickname_lines = self.nickname_lines.get(&token).cloned().unwrap_or_default();
        nickname_lines.sort_unstable();
        let mut initials: Vec<u8> = token.bytes().take(1).collect();
        initials.extend(
            nickname_lines
                .iter()
                .map(|&l| self.line_initials[l as usize]),
        );
        initials.sort_unstable();
        initials.dedup();
        let known = self.given_names.contains(&token);
        FirstName {
            text,
            token,
            nickname_lines,
            known,
            initials,
        }
    }

    pub fn last_name(&self, raw: &str) -> LastName {
        let text = fold(raw);
        let mut words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        let mut generation = None;
        while words.len() > 1 {
            let Some(&(_, g)) = GENERATIONS.iter().find(|(w, _)| Some(w) == words.last()) else {
                break;
            };
            generation.get_or_insert(g);
            words.pop();
        }
        let parts: Vec<String> = if words.len() > 1 {
            words
                .iter()
                .filter(|w| !PARTICLES.contains(w))
                .map(|w| w.to_string())
                .collect()
        } else {
            Vec::new()
        };
        LastName {
            joined: words.concat(),
            parts,
            generation,
        }
    }

    /// Folded company name without legal-form words (`The Acme Co., Ltd.` → `acme`).
    pub fn company(&self, raw: &str) -> String {
        let text = fold(&raw.replace('.', ""));
        let all: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        let mut words: Vec<&str> = all.iter().copied().filter(|w| *w != "and").collect();
        if words.first() == Some(&"the") {
            words.remove(0);
        }
        while let Some(suffix) = self
            .company_suffixes
            .iter()
            .find(|s| s.len() < words.len() && words[words.len() - s.len()..].iter().eq(s.iter()))
        {
            words.truncate(words.len() - suffix.len());
        }
        if words.is_empty() {
            all.join(" ")
        } else {
            words.join(" ")
        }
    }

    /// Folded address with one spelling per street word and unit designators dropped
    /// (`123 North Main Street, Apt 4` → `123 n main st 4`).
    pub fn address(&self, raw: &str) -> String {
        let text = fold(raw);
        let words: Vec<&str> = text
            .split(' ')
            .filter(|w| !w.is_empty())
            .filter_map(|w| match self.address_words.get(w) {
                Some(Some(canonical)) => Some(canonical.as_str()),
                Some(None) => None,
                None => Some(w),
            })
            .collect();
        words.join(" ")
    }

    /// House number and first street word of a folded address (`123 n main st` → `123 main`),
    /// or empty.
    pub fn street_key(&self, address: &str) -> String {
        let mut words = address.split(' ');
        let Some(number) = words
            .next()
            .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        else {
            return String::new();
        };
        let street = words.find(|w| w.len() >= 3 && !self.address_canonicals.contains(*w));
        street.map_or_else(String::new, |s| format!("{number} {s}"))
    }

    pub fn is_free_domain(&self, domain: &str) -> bool {
        self.free_domains.contains(domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::new(&ListRules::default())
    }

    #[test]
    fn nickname_lines_and_initials() {
        let lex = lexicon();
        let bob = lex.first_name("Bob");
        let robert = lex.first_name("ROBERT");
        assert!(bob
            .nickname_lines
            .iter()
            .any(|l| robert.nickname_lines.contains(l)));
        assert_eq!(bob.initials, b"br");
        assert_eq!(robert.initials, b"r");
        let peggy = lex.first_name("Peggy");
        assert!(peggy.initials.contains(&b'm'));
        let unknown = lex.first_name("Zyx");
        assert!(unknown.nickname_lines.is_empty());
        assert_eq!(unknown.initials, b"z");
        assert_eq!(lex.first_name("Mary-Ann").token, "mary");
    }

    #[test]
    fn surnames_split_compounds_and_generations() {
        let lex = lexicon();
        let s = lex.last_name("García-López Jr.");
        assert_eq!(s.joined, "garcialopez");
        assert_eq!(s.parts, ["garcia", "lopez"]);
        assert_eq!(s.generation, Some("jr"));
        let v = lex.last_name("van der Berg");
        assert_eq!(v.joined, "vanderberg");
        assert_eq!(v.parts, ["berg"]);
        assert_eq!(lex.last_name("O'Neil").joined, "oneil");
        assert_eq!(lex.last_name("Jr").joined, "jr");
    }

    #[test]
    fn company_suffixes_are_stripped() {
        let lex = lexicon();
        assert_eq!(lex.company("Acme, Inc."), "acme");
        assert_eq!(lex.company("ACME Incorporated"), "acme");
        assert_eq!(lex.company("The Acme Co., Ltd."), "acme");
        assert_eq!(lex.company("Siemens AG"), "siemens");
        assert_eq!(lex.company("Nestlé S.A."), "nestle");
        assert_eq!(lex.company("Nestle S. A."), "nestle");
        assert_eq!(lex.company("Widgets Sp. z o.o."), "widgets");
        assert_eq!(lex.company("Johnson & Johnson"), "johnson johnson");
        assert_eq!(lex.company("Johnson and Johnson"), "johnson johnson");
        assert_eq!(lex.company("Atlassian Pty Ltd"), "atlassian");
        // Never stripped to nothing.
        assert_eq!(lex.company("Company Inc"), "company");
        assert_eq!(lex.company("The"), "the");
    }

    #[test]
    fn addresses_share_one_spelling() {
        let lex = lexicon();
        assert_eq!(
            lex.address("123 North Main Street, Apt 4"),
            "123 n main st 4"
        );
        assert_eq!(lex.address("123 N. Main St. #4"), "123 n main st 4");
        assert_eq!(lex.street_key("123 n main st 4"), "123 main");
        assert_eq!(lex.street_key("main st"), "");
        assert!(lex.is_free_domain("gmail.com"));
        assert!(!lex.is_free_domain("acme.com"));
    }
}
