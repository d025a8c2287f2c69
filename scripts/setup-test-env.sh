#!/usr/bin/env bash
# Makes sure .venv holds the pinned Python test tools (moto_server, cfn-lint). Installs once; a second run with the
# same requirements-test.txt does nothing, so `npm test` stays fast.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements="requirements-test.txt"
stamp=".venv/.requirements-test.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x .venv/bin/moto_server && -x .venv/bin/cfn-lint ]]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup-test-env: the tests need Python 3 with pip and venv ('$python' was not found)" >&2
  exit 1
fi

echo "setup-test-env: installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into .venv (once)" >&2
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --requirement "$requirements"
echo "$want" > "$stamp"
