#!/usr/bin/env python3
"""Regenerates the committed seed corpora in fuzz/corpus/<target>/ from the repository's
fixtures, rule packs and a few hand-written values. Run from anywhere:
`python3 fuzz/make_seeds.py` (needs pyarrow for the Parquet seeds). Seeds are named
`seed-*`; `seed-regress-*` are inputs that found bugs (added by hand, kept here).
libFuzzer's own additions (hash names) are not committed."""

import csv
import io
import json
import os
import pathlib
import shutil

FUZZ = pathlib.Path(__file__).resolve().parent
REPO = FUZZ.parent
CORPUS = FUZZ / "corpus"


def lines(path, n):
    with open(REPO / path, "rb") as f:
        return b"".join(f.readlines()[:n])


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / f"seed-{name}").write_bytes(data)


def main():
    if CORPUS.exists():
        for d in CORPUS.iterdir():
            for f in d.glob("seed-*"):
                if not f.name.startswith("seed-regress-"):  # inputs fuzzing found: kept
                    f.unlink()
    hostile = REPO / "fixtures/hostile"

    # --- CSV / TSV
    for f in sorted(hostile.glob("*.csv")):
        if f.name == "ten_thousand_columns.csv":
            continue  # 118 KB; a 300-column cut below
        put("ingest_csv", f.stem, f.read_bytes())
    wide = lines("fixtures/hostile/ten_thousand_columns.csv", 3).decode().splitlines()
    put("ingest_csv", "wide_300", "\n".join(",".join(l.split(",")[:300]) for l in wide) + "\n")
    put("ingest_csv", "demo_vendor_a", lines("fixtures/demo/vendor_a.csv", 4))
    put("ingest_csv", "demo_planted", lines("fixtures/demo/planted.csv", 4))
    put("ingest_csv", "demo_crm", lines("fixtures/demo/crm.csv", 4))
    put("ingest_csv", "demo_consent", lines("fixtures/demo/consent.csv", 3))
    for name in ["small_a.csv", "contact.csv", "dedup_a.csv", "b2b_leads.csv"]:
        put("ingest_csv", "tests_" + name.split(".")[0], (REPO / "tests/data" / name).read_bytes())
    put("ingest_csv", "ragged", "email,phone\na@b.co\nc@d.co,1,2,3\n")
    put("ingest_csv", "gz_magic", b"\x1f\x8b\x08\x00email\n")
    put("ingest_csv", "crlf_quotes", 'email,"na""me"\r\n"x@y.z","a\r\nb"\r\n')

    put("ingest_tsv", "demo_vendor_b", lines("fixtures/demo/vendor_b.tsv", 4))
    put("ingest_tsv", "tests_small_b", (REPO / "tests/data/small_b.tsv").read_bytes())
    for f in ["quoted_newlines.csv", "bom_utf8.csv", "nul_bytes.csv", "unbalanced_quotes.csv",
              "duplicate_headers.csv", "header_only.csv", "utf16.csv", "latin1.csv"]:
        put("ingest_tsv", f.split(".")[0], (hostile / f).read_bytes().replace(b",", b"\t"))
    put("ingest_tsv", "ragged", "email\tphone\na@b.co\nc@d.co\t1\t2\n")

    # --- NDJSON / JSON
    put("ingest_ndjson", "demo_web", lines("fixtures/demo/web_leads.ndjson", 3))
    put("ingest_ndjson", "tests_web", (REPO / "tests/data/web.ndjson").read_bytes())
    put("ingest_ndjson", "types", '{"email":"a@b.co","n":1,"f":1.5e300,"b":true,"z":null,'
        '"o":{"k":[1,{"x":"y"}]}}\n\n{"phone":"+16502530000","email":null}\r\n')
    put("ingest_ndjson", "not_object", '{"email":"a@b.co"}\n[1,2]\n')
    put("ingest_ndjson", "bad_line", '{"email":"a@b.co"}\n{"email":\n')
    put("ingest_ndjson", "bom_keys", '\ufeff{"E-mail":"a@b.co","email":"c@d.co"}\n')
    put("ingest_ndjson", "big_numbers", '{"email":"x@y.z","n":123456789012345678901234567890,'
        '"m":-0.0,"e":1E-400}\n')
    web = [json.loads(l) for l in lines("fixtures/demo/web_leads.ndjson", 3).decode().splitlines()]
    put("ingest_json", "demo_web", json.dumps(web, ensure_ascii=False))
    put("ingest_json", "nested", (hostile / "nested.json").read_bytes())
    put("ingest_json", "tests_web", (REPO / "tests/data/web.json").read_bytes())
    put("ingest_json", "types", '[{"email":"a@b.co","n":1,"b":false,"z":null,"l":[1,"2"]},'
        '{"phone":"0044 20 7183 8750","extra":{"a":{"b":{}}}}]')
    put("ingest_json", "not_array", '{"email":"a@b.co"}')
    put("ingest_json", "mixed_array", '[{"email":"a@b.co"}, 3]')
    put("ingest_json", "empty_array", "[]")
    put("ingest_json", "deep", "[" * 40 + "]" * 40)
    put("ingest_json", "escapes", '[{"em\\u0061il":"\\ud83d\\ude00@x.io","\\u0000":"\\n"}]')

    # --- Parquet
    import pyarrow as pa
    import pyarrow.parquet as pq
    import datetime
    base = pa.table({
        "email": ["a@b.co", None, "Jean_mehta3@Yahoo.Co.Uk"],
        "phone": ["07806 622485", "+16502530000", None],
        "zip": ["02134", "CF10 1EP", ""],
    })
    typed = pa.table({
        "E-mail": ["x@y.z", "q@r.st"],
        "employees": pa.array([17925, None], pa.int64()),
        "price": pa.array([9.08, float("nan")], pa.float64()),
        "webinar": pa.array([True, False]),
        "captured": pa.array([datetime.date(2026, 10, 10), None], pa.date32()),
        "seen": pa.array([datetime.datetime(2026, 11, 1, 15, 28), None], pa.timestamp("us")),
        "small": pa.array([1, 2], pa.int8()),
        "u": pa.array([1, 2], pa.uint32()),
        "cat": pa.array(["a", "b"]).dictionary_encode(),
        "bin": pa.array([b"\x00\xff", b"ok"], pa.binary()),
    })
    nested = pa.table({"email": ["a@b.co"], "tags": pa.array([["x", "y"]])})
    structs = pa.table({"email": ["a@b.co"], "s": pa.array([{"k": 1}])})
    empty = pa.table({"email": pa.array([], pa.string())})
    variants = [
        ("plain_snappy", base, dict(compression="snappy")),
        ("plain_none_v2", base, dict(compression="none", data_page_version="2.0")),
        ("zstd_nodict", base, dict(compression="zstd", use_dictionary=False)),
        ("gzip_stats_off", base, dict(compression="gzip", write_statistics=False)),
        ("lz4_small_pages", base, dict(compression="lz4", data_page_size=16)),
        ("brotli", base, dict(compression="brotli")),
        ("typed", typed, dict(compression="snappy")),
        ("typed_v2_none", typed, dict(compression="none", data_page_version="2.0")),
        ("nested_list", nested, dict(compression="none")),
        ("nested_struct", structs, dict(compression="none")),
        ("no_rows", empty, dict(compression="none")),
        ("byte_stream_split", pa.table({"email": ["a@b.co"], "f": pa.array([1.5], pa.float64())}),
         dict(compression="none", use_dictionary=False, use_byte_stream_split=["f"])),
        ("delta", pa.table({"email": ["a@b.co", "c@d.ef"], "n": pa.array([1, 5], pa.int64())}),
         dict(compression="none", use_dictionary=False,
              column_encoding={"email": "DELTA_BYTE_ARRAY", "n": "DELTA_BINARY_PACKED"})),
        ("row_groups", base, dict(compression="none", row_group_size=1)),
    ]
    for name, table, kw in variants:
        buf = io.BytesIO()
        pq.write_table(table, buf, **kw)
        put("ingest_parquet", name, buf.getvalue())
    put("ingest_parquet", "not_parquet", (hostile / "not_parquet.parquet").read_bytes())
    put("ingest_parquet", "magic_only", b"PAR1PAR1")

    # --- Rules
    for f in sorted((REPO / "rules").glob("*.toml")):
        put("rules", f.stem, f.read_bytes())
    put("rules", "empty", "")
    put("rules", "unknown_key", "[email]\nfree_domainz = []\n")
    put("rules", "wrong_type", "[checks]\n\"email.syntax\" = 3\n")
    put("rules", "checks_only", '[checks]\n"email.syntax" = { action = "reject", warn_above = 0.5,'
        ' fail_above = 0.2 }\n')
    put("rules", "aliases", '[columns.aliases]\nemail = ["Mail", "e mail"]\nphone = []\n'
        '[checks."phone.invalid"]\naction = "flag"\n')
    put("rules", "bad_toml", "[email\nx = \n")
    put("rules", "latin1", b"# caf\xe9\n[email]\n")
    put("rules", "dotted", 'fit.score.threshold = 1e400\n"a.b" = { c = [1, 2.5, "x", {d = 1}] }\n')

    # --- Email
    emails = set()
    for path in ["fixtures/demo/vendor_a.csv", "fixtures/demo/planted.csv", "tests/data/contact.csv"]:
        with open(REPO / path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for k, v in row.items():
                    if k and "mail" in k.lower() and v:
                        emails.add(v)
    picked = sorted(emails)[:: max(1, len(emails) // 20)][:20]
    picked += ["Bob.Smith+news@GoogleMail.com", "\"john doe\"@example.com", "user@[192.168.0.1]",
               "info@gmail.con", "x@xn--bcher-kva.ch", "jürgen@bücher.de", "a@b", " a@b.co ",
               "аpple@apple.com", "a..b@c.de", "a@-b.com", "noreply@mailinator.com",
               "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "x@" + "a" * 70 + ".com", "@", ""]
    for i, e in enumerate(picked):
        put("email", f"{i:02}", e)

    # --- Phone: REGION\nNUMBER
    phones = ["US\n(858) 405-0525", "GB\n07806 622485", "DE\n0157 44365529", "\n+14122938573",
              "US\n+1 650 253 0000 ext. 123", "FR\n0033 1 42 68 53 00", "JP\n０３－１２３４－５６７８",
              "EG\n٠١٠٠١٢٣٤٥٦٧", "us\n6.50253E+09", "ZZ\n12345", "001\n+800 1234 5678",
              "CA\n1-800-FLOWERS", "IT\n02 1234 5678", "AU\n+61 425 025 101", "US\n011 44 20 7183 8750",
              "BR\n+55 11 91234-5678", "IN\n+91-98765 43210", "USA\n555-0100", "\n",
              "US\ntel:+1-650-253-0000;ext=12", "MX\n+52 1 55 1234 5678", "XK\n+383 44 123 456"]
    for i, p in enumerate(phones):
        put("phone", f"{i:02}", p)

    # --- Whole audit: flag byte + CSV (see fuzz_targets/audit_small.rs)
    header = lines("fixtures/demo/vendor_a.csv", 1)
    rows_a = lines("fixtures/demo/vendor_a.csv", 6)[len(header):]
    planted = lines("fixtures/demo/planted.csv", 6)
    seeds = [
        ("default_with_header", 0x08, rows_a),
        ("default_side", 0x18, rows_a),
        ("tcpa_side", 0x19, rows_a),
        ("casl", 0x0A, rows_a),
        ("gdpr_side_pii", 0x3B, rows_a),
        ("b2b", 0x0C, rows_a),
        ("rankings_rules", 0x0D, rows_a),
        ("own_header_planted", 0x10, planted),
        ("own_header_small", 0x00, (REPO / "tests/data/small_a.csv").read_bytes()),
        ("own_header_dedup", 0x10, (REPO / "tests/data/dedup_a.csv").read_bytes()),
        ("own_header_b2b", 0x04, (REPO / "tests/data/b2b_leads.csv").read_bytes()),
        ("contact", 0x00, (REPO / "tests/data/contact.csv").read_bytes()),
        ("formula_cells", 0x08, b'=1+1,@x,+cmd|x,-2+3,"\t1",\r\n'),
        ("duplicates", 0x08, rows_a[: rows_a.index(b"\n") + 1] * 3),
    ]
    for f in ["quoted_newlines.csv", "nul_bytes.csv", "mixed_line_endings.csv",
              "dates_five_formats.csv", "scientific_phones.csv", "excel_zip.csv"]:
        seeds.append(("hostile_" + f.split(".")[0], 0x10, (hostile / f).read_bytes()))
    for name, flag, body in seeds:
        put("audit_small", name, bytes([flag]) + body)


if __name__ == "__main__":
    main()
