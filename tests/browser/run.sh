#!/usr/bin/env bash
# Browser test of report.html (run by .ci/run after `cargo test`, which builds the binary).
#
# Renders a report from fixtures whose leads, source names and emails are HTML/JS payloads
# (`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`), opens it in Debian's
# headless Chromium through playwright-core, and checks: no console errors, no network
# requests, nothing executed, payloads shown as text, verdict and scorecard visible,
# keyboard sorting, the page without JavaScript, and print. Screenshots and a PDF are left
# in $ARTIFACT_DIR (default: <target>/browser-test) for people to look at.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${LEADAUDIT_BIN:-$target/debug/leadaudit}"
artifacts="${ARTIFACT_DIR:-$target/browser-test}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  echo "browser test: installing Debian's chromium package"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || true
  fi
fi
if [ ! -x "$chromium" ]; then
  echo "SKIPPED browser test: $chromium is missing and Debian's chromium package could not be installed (needs root and apt)."
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "browser test: $bin not found; run cargo test (or cargo build --all-targets) first" >&2
  exit 1
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

rm -rf "$artifacts"
mkdir -p "$artifacts"
rules="$artifacts/rules.toml"
"$bin" rules show > "$rules"
cat "$here/fixtures/prices.toml" >> "$rules"

# Exit 1 (gate fail) is expected: the fixtures have planted problems. 2 is a failure.
run_audit() {
  local code=0
  "$bin" audit "$@" --as-of 2026-11-25 -q || code=$?
  if [ "$code" -gt 1 ]; then
    echo "browser test: leadaudit audit exited $code" >&2
    exit 1
  fi
}
run_audit vendor_a="$here/fixtures/vendor_a.csv" \
  "<script>alert(1)</script>=$here/fixtures/vendor_b.csv" \
  "$here/fixtures/web.ndjson" -r "$rules" --show-pii -o "$artifacts/xss"

demo=""
if [ -f "$root/fixtures/demo/vendor_a.csv" ]; then
  # The README demo, when present: same page checks, payload-free.
  run_audit "$root/fixtures/demo/vendor_a.csv" "$root/fixtures/demo/vendor_b.tsv" \
    "$root/fixtures/demo/web_leads.ndjson" --consent "$root/fixtures/demo/consent.csv" \
    --suppress "$root/fixtures/demo/dnc.txt" --known "$root/fixtures/demo/crm.csv" \
    -o "$artifacts/demo"
  demo="$artifacts/demo"
fi

cd "$here"
REPORT_DIR="$artifacts/xss" DEMO_REPORT_DIR="$demo" ARTIFACT_DIR="$artifacts" CHROMIUM="$chromium" \
  node --test --test-reporter=spec report.test.mjs
echo "browser test: screenshots and PDF in $artifacts"
