//! `name.placeholder`: values in name fields that are not anybody's name.
//!
//! Judged per value, so the stage can cache by distinct value. Real names in any script pass,
//! short ones too ("Li", "Ng", "O'Neil", "Nguyễn", "José", "Jean-Luc", "李"); a single letter is
//! taken as an initial, not flagged.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use super::IdentityRules;
use crate::checks::text::list_entries;

/// Built-in placeholder list: whole-value entries and any-word entries (`* word`).
static PLACEHOLDERS: LazyLock<Placeholders> = LazyLock::new(|| {
    Placeholders::from_entries(list_entries(include_str!(
        "../../../rules/lists/placeholder_names.txt"
    )))
});

/// Keyboard rows (QWERTY, QWERTZ, AZERTY), the QWERTY columns and the alphabet: a name that
/// is a stretch of one of these was typed by sliding along the keyboard.
const KEY_RUNS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qazwsxedcrfvtgbyhnujmikolp",
    "abcdefghijklmnopqrstuvwxyz",
];

static WEB_ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)https?://|www\.|\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|uk|de|ru|xyz|online|site)\b",
    )
    .ok()
});

/// Why a name field value is not a name. `Display` is the plain-words finding detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Placeholder(String),
    Email,
    WebAddress,
    Digits,
    Symbol(char),
    NoLetters,
    RepeatedLetter,
    KeyboardRun,
    Mashing,
    SameInEveryField,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Placeholder(word) => write!(f, "\"{word}\" is a placeholder, not a name"),
            Self::Email => write!(f, "contains an email address"),
            Self::WebAddress => write!(f, "contains a web address"),
            Self::Digits => write!(f, "contains digits"),
            Self::Symbol(c) => write!(f, "contains '{c}', which names do not use"),
            Self::NoLetters => write!(f, "has no letters"),
            Self::RepeatedLetter => write!(f, "repeats one letter three or more times"),
            Self::KeyboardRun => {
                write!(
                    f,
                    "is a run of neighbouring keys or letters (like asdf, abcd)"
                )
            }
            Self::Mashing => write!(f, "looks like keyboard mashing"),
            Self::SameInEveryField => {
                write!(f, "first name, last name and company are all the same")
            }
        }
    }
}

#[derive(Debug, Default)]
struct Placeholders {
    whole: HashSet<String>,
    words: HashSet<String>,
}

impl Placeholders {
    fn from_entries<'a>(entries: impl Iterator<Item = &'a str>) -> Self {
        let mut list = Self::default();
        for entry in entries {
            match entry.strip_prefix("* ") {
                Some(word) => list.words.insert(word.trim().to_lowercase()),
                None => list.whole.insert(whole_key(entry)),
            };
        }
        list
    }
}

/// Whole-value comparison form: lower-case, whitespace removed ("N / A" = "n/a").
fn whole_key(value: &str) -> String {
    whole_key_chars(value).collect()
}

/// Placeholder lists for one rules file: the built-in list plus the rules' extras.
#[derive(Debug)]
pub struct NameLists {
    extra: Placeholders,
}

impl NameLists {
    pub fn new(rules: &IdentityRules) -> Self {
        Self {
            extra: Placeholders::from_entries(
                rules.extra_placeholder_names.iter().map(|s| s.as_str()),
            ),
        }
    }

    fn whole(&self, key: &str) -> bool {
        PLACEHOLDERS.whole.contains(key) || self.extra.whole.contains(key)
    }

    fn word(&self, word: &str) -> bool {
        PLACEHOLDERS.words.contains(word) || self.extra.words.contains(word)
    }
}

/// Apostrophes, hyphens, dots, commas, brackets and middle dots appear in real names
/// (O'Neil, Jean-Luc, J. R., Smith, Jr., Robert (Bob), Gal·la, 阿卜杜拉·阿齐兹).
fn is_name_punctuation(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | 'ʼ' | '‘' | '`' | '-' | '‐' | '‑' | '–' | '.' | ',' | '(' | ')' | '·' | '・'
    )
}

/// Combining marks (decomposed accents) are part of letters.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

/// What is wrong with one name field value, if anything. Empty values are `name.missing`'s
/// business, not this check's, and return `None`.
pub fn name_problem(value: &str, lists: &NameLists) -> Option<NameProblem> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let key = whole_key(value);
    if lists.whole(&key) {
        return Some(NameProblem::Placeholder(key));
    }
    if value.contains('@') {
        return Some(NameProblem::Email);
    }
    if WEB_ADDRESS.as_ref().is_some_and(|re| re.is_match(value)) {
        return Some(NameProblem::WebAddress);
    }
    if value.chars().any(char::is_numeric) {
        return Some(NameProblem::Digits);
    }
    if let Some(c) = value.chars().find(|c| {
        !(c.is_alphabetic() || c.is_whitespace() || is_mark(*c) || is_name_punctuation(*c))
    }) {
        return Some(NameProblem::Symbol(c));
    }
    if !value.chars().any(char::is_alphabetic) {
        return Some(NameProblem::NoLetters);
    }
    let lower = value.to_lowercase();
    let words = lower
        .split(|c: char| c.is_whitespace() || is_name_punctuation(c))
        .filter(|w| !w.is_empty());
    for word in words {
        if lists.word(word) {
            return Some(NameProblem::Placeholder(word.to_string()));
        }
        if let Some(problem) = word_problem(word) {
            return Some(problem);
        }
    }
    None
}

fn word_problem(word: &str) -> Option<NameProblem> {
    let letters: Vec<char> = word.chars().collect();
    // "III" is a generational suffix (John Smith III), not a repeated letter.
    if word != "iii" && letters.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return Some(NameProblem::RepeatedLetter);
    }
    if !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    if is_key_run(word) {
        return Some(NameProblem::KeyboardRun);
    }
    let no_vowels = !word.contains(['a', 'e', 'i', 'o', 'u', 'y']);
    if (no_vowels && word.len() >= 5) || is_repeated_chunk(word) {
        return Some(NameProblem::Mashing);
    }
    None
}

/// Four keys from the start of a row or column ("asdf", "qwer", "abcd"), or five anywhere
/// along one ("ghjkl", "fedcb"); shorter stretches occur inside real names ("Wert", "Hij").
fn is_key_run(word: &str) -> bool {
    let len = word.len();
    if len < 4 {
        return false;
    }
    KEY_RUNS.iter().any(|row| {
        let reversed: String = row.chars().rev().collect();
        [*row, reversed.as_str()]
            .iter()
            .any(|line| line.starts_with(word) || (len >= 5 && line.contains(word)))
    })
}

/// A chunk of one to three letters typed over and over ("asdasd", "lololo"); two repeats of a
/// two-letter chunk are real names ("Lulu", "Coco"), so at least six letters are needed.
fn is_repeated_chunk(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= 6
        && (1..=3).any(|unit| {
            bytes.len().is_multiple_of(unit)
                && bytes
                    .chunks(unit)
                    .all(|chunk| Some(chunk) == bytes.get(..unit))
        })
}

/// A placeholder person split over the two name fields (`Mickey` / `Mouse`, `John` / `Doe`),
/// each half a real name on its own; the pair is looked up in the whole-value list.
pub fn split_placeholder(first: &str, last: &str, lists: &NameLists) -> Option<NameProblem> {
    let first = whole_key(first);
    let last = whole_key(last);
    if first.is_empty() || last.is_empty() {
        return None;
    }
    let key = format!("{first}{last}");
    lists
        .whole(&key)
        .then(|| NameProblem::Placeholder(format!("{first} {last}")))
}

/// `first == last == company` (ignoring case and spacing), all three present: a form filled
/// with one word everywhere.
pub fn same_in_every_field(first: &str, last: &str, company: &str) -> bool {
    // `whole_key`s compared character by character, unbuilt: this runs on every row, and the
    // three fields nearly always differ within the first few characters.
    let key = whole_key_chars;
    key(first).next().is_some() && key(first).eq(key(last)) && key(first).eq(key(company))
}

/// The characters of [`whole_key`].
fn whole_key_chars(value: &str) -> impl Iterator<Item = char> + '_ {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(value: &str) -> Option<NameProblem> {
        name_problem(value, &NameLists::new(&IdentityRules::default()))
    }

    #[test]
    fn real_names_pass() {
        for name in [
            "Li",
            "Ng",
            "O",
            "J.",
            "J. R.",
            "O'Neil",
            "O’Neil",
            "D'Angelo",
            "José",
            "Nguyễn",
            "Jean-Luc",
            "Mary Ann",
            "van der Berg",
            "Müller",
            "Ølstad",
            "Łukasz",
            "Ó Briain",
            "Smith, Jr.",
            "John Smith III",
            "Robert (Bob)",
            "李",
            "王小明",
            "Мария",
            "محمد",
            "יוסף",
            "Kowalczyk",
            "Nkosi",
            "Lulu",
            "Coco",
            "Anna",
            "Otto",
            "Wert",
            "Abel",
            "Testa",
            "Tester-Smith",
            "Na",
            "No",
            "Sample",
            "Zhang",
            "Schwartz",
            "Llwyd",
            "Smrž",
            "Gal·la",
            "Jose\u{301}",
            "Hadassah",
            "Aaron",
            "Ebbe",
        ] {
            assert_eq!(problem(name), None, "{name}");
        }
    }

    #[test]
    fn placeholders_and_junk_are_named() {
        use NameProblem as P;
        let cases: Vec<(&str, NameProblem)> = vec![
            ("test", P::Placeholder("test".into())),
            ("TEST", P::Placeholder("test".into())),
            ("Test User", P::Placeholder("test".into())),
            ("Jane Test", P::Placeholder("test".into())),
            ("n/a", P::Placeholder("n/a".into())),
            ("N / A", P::Placeholder("n/a".into())),
            ("none", P::Placeholder("none".into())),
            ("Unknown", P::Placeholder("unknown".into())),
            ("null", P::Placeholder("null".into())),
            ("asdf", P::Placeholder("asdf".into())),
            ("qwerty", P::Placeholder("qwerty".into())),
            ("John Doe", P::Placeholder("johndoe".into())),
            ("Mr", P::Placeholder("mr".into())),
            ("?", P::Placeholder("?".into())),
            ("xxx", P::RepeatedLetter),
            ("aaaa", P::RepeatedLetter),
            ("Jooohn", P::RepeatedLetter),
            ("zzzz top", P::RepeatedLetter),
            ("qwer", P::KeyboardRun),
            ("sdfgh", P::KeyboardRun),
            ("lkjhg", P::KeyboardRun),
            ("bcdef", P::KeyboardRun),
            ("abcd", P::Placeholder("abcd".into())),
            ("zxcvb", P::KeyboardRun),
            ("qazwsx", P::KeyboardRun),
            ("asdasd", P::Mashing),
            ("sdfsdf", P::Mashing),
            ("hjkhjk", P::Mashing),
            ("bcdfgh", P::Mashing),
            ("john123", P::Digits),
            ("3", P::Digits),
            ("bob@example.com", P::Email),
            ("www.example.com", P::WebAddress),
            ("https://spam", P::WebAddress),
            ("Visit acme.com", P::WebAddress),
            ("John!", P::Symbol('!')),
            ("#name", P::Symbol('#')),
            ("John_Smith", P::Symbol('_')),
            ("---", P::NoLetters),
            ("..", P::NoLetters),
        ];
        for (value, expected) in cases {
            assert_eq!(problem(value), Some(expected.clone()), "{value}");
            assert!(expected.to_string().len() > 8);
        }
    }

    #[test]
    fn empty_is_not_this_checks_business() {
        assert_eq!(problem(""), None);
        assert_eq!(problem("   "), None);
    }

    #[test]
    fn rules_extend_both_lists() {
        let rules = IdentityRules {
            extra_placeholder_names: vec!["Hans Wurst".into(), "* Wurst".into()],
            ..IdentityRules::default()
        };
        let lists = NameLists::new(&rules);
        assert_eq!(
            name_problem("hans  wurst", &lists),
            Some(NameProblem::Placeholder("hanswurst".into()))
        );
        assert_eq!(
            name_problem("Erika Wurst", &lists),
            Some(NameProblem::Placeholder("wurst".into()))
        );
        assert_eq!(name_problem("Hans Wurster", &lists), None);
    }

    #[test]
    fn placeholder_people_split_over_first_and_last_name() {
        let lists = NameLists::new(&IdentityRules::default());
        for (first, last) in [
            ("Mickey", "Mouse"),
            ("JOHN", "doe"),
            ("Jane", "Doe"),
            ("Max", "Mustermann"),
        ] {
            assert_eq!(problem(first), None, "{first} alone is a real name");
            assert!(
                split_placeholder(first, last, &lists).is_some(),
                "{first} {last}"
            );
        }
        // Near misses: real people sharing one half of a placeholder.
        for (first, last) in [
            ("Mickey", "Rourke"),
            ("John", "Doerr"),
            ("Jane", ""),
            ("", "Doe"),
        ] {
            assert_eq!(
                split_placeholder(first, last, &lists),
                None,
                "{first} {last}"
            );
        }
    }

    #[test]
    fn same_word_in_every_field() {
        assert!(same_in_every_field("Acme", "ACME", " acme "));
        assert!(!same_in_every_field("Acme", "Acme", "Acme Inc"));
        assert!(!same_in_every_field("Juma", "Juma", "Juma Logistics"));
        assert!(!same_in_every_field("", "", ""));
    }
}
