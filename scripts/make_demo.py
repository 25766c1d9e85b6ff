#!/usr/bin/env python3
"""Builds fixtures/demo: a clean base from the synth generator, then hand-planted defects.

    python3 scripts/make_demo.py --synth target/release/examples/synth --out fixtures/demo

Every planted defect is listed (file, row, what, expected check) in planted.csv, and
truth.csv (same schema as synth's) is recomputed for every row from the final files, so
fixtures/demo/README.md counts come from data, not from memory. Needs `phonenumbers`
(pip) only to re-check phone validity while building; the fixture itself needs nothing.
"""
import argparse
import collections
import copy
import csv
import datetime as dt
import json
import os
import random
import re
import subprocess
import tempfile
import uuid

import phonenumbers as pn

AS_OF = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)
SELLER = "Acme Solar"
FIELDS = ["lead_id", "first_name", "last_name", "email", "phone", "company", "job_title",
          "industry", "naics", "employees", "address", "city", "state", "postal_code", "country",
          "captured_at", "channel", "ip", "page_url", "email_opens", "email_clicks", "downloads",
          "webinar_attended", "pages_visited", "last_activity_at", "price"]
HEADERS = {
    "vendor_a": ["Lead ID", "First Name", "Last Name", "E-mail", "Phone Number", "Company",
                 "Job Title", "Industry", "NAICS", "Employees", "Address", "City", "State", "Zip",
                 "Country", "Date Captured", "Channels", "IP Address", "Page URL", "Email Opens",
                 "Email Clicks", "Downloads", "Webinar Attended", "Pages Visited", "Last Activity",
                 "Price"],
    "vendor_b": ["lead_id", "fname", "lname", "email_address", "mobile", "company_name", "title",
                 "industry", "naics_code", "employee_count", "street", "city", "region",
                 "postal_code", "country_code", "created", "channels", "ip_address", "landing_page",
                 "opens", "clicks", "downloads", "webinar", "pageviews", "last_activity", "cost"],
    "web_leads": FIELDS,
}
FILES = {"vendor_a": "vendor_a.csv", "vendor_b": "vendor_b.tsv", "web_leads": "web_leads.ndjson"}
COUNTRY = {"US": "US", "USA": "US", "United States": "US", "": "US", "CA": "CA", "Canada": "CA",
           "CAN": "CA", "GB": "GB", "UK": "GB", "United Kingdom": "GB", "DE": "DE",
           "Germany": "DE", "Deutschland": "DE", "FR": "FR", "France": "FR", "FRA": "FR",
           "AU": "AU", "Australia": "AU", "AUS": "AU", "IN": "IN", "India": "IN", "IND": "IN"}
FREE = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com",
        "shaw.ca", "rogers.com", "btinternet.com", "yahoo.co.uk", "gmx.de", "web.de",
        "t-online.de", "orange.fr", "free.fr", "laposte.net", "bigpond.com", "rediffmail.com"}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
TRUSTED_FORM = re.compile(r"^https://cert\.trustedform\.com/[0-9a-f]{40}$")
LEADID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
TRUTH_COLUMNS = ["source", "row", "lead_id", "entity_id", "is_duplicate", "dup_kind", "dup_of",
                 "email_valid", "email_defect", "phone_valid", "phone_defect", "name_placeholder",
                 "name_missing", "postal_valid", "country", "channels", "consent_email",
                 "consent_call", "consent_sms", "consent_defect", "on_dnc", "on_suppress", "in_crm"]


class Lead:
    def __init__(self, source, data, truth):
        self.source, self.data, self.truth = source, data, truth
        self.consents = []  # consent records (dicts) that belong to this row
        self.dup_of = None  # the Lead this one repeats
        self.row = 0

    def get(self, field):
        return self.data[HEADERS[self.source][FIELDS.index(field)]] or ""

    def set(self, field, value):
        self.data[HEADERS[self.source][FIELDS.index(field)]] = value

    def pos(self):
        return f"{self.source}:{self.row}"


def read_rows(path):
    if path.endswith(".ndjson"):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t" if path.endswith(".tsv") else ","))


def write_rows(path, header, rows):
    if path.endswith(".ndjson"):
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({k: r[k] for k in header}, ensure_ascii=False,
                                   separators=(",", ":")) + "\n")
        return
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t" if path.endswith(".tsv") else ",", lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r[h] if r[h] is not None else "" for h in header])


def e164(lead):
    try:
        n = pn.parse(lead.get("phone"), lead.truth["country"])
    except pn.NumberParseException:
        return None
    return pn.format_number(n, pn.PhoneNumberFormat.E164) if pn.is_valid_number(n) else None


def fmt_us(digits, style):
    a, e, s = digits[:3], digits[3:6], digits[6:]
    return {"paren": f"({a}) {e}-{s}", "dots": f"{a}.{e}.{s}", "plain": digits,
            "intl": f"+1 {a} {e} {s}", "dashes": f"{a}-{e}-{s}"}[style]


def band(employees):
    n = int(employees) if employees.isdigit() else None
    if n is None:
        return employees
    for lo, hi, label in [(1, 10, "1-10"), (11, 50, "11-50"), (51, 200, "51-200"),
                          (201, 500, "201-500"), (501, 1000, "501-1000"),
                          (1001, 5000, "1001-5000"), (5001, 10000, "5001-10000")]:
        if lo <= n <= hi:
            return label
    return "10001+"


def parse_time(s):
    s = s.replace(" ", "T")
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(2026)
    base = tempfile.mkdtemp()
    subprocess.run([args.synth, "--rows", "760", "--seed", "2026", "--out", base,
                    "--dup-rate", "0", "--invalid-email-rate", "0", "--invalid-phone-rate", "0",
                    "--placeholder-rate", "0", "--missing-rate", "0.02",
                    "--postal-defect-rate", "0", "--unconsented-rate", "0",
                    "--consent-defect-rate", "0", "--dnc-rate", "0", "--suppress-rate", "0",
                    "--known-rate", "0.08"], check=True, stderr=subprocess.DEVNULL)

    truth_rows = read_rows(os.path.join(base, "truth.csv"))
    by_pos = {(t["source"], int(t["row"])): t for t in truth_rows}
    leads = {s: [] for s in FILES}
    for s, f in FILES.items():
        for i, r in enumerate(read_rows(os.path.join(base, f)), 1):
            leads[s].append(Lead(s, r, by_pos[(s, i)]))
    all_leads = [l for s in FILES for l in leads[s]]
    by_id = {l.get("lead_id"): l for l in all_leads}
    by_email = {l.get("email").strip().lower(): l for l in all_leads if l.get("email")}
    by_phone = {e164(l): l for l in all_leads if e164(l)}
    consent_header = None
    with open(os.path.join(base, "consent.csv"), encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        consent_header = reader.fieldnames
        for c in reader:
            owner = by_id.get(c["lead_id"]) or by_email.get(c["email"]) or by_phone.get(c["phone"])
            owner.consents.append(c)
    crm = read_rows(os.path.join(base, "crm.csv"))
    crm_header = list(crm[0].keys())

    planted = []  # (lead, field, before, after, expected check, note)
    used = set()

    def take(source, cond=lambda l: True):
        """A random untouched complete US row of `source` meeting `cond`."""
        candidates = [l for l in leads[source] if id(l) not in used and l.truth["country"] == "US"
                      and all(l.get(f) for f in ("first_name", "last_name", "email", "phone"))
                      and cond(l)]
        if not candidates:
            raise SystemExit(f"no row left in {source}")
        l = rng.choice(candidates)
        used.add(id(l))
        return l

    def plant(lead, field, after, check, note):
        before = lead.get(field)
        lead.set(field, after)
        planted.append((lead, field, before, after, check, note))
        # Its consent records must still find it although email/phone changed.
        for c in lead.consents:
            c["lead_id"] = lead.get("lead_id")

    def domain(l):
        return l.get("email").strip().lower().rsplit("@", 1)[-1]

    # --- emails -------------------------------------------------------------------------
    for src, bad in [("vendor_a", "gmial.com"), ("vendor_b", "yaho.com"), ("vendor_a", "hotmial.com"),
                     ("web_leads", "gmai.com"), ("vendor_b", "outlok.com")]:
        good = {"gmial.com": "gmail.com", "gmai.com": "gmail.com", "yaho.com": "yahoo.com",
                "hotmial.com": "hotmail.com", "outlok.com": "outlook.com"}[bad]
        l = take(src, lambda l, g=good: domain(l) == g)
        local = l.get("email").strip().split("@")[0]
        plant(l, "email", f"{local}@{bad}", "email.typo", f"did you mean {good}?")
        l.truth.update(email_valid="false", email_defect="typo")
    syntax = [("vendor_a", lambda e: e.replace("@", ""), "no @"),
              ("vendor_b", lambda e: e.replace("@", "@@"), "two @"),
              ("vendor_a", lambda e: e.replace(".", " ", 1) if "." in e.split("@")[0] else " " + e.replace("@", " @"), "space inside"),
              ("web_leads", lambda e: e.split("@")[0] + "@", "no domain")]
    for src, broken, note in syntax:
        l = take(src)
        plant(l, "email", broken(l.get("email").strip()), "email.syntax", note)
        l.truth.update(email_valid="false", email_defect="syntax")
    for src, dom in [("vendor_a", "mailinator.com"), ("vendor_b", "yopmail.com"), ("web_leads", "guerrillamail.com")]:
        l = take(src)
        plant(l, "email", l.get("email").strip().split("@")[0] + "@" + dom, "email.disposable", dom)
        l.truth.update(email_valid="false", email_defect="disposable")
    for src, role in [("vendor_a", "info"), ("vendor_b", "sales"), ("vendor_b", "admin")]:
        l = take(src, lambda l: domain(l) not in FREE)
        plant(l, "email", f"{role}@{domain(l)}", "email.role", f"{role}@ is a shared mailbox")
        l.truth.update(email_valid="false", email_defect="role")
    for src in ["vendor_a", "vendor_b", "vendor_b"]:
        l = take(src, lambda l: "email" in l.get("channel").lower())
        plant(l, "email", "", "email.missing", "blank email on an email lead")
        l.truth.update(email_valid="false", email_defect="missing")

    # --- phones -------------------------------------------------------------------------
    for src, bad, kind, note in [("vendor_a", "(650) 253-000", "too_short", "nine digits"),
                                 ("vendor_b", "123.456.7890", "invalid_area_code", "area code 123 does not exist"),
                                 ("vendor_a", "0000000000", "invalid_area_code", "all zeros"),
                                 ("web_leads", "call me", "junk", "not a number")]:
        l = take(src)
        plant(l, "phone", bad, "phone.invalid", note)
        l.truth.update(phone_valid="false", phone_defect=kind)
    for src in ["vendor_a", "vendor_b", "web_leads"]:
        l = take(src, lambda l: "call" in l.get("channel").lower())
        plant(l, "phone", "", "phone.missing", "blank phone on a call lead")
        l.truth.update(phone_valid="false", phone_defect="missing")
    l = take("vendor_b")
    plant(l, "phone", "+44 7400 123456", "phone.country_mismatch", "UK mobile on a US lead")
    l.truth.update(phone_defect="country_mismatch")
    gb = rng.choice([l for l in leads["vendor_a"] if l.truth["country"] == "GB" and id(l) not in used])
    used.add(id(gb))
    plant(gb, "phone", "020 7123 4567", "phone.type", "London landline, lead wants SMS")
    gb.set("channel", "sms")
    gb.truth.update(channels="sms", phone_defect="landline")
    gb.consents[1:] = []
    for c in gb.consents:
        c["channel"] = "all"

    # --- names and escaping probes ------------------------------------------------------
    for src, (first, last) in [("vendor_a", ("Test", "Test")), ("vendor_b", ("asdf", "asdf")),
                               ("web_leads", ("Fake", "Name")), ("vendor_b", ("N/A", "N/A"))]:
        l = take(src)
        plant(l, "first_name", first, "name.placeholder", f"{first} {last}")
        l.set("last_name", last)
        l.truth["name_placeholder"] = "true"
    probes = [("web_leads", "first_name", "<script>alert(1)</script>", "report must show it as text"),
              ("vendor_a", "company", '=HYPERLINK("http://x","y")', "clean.csv cell must start with '"),
              ("vendor_b", "company", "+cmd|' /C calc'!A0", "clean.csv cell must start with '"),
              ("vendor_a", "job_title", "@SUM(1+1)", "clean.csv cell must start with '"),
              ("web_leads", "company", "-2+3+cmd", "clean.csv cell must start with '")]
    for src, field, value, note in probes:
        l = take(src)
        if field == "first_name":
            # Markup with digits is junk in a name field.
            plant(l, field, value, "name.placeholder", note)
            l.truth["name_placeholder"] = "true"
        else:
            plant(l, field, value, "(none: escaping probe)", note)

    # --- postal codes -------------------------------------------------------------------
    for cond, mangle, note in [
            (lambda l: l.get("postal_code").startswith("0"), lambda p: p[1:], "leading zero lost in a spreadsheet"),
            (lambda l: True, lambda p: p[:4], "four-digit US ZIP"),
            (lambda l: True, lambda p: "ABCDE", "letters in a US ZIP")]:
        l = take("vendor_a", cond)
        plant(l, "postal_code", mangle(l.get("postal_code")), "address.postal", note)
        l.truth["postal_valid"] = "false"
    ca = rng.choice([l for l in leads["vendor_b"] if l.truth["country"] == "CA" and id(l) not in used])
    used.add(id(ca))
    plant(ca, "postal_code", ca.get("postal_code").replace(" ", "")[:5], "address.postal", "Canadian code cut short")
    ca.truth["postal_valid"] = "false"

    # --- consent defects ----------------------------------------------------------------
    def consent_defect(src, label, change, check, note, cond=lambda l: True):
        l = take(src, lambda l: l.consents and cond(l))
        for c in l.consents:
            c["lead_id"] = l.get("lead_id")
        change(l)
        l.truth["consent_defect"] = label
        planted.append((l, "consent", "", label, check, note))
        return l

    def drop_all(l):
        l.consents.clear()
    for src in ["vendor_a", "vendor_b", "vendor_b", "web_leads"]:
        consent_defect(src, "missing", drop_all, "consent.missing", "no consent record at all")

    def drop_call(l):
        l.consents[:] = [c for c in l.consents if c["channel"] == "email"]
    for src in ["vendor_a", "vendor_b"]:
        consent_defect(src, "missing_channel", drop_call, "consent.missing",
                       "email consent only; lead is also for calls",
                       lambda l: l.get("channel").lower().replace(",", ";") in ("email;call", "email;call;sms")
                       and all(c["channel"] != "all" for c in l.consents))

    def no_seller(l):
        for c in l.consents:
            c["consent_text"] = ("I agree to be contacted by our marketing partners, including by "
                                 "autodialed calls and texts. Consent is not a condition of purchase.")
            c["seller"] = ""
    for src in ["vendor_a", "vendor_b"]:
        consent_defect(src, "missing_seller", no_seller, "consent.seller", "text names no seller")
    for src, field in [("vendor_a", "ip"), ("vendor_b", "page_url"), ("web_leads", "certificate"),
                       ("vendor_a", "consented_at")]:
        def blank(l, field=field):
            for c in l.consents:
                c[field] = ""
        consent_defect(src, "missing_evidence", blank, "consent.evidence", f"{field} blank")

    def expired(l):
        for c in l.consents:
            c["consented_at"] = "2021-03-14T16:02:11Z"
    for src in ["vendor_a", "vendor_b"]:
        consent_defect(src, "expired", expired, "consent.expired", "consented in March 2021")

    def after_capture(l):
        t = parse_time(l.get("captured_at")) + dt.timedelta(days=3)
        for c in l.consents:
            c["consented_at"] = iso(t)
    consent_defect("vendor_a", "after_capture", after_capture, "consent.timing",
                   "consent dated 3 days after capture",
                   lambda l: parse_time(l.get("captured_at")) + dt.timedelta(days=3) < AS_OF)
    consent_defect("vendor_b", "after_capture", after_capture, "consent.timing",
                   "consent dated 3 days after capture",
                   lambda l: parse_time(l.get("captured_at")) + dt.timedelta(days=3) < AS_OF)

    def future(l):
        for c in l.consents:
            c["consented_at"] = "2026-12-02T10:00:00Z"
    consent_defect("web_leads", "after_capture", future, "consent.timing", "consent dated after --as-of")

    def revoked(l):
        for c in l.consents:
            c["revoked_at"] = "2026-11-20T09:30:00Z"
    for src in ["vendor_a", "web_leads"]:
        consent_defect(src, "revoked", revoked, "consent.revoked", "revoked 2026-11-20")

    def bad_tf(l):
        for c in l.consents:
            c["certificate"] = "https://cert.trustedform.com/" + "3f9a" * 9 + "b1c"  # 39 hex
    def bad_leadid(l):
        for c in l.consents:
            c["certificate"] = "9F1C2E44-7B0A-4D2B-8E61-3A5C7D9E0F1"  # 35 characters
    consent_defect("vendor_b", "bad_certificate", bad_tf, "consent.certificate", "TrustedForm id of 39 hex digits")
    consent_defect("vendor_a", "bad_certificate", bad_leadid, "consent.certificate", "LeadiD token of 35 characters")
    # Near misses: must NOT be flagged.
    def revoked_later(l):
        for c in l.consents:
            c["revoked_at"] = "2026-11-26T08:00:00Z"
    l = take("vendor_b", lambda l: l.consents)
    revoked_later(l)
    for c in l.consents:
        c["lead_id"] = l.get("lead_id")
    planted.append((l, "consent", "", "revoked_at 2026-11-26", "(none: near miss)", "revoked the day after --as-of"))
    l = take("vendor_a", lambda l: l.consents)
    for c in l.consents:
        c["lead_id"] = l.get("lead_id")
        c["consent_text"] = c["consent_text"].replace(SELLER, SELLER.upper())
    planted.append((l, "consent", "", "seller in capitals", "(none: near miss)", "ACME SOLAR matches Acme Solar"))

    # --- duplicates ---------------------------------------------------------------------
    next_id = collections.Counter()

    def new_row(target, original, template):
        """A row in `target` for the person of `original`, formatted like `template`."""
        d = copy.deepcopy(template.data)
        row = Lead(target, d, dict(original.truth))
        for f in ["first_name", "last_name", "email", "phone", "company", "job_title", "industry",
                  "naics", "address", "city", "state", "postal_code", "country"]:
            row.set(f, original.get(f))
        emp = original.get("employees")
        row.set("employees", band(emp) if target == "vendor_b" else emp)
        next_id[target] += 1
        row.set("lead_id", {"vendor_a": f"VENDOR_A-{900 + next_id[target]:07d}",
                            "vendor_b": f"vendor_b{900 + next_id[target]}",
                            "web_leads": str(uuid.UUID(int=rng.getrandbits(128), version=4))}[target])
        row.set("ip", f"{rng.choice([24, 67, 73, 98, 173])}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")
        captured = parse_time(original.get("captured_at")) + dt.timedelta(hours=rng.randrange(2, 240))
        captured = min(captured, AS_OF - dt.timedelta(hours=1))
        row.set("captured_at", fmt_time(captured, target))
        row.set("last_activity_at", fmt_time(min(captured + dt.timedelta(days=2), AS_OF - dt.timedelta(minutes=5)), target))
        row.set("channel", original.truth["channels"].replace(";", "," if target == "vendor_b" else ";"))
        row.dup_of = original
        row.truth.update(is_duplicate="true")
        for c in original.consents:
            c2 = dict(c)
            c2["lead_id"] = row.get("lead_id")
            c2["consent_id"] = ""
            row.consents.append(c2)
        # Insert somewhere after the original when in the same file.
        lst = leads[target]
        start = lst.index(original) + 1 if original in lst else 0
        lst.insert(rng.randrange(start, len(lst) + 1), row)
        return row

    def digits(l):
        return re.sub(r"\D", "", l.get("phone"))[-10:]

    def dup(target, original, kind, note, **changes):
        template = rng.choice(leads[target])
        row = new_row(target, original, template)
        for f, v in changes.items():
            row.set(f, v)
        if not row.get("email"):
            row.truth.update(email_valid="false", email_defect="missing")
        if not row.get("phone"):
            row.truth.update(phone_valid="false", phone_defect="missing")
        row.truth["dup_kind"] = kind
        planted.append((row, "(row)", "", f"repeats {original.source}", f"dup.{kind.split('_')[-1] if kind != 'fuzzy' else 'fuzzy'}", note))
        used.add(id(row))
        return row

    # within vendor_a: same email, different case and phone format
    for _ in range(2):
        o = take("vendor_a")
        dup("vendor_a", o, "exact_email", "same email in other case, phone reformatted",
            email=o.get("email").strip().upper(), phone=fmt_us(digits(o), "dots"))
    # within vendor_b: same phone in another format, email blank
    for _ in range(2):
        o = take("vendor_b")
        dup("vendor_b", o, "exact_phone", "same phone as (650) 253-0000 vs 650.253.0000, no email",
            email="", phone=fmt_us(digits(o), "paren"))
    # across vendors: same email
    for _ in range(3):
        o = take("vendor_a")
        dup("vendor_b", o, "exact_email", "bought twice: same email in vendor_b",
            phone=fmt_us(digits(o), "dots"))
    # vendor vs web form: same phone, different email
    for _ in range(2):
        o = take("web_leads")
        dup("vendor_a", o, "exact_phone", "web lead resold by vendor_a with a work email",
            email=fold(o.get("first_name"))[:1] + fold(o.get("last_name")) + "@" + company_domain(o),
            phone=fmt_us(digits(o), "paren"))
    # fuzzy: nickname, typo, initial; no shared email or phone
    bob = take("vendor_a")
    plant(bob, "first_name", "Robert", "(none: survivor)", "Robert Smith, see the Bob row")
    bob.set("last_name", "Smith")
    bob.set("email", "robert.smith@" + company_domain(bob))
    dup("vendor_b", bob, "fuzzy", "Bob Smith = Robert Smith: same company, address, ZIP; other email, no phone",
        first_name="Bob", last_name="Smith", email="bobsmith1961@gmail.com", phone="")
    o = take("vendor_b", lambda l: len(l.get("last_name")) >= 6 and l.get("last_name").isalpha())
    ln = o.get("last_name")
    dup("vendor_a", o, "fuzzy", f"surname typo {ln} -> {ln[0] + ln[2] + ln[1] + ln[3:]}, no email/phone",
        last_name=ln[0] + ln[2] + ln[1] + ln[3:], email="", phone="")
    o = take("web_leads")
    dup("vendor_b", o, "fuzzy", "first name as an initial, no email or phone",
        first_name=o.get("first_name")[0] + ".", email="", phone="")
    # one person in all three files
    o = take("vendor_a")
    dup("vendor_b", o, "exact_email", "same person in three files (1/2)", phone=fmt_us(digits(o), "plain"))
    dup("web_leads", o, "exact_phone", "same person in three files (2/2)", email="", phone=fmt_us(digits(o), "intl"))
    # near miss: same name, different person
    o = take("vendor_a")
    other = take("vendor_b")
    plant(other, "first_name", o.get("first_name"), "(none: near miss)",
          f"same name as {o.source} {o.get('first_name')} {o.get('last_name')}, different ZIP, email, phone")
    other.set("last_name", o.get("last_name"))

    # --- suppression, DNC, CRM ----------------------------------------------------------
    sup_email = take("vendor_a")
    sup_phone = take("vendor_b")
    sup_domain_lead = take("web_leads", lambda l: domain(l) not in FREE)
    suppress_rows = [
        {"email": sup_email.get("email").strip().lower(), "phone": "", "domain": "", "reason": "unsubscribed", "added_at": "2026-06-01"},
        {"email": "", "phone": e164(sup_phone), "domain": "", "reason": "complaint", "added_at": "2026-03-12"},
        {"email": "", "phone": "", "domain": domain(sup_domain_lead), "reason": "competitor", "added_at": "2026-01-15"},
        {"email": "former.customer@example.org", "phone": "", "domain": "", "reason": "unsubscribed", "added_at": "2025-12-01"},
    ]
    for l, what in [(sup_email, "email"), (sup_phone, "phone"), (sup_domain_lead, "domain")]:
        planted.append((l, what, "", "suppress.csv", "suppress.list", f"{what} on suppress.csv"))
    dnc_leads = [take(s, lambda l: "call" in l.get("channel").lower()) for s in
                 ["vendor_a", "vendor_a", "vendor_b", "vendor_b", "web_leads", "web_leads"]]
    for l in dnc_leads:
        planted.append((l, "phone", "", "dnc.txt", "suppress.dnc", "phone on the Do-Not-Call file"))
    near = take("vendor_a")
    d = digits(near)
    near_dnc = d[:-1] + str((int(d[-1]) + 1) % 10)
    planted.append((near, "phone", "", "dnc.txt", "(none: near miss)", f"dnc.txt has {near_dnc}, one digit off"))
    dnc_lines = []
    for i, l in enumerate(dnc_leads + [None] * 30):
        if l is None:
            num = f"{rng.choice(['212', '415', '617', '312', '713', '206'])}{rng.randrange(200, 999)}{rng.randrange(10000):04d}"
        else:
            num = digits(l)
        dnc_lines.append(num if i % 3 else f"{num[:3]},{num[3:]}")
    dnc_lines.append(near_dnc)
    dnc_lines.sort()

    # --- write files --------------------------------------------------------------------
    os.makedirs(args.out, exist_ok=True)
    for s, f in FILES.items():
        for i, l in enumerate(leads[s], 1):
            l.row = i
        write_rows(os.path.join(args.out, f), HEADERS[s], [l.data for l in leads[s]])
    consents = [c for s in FILES for l in leads[s] for c in l.consents]
    consents.sort(key=lambda c: (c["consent_id"] == "", c["consent_id"]))
    for i, c in enumerate(consents, 1):
        c["consent_id"] = f"CNS-{i:08d}"
    with open(os.path.join(args.out, "consent.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, consent_header, lineterminator="\n")
        w.writeheader()
        w.writerows(consents)
    with open(os.path.join(args.out, "crm.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, crm_header, lineterminator="\n")
        w.writeheader()
        w.writerows(crm)
    with open(os.path.join(args.out, "suppress.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["email", "phone", "domain", "reason", "added_at"], lineterminator="\n")
        w.writeheader()
        w.writerows(suppress_rows)
    with open(os.path.join(args.out, "dnc.txt"), "w") as f:
        f.write("\n".join(dnc_lines) + "\n")

    # --- recompute truth from the written data ------------------------------------------
    dnc = {x.replace(",", "") for x in dnc_lines}
    sup_emails = {r["email"] for r in suppress_rows if r["email"]}
    sup_phones = {r["phone"] for r in suppress_rows if r["phone"]}
    sup_domains = {r["domain"] for r in suppress_rows if r["domain"]}
    seen_email, seen_phone = collections.defaultdict(set), collections.defaultdict(set)
    order = sorted((l for s in FILES for l in leads[s]), key=lambda l: (l.dup_of is not None, l.source, l.row))
    out = []
    for l in order:
        t = l.truth
        t["source"], t["row"], t["lead_id"] = l.source, str(l.row), l.get("lead_id")
        email = l.get("email").strip()
        ph = e164(l)
        # Independent re-check of the planted validity.
        if t["phone_defect"] not in ("country_mismatch", "landline"):
            assert (ph is not None) == (t["phone_valid"] == "true"), (l.pos(), l.get("phone"), t)
        syntax_ok = bool(EMAIL_RE.match(email)) and ".." not in email
        assert syntax_ok == (t["email_defect"] in ("none", "typo", "disposable", "role")), (l.pos(), email)
        ent = t["entity_id"]
        ek = email.lower() if t["email_valid"] == "true" else None
        pk = ph if t["phone_valid"] == "true" else None
        if l.dup_of is not None:
            t["dup_of"] = l.dup_of.pos()
            t["dup_kind"] = ("exact_email" if ek and ek in seen_email[ent] else
                             "exact_phone" if pk and pk in seen_phone[ent] else "fuzzy")
        if ek:
            seen_email[ent].add(ek)
        if pk:
            seen_phone[ent].add(pk)
        t["on_dnc"] = str(bool(pk and t["country"] == "US" and pk[2:] in dnc)).lower()
        t["on_suppress"] = str(bool((ek and (ek in sup_emails or ek.rsplit("@", 1)[-1] in sup_domains))
                                    or (pk and pk in sup_phones))).lower()
        t["name_missing"] = str(not (l.get("first_name") and l.get("last_name"))).lower()
        # Consent per channel from the records (reference semantics, README "Consent rules").
        chans = t["channels"].split(";")
        for ch in ("email", "call", "sms"):
            if ch not in chans:
                t[f"consent_{ch}"] = ""
                continue
            ok = any(c["channel"] in (ch, "all") and consent_valid(c, l) for c in l.consents)
            t[f"consent_{ch}"] = str(ok).lower()
        out.append(t)
    out.sort(key=lambda t: (list(FILES).index(t["source"]), int(t["row"])))
    with open(os.path.join(args.out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, TRUTH_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    with open(os.path.join(args.out, "planted.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "row", "lead_id", "field", "before", "after", "expected_check", "note"])
        for l, field, before, after, check, note in sorted(planted, key=lambda p: (list(FILES).index(p[0].source), p[0].row)):
            w.writerow([l.source, l.row, l.get("lead_id"), field, before, after, check, note])
    print(f"wrote {args.out}: " + ", ".join(f"{s} {len(leads[s])} rows" for s in FILES))


def company_domain(lead):
    """northwindsolar.com for "Northwind Solar Inc."."""
    return fold("".join(lead.get("company").split(" ")[:2])) + ".com"


def fold(name):
    """jose for José: what email local parts use."""
    import unicodedata
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if ch.isascii() and ch.isalpha())


def fmt_time(t, target):
    """A capture time as each file writes it (see the generator's styles)."""
    t = t.astimezone(dt.timezone.utc).replace(microsecond=0)
    if target == "vendor_a":
        return (t - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S") + "-05:00"
    if target == "vendor_b":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".000Z"


def consent_valid(c, lead):
    """Reference consent semantics of the demo (see README): all evidence present,
    seller named, certificate well formed, consent before capture and --as-of, at most
    3 years old, not revoked on or before --as-of."""
    if not all(c[k] for k in ("consented_at", "ip", "page_url", "consent_text", "certificate")):
        return False
    if SELLER.lower() not in c["consent_text"].lower():
        return False
    if not (TRUSTED_FORM.match(c["certificate"]) or LEADID.match(c["certificate"])):
        return False
    t = parse_time(c["consented_at"])
    if t > parse_time(lead.get("captured_at")) or t > AS_OF or t < AS_OF - dt.timedelta(days=3 * 365):
        return False
    return not (c["revoked_at"] and parse_time(c["revoked_at"]) <= AS_OF)


if __name__ == "__main__":
    main()
