#!/usr/bin/env bash
# CI performance guard: a full audit (every check family) of 50k synthetic leads must not be
# much slower than the recorded baseline. Machines differ, so the measure is a ratio: audit
# wall time divided by the wall time of generating the same 50k rows with examples/synth
# (same build, same machine, a workload this guard does not change). The guard fails when the
# ratio exceeds the baseline by more than $PERF_GUARD_TOLERANCE (default 2.5×, i.e.
# throughput fell below 40% of the baseline's).
#
# Uses the debug binaries `cargo test` builds (CI runs it right after the tests):
#   scripts/perf_guard.sh             # check against scripts/perf_baseline.txt
#   scripts/perf_guard.sh --record    # measure 3 times, write the median as the new baseline
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
leadaudit="$target/debug/leadaudit"
synth="$target/debug/examples/synth"
baseline_file=scripts/perf_baseline.txt
tolerance=${PERF_GUARD_TOLERANCE:-2.5}
rows=50000
for bin in "$leadaudit" "$synth"; do
    [ -x "$bin" ] || { echo "perf_guard: $bin missing; run cargo test --locked first" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/all_checks_rules.sh >"$work/rules.toml"

now() { date +%s.%N; }

# One measurement: prints "ratio synth_s audit_s".
measure() {
    rm -rf "$work/data" "$work/out"
    local t0 t1 t2
    t0=$(now)
    "$synth" --rows "$rows" --seed 42 --out "$work/data" 2>/dev/null
    t1=$(now)
    local d="$work/data" code=0
    "$leadaudit" audit "$d/vendor_a.csv" "$d/vendor_b.tsv" "$d/web_leads.ndjson" \
        --consent "$d/consent.csv" --suppress "$d/dnc.txt" --suppress "$d/suppress.csv" \
        --known "$d/crm.csv" -r "$work/rules.toml" --as-of 2026-11-25 -v -o "$work/out" \
        2>"$work/audit.log" || code=$?
    t2=$(now)
    if [ "$code" -ge 2 ]; then
        echo "perf_guard: the audit failed (exit $code):" >&2
        cat "$work/audit.log" >&2
        exit 2
    fi
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.3f %.3f %.3f\n", (c - b) / (b - a), b - a, c - b }'
}

if [ "${1:-}" = "--record" ]; then
    runs=$(for _ in 1 2 3; do measure; done | sort -n)
    echo "$runs" >&2
    median=$(sed -n 2p <<<"$runs" | cut -d' ' -f1)
    {
        echo "# scripts/perf_guard.sh baseline: (audit of ${rows} rows) / (synth of ${rows} rows), debug build."
        echo "# Recorded $(date -u +%Y-%m-%d) on $(nproc) cores, median of 3: $(tr '\n' ';' <<<"$runs")"
        echo "ratio=$median"
    } >"$baseline_file"
    echo "perf_guard: baseline ratio $median written to $baseline_file"
    exit 0
fi

baseline=$(sed -n 's/^ratio=//p' "$baseline_file")
measure >"$work/m"
read -r ratio synth_s audit_s <"$work/m"
limit=$(awk -v b="$baseline" -v t="$tolerance" 'BEGIN { printf "%.3f", b * t }')
echo "perf_guard: synth ${synth_s} s, audit ${audit_s} s, ratio ${ratio} (baseline ${baseline}, limit ${limit})"
grep -E ' s +[0-9]+ rows' "$work/audit.log" || true
if awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r > l) }'; then
    # One retry: a single slow run on a shared CI machine is not a regression.
    measure >"$work/m"
    read -r ratio synth_s audit_s <"$work/m"
    echo "perf_guard: retry: synth ${synth_s} s, audit ${audit_s} s, ratio ${ratio}"
    if awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r > l) }'; then
        echo "perf_guard: FAIL: the audit is ${ratio}× synth's time, above ${limit} (baseline ${baseline} × ${tolerance})" >&2
        exit 1
    fi
fi
echo "perf_guard: ok"
