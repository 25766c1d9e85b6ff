#!/usr/bin/env bash
# Prints a rules file with every lead-audit check family on: the B2B example pack (fit ICP,
# segments and its contact checks) plus the built-in pack's checks it does not list (dedup,
# consent, suppression, …). Used by the benchmark and the CI performance guard.
set -euo pipefail
cd "$(dirname "$0")/.."
cat rules/b2b-icp-example.toml
listed=$(sed -n '/^\[checks\]/,$p' rules/b2b-icp-example.toml | grep -o '^"[a-z_.]*"' | sort -u)
sed -n '/^\[checks\]/,$p' rules/default.toml | grep '^"' | grep -v '^"rank\.' |
    while IFS= read -r line; do
        id=${line%%=*}
        id=${id%% }
        grep -qxF "$id" <<<"$listed" || echo "$line"
    done
