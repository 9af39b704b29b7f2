#!/usr/bin/env bash
# The floors rule for storage: SQL is written only in `store.rs` files (plus `db.rs` and `db/`,
# the storage floor itself, and `seed/`, the demo data). Prints every SQL site elsewhere and exits 1
# when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
# (`sqlx::query` only as a call: the same words as a quoted tracing target are not SQL.)
hits=$(grep -rnE 'sqlx::query[a-z_]*(::<|\()|"\s*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|WITH [a-z_]+ AS)\b' src --include='*.rs' \
  | grep -vE '^src/([a-z_]+/)*store\.rs:|^src/db(\.rs|/[a-z_]+\.rs):|^src/seed/' || true)
if [[ -n "$hits" ]]; then
  echo "$hits"
  echo "SQL outside store.rs files: $(grep -c . <<<"$hits") sites" >&2
  exit 1
fi
echo "SQL only in store.rs files"
