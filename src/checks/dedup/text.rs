//! Text folding shared by every comparator: one spelling per value, so that equal values
//! intern to one id and string similarity sees letters, not formatting.

/// Lowercase ASCII with diacritics folded (`José` → `jose`, `Straße` → `strasse`); letters
/// and digits kept, apostrophes dropped (`O'Brien` → `obrien`), every other character a word
/// break; words joined by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_break = false;
    let mut push = |piece: &str, word_break: &mut bool| {
        if *word_break && !out.is_empty() {
            out.push(' ');
        }
        *word_break = false;
        out.push_str(piece);
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            push(
                c.to_ascii_lowercase().encode_utf8(&mut [0; 4]),
                &mut word_break,
            );
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}')
            || ('\u{0300}'..='\u{036F}').contains(&c)
        {
            // Apostrophes and combining accents (decomposed input) vanish inside words.
        } else if let Some(ascii) = fold_char(c) {
            push(ascii, &mut word_break);
        } else if c.is_alphanumeric() {
            // Other scripts are kept as they are (lowercased) rather than lost.
            for lower in c.to_lowercase() {
                push(lower.encode_utf8(&mut [0; 4]), &mut word_break);
            }
        } else {
            word_break = true;
        }
    }
    out
}

/// ASCII spelling of a Latin letter with a diacritic (Latin-1 Supplement and Latin
/// Extended-A, both cases), or `None`.
fn fold_char(c: char) -> Option<&'static str> {
    let lower = if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    Some(match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Parses a word list shipped in `rules/lists/`: one entry per line, `#` comments and blank
/// lines skipped, entries folded.
pub fn list_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Splits a `key: a, b, c` list line into its folded key and folded values.
pub fn key_values(line: &str) -> Option<(String, Vec<String>)> {
    let (key, values) = line.split_once(':')?;
    let values = values
        .split(',')
        .map(fold)
        .filter(|v| !v.is_empty())
        .collect();
    Some((key.trim().to_string(), values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("  José  MARÍA "), "jose maria");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Garcia-López"), "garcia lopez");
        assert_eq!(fold("J."), "j");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        // Decomposed é (e + U+0301) folds like the composed one.
        assert_eq!(fold("Jose\u{0301}"), "jose");
        assert_eq!(fold("ÆSIR Œuvre"), "aesir oeuvre");
        assert_eq!(fold("---"), "");
        assert_eq!(fold("Дмитрий"), "дмитрий");
    }

    #[test]
    fn list_lines_skip_comments() {
        let lines: Vec<&str> = list_lines("# c\n\n a \nb:c\n").collect();
        assert_eq!(lines, ["a", "b:c"]);
        assert_eq!(
            key_values("robert: Bob, bobby,"),
            Some((
                "robert".to_string(),
                vec!["bob".to_string(), "bobby".to_string()]
            ))
        );
        assert_eq!(key_values("no colon"), None);
    }
}
