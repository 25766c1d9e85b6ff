"""Cross-checks synth's truth.csv against the lead files with independent tools."""
import csv, gzip, json, sys, re, collections, phonenumbers as pn
d = sys.argv[1]
ISO = {"US":"US","USA":"US","United States":"US","CA":"CA","Canada":"CA","CAN":"CA","GB":"GB","UK":"GB","United Kingdom":"GB",
       "DE":"DE","Germany":"DE","Deutschland":"DE","FR":"FR","France":"FR","FRA":"FR","AU":"AU","Australia":"AU","AUS":"AU","IN":"IN","India":"IN","IND":"IN","":"US"}
import os
def rows(path):
    if path.endswith(".ndjson"):
        for l in open(path, encoding="utf-8"): yield json.loads(l)
    else:
        op = gzip.open if path.endswith(".gz") else open
        with op(path, "rt", encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f, delimiter="\t" if path.endswith(".tsv") else ",")
def pick(r, *names):
    for n in names:
        if n in r: return r[n] or ""
    raise KeyError(names)
leads = {}
for fn in sorted(os.listdir(d)):
    if fn.startswith(("vendor_", "web_leads")):
        src = fn.split(".")[0]
        for i, r in enumerate(rows(os.path.join(d, fn)), 1):
            leads[(src, i)] = r
truth = list(csv.DictReader(open(os.path.join(d, "truth.csv"))))
assert len(truth) == len(leads), (len(truth), len(leads))
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
bad = collections.Counter(); keys_email = {}; keys_phone = {}
seen_email = collections.defaultdict(set); seen_phone = collections.defaultdict(set)
for t in truth:
    r = leads[(t["source"], int(t["row"]))]
    email = pick(r, "E-mail", "email_address", "email", "Email Address").strip()
    phone = pick(r, "Phone Number", "mobile", "phone", "Mobile Phone")
    country = ISO[pick(r, "Country", "country_code", "country")]
    assert country == t["country"], (t, country)
    # phone validity by libphonenumber
    try:
        n = pn.parse(phone, country); pv = pn.is_valid_number(n); e164 = pn.format_number(n, pn.PhoneNumberFormat.E164)
    except Exception:
        pv = False; e164 = None
    if pv != (t["phone_valid"] == "true"): bad["phone_valid " + t["phone_defect"]] += 1; 
    ev = bool(EMAIL_RE.match(email)) and ".." not in email
    if t["email_defect"] in ("none", "typo", "disposable", "role"):
        if not ev: bad["email syntax mismatch " + t["email_defect"]] += 1
    elif ev: bad["email should be bad " + t["email_defect"]] += 1
    ent = t["entity_id"]
    if t["email_valid"] == "true":
        k = email.lower()
        if keys_email.setdefault(k, ent) != ent: bad["email shared across entities"] += 1
    if t["phone_valid"] == "true" and e164:
        if keys_phone.setdefault(e164, ent) != ent: bad["phone shared across entities"] += 1
    # dup kind consistency
    ek = email.lower() if t["email_valid"] == "true" else None
    pk = e164 if t["phone_valid"] == "true" else None
    if t["is_duplicate"] == "true":
        exp = "exact_email" if ek and ek in seen_email[ent] else ("exact_phone" if pk and pk in seen_phone[ent] else "fuzzy")
        if exp != t["dup_kind"]: bad[f"dup_kind {t['dup_kind']} expected {exp}"] += 1
    if ek: seen_email[ent].add(ek)
    if pk: seen_phone[ent].add(pk)
# DNC
dnc = set(l.strip().replace(",", "") for l in open(os.path.join(d, "dnc.txt")))
for t in truth:
    r = leads[(t["source"], int(t["row"]))]
    phone = pick(r, "Phone Number", "mobile", "phone", "Mobile Phone")
    try:
        n = pn.parse(phone, t["country"]); ok = pn.is_valid_number(n) and n.country_code == 1 and t["country"] == "US"
        nat = str(n.national_number)
    except Exception: ok = False
    if (ok and nat in dnc) != (t["on_dnc"] == "true"): bad["dnc mismatch"] += 1
for l in dnc:
    if not re.fullmatch(r"\d{10}", l) or not pn.is_valid_number(pn.parse(l, "US")): bad["dnc invalid number"] += 1
# consent certificates
TF = re.compile(r"^https://cert\.trustedform\.com/[0-9a-f]{40}$"); LID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
cons = list(csv.DictReader(open(os.path.join(d, "consent.csv"))))
badcert = sum(1 for c in cons if c["certificate"] and not (TF.match(c["certificate"]) or LID.match(c["certificate"])))
print("rows", len(truth), "consent records", len(cons), "malformed certificates", badcert)
print("problems:", dict(bad) if bad else "none")
