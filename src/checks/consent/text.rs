//! What a consent text says (does it name the seller, does it carry the phrases written
//! consent needs) and whether a certificate reference is well formed.

/// Lower-case with runs of whitespace as one space, so phrases match across line breaks.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True when `needle` (already folded) occurs in `haystack` (folded) as whole words: the
/// characters around it are not letters or digits, so `Acme` does not match `Acmeville`.
pub fn contains_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The vendor formats of consent certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certificate {
    /// `https://cert.trustedform.com/` followed by a 40-hex-digit token.
    TrustedForm,
    /// A Jornaya LeadiD token: a 36-character GUID (8-4-4-4-12 hex digits).
    LeadId,
}

const TRUSTEDFORM_PREFIX: &str = "https://cert.trustedform.com/";

/// Why a certificate reference is malformed (one byte a record, where the message would
/// take sixteen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    TrustedFormToken,
    TrustedFormUrl,
    Unrecognised,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Malformed::TrustedFormToken => {
                "a TrustedForm URL needs a 40-hex-digit token after https://cert.trustedform.com/"
            }
            Malformed::TrustedFormUrl => {
                "a TrustedForm certificate URL starts https://cert.trustedform.com/"
            }
            Malformed::Unrecognised => {
                "neither a TrustedForm certificate URL (https://cert.trustedform.com/ + 40 hex digits) nor a LeadiD token (36-character GUID)"
            }
        })
    }
}

/// The certificate format of a reference, or why it is malformed.
pub fn certificate_kind(reference: &str) -> Result<Certificate, Malformed> {
    let value = reference.trim();
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(token) = value
        .get(..TRUSTEDFORM_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(TRUSTEDFORM_PREFIX))
        .and_then(|_| value.get(TRUSTEDFORM_PREFIX.len()..))
    {
        return if token.len() == 40 && is_hex(token) {
            Ok(Certificate::TrustedForm)
        } else {
            Err(Malformed::TrustedFormToken)
        };
    }
    if value.to_ascii_lowercase().contains("trustedform") {
        return Err(Malformed::TrustedFormUrl);
    }
    let groups: Vec<&str> = value.split('-').collect();
    if value.len() == 36
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| is_hex(g))
    {
        return Ok(Certificate::LeadId);
    }
    Err(Malformed::Unrecognised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_and_ignore_case_after_fold() {
        let text = fold("I agree that ACME Solar\nmay call me. Acmeville Inc. too");
        assert!(contains_words(&text, &fold("Acme Solar")));
        assert!(contains_words(&text, "acme solar"));
        assert!(!contains_words(&text, "acme sol"));
        assert!(!contains_words(&fold("Acmeville only"), "acme"));
        assert!(!contains_words(&text, ""));
        assert!(contains_words(
            &fold("Calls from Zoë's Café."),
            &fold("zoë's café")
        ));
    }

    #[test]
    fn certificate_formats() {
        let tf = format!("https://cert.trustedform.com/{}", "a1".repeat(20));
        assert_eq!(certificate_kind(&tf), Ok(Certificate::TrustedForm));
        // Scheme and host are case-insensitive in URLs.
        assert_eq!(
            certificate_kind(&tf.to_uppercase()),
            Ok(Certificate::TrustedForm)
        );
        // 39 and 41 hex digits, a non-hex digit, http, another host.
        assert!(certificate_kind(&tf[..tf.len() - 1]).is_err());
        assert!(certificate_kind(&format!("{tf}0")).is_err());
        assert!(certificate_kind(&tf.replace("a1a1", "g1a1")).is_err());
        assert!(certificate_kind(&tf.replace("https", "http")).is_err());
        assert!(certificate_kind(&tf.replace("cert.", "ping.")).is_err());
        assert_eq!(
            certificate_kind("8F3C2A1B-4D5E-6F70-8192-A3B4C5D6E7F8"),
            Ok(Certificate::LeadId)
        );
        assert!(certificate_kind("8F3C2A1B-4D5E-6F70-8192-A3B4C5D6E7F").is_err());
        assert!(certificate_kind("8F3C2A1B4D5E6F708192A3B4C5D6E7F81234").is_err());
        assert!(certificate_kind("8F3C2A1B-4D5E-6F70-8192-A3B4C5D6E7FZ").is_err());
        assert!(certificate_kind("yes").is_err());
    }
}
