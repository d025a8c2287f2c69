#!/usr/bin/env bash
# Makes sure .venv holds the pinned Python test tools (moto_server, cfn-lint). Installs once; a second run with the
# same requirements-test.txt does nothing, so `npm test` stays fast.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium for the report's browser tests (test/bin/cli/report/report-browser.test.ts): Debian's own package, driven by
# playwright-core, never a browser download. As root it is installed once; otherwise those tests skip, saying how.
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-test-env: installing chromium for the report's browser tests (once)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get install -y -qq chromium >/dev/null 2>&1 ||
        echo "setup-test-env: chromium could not be installed; the report's browser tests will skip" >&2
    fi
  else
    echo "setup-test-env: no /usr/bin/chromium, so the report's browser tests will skip; install it with 'sudo apt-get install -y chromium'" >&2
  fi
fi

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
