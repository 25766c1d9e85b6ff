//! `verify_phone` with an arbitrary default region: input is `REGION\nNUMBER` (no newline:
//! the whole input is the number, no region). Properties: no panic; a valid number has an
//! E.164 form (`+` and digits) that verifies again to itself, in any default region.
//! Not checked: E.164's 15-digit maximum. libphonenumber's metadata accepts longer numbers
//! (fuzzing found `+4944444444444445`, 16 digits, valid for DE); its own limit is 17 national
//! digits after a country code of at most 3.
#![no_main]

use leadaudit::checks::phone::verify_phone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (region, raw) = text.split_once('\n').unwrap_or(("", text));
    let verdict = verify_phone(raw, region);
    if let Some(problem) = &verdict.invalid {
        let _ = problem.to_string();
    }
    assert_eq!(
        verdict.invalid.is_none(),
        verdict.e164.is_some(),
        "{text:?}: {verdict:?}"
    );
    if let Some(e164) = &verdict.e164 {
        let digits = e164.strip_prefix('+').unwrap_or("");
        assert!(
            (2..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
            "{text:?}: E.164 {e164:?}"
        );
        for other in [region, "", "US", "DE"] {
            let again = verify_phone(e164, other);
            assert_eq!(
                again.e164.as_deref(),
                Some(e164.as_str()),
                "{text:?}: {again:?}"
            );
        }
    }
});
