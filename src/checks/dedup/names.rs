//! Person names as compared: first names with nickname and initial tolerance, surnames with
//! compound and generational-suffix handling.

use super::rules::NameRules;
use super::similarity::jaro_winkler;

/// A folded first name and what the word lists say about it.
#[derive(Debug, Clone, Default)]
pub(super) struct FirstName {
    /// The whole folded value (`mary ann`).
    pub text: String,
    /// Its first word (`mary`), the part nicknames and initials apply to.
    pub token: String,
    /// Nickname lines the token is on (sorted).
    pub nickname_lines: Vec<u16>,
    /// The token is a given name the word lists know.
    pub known: bool,
    /// First letters of the token and of each nickname line's main name (blocking).
    pub initials: Vec<u8>,
}

impl FirstName {
    fn is_initial(&self) -> bool {
        self.token.len() == 1
    }
}

/// A folded surname.
#[derive(Debug, Clone, Default)]
pub(super) struct LastName {
    /// All words joined (`garcialopez`, `vanderberg`), without a generational suffix.
    pub joined: String,
    /// Words of a compound surname without particles (`garcia`, `lopez`); empty for one word.
    pub parts: Vec<String>,
    /// `jr`, `sr`, `ii`, `iii` or `iv`, when the surname carried one.
    pub generation: Option<&'static str>,
}

impl LastName {
    /// The joined surname and each compound part: the forms a surname is blocked under, so
    /// `Garcia-Lopez` meets `Lopez`.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.joined.as_str())
            .chain(self.parts.iter().map(String::as_str))
            .filter(|w| !w.is_empty())
    }
}

fn shares(a: &[u16], b: &[u16]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// First-name similarity: 1 for equal names; `initial_score` for an initial and a name it
/// starts (`J`/`John`), 0 for an initial that does not; `nickname_score` or more for names
/// on one nickname line (`Bob`/`Robert`); 0 for two different known given names on no
/// common line (`Mark`/`Mary`, `Daniel`/`Danielle`: relatives, not typos); otherwise the
/// Jaro–Winkler similarity of the whole names or of their first words.
pub(super) fn first_name_similarity(a: &FirstName, b: &FirstName, rules: &NameRules) -> f64 {
    if a.text == b.text {
        return 1.0;
    }
    if a.is_initial() || b.is_initial() {
        return if a.token.as_bytes().first() == b.token.as_bytes().first() {
            rules.initial_score
        } else {
            0.0
        };
    }
    let similarity = jaro_winkler(&a.text, &b.text).max(jaro_winkler(&a.token, &b.token));
    if shares(&a.nickname_lines, &b.nickname_lines) {
        similarity.max(rules.nickname_score)
    } else if a.known && b.known && a.token != b.token {
        0.0
    } else {
        similarity
    }
}

/// Surname similarity: 0 when both carry different generational suffixes (`Jr`/`Sr`, a
/// father and son); else the Jaro–Winkler similarity of the joined surnames, or — when
/// either is compound — the best part-to-part similarity times `compound_surname_score`
/// if that is higher (`Garcia-Lopez` / `Lopez`).
pub(super) fn last_name_similarity(a: &LastName, b: &LastName, rules: &NameRules) -> f64 {
    if let (Some(x), Some(y)) = (a.generation, b.generation) {
        if x != y {
            return 0.0;
        }
    }
    if a.joined == b.joined {
        return 1.0;
    }
    let similarity = jaro_winkler(&a.joined, &b.joined);
    if a.parts.is_empty() && b.parts.is_empty() {
        return similarity;
    }
    let parts = |n: &LastName| -> Vec<String> {
        if n.parts.is_empty() {
            vec![n.joined.clone()]
        } else {
            n.parts.clone()
        }
    };
    let (pa, pb) = (parts(a), parts(b));
    let best_part = pa
        .iter()
        .flat_map(|x| pb.iter().map(move |y| jaro_winkler(x, y)))
        .fold(0.0, f64::max);
    similarity.max(best_part * rules.compound_surname_score)
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::Lexicon;
    use super::super::rules::ListRules;
    use super::*;

    fn rules() -> NameRules {
        NameRules {
            nickname_score: 0.95,
            initial_score: 0.9,
            compound_surname_score: 0.95,
        }
    }

    fn first(a: &str, b: &str) -> f64 {
        let lex = Lexicon::new(&ListRules::default());
        first_name_similarity(&lex.first_name(a), &lex.first_name(b), &rules())
    }

    fn last(a: &str, b: &str) -> f64 {
        let lex = Lexicon::new(&ListRules::default());
        last_name_similarity(&lex.last_name(a), &lex.last_name(b), &rules())
    }

    #[test]
    fn first_names() {
        assert_eq!(first("José", "JOSE"), 1.0);
        assert_eq!(first("Bob", "Robert"), 0.95);
        assert_eq!(first("Peggy", "Margaret"), 0.95);
        assert_eq!(first("Liz", "Elizabeth"), 0.95);
        assert_eq!(first("Bill", "William"), 0.95);
        assert_eq!(first("J.", "John"), 0.9);
        assert_eq!(first("J", "Mary"), 0.0);
        assert_eq!(first("Daniel", "Danielle"), 0.0);
        assert_eq!(first("Mark", "Mary"), 0.0);
        assert!(first("Jonh", "John") > 0.9);
        assert!(first("Jonathan", "Jonathon") >= 0.95);
        assert!(first("Mary Ann", "Mary") > 0.99);
        assert!(first("John", "Mary") < 0.6);
        // Not on one nickname line: plain string similarity only.
        assert!(first("Ted", "Bob") < 0.6);
    }

    #[test]
    fn surnames() {
        assert_eq!(last("Smith", "SMITH"), 1.0);
        assert!(last("Smith", "Smiht") > 0.9);
        assert_eq!(last("Garcia-Lopez", "Lopez"), 0.95);
        assert_eq!(last("Garcia Lopez", "Garcia-Lopez"), 1.0);
        assert_eq!(last("Smith Jr", "Smith Sr"), 0.0);
        assert_eq!(last("Smith Jr", "Smith"), 1.0);
        // A shared particle is no evidence.
        assert!(last("van der Berg", "van Dyke") < 0.9);
    }
}
