#!/usr/bin/env bash
# Benchmark: generate synthetic leads (examples/synth.rs) and time a full release
# `leadaudit audit` on them with every check family on: contact, dedup, consent (records),
# DNC + suppression lists, a CRM export (--known) and fit scoring (the B2B example pack's
# ICP and segments, with the built-in pack's other checks), report included.
#
#   scripts/bench.sh                      # 100k and 1M rows
#   scripts/bench.sh 100000 1000000 10000000
#   BENCH_DIR=/data/bench scripts/bench.sh 50000
#
# Prints one line per size: rows, wall seconds, peak RSS, rows/s, exit code; then, per size,
# the audit's own per-stage timings (`-v`). Results of the runs we did: docs/PERFORMANCE.md.
# Data sets are generated once per size and seed into $BENCH_DIR (default
# /tmp/leadaudit-bench) and reused; 1M rows take ~1.2 GB, 10M ~12 GB.
# Peak RSS comes from GNU time (`apt-get install time` if /usr/bin/time is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
    sizes=(100000 1000000)
fi
bench_dir=${BENCH_DIR:-/tmp/leadaudit-bench}
seed=${BENCH_SEED:-42}
as_of=2026-11-25
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$bench_dir"

rules="$bench_dir/all-checks.toml"
scripts/all_checks_rules.sh >"$rules"

if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time (GNU time) is needed for peak RSS: apt-get install time" >&2
    exit 2
fi

# The bin and the example together, so features resolve as for the tests.
cargo build --release --locked --bin leadaudit --example synth >&2
leadaudit="$target/release/leadaudit"
synth="$target/release/examples/synth"

# Data sets are keyed by the generator's source, so a changed generator makes new ones.
generator=$(sha256sum examples/synth.rs | cut -c1-8)

# The audit holds its inputs in memory: 1.11 GB of peak RSS per million rows of this data at
# 10M rows and 1.75 at 1M (2026-11-27, docs/PERFORMANCE.md; 1.43 and 2.0 before the lead
# frame was compacted); 2.0 leaves a margin. A size that cannot fit is skipped with a reason
# instead of being killed by the kernel minutes in.
gb_per_million_rows=2.0
available_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)

printf '%-10s %10s %10s %12s %12s %5s\n' rows wall_s cpu_s peak_rss_mb rows_per_s exit
ran=()
for rows in "${sizes[@]}"; do
    need_gb=$(awk -v r="$rows" -v g="$gb_per_million_rows" 'BEGIN { printf "%.1f", r / 1e6 * g }')
    if [ "${available_kb:-0}" -gt 0 ] && awk -v n="$need_gb" -v a="$available_kb" 'BEGIN { exit !(n * 1e6 > a) }'; then
        printf '%-10d skipped: needs ~%s GB of memory (%s GB per million rows), %s GB available\n' \
            "$rows" "$need_gb" "$gb_per_million_rows" "$(awk -v a="$available_kb" 'BEGIN { printf "%.1f", a / 1e6 }')"
        continue
    fi
    ran+=("$rows")
    data="$bench_dir/synth-$rows-seed$seed-$generator"
    if [ ! -s "$data/truth.csv" ]; then
        "$synth" --rows "$rows" --seed "$seed" --out "$data" 2>"$bench_dir/synth-$rows.log" \
            || { cat "$bench_dir/synth-$rows.log" >&2; exit 2; }
    fi
    out="$bench_dir/report-$rows"
    timing="$bench_dir/time-$rows.txt"
    set +e
    /usr/bin/time -v -o "$timing" "$leadaudit" audit \
        "$data/vendor_a.csv" "$data/vendor_b.tsv" "$data/web_leads.ndjson" \
        --consent "$data/consent.csv" \
        --suppress "$data/dnc.txt" --suppress "$data/suppress.csv" \
        --known "$data/crm.csv" \
        -r "$rules" --as-of "$as_of" -v -o "$out" 2>"$bench_dir/audit-$rows.log"
    code=$?
    set -e
    # 0 and 1 are a finished audit (gate pass/warn or fail); 2 is an error.
    if [ "$code" -ge 2 ]; then
        echo "bench: audit of $rows rows failed (exit $code):" >&2
        cat "$bench_dir/audit-$rows.log" >&2
        exit 2
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]
        print s }' "$timing")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
    # CPU seconds (user + system): steadier than wall time on a shared machine.
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$timing")
    awk -v r="$rows" -v w="$wall" -v u="$cpu" -v k="$rss_kb" -v c="$code" 'BEGIN {
        printf "%-10d %10.2f %10.2f %12.0f %12.0f %5d\n", r, w, u, k / 1024, (w > 0 ? r / w : 0), c }'
done
for rows in "${ran[@]}"; do
    echo
    echo "stages at $rows rows (seconds, rows, rows/s):"
    grep -E ' s +[0-9]+ rows' "$bench_dir/audit-$rows.log" || true
done
