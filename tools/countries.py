"""Generates rules/lists/countries.tsv: ISO 3166 alpha-2, alpha-3 and the names people write.

Names come from the Unicode CLDR (via the `babel` package; CLDR data is under the Unicode
licence) in several languages, with accent-free spellings added, plus hand-written aliases.
Run: pip install babel && python3 tools/countries.py > rules/lists/countries.tsv
The key function must match `country_key` in src/checks/identity/country.rs.
"""
import sys
import unicodedata

import babel
from babel import Locale
from babel.core import get_global

LANGS = "en de fr es it pt nl sv da nb fi pl cs hu ro tr el ru ja zh ko ar he".split()
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
# CLDR regions that are parts of an ISO 3166-1 country: their names count for that country.
PART_OF = {"IC": "ES", "EA": "ES", "AC": "SH", "TA": "SH", "DG": "IO", "CP": "FR", "CQ": "GG"}
ALIASES = {
    "US": ["USA", "U.S.A.", "U.S.", "United States of America", "America", "US of A"],
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"],
    "KR": ["Korea", "Republic of Korea", "Korea, Republic of", "Korea (South)", "S. Korea"],
    "KP": ["DPRK", "Korea (North)", "Democratic People's Republic of Korea"],
    "RU": ["Russian Federation"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkey"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "NL": ["Holland", "The Netherlands"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "VN": ["Viet Nam"],
    "IR": ["Islamic Republic of Iran", "Iran, Islamic Republic of"],
    "CD": ["DRC", "DR Congo", "Democratic Republic of the Congo", "Congo-Kinshasa"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville", "Congo"],
    "MK": ["Macedonia", "Republic of North Macedonia"],
    "SZ": ["Swaziland"],
    "MM": ["Burma", "Myanmar"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "VA": ["Vatican", "Holy See"],
    "PS": ["Palestine", "State of Palestine"],
    "TW": ["Republic of China", "Taiwan, Province of China"],
    "CN": ["PRC", "People's Republic of China", "Mainland China"],
    "HK": ["Hong Kong", "Hong Kong SAR"],
    "MO": ["Macau", "Macao"],
    "DE": ["Federal Republic of Germany", "BRD"],
    "BO": ["Bolivia, Plurinational State of"],
    "VE": ["Venezuela, Bolivarian Republic of"],
    "TZ": ["United Republic of Tanzania"],
    "MD": ["Republic of Moldova"],
    "LA": ["Lao People's Democratic Republic", "Lao PDR"],
    "SY": ["Syrian Arab Republic"],
    "BN": ["Brunei Darussalam"],
    "FM": ["Micronesia", "Federated States of Micronesia"],
    "KN": ["St Kitts and Nevis", "Saint Kitts and Nevis"],
    "LC": ["St Lucia", "Saint Lucia"],
    "VC": ["St Vincent and the Grenadines", "Saint Vincent and the Grenadines"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "TT": ["Trinidad", "Trinidad & Tobago"],
    "IE": ["Eire", "Republic of Ireland"],
    "CH": ["Swiss Confederation"],
    "SA": ["KSA"],
}


def key(name):
    """Lower-case, '&' as 'and', other punctuation as space, single spaces, no leading 'the'."""
    out = []
    for c in name.lower():
        if c == "&":
            out.append(" and ")
        elif c.isalnum():
            out.append(c)
        else:
            out.append(" ")
    k = " ".join("".join(out).split())
    return k[4:] if k.startswith("the ") else k


def fold(name):
    """Accent-free spelling for Latin, Greek and Cyrillic names (others are left as they are)."""
    if any(ord(c) >= 0x530 for c in name):
        return name
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def main():
    en = Locale("en").territories
    alpha2 = sorted(
        c for c in en if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES | set(PART_OF)
    )
    alpha3 = {}
    for code3, targets in get_global("territory_aliases").items():
        if len(code3) == 3 and code3.isalpha() and len(targets) == 1 and targets[0] in alpha2:
            alpha3.setdefault(targets[0], []).append(code3)
    owner = {}
    names = {c: [] for c in alpha2}
    dropped = []

    def claim(code, name):
        k = key(name)
        if not k:
            return
        if owner.get(k, code) != code:
            dropped.append((name, code, owner[k]))
            return
        if k not in owner:
            owner[k] = code
            names[code].append(name)

    for code in alpha2:
        claim(code, code)
        for code3 in sorted(alpha3.get(code, [])):
            claim(code, code3)
    for code, extra in ALIASES.items():
        for name in extra:
            claim(code, name)
    for lang in LANGS:
        territories = Locale(lang).territories
        for code in alpha2 + sorted(PART_OF):
            name = territories.get(code)
            if name:
                claim(PART_OF.get(code, code), name)
                claim(PART_OF.get(code, code), fold(name))
    print("# Countries: ISO 3166-1 alpha-2 <TAB> spellings that mean it, separated by |")
    print("# (alpha-3 codes first, then names; the alpha-2 code itself matches too).")
    print("# Matching ignores case, punctuation and a leading 'the' (see country_key in the code).")
    print(f"# Generated by tools/countries.py from Unicode CLDR (babel {babel.__version__}) names in")
    print(f"# {' '.join(LANGS)}, accent-free variants and hand-written aliases. CLDR data: Unicode licence.")
    print(f"# {len(alpha2)} territories, {len(owner)} spellings.")
    for code in alpha2:
        print(code + "\t" + "|".join(names[code][1:]))
    for name, code, kept in dropped:
        print(f"ambiguous, dropped: {name!r} for {code} (kept for {kept})", file=sys.stderr)


main()
