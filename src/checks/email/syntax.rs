//! Email syntax as deliverable mail uses it: RFC 5321/5322 (via the `email_address` crate) plus
//! the practical rules mail providers apply (a dotted domain with a delegated TLD, length limits,
//! no display names, no IP literals or quoted local parts unless the rules allow them).

use std::borrow::Cow;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::lists::is_known_tld;
use super::EmailRules;
use crate::checks::text::fold_full_width;

/// RFC 5321 limits, in octets.
const MAX_ADDRESS: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

/// Why an address is not deliverable as written. `Display` is the plain-words finding detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxProblem {
    Empty,
    NoAt,
    MultipleAt,
    DisplayName,
    Whitespace,
    Invisible(char),
    LocalEmpty,
    LocalTooLong(usize),
    LocalDotAtEdge,
    QuotedLocal,
    BadQuotedLocal,
    ConsecutiveDots {
        in_domain: bool,
    },
    LocalChar(char),
    DomainEmpty,
    IpLiteral,
    BadIpLiteral,
    DomainDotAtEdge,
    DomainChar(char),
    NotIdna,
    LabelTooLong(usize),
    LabelHyphen,
    DomainTooLong(usize),
    NoDot,
    NumericTld,
    UnknownTld(String),
    MixedScript {
        in_domain: bool,
    },
    TooLong(usize),
    /// Rejected by the `email_address` RFC parser for a reason the rules above did not name.
    Rfc(String),
}

impl fmt::Display for SyntaxProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |in_domain: bool| {
            if in_domain {
                "the domain"
            } else {
                "the part before the @"
            }
        };
        match self {
            Self::Empty => write!(f, "is empty"),
            Self::NoAt => write!(f, "has no @"),
            Self::MultipleAt => write!(f, "has more than one @"),
            Self::DisplayName => write!(
                f,
                "has a display name or angle brackets (like \"Bob <bob@example.com>\"); only the bare address is accepted"
            ),
            Self::Whitespace => write!(f, "contains a space"),
            Self::Invisible(c) => write!(
                f,
                "contains an invisible or control character (U+{:04X})",
                u32::from(*c)
            ),
            Self::LocalEmpty => write!(f, "has nothing before the @"),
            Self::LocalTooLong(n) => write!(
                f,
                "the part before the @ is {n} bytes long; the limit is {MAX_LOCAL}"
            ),
            Self::LocalDotAtEdge => write!(f, "the part before the @ starts or ends with a dot"),
            Self::QuotedLocal => write!(
                f,
                "has a quoted part before the @ (\"...\"@), which the rules do not allow"
            ),
            Self::BadQuotedLocal => write!(f, "has a malformed quoted part before the @"),
            Self::ConsecutiveDots { in_domain } => {
                write!(f, "{} has two dots in a row", part(*in_domain))
            }
            Self::LocalChar(c) => write!(
                f,
                "the part before the @ contains '{c}', which addresses cannot contain"
            ),
            Self::DomainEmpty => write!(f, "has nothing after the @"),
            Self::IpLiteral => write!(
                f,
                "the domain is an IP address in brackets, which the rules do not allow"
            ),
            Self::BadIpLiteral => write!(f, "the domain is a malformed IP address in brackets"),
            Self::DomainDotAtEdge => write!(f, "the domain starts or ends with a dot"),
            Self::DomainChar(c) => write!(
                f,
                "the domain contains '{c}', which domain names cannot contain"
            ),
            Self::NotIdna => write!(f, "the domain is not a valid internationalised domain name"),
            Self::LabelTooLong(n) => write!(
                f,
                "a part of the domain is {n} characters long; the limit is {MAX_LABEL}"
            ),
            Self::LabelHyphen => write!(f, "a part of the domain starts or ends with a hyphen"),
            Self::DomainTooLong(n) => write!(
                f,
                "the domain is {n} characters long; the limit is {MAX_DOMAIN}"
            ),
            Self::NoDot => write!(
                f,
                "the domain has no dot; a deliverable address needs a domain like example.com"
            ),
            Self::NumericTld => write!(
                f,
                "the domain ends in a number (an IP address without brackets?)"
            ),
            Self::UnknownTld(tld) => write!(f, "\".{tld}\" is not an existing top-level domain"),
            Self::MixedScript { in_domain } => write!(
                f,
                "{} mixes Latin letters with look-alike Cyrillic or Greek letters",
                part(*in_domain)
            ),
            Self::TooLong(n) => write!(
                f,
                "the address is {n} bytes long; the limit is {MAX_ADDRESS}"
            ),
            Self::Rfc(reason) => write!(f, "is not a valid address ({reason})"),
        }
    }
}

/// A syntactically deliverable address, split for the checks that follow.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParsedEmail {
    /// As written (full-width forms folded to ASCII), including quotes if quoted.
    pub local: String,
    /// Lower-case ASCII (IDNA/punycode), or the bracketed literal for an allowed IP literal.
    pub domain: String,
    pub is_ip_literal: bool,
}

/// Checks `raw` and splits it. Surrounding whitespace and invisible characters are ignored.
///
/// The steps in order; `verify_email` and the stage run them separately, the domain's once
/// per distinct domain.
#[cfg(test)]
pub(super) fn parse(raw: &str, rules: &EmailRules) -> Result<ParsedEmail, SyntaxProblem> {
    let split = split_address(raw, rules)?;
    let domain = parse_domain(&split.domain, rules)?;
    let parts = join(&split, &domain)?;
    Ok(ParsedEmail {
        local: parts.local.to_string(),
        domain: parts.domain.to_string(),
        is_ip_literal: parts.is_ip_literal,
    })
}

/// An address cut at its @, with every check that reads only the part before the @ passed.
/// The domain as written is judged by [`parse_domain`]: the same for every address there, so
/// the stage asks once per distinct domain (a million addresses share a few thousand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SplitAddress<'a> {
    /// As written (full-width forms folded to ASCII), including quotes if quoted.
    pub local: Cow<'a, str>,
    /// As written after the @ (full-width forms folded to ASCII).
    pub domain: Cow<'a, str>,
}

/// The first step of [`parse`]: the checks up to the domain's, in `parse`'s order.
pub(super) fn split_address<'a>(
    raw: &'a str,
    rules: &EmailRules,
) -> Result<SplitAddress<'a>, SyntaxProblem> {
    let text = fold_full_width(trim_edges(raw));
    if text.is_empty() {
        return Err(SyntaxProblem::Empty);
    }
    if text.contains(['<', '>']) {
        return Err(SyntaxProblem::DisplayName);
    }
    if let Some(c) = text.chars().find(|c| is_invisible(*c)) {
        return Err(SyntaxProblem::Invisible(c));
    }
    // Borrowed unless full-width folding changed the text (rare): then the parts are copied.
    Ok(match text {
        Cow::Borrowed(text) => {
            let (local, domain) = split_local_domain(text, rules)?;
            SplitAddress {
                local: Cow::Borrowed(local),
                domain: Cow::Borrowed(domain),
            }
        }
        Cow::Owned(text) => {
            let (local, domain) = split_local_domain(&text, rules)?;
            SplitAddress {
                local: Cow::Owned(local.to_string()),
                domain: Cow::Owned(domain.to_string()),
            }
        }
    })
}

/// A domain (as written after the @) that passed the syntax rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParsedDomain {
    /// Lower-case ASCII (IDNA/punycode), or the bracketed literal for an allowed IP literal.
    pub ascii: String,
    pub is_ip_literal: bool,
    /// The RFC parser's objection to the domain, if any. [`join`] reports it, because `parse`
    /// checks the whole address's length and the local part before it.
    rfc: Option<String>,
}

/// The second step of [`parse`]: the checks that read only the domain, in `parse`'s order.
pub(super) fn parse_domain(
    domain: &str,
    rules: &EmailRules,
) -> Result<ParsedDomain, SyntaxProblem> {
    if domain.contains(char::is_whitespace) {
        return Err(SyntaxProblem::Whitespace);
    }
    let (ascii, is_ip_literal) = check_domain(domain, rules)?;
    // A one-letter local part the RFC parser accepts, so any objection is the domain's: the
    // parser checks the local part, then the domain, and nothing that spans both.
    let rfc = rfc_check(&format!("a@{ascii}"), rules).err();
    Ok(ParsedDomain {
        ascii,
        is_ip_literal,
        rfc,
    })
}

/// A syntactically deliverable address, borrowed from its [`SplitAddress`] and
/// [`ParsedDomain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EmailParts<'a> {
    /// As written (full-width forms folded to ASCII), including quotes if quoted.
    pub local: &'a str,
    /// Lower-case ASCII (IDNA/punycode), or the bracketed literal for an allowed IP literal.
    pub domain: &'a str,
    pub is_ip_literal: bool,
}

/// The last step of [`parse`]: the checks on the whole address.
pub(super) fn join<'a>(
    split: &'a SplitAddress<'_>,
    domain: &'a ParsedDomain,
) -> Result<EmailParts<'a>, SyntaxProblem> {
    let local: &str = &split.local;
    let total = local.len() + 1 + domain.ascii.len();
    if total > MAX_ADDRESS {
        return Err(SyntaxProblem::TooLong(total));
    }
    // Safety net: the RFC parser sees the address as it will be sent (ASCII domain). An
    // unquoted local part that passed `check_local` always passes it (dot-atoms of the same
    // characters, same length limit; tested), so only quoted ones are asked, with a domain it
    // accepts; the domain's own verdict came from `parse_domain`.
    if local.starts_with('"') {
        let options = rfc_options(false);
        if let Err(e) = email_address::EmailAddress::parse_with_options(
            &format!("{local}@example.com"),
            options,
        ) {
            return Err(SyntaxProblem::Rfc(e.to_string()));
        }
    }
    if let Some(reason) = &domain.rfc {
        return Err(SyntaxProblem::Rfc(reason.clone()));
    }
    Ok(EmailParts {
        local,
        domain: &domain.ascii,
        is_ip_literal: domain.is_ip_literal,
    })
}

fn rfc_options(allow_ip_literal: bool) -> email_address::Options {
    email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: allow_ip_literal,
        allow_display_text: false,
        allow_long_local_parts: false,
    }
}

/// The `email_address` crate's verdict, its error in words.
fn rfc_check(address: &str, rules: &EmailRules) -> Result<(), String> {
    email_address::EmailAddress::parse_with_options(address, rfc_options(rules.allow_ip_literal))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Zero-width and formatting characters that ride along with copy-pasted text.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

fn trim_edges(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

fn split_local_domain<'a>(
    text: &'a str,
    rules: &EmailRules,
) -> Result<(&'a str, &'a str), SyntaxProblem> {
    if text.starts_with('"') {
        let end = closing_quote(text).ok_or(SyntaxProblem::BadQuotedLocal)?;
        let (local, rest) = text.split_at(end + 1);
        let domain = rest
            .strip_prefix('@')
            .ok_or(SyntaxProblem::BadQuotedLocal)?;
        if !rules.allow_quoted_local {
            return Err(SyntaxProblem::QuotedLocal);
        }
        if local.len() > MAX_LOCAL {
            return Err(SyntaxProblem::LocalTooLong(local.len()));
        }
        if domain.contains('@') {
            return Err(SyntaxProblem::MultipleAt);
        }
        return Ok((local, domain));
    }
    let (local, domain) = text.split_once('@').ok_or(SyntaxProblem::NoAt)?;
    if domain.contains('@') {
        return Err(SyntaxProblem::MultipleAt);
    }
    check_local(local)?;
    Ok((local, domain))
}

/// Byte index of the quote closing a quoted local part that starts at index 0.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

pub(super) fn check_local(local: &str) -> Result<(), SyntaxProblem> {
    if local.is_empty() {
        return Err(SyntaxProblem::LocalEmpty);
    }
    if local.contains(char::is_whitespace) {
        return Err(SyntaxProblem::Whitespace);
    }
    if local.len() > MAX_LOCAL {
        return Err(SyntaxProblem::LocalTooLong(local.len()));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err(SyntaxProblem::LocalDotAtEdge);
    }
    if local.contains("..") {
        return Err(SyntaxProblem::ConsecutiveDots { in_domain: false });
    }
    if let Some(c) = local.chars().find(|c| !is_local_char(*c)) {
        return Err(SyntaxProblem::LocalChar(c));
    }
    if mixes_confusable_scripts(local) {
        return Err(SyntaxProblem::MixedScript { in_domain: false });
    }
    Ok(())
}

/// RFC 5322 atext plus dots, and (RFC 6531) letters, digits and combining marks of any script;
/// other non-ASCII symbols (typographic quotes, dashes) are not accepted by real mail systems.
fn is_local_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            Some(Script::Latin)
        }
        '\u{0400}'..='\u{052F}' => Some(Script::Cyrillic),
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(Script::Greek),
        _ => None,
    }
}

/// Latin mixed with Cyrillic or Greek in one label (`pаypal` with a Cyrillic `а`) is the
/// classic look-alike spoof; a label wholly in one script (`почта`) is fine.
fn mixes_confusable_scripts(label: &str) -> bool {
    let mut seen: Option<Script> = None;
    for script in label.chars().filter_map(script_of) {
        match seen {
            Some(s) if s != script => return true,
            _ => seen = Some(script),
        }
    }
    false
}

/// Validates the domain and returns it in ASCII form.
fn check_domain(domain: &str, rules: &EmailRules) -> Result<(String, bool), SyntaxProblem> {
    if domain.is_empty() {
        return Err(SyntaxProblem::DomainEmpty);
    }
    if let Some(inner) = domain.strip_prefix('[') {
        if !rules.allow_ip_literal {
            return Err(SyntaxProblem::IpLiteral);
        }
        let inner = inner.strip_suffix(']').ok_or(SyntaxProblem::BadIpLiteral)?;
        let valid = match inner.split_once(':') {
            Some((tag, v6)) if tag.eq_ignore_ascii_case("ipv6") => v6.parse::<Ipv6Addr>().is_ok(),
            _ => inner.parse::<Ipv4Addr>().is_ok(),
        };
        return if valid {
            Ok((domain.to_ascii_lowercase(), true))
        } else {
            Err(SyntaxProblem::BadIpLiteral)
        };
    }
    if domain.starts_with('.') || domain.ends_with('.') {
        return Err(SyntaxProblem::DomainDotAtEdge);
    }
    if domain.contains("..") {
        return Err(SyntaxProblem::ConsecutiveDots { in_domain: true });
    }
    if domain.split('.').any(mixes_confusable_scripts) {
        return Err(SyntaxProblem::MixedScript { in_domain: true });
    }
    let ascii = idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::STD3)
        .map_err(
            |_| match domain.chars().find(|c| c.is_ascii() && !is_ldh(*c)) {
                Some(c) => SyntaxProblem::DomainChar(c),
                None => SyntaxProblem::NotIdna,
            },
        )?
        .into_owned();
    // IDNA mapping can itself produce empty labels (e.g. from a dot-like character).
    if ascii.is_empty() || ascii.starts_with('.') || ascii.ends_with('.') {
        return Err(SyntaxProblem::DomainDotAtEdge);
    }
    if ascii.contains("..") {
        return Err(SyntaxProblem::ConsecutiveDots { in_domain: true });
    }
    if ascii.len() > MAX_DOMAIN {
        return Err(SyntaxProblem::DomainTooLong(ascii.len()));
    }
    for label in ascii.split('.') {
        if label.len() > MAX_LABEL {
            return Err(SyntaxProblem::LabelTooLong(label.len()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(SyntaxProblem::LabelHyphen);
        }
    }
    let tld = match ascii.rsplit_once('.') {
        Some((_, tld)) => tld,
        None => return Err(SyntaxProblem::NoDot),
    };
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(SyntaxProblem::NumericTld);
    }
    if !is_known_tld(tld) {
        return Err(SyntaxProblem::UnknownTld(tld.to_string()));
    }
    Ok((ascii, false))
}

fn is_ldh(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<ParsedEmail, SyntaxProblem> {
        parse(raw, &EmailRules::default())
    }

    fn domain(raw: &str) -> String {
        match check(raw) {
            Ok(parsed) => parsed.domain,
            Err(e) => panic!("{raw:?} rejected: {e}"),
        }
    }

    #[test]
    fn accepts_ordinary_and_unusual_but_valid_addresses() {
        for raw in [
            "bob@example.com",
            "Bob.Smith@Example.COM",
            "  bob@example.com\t",
            "bob+leads@example.co.uk",
            "o'neil@example.ie",
            "a@b.io",
            "x_y-z@sub.domain.example.org",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "1234567890@example.com",
            "\u{FEFF}bob@example.com\u{200B}", // BOM / zero-width space at the edges
            "josé@example.es",                 // RFC 6531 local part
            "用户@例子.公司",                  // fully internationalised
            "почта@пример.рф",
        ] {
            assert!(check(raw).is_ok(), "{raw:?}: {:?}", check(raw));
        }
    }

    #[test]
    fn idn_domains_become_punycode_and_lower_case() {
        assert_eq!(domain("bob@Bücher.DE"), "xn--bcher-kva.de");
        assert_eq!(domain("bob@例子.公司"), "xn--fsqu00a.xn--55qx5d");
        assert_eq!(domain("bob@пример.рф"), "xn--e1afmkfd.xn--p1ai");
        assert_eq!(domain("bob@EXAMPLE.com"), "example.com");
    }

    #[test]
    fn full_width_input_is_read_as_ascii() {
        let parsed = check("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ").expect("full-width address");
        assert_eq!(parsed.local, "bob");
        assert_eq!(parsed.domain, "example.com");
        assert_eq!(domain("bob@example。com"), "example.com");
    }

    #[test]
    fn rejects_with_a_reason_in_plain_words() {
        use SyntaxProblem as P;
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("bob@{}.com", "a".repeat(64));
        let long_address = format!("{}@{}com", "a".repeat(64), "b.".repeat(95));
        let cases: Vec<(&str, SyntaxProblem)> = vec![
            ("", P::Empty),
            ("   ", P::Empty),
            ("bob.example.com", P::NoAt),
            ("bob@@example.com", P::MultipleAt),
            ("bob@example@com.com", P::MultipleAt),
            ("Bob <bob@example.com>", P::DisplayName),
            ("<bob@example.com>", P::DisplayName),
            ("bob smith@example.com", P::Whitespace),
            ("bob@exam ple.com", P::Whitespace),
            ("bob\tsmith@example.com", P::Whitespace),
            ("bob\u{200B}@example.com", P::Invisible('\u{200B}')),
            ("@example.com", P::LocalEmpty),
            (&long_local, P::LocalTooLong(65)),
            (".bob@example.com", P::LocalDotAtEdge),
            ("bob.@example.com", P::LocalDotAtEdge),
            (
                "bob..smith@example.com",
                P::ConsecutiveDots { in_domain: false },
            ),
            ("bob@example..com", P::ConsecutiveDots { in_domain: true }),
            ("\"bob smith\"@example.com", P::QuotedLocal),
            ("\"bob@example.com", P::BadQuotedLocal),
            ("bob(comment)@example.com", P::LocalChar('(')),
            ("o’neil@example.com", P::LocalChar('’')),
            ("mailto:bob@example.com", P::LocalChar(':')),
            ("bob@", P::DomainEmpty),
            ("bob@[192.168.0.1]", P::IpLiteral),
            ("bob@example.com.", P::DomainDotAtEdge),
            ("bob@.example.com", P::DomainDotAtEdge),
            ("bob@exa_mple.com", P::DomainChar('_')),
            ("bob@exa!mple.com", P::DomainChar('!')),
            (&long_label, P::LabelTooLong(64)),
            ("bob@-example.com", P::LabelHyphen),
            ("bob@example-.com", P::LabelHyphen),
            ("bob@localhost", P::NoDot),
            ("bob@192.168.0.1", P::NumericTld),
            ("bob@example.con", P::UnknownTld("con".into())),
            ("bob@example.c", P::UnknownTld("c".into())),
            ("pаypal@example.com", P::MixedScript { in_domain: false }), // Cyrillic а
            ("bob@pаypal.com", P::MixedScript { in_domain: true }),
            ("bob@gοogle.com", P::MixedScript { in_domain: true }), // Greek ο
            (&long_address, P::TooLong(258)),
        ];
        for (raw, expected) in cases {
            let got = check(raw);
            assert_eq!(got, Err(expected.clone()), "{raw:?}");
            let words = expected.to_string();
            assert!(words.len() > 5 && !words.contains("Err"), "{words}");
        }
    }

    /// `join` skips the RFC parser for unquoted local parts on this ground.
    #[test]
    fn every_unquoted_local_part_check_local_accepts_the_rfc_parser_accepts() {
        let mut alphabet: Vec<char> = (' '..='~').collect();
        alphabet.extend([
            'é', 'ß', 'Σ', 'я', '用', '\u{0301}', '٣', '\u{FF41}', '\u{00A0}',
        ]);
        let mut locals: Vec<String> = Vec::new();
        for &a in &alphabet {
            locals.push(a.to_string());
            for &b in &alphabet {
                locals.push(format!("{a}{b}"));
                locals.push(format!("x{a}{b}y"));
            }
        }
        locals.push("a".repeat(64));
        locals.push("a".repeat(65));
        locals.push("é".repeat(32));
        locals.push("é".repeat(33));
        let mut accepted = 0;
        for local in locals.iter().filter(|l| check_local(l).is_ok()) {
            accepted += 1;
            let address = format!("{local}@example.com");
            assert!(
                email_address::EmailAddress::parse_with_options(&address, rfc_options(false))
                    .is_ok(),
                "{address:?}"
            );
        }
        assert!(accepted > 5_000, "{accepted}");
    }

    #[test]
    fn rules_can_allow_ip_literals_and_quoted_local_parts() {
        let lenient = EmailRules {
            allow_ip_literal: true,
            allow_quoted_local: true,
            ..EmailRules::default()
        };
        let ok = |raw: &str| parse(raw, &lenient);
        assert_eq!(ok("bob@[192.168.0.1]").map(|p| p.is_ip_literal), Ok(true));
        assert!(ok("bob@[IPv6:2001:db8::1]").is_ok());
        assert_eq!(ok("bob@[300.1.1.1]"), Err(SyntaxProblem::BadIpLiteral));
        let quoted = ok("\"bob smith\"@example.com").expect("quoted local part");
        assert_eq!(quoted.local, "\"bob smith\"");
        assert!(ok("\"bob@home\"@example.com").is_ok());
        assert!(ok("\"bob\\\"q\"@example.com").is_ok());
        assert_eq!(
            ok("\"bob\"x@example.com"),
            Err(SyntaxProblem::BadQuotedLocal)
        );
    }
}
