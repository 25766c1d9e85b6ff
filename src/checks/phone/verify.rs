//! One phone value in, E.164, type, region, extension or the reason it is invalid out.

use std::fmt;

use rlibphonenumber::{
    enums::Region, ParseError, PhoneNumber, PhoneNumberFormat, PhoneNumberType, ValidationError,
    PHONE_NUMBER_UTIL,
};
use serde::{Deserialize, Serialize};

/// libphonenumber refuses longer input too (MAX_INPUT_STRING_LENGTH); checking first keeps
/// pathological cells cheap.
const MAX_INPUT: usize = 250;

/// The kind of line a number belongs to, as libphonenumber's metadata knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneType {
    Mobile,
    FixedLine,
    FixedLineOrMobile,
    Voip,
    TollFree,
    PremiumRate,
    SharedCost,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

impl PhoneType {
    /// The `phone_type` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::FixedLine => "fixed_line",
            Self::FixedLineOrMobile => "fixed_line_or_mobile",
            Self::Voip => "voip",
            Self::TollFree => "toll_free",
            Self::PremiumRate => "premium_rate",
            Self::SharedCost => "shared_cost",
            Self::PersonalNumber => "personal_number",
            Self::Pager => "pager",
            Self::Uan => "uan",
            Self::Voicemail => "voicemail",
            Self::Unknown => "unknown",
        }
    }
}

impl From<PhoneNumberType> for PhoneType {
    fn from(kind: PhoneNumberType) -> Self {
        match kind {
            PhoneNumberType::Mobile => Self::Mobile,
            PhoneNumberType::FixedLine => Self::FixedLine,
            PhoneNumberType::FixedLineOrMobile => Self::FixedLineOrMobile,
            PhoneNumberType::VoIP => Self::Voip,
            PhoneNumberType::TollFree => Self::TollFree,
            PhoneNumberType::PremiumRate => Self::PremiumRate,
            PhoneNumberType::SharedCost => Self::SharedCost,
            PhoneNumberType::PersonalNumber => Self::PersonalNumber,
            PhoneNumberType::Pager => Self::Pager,
            PhoneNumberType::UAN => Self::Uan,
            PhoneNumberType::VoiceMail => Self::Voicemail,
            PhoneNumberType::Unknown => Self::Unknown,
        }
    }
}

/// Why a value is not a valid phone number. `Display` is the plain-words finding detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneProblem {
    NotANumber,
    TooLongInput,
    /// Written without `+CC` and no usable default region, or an unassigned `+CC`.
    NoCountryCode,
    TooShort,
    TooLong,
    /// Possible only as a local number (needs an area code).
    LocalOnly,
    /// The right length class but not an assigned range (`region` as parsed, if known).
    NotValid {
        region: Option<String>,
    },
}

impl fmt::Display for PhoneProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotANumber => write!(f, "is not a phone number"),
            Self::TooLongInput => write!(f, "is too long to be a phone number"),
            Self::NoCountryCode => write!(
                f,
                "has no valid country calling code (write it as +CC, or give the lead's country)"
            ),
            Self::TooShort => write!(f, "has too few digits"),
            Self::TooLong => write!(f, "has too many digits"),
            Self::LocalOnly => write!(f, "is a local number without its area code"),
            Self::NotValid { region: Some(r) } => {
                write!(f, "is not a valid number in {r} (no such number range)")
            }
            Self::NotValid { region: None } => {
                write!(
                    f,
                    "is not a valid number (wrong length or no such number range)"
                )
            }
        }
    }
}

/// What the phone checks say about one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneVerdict {
    /// `phone_e164`, for valid numbers only.
    pub e164: Option<String>,
    /// `phone_type`, for valid numbers only.
    pub phone_type: Option<PhoneType>,
    /// `phone_region`: ISO alpha-2 of the number (`001` for non-geographic numbers like +800).
    pub region: Option<String>,
    pub extension: Option<String>,
    pub invalid: Option<PhoneProblem>,
    /// Whether the number is valid in the default region passed in. With the lead's country
    /// as default region, `false` on a valid number is `phone.country_mismatch`; asking the
    /// metadata (rather than comparing regions) keeps e.g. a +1 800 toll-free number valid
    /// for a Canadian lead although its "main" region is US.
    pub valid_in_default_region: bool,
}

impl PhoneVerdict {
    fn invalid(problem: PhoneProblem) -> Self {
        Self {
            e164: None,
            phone_type: None,
            region: None,
            extension: None,
            invalid: Some(problem),
            valid_in_default_region: false,
        }
    }
}

/// Verifies one raw phone value. `default_region` (ISO alpha-2, any case) applies to numbers
/// written without `+CC`; anything else (empty, `ZZ`, `USA`) means "no default".
///
/// Extensions (`x123`, `ext. 12`, `;ext=`), punctuation, full-width and Arabic-Indic digits and
/// national trunk prefixes are libphonenumber's parsing. On top of it, a number that is not
/// valid as written but starts with `00` is read again as `+`: `00` is the international prefix
/// in most of the world, but not in the default region's metadata when that is e.g. US (`011`).
pub fn verify_phone(raw: &str, default_region: &str) -> PhoneVerdict {
    let text = raw.trim();
    if text.chars().count() > MAX_INPUT {
        return PhoneVerdict::invalid(PhoneProblem::TooLongInput);
    }
    let region = Region::from_code(default_region.trim())
        .ok()
        .filter(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(*r).is_some());
    let first = PHONE_NUMBER_UTIL.parse(text, region);
    if let Some(verdict) = first.as_ref().ok().and_then(|n| describe_valid(n, region)) {
        return verdict;
    }
    if let Some(rest) = text.strip_prefix("00") {
        let retry = PHONE_NUMBER_UTIL.parse(format!("+{rest}"), region);
        if let Some(verdict) = retry.ok().and_then(|n| describe_valid(&n, region)) {
            return verdict;
        }
    }
    match first {
        Ok(number) => PhoneVerdict {
            extension: number.extension.clone(),
            ..PhoneVerdict::invalid(why_invalid(&number))
        },
        Err(e) => PhoneVerdict::invalid(parse_problem(&e)),
    }
}

/// The verdict for a valid number, `None` for an invalid one. A number is valid exactly when
/// its type is known (that is how libphonenumber defines validity), so asking for the type
/// once answers both and saves the region lookups `is_valid` would repeat.
fn describe_valid(number: &PhoneNumber, default_region: Option<Region>) -> Option<PhoneVerdict> {
    let kind = number.get_type();
    if kind == PhoneNumberType::Unknown {
        return None;
    }
    let region = number.get_region_code();
    // rlibphonenumber's is_valid_for_region does not check that the number's calling code is
    // the region's (libphonenumber does), so +44 20 7183 8750 would pass for US; check it here.
    let valid_in_default_region = default_region.is_some_and(|default| {
        region == Some(default)
            || (PHONE_NUMBER_UTIL.get_country_code_for_region(default) == Some(number.country_code)
                && number.is_valid_for_region(default))
    });
    Some(PhoneVerdict {
        e164: Some(number.format_as(PhoneNumberFormat::E164).into_owned()),
        phone_type: Some(kind.into()),
        region: region.map(|r| r.as_region_str().to_string()),
        extension: number.extension.clone(),
        invalid: None,
        valid_in_default_region,
    })
}

fn why_invalid(number: &PhoneNumber) -> PhoneProblem {
    match number.is_possible_with_reason() {
        Err(ValidationError::TooShort) => PhoneProblem::TooShort,
        Err(ValidationError::TooLong) => PhoneProblem::TooLong,
        Err(ValidationError::InvalidCountryCode) => PhoneProblem::NoCountryCode,
        Ok(rlibphonenumber::NumberLengthType::IsPossibleLocalOnly) => PhoneProblem::LocalOnly,
        Err(ValidationError::InvalidLength) | Ok(_) => PhoneProblem::NotValid {
            region: PHONE_NUMBER_UTIL
                .get_region_for_country_code(number.country_code)
                .map(|r| r.as_region_str().to_string()),
        },
    }
}

fn parse_problem(error: &ParseError) -> PhoneProblem {
    match error {
        ParseError::InvalidCountryCode => PhoneProblem::NoCountryCode,
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => PhoneProblem::TooShort,
        ParseError::TooLongNsn => PhoneProblem::TooLong,
        ParseError::NotANumber(_) => PhoneProblem::NotANumber,
    }
}
