"""Ground truth for the phone regression table, from Google's libphonenumber (Python port).

Prints Rust tuples (input, default_region, e164, type, region) for libphonenumber's example
fixed-line and mobile numbers of each region, in national and international format.
Run: pip install phonenumbers && python3 tools/phone_truth.py
"""
import phonenumbers as pn
from phonenumbers import PhoneNumberType as T, PhoneNumberFormat as F

TYPES = {T.FIXED_LINE: "fixed_line", T.MOBILE: "mobile", T.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
         T.TOLL_FREE: "toll_free", T.PREMIUM_RATE: "premium_rate", T.SHARED_COST: "shared_cost",
         T.VOIP: "voip", T.PERSONAL_NUMBER: "personal_number", T.PAGER: "pager", T.UAN: "uan",
         T.VOICEMAIL: "voicemail", T.UNKNOWN: "unknown"}
REGIONS = "US CA GB DE FR IT ES NL BE CH AT SE NO DK FI PL PT IE AU NZ JP KR CN IN BR MX AR ZA RU TR IL AE SG HK PH ID NG EG".split()

print(f"// phonenumbers {pn.__version__}")
for region in REGIONS:
    for kind in (T.FIXED_LINE, T.MOBILE):
        n = pn.example_number_for_type(region, kind)
        if n is None:
            continue
        e164 = pn.format_number(n, F.E164)
        typ = TYPES[pn.number_type(n)]
        reg = pn.region_code_for_number(n)
        for fmt in (F.NATIONAL, F.INTERNATIONAL):
            text = pn.format_number(n, fmt)
            check = pn.parse(text, region)
            assert pn.format_number(check, F.E164) == e164 and pn.is_valid_number(check)
            print(f'    ("{text}", "{region}", "{e164}", "{typ}", "{reg}"),')
