#!/usr/bin/env bash
# Browser tests: starts a built kabinet on a free port with a fresh SQLite database and the dev
# outbox, then runs tests/browser/*.test.mjs in headless Debian Chromium (playwright-core).
#
#   cargo build --release && tests/browser/run.sh
#   KABINET_BIN=/path/to/kabinet tests/browser/run.sh
#
# Needs Node >= 20 and npm; installs Debian's chromium when /usr/bin/chromium is missing.
# Exits with the status of `node --test`; prints the server log when a test fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${KABINET_BIN:-$root/target/release/kabinet}"
if [[ "$bin" != /* ]]; then bin="$PWD/$bin"; fi
cd "$root"
if [[ ! -x "$bin" ]]; then
  echo "run.sh: no kabinet binary at $bin (cargo build --release, or set KABINET_BIN)" >&2
  exit 2
fi

if [[ ! -x /usr/bin/chromium ]]; then
  echo "run.sh: installing chromium" >&2
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d -t kabinet-browser.XXXXXX)"
# Run a copy, so a rebuild of target/ during the tests cannot touch the running server.
cp "$bin" "$work/kabinet"

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Every test's customers sign in from 127.0.0.1 within a minute or two: more code requests than
# one address may make in an hour before a captcha (20), as behind a carrier's NAT. The captcha
# threshold itself is tested by the integration tests; here it is raised so that tests are not
# decided by the order they run in (the recovery test still solves its captcha).
KABINET_ADDR="127.0.0.1:$port" \
  KABINET_DATABASE_URL="sqlite://$work/kabinet.db" \
  KABINET_BASE_URL="$url" \
  KABINET_DEV_OUTBOX=true \
  KABINET_DEMO_PICKUP_POINTS=5000 \
  KABINET_LIMITS__IP_PER_HOUR=200 \
  "$work/kabinet" >"$work/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url/healthz"; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "run.sh: kabinet did not become ready at $url; server log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

status=0
# The wallet test issues its own gift certificate with the same binary on the same database.
KABINET_URL="$url" KABINET_CLI="$work/kabinet" KABINET_CLI_DATABASE_URL="sqlite://$work/kabinet.db" \
  node --test "$here/" || status=$?

if [[ "$status" -ne 0 ]]; then
  echo "---- kabinet server log ----" >&2
  cat "$work/server.log" >&2
  if [[ -d "$here/artifacts" ]]; then
    echo "---- screenshots of failed tests: $here/artifacts/ ----" >&2
  fi
fi
exit "$status"
