#!/usr/bin/env python3
"""Accuracy of leadaudit's duplicate detection against the synthetic generator's ground truth.

Usage:
    cargo run --example synth -- --rows 100000 --seed 7 --out /tmp/leads
    leadaudit audit /tmp/leads/vendor_a.csv /tmp/leads/vendor_b.tsv \\
        /tmp/leads/web_leads.ndjson --as-of 2026-11-25 -o /tmp/audit
    scripts/eval_dedup.py --truth /tmp/leads/truth.csv --audit /tmp/audit

Only the Python standard library is used.

What is measured (pairwise, the usual entity-resolution measure):
  * true pairs: every two lead rows with the same `entity_id` in truth.csv, within one source
    or across sources;
  * predicted pairs: every two lead rows in one predicted cluster. Clusters are rebuilt from
    findings.csv: each dup.email / dup.phone / dup.fuzzy row is linked to the survivor its
    detail names (`...; survivor vendor_b:10`), transitively;
  * precision = correct predicted pairs / predicted pairs, recall = correct / true pairs,
    F1 their harmonic mean.

dup.known (a lead matching a CRM contact from --known) is evaluated separately, because a
cluster holding a known contact has no survivor: its leads are all dup.known and name the
contact (`...; known contact known:3`) instead of each other. So:
  * the headline lead-to-lead figures are meant for an audit run WITHOUT --known (all lead
    clusters then have survivors and explicit links). When the audit did use --known, leads
    naming the same known contact are put in one cluster (leads reaching a multi-contact
    cluster through different contacts are then split, which can only lower recall);
  * `dup.known` is scored per row against truth.csv's `in_crm` (the person is in crm.csv):
    precision = dup.known rows whose person is in the CRM / dup.known rows, recall = rows of
    CRM people flagged dup.known / rows of CRM people.

Errors are broken down by what differs between the two rows (first name: nickname/initial/
typo/case; surname; email, phone, postal code, address: same, one missing, different), read
from the audit's clean.csv and rejected.csv (every input row is in exactly one of them), so
false negatives and false positives can be traced to a category. `--examples N` prints N
sample pairs of each kind.
"""

import argparse
import collections
import csv
import json
import re
import sys

SURVIVOR = re.compile(r"; survivor (\S+):(\d+)$")
KNOWN = re.compile(r"; known contact (\S+):(\d+)$")
LEAD_CHECKS = {"dup.email", "dup.phone", "dup.fuzzy"}


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def pairs(n):
    return n * (n - 1) // 2


def read_csv(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_rows(audit):
    """(source, row) -> the row's canonical fields, from clean.csv and rejected.csv."""
    rows = {}
    for name in ("clean.csv", "rejected.csv"):
        for r in read_csv(f"{audit}/{name}"):
            rows[(r["_source"], int(r["_row"]))] = r
    return rows


def norm(value):
    return (value or "").strip().lower()


def digits(value):
    return "".join(c for c in value or "" if c.isdigit())


def first_kind(a, b):
    x, y = norm(a), norm(b)
    if not x or not y:
        return "first:missing"
    if x == y:
        return "first:same" if a.strip() == b.strip() else "first:case"
    xs, ys = x.rstrip("."), y.rstrip(".")
    if len(xs) == 1 or len(ys) == 1:
        return "first:initial" if xs[0] == ys[0] else "first:other"
    if sorted(x) == sorted(y):
        return "first:transposition"
    if edit_distance(x, y) <= 2:
        return "first:typo"
    return "first:other(nickname?)"


def last_kind(a, b):
    x, y = norm(a), norm(b)
    if not x or not y:
        return "last:missing"
    if x == y:
        return "last:same" if a.strip() == b.strip() else "last:case"
    if sorted(x) == sorted(y):
        return "last:transposition"
    if edit_distance(x, y) <= 2:
        return "last:typo"
    return "last:other"


def field_kind(name, a, b, key=norm):
    x, y = key(a), key(b)
    if not x and not y:
        return f"{name}:both-missing"
    if not x or not y:
        return f"{name}:one-missing"
    return f"{name}:same" if x == y else f"{name}:different"


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def describe(a, b):
    """What differs between two rows (dicts of canonical fields), as category labels."""
    postal = lambda v: re.sub(r"[^0-9A-Za-z]", "", v or "").upper()[:5]
    return [
        first_kind(a.get("first_name"), b.get("first_name")),
        last_kind(a.get("last_name"), b.get("last_name")),
        field_kind("email", a.get("email_normalized") or a.get("email"),
                   b.get("email_normalized") or b.get("email")),
        field_kind("phone", a.get("phone"), b.get("phone"), key=lambda v: digits(v)[-10:]),
        field_kind("postal", a.get("postal_code"), b.get("postal_code"), key=postal),
        field_kind("address", a.get("address"), b.get("address")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", required=True, help="truth.csv of examples/synth.rs")
    parser.add_argument("--audit", required=True, help="leadaudit audit output folder")
    parser.add_argument("--examples", type=int, default=0, help="sample pairs to print per kind")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    truth = {(r["source"], int(r["row"])): r for r in read_csv(args.truth)}
    findings = read_csv(f"{args.audit}/findings.csv")
    uf = UnionFind()
    known_rows = set()
    counts = collections.Counter()
    for f in findings:
        check = f["check"]
        if check not in LEAD_CHECKS and check != "dup.known":
            continue
        row = (f["source"], int(f["row"]))
        counts[check] += 1
        if check == "dup.known":
            known_rows.add(row)
            m = KNOWN.search(f["detail"])
            if not m:
                sys.exit(f"error: no known contact in the detail of {row}: {f['detail']}")
            uf.union(row, ("known", m.group(1), int(m.group(2))))
        else:
            m = SURVIVOR.search(f["detail"])
            if not m:
                sys.exit(f"error: no survivor in the detail of {row}: {f['detail']}")
            uf.union(row, (m.group(1), int(m.group(2))))

    missing = [n for n in uf.parent if n[0] != "known" and n not in truth]
    if missing:
        sys.exit(f"error: {len(missing)} rows of findings.csv are not in truth.csv, e.g. {missing[0]}")

    # Pairwise precision and recall over lead rows.
    entity_size = collections.Counter(r["entity_id"] for r in truth.values())
    true_pairs = sum(pairs(n) for n in entity_size.values())
    clusters = collections.defaultdict(list)
    for node in list(uf.parent):
        if node[0] != "known":
            clusters[uf.find(node)].append(node)
    predicted = correct = 0
    for members in clusters.values():
        predicted += pairs(len(members))
        by_entity = collections.Counter(truth[m]["entity_id"] for m in members)
        correct += sum(pairs(n) for n in by_entity.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    result = {
        "rows": len(truth),
        "findings": dict(sorted(counts.items())),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }
    if counts["dup.known"] or known_rows:
        in_crm = {k for k, r in truth.items() if r.get("in_crm") == "true"}
        hit = len(known_rows & in_crm)
        result["dup_known"] = {
            "flagged_rows": len(known_rows),
            "crm_rows": len(in_crm),
            "precision": round(hit / len(known_rows), 4) if known_rows else 1.0,
            "recall": round(hit / len(in_crm), 4) if in_crm else 1.0,
        }

    # Error breakdown: false positive pairs (one cluster, two people) and false negative
    # pairs (one person, not one cluster), by what differs between the rows.
    rows = read_rows(args.audit)
    cluster_of = {m: uf.find(m) for ms in clusters.values() for m in ms}
    fp = collections.Counter()
    fp_examples = []
    for members in clusters.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if truth[a]["entity_id"] != truth[b]["entity_id"]:
                    labels = describe(rows.get(a, {}), rows.get(b, {}))
                    fp.update(labels)
                    fp_examples.append((a, b))
    fn = collections.Counter()
    fn_kind = collections.Counter()
    fn_examples = []
    by_entity = collections.defaultdict(list)
    for key, r in truth.items():
        by_entity[r["entity_id"]].append(key)
    for members in by_entity.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                ca, cb = cluster_of.get(a, a), cluster_of.get(b, b)
                if ca != cb:
                    fn.update(describe(rows.get(a, {}), rows.get(b, {})))
                    later = b if truth[b]["is_duplicate"] == "true" else a
                    fn_kind[truth[later]["dup_kind"]] += 1
                    fn_examples.append((a, b))
    result["false_positive_pairs"] = len(fp_examples)
    result["false_negative_pairs"] = len(fn_examples)
    result["false_negatives_by_dup_kind"] = dict(sorted(fn_kind.items()))

    print(f"rows {result['rows']}, findings {result['findings']}")
    print(
        f"lead pairs: true {true_pairs}, predicted {predicted}, correct {correct}: "
        f"precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}"
    )
    if "dup_known" in result:
        k = result["dup_known"]
        print(
            f"dup.known rows: flagged {k['flagged_rows']}, CRM people's rows {k['crm_rows']}: "
            f"precision {k['precision']:.4f} recall {k['recall']:.4f}"
        )
    for title, counter, total in (
        ("false positive pairs", fp, len(fp_examples)),
        ("false negative pairs", fn, len(fn_examples)),
    ):
        print(f"{title}: {total}")
        for field in ("first", "last", "email", "phone", "postal", "address"):
            parts = sorted(
                ((k.split(":", 1)[1], v) for k, v in counter.items() if k.startswith(field + ":")),
                key=lambda kv: -kv[1],
            )
            if parts:
                print(f"  {field:8} " + ", ".join(f"{k} {v}" for k, v in parts))
    if fn_kind:
        print("false negatives by the duplicate row's dup_kind: "
              + ", ".join(f"{k} {v}" for k, v in sorted(fn_kind.items())))
    fields = ("first_name", "last_name", "email", "phone", "postal_code", "address", "company")
    for title, examples in (("false positive", fp_examples), ("false negative", fn_examples)):
        for a, b in examples[: args.examples]:
            print(f"{title} {a[0]}:{a[1]} ~ {b[0]}:{b[1]}")
            for key in (a, b):
                r = rows.get(key, {})
                print("    " + " | ".join(r.get(f, "") for f in fields))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
