//! Countries as people write them ("United States", "USA", "U.S.", "UK", "Deutschland") to
//! ISO 3166-1 alpha-2. The table is data: `rules/lists/countries.tsv`.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::checks::text::list_entries;

static COUNTRIES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for line in list_entries(include_str!("../../../rules/lists/countries.tsv")) {
        let Some((code, spellings)) = line.split_once('\t') else {
            continue;
        };
        map.insert(country_key(code), code);
        for spelling in spellings.split('|') {
            map.entry(country_key(spelling)).or_insert(code);
        }
    }
    map
});

/// The form spellings are compared in: lower-case, `&` as "and", other punctuation as space,
/// single spaces, no leading "the". Must match `key` in tools/countries.py.
fn country_key(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            '&' => spaced.push_str(" and "),
            c if c.is_alphanumeric() => spaced.push(c),
            _ => spaced.push(' '),
        }
    }
    let key = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    match key.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => key,
    }
}

/// ISO 3166-1 alpha-2 for a country written as a code (alpha-2 or alpha-3) or a name in one
/// of the table's languages; `None` when it is not recognised.
pub fn normalize_country(raw: &str) -> Option<&'static str> {
    COUNTRIES.get(&country_key(raw)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_people_use() {
        for (raw, code) in [
            ("US", "US"),
            ("us", "US"),
            ("USA", "US"),
            ("U.S.", "US"),
            ("U.S.A.", "US"),
            ("United States", "US"),
            ("united states of america", "US"),
            ("UK", "GB"),
            ("GBR", "GB"),
            ("England", "GB"),
            ("Great Britain", "GB"),
            ("Deutschland", "DE"),
            ("DEU", "DE"),
            ("Germany ", "DE"),
            ("Österreich", "AT"),
            ("Osterreich", "AT"),
            ("España", "ES"),
            ("Espana", "ES"),
            ("Canary Islands", "ES"),
            ("The Netherlands", "NL"),
            ("Holland", "NL"),
            ("Schweiz", "CH"),
            ("Suisse", "CH"),
            ("South Korea", "KR"),
            ("Korea, Republic of", "KR"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Côte d’Ivoire", "CI"),
            ("Ivory Coast", "CI"),
            ("Trinidad & Tobago", "TT"),
            ("Trinidad and Tobago", "TT"),
            ("日本", "JP"),
            ("Россия", "RU"),
            ("UAE", "AE"),
            ("Brasil", "BR"),
            ("México", "MX"),
            ("Polska", "PL"),
        ] {
            assert_eq!(normalize_country(raw), Some(code), "{raw}");
        }
    }

    #[test]
    fn unknown_or_empty_is_none() {
        for raw in ["", "  ", "Atlantis", "XX", "U", "Europe", "EU", "123"] {
            assert_eq!(normalize_country(raw), None, "{raw}");
        }
    }

    #[test]
    fn every_iso_code_maps_to_itself() {
        let codes: Vec<&str> = list_entries(include_str!("../../../rules/lists/countries.tsv"))
            .filter_map(|line| line.split_once('\t').map(|(code, _)| code))
            .collect();
        assert!(codes.len() >= 249, "{}", codes.len());
        for code in codes {
            assert_eq!(normalize_country(code), Some(code));
        }
    }
}
