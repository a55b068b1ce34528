#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with the line "N passed, N failed[, N skipped]",
# counted from the TRX results. Installs what the tests need that a fresh machine may lack.
set -uo pipefail
cd "$(dirname "$0")"

# What the tests need from Debian: the PostgreSQL server binaries (the PostgreSQL tests start their own throwaway
# server) and Chromium (the web console's browser tests drive it headless through Playwright).
missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages the tests need: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" || { echo "could not install ${missing[*]}"; exit 1; }
  else
    echo "run as root, or first: sudo apt-get update && sudo apt-get install -y ${missing[*]}"; exit 1
  fi
fi

results="$(pwd)/TestResults"
rm -rf "$results"
dotnet build ActorCampaigns.sln -c Release || { echo "0 passed, 1 failed"; exit 1; }
status=0
for project in tests/*/*.csproj; do
  grep -q "<IsTestProject>true</IsTestProject>" "$project" || continue  # support libraries hold no tests
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
done

shopt -s nullglob
trx=("$results"/*.trx)
if [ ${#trx[@]} -eq 0 ]; then
  echo "no test results were written"
  echo "0 passed, 1 failed"
  exit 1
fi
sum() { grep -ho "<Counters [^>]*" "${trx[@]}" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum passed)
failed=$(( $(sum failed) + $(sum error) + $(sum timeout) + $(sum aborted) ))
# xUnit's skipped tests are results marked NotExecuted, which the counters leave out.
skipped=$(grep -ho '<UnitTestResult [^>]*outcome="NotExecuted"' "${trx[@]}" | wc -l)
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then status=1; fi
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
