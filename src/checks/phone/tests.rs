//! Phone regression tests. Expected values come from Google's libphonenumber (Python port
//! `phonenumbers`, see tools/phone_truth.py), not from the library under test.

use super::*;
use rlibphonenumber::{enums::Region, PhoneNumber};

/// libphonenumber's example fixed-line and mobile numbers for 38 regions, written in national
/// and international format: (input, default region, E.164, type, number's region).
#[rustfmt::skip]
const EXAMPLES: &[(&str, &str, &str, &str, &str)] = &[
    // phonenumbers 9.0.43
    ("(201) 555-0123", "US", "+12015550123", "fixed_line_or_mobile", "US"),
    ("+1 201-555-0123", "US", "+12015550123", "fixed_line_or_mobile", "US"),
    ("(506) 234-5678", "CA", "+15062345678", "fixed_line_or_mobile", "CA"),
    ("+1 506-234-5678", "CA", "+15062345678", "fixed_line_or_mobile", "CA"),
    ("0121 234 5678", "GB", "+441212345678", "fixed_line", "GB"),
    ("+44 121 234 5678", "GB", "+441212345678", "fixed_line", "GB"),
    ("07400 123456", "GB", "+447400123456", "mobile", "GB"),
    ("+44 7400 123456", "GB", "+447400123456", "mobile", "GB"),
    ("030 123456", "DE", "+4930123456", "fixed_line", "DE"),
    ("+49 30 123456", "DE", "+4930123456", "fixed_line", "DE"),
    ("01512 3456789", "DE", "+4915123456789", "mobile", "DE"),
    ("+49 1512 3456789", "DE", "+4915123456789", "mobile", "DE"),
    ("01 23 45 67 89", "FR", "+33123456789", "fixed_line", "FR"),
    ("+33 1 23 45 67 89", "FR", "+33123456789", "fixed_line", "FR"),
    ("06 12 34 56 78", "FR", "+33612345678", "mobile", "FR"),
    ("+33 6 12 34 56 78", "FR", "+33612345678", "mobile", "FR"),
    ("02 1234 5678", "IT", "+390212345678", "fixed_line", "IT"),
    ("+39 02 1234 5678", "IT", "+390212345678", "fixed_line", "IT"),
    ("312 345 6789", "IT", "+393123456789", "mobile", "IT"),
    ("+39 312 345 6789", "IT", "+393123456789", "mobile", "IT"),
    ("810 12 34 56", "ES", "+34810123456", "fixed_line", "ES"),
    ("+34 810 12 34 56", "ES", "+34810123456", "fixed_line", "ES"),
    ("612 34 56 78", "ES", "+34612345678", "mobile", "ES"),
    ("+34 612 34 56 78", "ES", "+34612345678", "mobile", "ES"),
    ("010 123 4567", "NL", "+31101234567", "fixed_line", "NL"),
    ("+31 10 123 4567", "NL", "+31101234567", "fixed_line", "NL"),
    ("06 12345678", "NL", "+31612345678", "mobile", "NL"),
    ("+31 6 12345678", "NL", "+31612345678", "mobile", "NL"),
    ("012 34 56 78", "BE", "+3212345678", "fixed_line", "BE"),
    ("+32 12 34 56 78", "BE", "+3212345678", "fixed_line", "BE"),
    ("0450 00 12 34", "BE", "+32450001234", "mobile", "BE"),
    ("+32 450 00 12 34", "BE", "+32450001234", "mobile", "BE"),
    ("021 234 56 78", "CH", "+41212345678", "fixed_line", "CH"),
    ("+41 21 234 56 78", "CH", "+41212345678", "fixed_line", "CH"),
    ("078 123 45 67", "CH", "+41781234567", "mobile", "CH"),
    ("+41 78 123 45 67", "CH", "+41781234567", "mobile", "CH"),
    ("01 234567890", "AT", "+431234567890", "fixed_line", "AT"),
    ("+43 1 234567890", "AT", "+431234567890", "fixed_line", "AT"),
    ("0664 123456", "AT", "+43664123456", "mobile", "AT"),
    ("+43 664 123456", "AT", "+43664123456", "mobile", "AT"),
    ("08-12 34 56", "SE", "+468123456", "fixed_line", "SE"),
    ("+46 8 12 34 56", "SE", "+468123456", "fixed_line", "SE"),
    ("070-123 45 67", "SE", "+46701234567", "mobile", "SE"),
    ("+46 70 123 45 67", "SE", "+46701234567", "mobile", "SE"),
    ("21 23 45 67", "NO", "+4721234567", "fixed_line", "NO"),
    ("+47 21 23 45 67", "NO", "+4721234567", "fixed_line", "NO"),
    ("40 61 23 45", "NO", "+4740612345", "mobile", "NO"),
    ("+47 40 61 23 45", "NO", "+4740612345", "mobile", "NO"),
    ("32 12 34 56", "DK", "+4532123456", "fixed_line_or_mobile", "DK"),
    ("+45 32 12 34 56", "DK", "+4532123456", "fixed_line_or_mobile", "DK"),
    ("34 41 23 45", "DK", "+4534412345", "mobile", "DK"),
    ("+45 34 41 23 45", "DK", "+4534412345", "mobile", "DK"),
    ("013 1234567", "FI", "+358131234567", "fixed_line", "FI"),
    ("+358 13 1234567", "FI", "+358131234567", "fixed_line", "FI"),
    ("041 2345678", "FI", "+358412345678", "mobile", "FI"),
    ("+358 41 2345678", "FI", "+358412345678", "mobile", "FI"),
    ("12 345 67 89", "PL", "+48123456789", "fixed_line", "PL"),
    ("+48 12 345 67 89", "PL", "+48123456789", "fixed_line", "PL"),
    ("512 345 678", "PL", "+48512345678", "mobile", "PL"),
    ("+48 512 345 678", "PL", "+48512345678", "mobile", "PL"),
    ("21 234 5678", "PT", "+351212345678", "fixed_line", "PT"),
    ("+351 21 234 5678", "PT", "+351212345678", "fixed_line", "PT"),
    ("912 345 678", "PT", "+351912345678", "mobile", "PT"),
    ("+351 912 345 678", "PT", "+351912345678", "mobile", "PT"),
    ("(022) 12345", "IE", "+3532212345", "fixed_line", "IE"),
    ("+353 22 12345", "IE", "+3532212345", "fixed_line", "IE"),
    ("085 012 3456", "IE", "+353850123456", "mobile", "IE"),
    ("+353 85 012 3456", "IE", "+353850123456", "mobile", "IE"),
    ("(02) 1234 5678", "AU", "+61212345678", "fixed_line", "AU"),
    ("+61 2 1234 5678", "AU", "+61212345678", "fixed_line", "AU"),
    ("0412 345 678", "AU", "+61412345678", "mobile", "AU"),
    ("+61 412 345 678", "AU", "+61412345678", "mobile", "AU"),
    ("03 234 5678", "NZ", "+6432345678", "fixed_line", "NZ"),
    ("+64 3 234 5678", "NZ", "+6432345678", "fixed_line", "NZ"),
    ("021 123 4567", "NZ", "+64211234567", "mobile", "NZ"),
    ("+64 21 123 4567", "NZ", "+64211234567", "mobile", "NZ"),
    ("03-1234-5678", "JP", "+81312345678", "fixed_line", "JP"),
    ("+81 3-1234-5678", "JP", "+81312345678", "fixed_line", "JP"),
    ("090-1234-5678", "JP", "+819012345678", "mobile", "JP"),
    ("+81 90-1234-5678", "JP", "+819012345678", "mobile", "JP"),
    ("02-212-3456", "KR", "+8222123456", "fixed_line", "KR"),
    ("+82 2-212-3456", "KR", "+8222123456", "fixed_line", "KR"),
    ("010-2000-0000", "KR", "+821020000000", "mobile", "KR"),
    ("+82 10-2000-0000", "KR", "+821020000000", "mobile", "KR"),
    ("010 1234 5678", "CN", "+861012345678", "fixed_line", "CN"),
    ("+86 10 1234 5678", "CN", "+861012345678", "fixed_line", "CN"),
    ("131 2345 6789", "CN", "+8613123456789", "mobile", "CN"),
    ("+86 131 2345 6789", "CN", "+8613123456789", "mobile", "CN"),
    ("074104 10123", "IN", "+917410410123", "fixed_line_or_mobile", "IN"),
    ("+91 74104 10123", "IN", "+917410410123", "fixed_line_or_mobile", "IN"),
    ("081234 56789", "IN", "+918123456789", "mobile", "IN"),
    ("+91 81234 56789", "IN", "+918123456789", "mobile", "IN"),
    ("(11) 2345-6789", "BR", "+551123456789", "fixed_line", "BR"),
    ("+55 11 2345-6789", "BR", "+551123456789", "fixed_line", "BR"),
    ("(11) 96123-4567", "BR", "+5511961234567", "mobile", "BR"),
    ("+55 11 96123-4567", "BR", "+5511961234567", "mobile", "BR"),
    ("200 123 4567", "MX", "+522001234567", "fixed_line", "MX"),
    ("+52 200 123 4567", "MX", "+522001234567", "fixed_line", "MX"),
    ("222 123 4567", "MX", "+522221234567", "fixed_line_or_mobile", "MX"),
    ("+52 222 123 4567", "MX", "+522221234567", "fixed_line_or_mobile", "MX"),
    ("011 2345-6789", "AR", "+541123456789", "fixed_line", "AR"),
    ("+54 11 2345-6789", "AR", "+541123456789", "fixed_line", "AR"),
    ("011 15-2345-6789", "AR", "+5491123456789", "mobile", "AR"),
    ("+54 9 11 2345-6789", "AR", "+5491123456789", "mobile", "AR"),
    ("010 123 4567", "ZA", "+27101234567", "fixed_line", "ZA"),
    ("+27 10 123 4567", "ZA", "+27101234567", "fixed_line", "ZA"),
    ("071 123 4567", "ZA", "+27711234567", "mobile", "ZA"),
    ("+27 71 123 4567", "ZA", "+27711234567", "mobile", "ZA"),
    ("8 (301) 123-45-67", "RU", "+73011234567", "fixed_line", "RU"),
    ("+7 301 123-45-67", "RU", "+73011234567", "fixed_line", "RU"),
    ("8 (912) 345-67-89", "RU", "+79123456789", "mobile", "RU"),
    ("+7 912 345-67-89", "RU", "+79123456789", "mobile", "RU"),
    ("(0212) 345 67 89", "TR", "+902123456789", "fixed_line", "TR"),
    ("+90 212 345 67 89", "TR", "+902123456789", "fixed_line", "TR"),
    ("0501 234 56 78", "TR", "+905012345678", "mobile", "TR"),
    ("+90 501 234 56 78", "TR", "+905012345678", "mobile", "TR"),
    ("02-123-4567", "IL", "+97221234567", "fixed_line", "IL"),
    ("+972 2-123-4567", "IL", "+97221234567", "fixed_line", "IL"),
    ("050-234-5678", "IL", "+972502345678", "mobile", "IL"),
    ("+972 50-234-5678", "IL", "+972502345678", "mobile", "IL"),
    ("02 234 5678", "AE", "+97122345678", "fixed_line", "AE"),
    ("+971 2 234 5678", "AE", "+97122345678", "fixed_line", "AE"),
    ("050 123 4567", "AE", "+971501234567", "mobile", "AE"),
    ("+971 50 123 4567", "AE", "+971501234567", "mobile", "AE"),
    ("6123 4567", "SG", "+6561234567", "fixed_line", "SG"),
    ("+65 6123 4567", "SG", "+6561234567", "fixed_line", "SG"),
    ("8123 4567", "SG", "+6581234567", "mobile", "SG"),
    ("+65 8123 4567", "SG", "+6581234567", "mobile", "SG"),
    ("2123 4567", "HK", "+85221234567", "fixed_line", "HK"),
    ("+852 2123 4567", "HK", "+85221234567", "fixed_line", "HK"),
    ("5123 4567", "HK", "+85251234567", "mobile", "HK"),
    ("+852 5123 4567", "HK", "+85251234567", "mobile", "HK"),
    ("(02) 3234 5678", "PH", "+63232345678", "fixed_line", "PH"),
    ("+63 2 3234 5678", "PH", "+63232345678", "fixed_line", "PH"),
    ("0905 123 4567", "PH", "+639051234567", "mobile", "PH"),
    ("+63 905 123 4567", "PH", "+639051234567", "mobile", "PH"),
    ("(021) 8350123", "ID", "+62218350123", "fixed_line", "ID"),
    ("+62 21 8350123", "ID", "+62218350123", "fixed_line", "ID"),
    ("0812-345-678", "ID", "+62812345678", "mobile", "ID"),
    ("+62 812-345-678", "ID", "+62812345678", "mobile", "ID"),
    ("02033 12 3456", "NG", "+2342033123456", "fixed_line", "NG"),
    ("+234 2033 12 3456", "NG", "+2342033123456", "fixed_line", "NG"),
    ("0802 123 4567", "NG", "+2348021234567", "mobile", "NG"),
    ("+234 802 123 4567", "NG", "+2348021234567", "mobile", "NG"),
    ("02 34567890", "EG", "+20234567890", "fixed_line", "EG"),
    ("+20 2 34567890", "EG", "+20234567890", "fixed_line", "EG"),
    ("010 01234567", "EG", "+201001234567", "mobile", "EG"),
    ("+20 10 01234567", "EG", "+201001234567", "mobile", "EG"),
];

fn valid(raw: &str, region: &str) -> PhoneVerdict {
    let verdict = verify_phone(raw, region);
    assert_eq!(verdict.invalid, None, "{raw:?} in {region}");
    verdict
}

fn e164(raw: &str, region: &str) -> String {
    valid(raw, region).e164.unwrap_or_default()
}

fn problem(raw: &str, region: &str) -> Option<PhoneProblem> {
    let verdict = verify_phone(raw, region);
    assert_eq!(verdict.e164, None, "{raw:?} must not get an E.164");
    verdict.invalid
}

#[test]
fn example_numbers_of_38_regions_in_national_and_international_form() {
    let regions: std::collections::BTreeSet<_> = EXAMPLES.iter().map(|e| e.1).collect();
    assert!(regions.len() >= 20, "{}", regions.len());
    for &(raw, region, expected_e164, expected_type, expected_region) in EXAMPLES {
        let verdict = valid(raw, region);
        assert_eq!(
            verdict.e164.as_deref(),
            Some(expected_e164),
            "{raw:?} {region}"
        );
        assert_eq!(
            verdict.phone_type.map(PhoneType::as_str),
            Some(expected_type),
            "{raw:?}"
        );
        assert_eq!(verdict.region.as_deref(), Some(expected_region), "{raw:?}");
        assert_eq!(
            verdict.valid_in_default_region,
            expected_region == region,
            "{raw:?}"
        );
    }
}

#[test]
fn trunk_prefix_digit_is_kept_when_it_is_part_of_the_number() {
    // RU's trunk prefix is 8; +7 800 is a toll-free range and must not lose its 8.
    for (raw, region) in [
        ("+78001234567", ""),
        ("+7 800 123 45 67", "RU"),
        ("88001234567", "RU"),
        ("8 800 123-45-67", "RU"),
    ] {
        let verdict = valid(raw, region);
        assert_eq!(verdict.e164.as_deref(), Some("+78001234567"), "{raw}");
        assert_eq!(verdict.phone_type, Some(PhoneType::TollFree));
    }
}

#[test]
fn an_extra_digit_makes_a_number_invalid() {
    assert_eq!(
        problem("+1 201-555-01234", "US"),
        Some(PhoneProblem::TooLong)
    );
    assert_eq!(
        problem("(201) 555-01234", "US"),
        Some(PhoneProblem::TooLong)
    );
    assert_eq!(
        problem("+44 7400 1234567", "GB"),
        Some(PhoneProblem::TooLong)
    );
    assert_eq!(
        problem("+49 1512 34567890", "DE"),
        Some(PhoneProblem::NotValid {
            region: Some("DE".into())
        })
    );
    // ... and one digit short as well.
    assert_eq!(problem("4579131", "DK"), Some(PhoneProblem::TooShort));
}

#[test]
fn full_width_and_arabic_indic_digits() {
    assert_eq!(e164("＋１ ２０１ ５５５ ０１２３", "US"), "+12015550123");
    assert_eq!(e164("٠٥٠١٢٣٤٥٦٧", "AE"), "+971501234567");
    assert_eq!(e164("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", ""), "+971501234567");
    // Extended Arabic-Indic (Persian) digits.
    assert_eq!(e164("۰۹۱۲۳۴۵۶۷۸۹", "IR"), "+989123456789");
}

#[test]
fn extensions_in_their_usual_spellings() {
    for (raw, ext) in [
        ("tel:+1-201-555-0123;ext=42", "42"),
        ("+1 201 555 0123;ext=42", "42"),
        ("201.555.0123 x123", "123"),
        ("+1 201-555-0123 x 123", "123"),
        ("(201) 555-0123 ext. 12", "12"),
    ] {
        let verdict = valid(raw, "US");
        assert_eq!(verdict.e164.as_deref(), Some("+12015550123"), "{raw}");
        assert_eq!(verdict.extension.as_deref(), Some(ext), "{raw}");
    }
    assert_eq!(
        valid("+44 20 7183 8750 ext 22", "GB").extension.as_deref(),
        Some("22")
    );
    assert_eq!(valid("+44 20 7183 8750", "GB").extension, None);
}

#[test]
fn national_input_needs_the_right_region() {
    // DK has no trunk prefix: eight digits are the whole national number.
    let dk = valid("45791310", "DK");
    assert_eq!(dk.e164.as_deref(), Some("+4545791310"));
    assert_eq!(dk.region.as_deref(), Some("DK"));
    assert_eq!(e164("45 79 13 10", "DK"), "+4545791310");
    // Without a usable default region a national number cannot be placed.
    for region in ["", "ZZ", "USA", "??"] {
        assert_eq!(
            problem("2015550123", region),
            Some(PhoneProblem::NoCountryCode),
            "{region}"
        );
    }
    assert_eq!(e164("2015550123", "us"), "+12015550123");
}

#[test]
fn formatting_and_international_prefixes() {
    assert_eq!(e164("+44 (0)20 7183 8750", "GB"), "+442071838750");
    assert_eq!(e164("(0)20 7183 8750", "GB"), "+442071838750");
    assert_eq!(e164("020.7183.8750", "GB"), "+442071838750");
    assert_eq!(e164("[020] 7183-8750", "GB"), "+442071838750");
    // 00 is the default region's own prefix in GB, and read as + for a US default.
    assert_eq!(e164("0044 20 7183 8750", "GB"), "+442071838750");
    assert_eq!(e164("0044 20 7183 8750", "US"), "+442071838750");
    assert_eq!(e164("011 44 20 7183 8750", "US"), "+442071838750");
    assert_eq!(e164("1-800-FLOWERS", "US"), "+18003569377");
}

#[test]
fn region_and_country_mismatch_signal() {
    // A Toronto number for a US lead: valid, but not in the US.
    let toronto = valid("+1 416 555 0199", "US");
    assert_eq!(toronto.region.as_deref(), Some("CA"));
    assert!(!toronto.valid_in_default_region);
    // A +1 800 number is toll-free in Canada too: no mismatch for a Canadian lead.
    let toll_free = valid("+1 800 356 9377", "CA");
    assert_eq!(toll_free.phone_type, Some(PhoneType::TollFree));
    assert!(toll_free.valid_in_default_region);
    // Non-geographic numbers have region 001.
    assert_eq!(valid("+800 1234 5678", "").region.as_deref(), Some("001"));
}

#[test]
fn invalid_reasons() {
    assert_eq!(problem("", "US"), Some(PhoneProblem::NotANumber));
    assert_eq!(problem("abc", "US"), Some(PhoneProblem::NotANumber));
    assert_eq!(problem("n/a", "US"), Some(PhoneProblem::NotANumber));
    assert_eq!(problem("12", "US"), Some(PhoneProblem::TooShort));
    assert_eq!(problem("555-0199", "US"), Some(PhoneProblem::LocalOnly));
    assert_eq!(
        problem("+999 1234567", ""),
        Some(PhoneProblem::NoCountryCode)
    );
    assert_eq!(
        problem("(201) 055-0123", "US"),
        Some(PhoneProblem::NotValid {
            region: Some("US".into())
        })
    );
    let long = "1".repeat(251);
    assert_eq!(problem(&long, "US"), Some(PhoneProblem::TooLongInput));
    for p in [
        PhoneProblem::NotANumber,
        PhoneProblem::NotValid { region: None },
    ] {
        assert!(p.to_string().starts_with("is "), "{p}");
    }
}

#[test]
fn phone_rules_parse_type_names_and_reject_unknown_keys() {
    use crate::rules::Rules;
    let base = "[checks]\n\"phone.type\" = { action = \"flag\" }\n";
    let rules = Rules::parse(
        &format!("{base}[phone]\nsms_types = [\"mobile\"]\n"),
        "r.toml",
    )
    .expect("valid rules");
    assert_eq!(rules.phone.sms_types, [PhoneType::Mobile]);
    assert!(
        rules.phone.call_types.is_empty(),
        "filled from the built-in rules"
    );
    assert_eq!(
        PhoneRules::default().sms_types,
        [PhoneType::Mobile, PhoneType::FixedLineOrMobile]
    );
    let typo = Rules::parse(
        &format!("{base}[phone]\nsms_type = [\"mobile\"]\n"),
        "r.toml",
    );
    assert!(
        typo.is_err_and(|e| e.to_string().contains("sms_type") && e.to_string().contains("line 4"))
    );
    let bad_type = Rules::parse(
        &format!("{base}[phone]\nsms_types = [\"cell\"]\n"),
        "r.toml",
    );
    assert!(bad_type.is_err_and(|e| e.to_string().contains("cell")));
    let empty = Rules::parse(&format!("{base}[phone]\nsms_types = []\n"), "r.toml");
    assert!(empty.is_err_and(|e| e.to_string().contains("sms_types")));
}

#[test]
fn a_number_from_another_country_is_not_valid_in_the_default_region() {
    // Its national digits (207 946 0958) also fit the US plan, and rlibphonenumber 2.2.15's
    // is_valid_for_region(US) says true; libphonenumber says false: the calling code decides.
    let london = valid("+44 20 7946 0958", "US");
    assert_eq!(london.region.as_deref(), Some("GB"));
    assert!(!london.valid_in_default_region);
    assert!(valid("+44 20 7946 0958", "GB").valid_in_default_region);
}

/// `verify_phone` judges validity by the number's type (one region lookup instead of three);
/// this checks that it agrees with libphonenumber's own `is_valid` on valid numbers and on
/// corrupted variants of them (a digit dropped, added or changed).
#[test]
fn validity_agrees_with_is_valid_on_examples_and_corruptions() {
    let mut checked = 0;
    for &(raw, region, e164, _, _) in EXAMPLES {
        let digits = e164.trim_start_matches('+');
        let variants = [
            raw.to_string(),
            format!("+{}", &digits[..digits.len() - 1]),
            format!("+{digits}7"),
            format!("+{}0{}", &digits[..3], &digits[3..]),
            format!("+{}9{}", &digits[..4], &digits[5..]),
            format!("+{}1{}", &digits[..5], &digits[6..]),
        ];
        for variant in variants {
            let parsed = PhoneNumber::parse(&variant, Region::from_code(region).ok());
            let expected = parsed.map(|n| n.is_valid()).unwrap_or(false);
            assert_eq!(
                verify_phone(&variant, region).e164.is_some(),
                expected,
                "{variant}"
            );
            checked += 1;
        }
    }
    assert!(checked > 800, "{checked}");
}
