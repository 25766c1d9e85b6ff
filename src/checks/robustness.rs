//! Every per-value check takes any string without panicking and in bounded time.

use std::time::{Duration, Instant};

use super::email::{verify_email, EmailLists, EmailRules};
use super::identity::{
    name_problem, normalize_country, same_in_every_field, verify_postal, IdentityRules, NameLists,
};
use super::phone::verify_phone;

fn weird_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "",
        " ",
        "\0",
        "\u{FEFF}",
        "\u{202E}moc.elpmaxe@bob",
        "@",
        "@@",
        "\"",
        "\"\"@",
        "\"@",
        "a@[",
        "a@[]",
        "a@[IPv6:]",
        "[",
        "]",
        "a@b",
        "a@.",
        "a@..",
        ".",
        "..",
        "'",
        "-",
        "+",
        "++++",
        "x@xn--",
        "x@xn--zz.com",
        "x@-.com",
        "x@a.-",
        "ß@straße.de",
        "＠",
        "＋",
        "👨\u{200D}👩\u{200D}👧@👍.com",
        "٠١٢٣٤٥٦٧٨٩",
        "\u{FFFF}",
        "\u{10FFFF}",
        "e\u{301}",
        "ｘ＠ｙ．ｚ",
        "tel:",
        ";ext=",
        "x",
        "ext. ",
        "00",
        "0000000000000000000",
        "+0",
        "+00",
        "\t\n\r",
        "Robert'); DROP TABLE leads;--",
        "=cmd|' /C calc'!A0",
        "ǅ",
        "İstanbul",
        "\u{1F1FA}\u{1F1F8}",
        "ⅫⅣ",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "ﷺ",
        "\u{0301}\u{0301}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    inputs.extend([
        "x".repeat(10_000),
        "@".repeat(10_000),
        "a.".repeat(5_000),
        "1".repeat(10_000),
        "+1".repeat(5_000),
        "ext=".repeat(2_500),
        "é".repeat(5_000),
        "e\u{301}".repeat(3_000),
        format!("a@{}com", "b.".repeat(5_000)),
        format!("{}@example.com", "a".repeat(10_000)),
        "\u{202E}".repeat(1_000),
    ]);
    inputs
}

#[test]
fn no_panic_and_bounded_time_on_weird_input() {
    let email_rules = EmailRules::default();
    let email_lists = EmailLists::new(&email_rules);
    let name_lists = NameLists::new(&IdentityRules::default());
    let start = Instant::now();
    for input in weird_inputs() {
        let s = input.as_str();
        let email = verify_email(s, &email_rules, &email_lists);
        assert!(email.normalized.is_some() || !email.issues.is_empty() || s.trim().is_empty());
        verify_phone(s, "US");
        verify_phone(s, s);
        verify_phone("2015550123", s);
        name_problem(s, &name_lists);
        same_in_every_field(s, s, s);
        normalize_country(s);
        verify_postal(s, "US");
        verify_postal(s, "GB");
        verify_postal(s, s);
        verify_postal("12345", s);
    }
    // Generous for a debug build on a busy machine; catches accidental quadratic work.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
