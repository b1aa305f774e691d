#!/usr/bin/env bash
# suite_dotnet_category <suite name> <project> <category> <log>: runs one test category of a test project (built by
# run-all.sh) and records "<suite name> <passed> <failed>", counting anything neither passed nor failed as failed.
# Source after tests/lib/suite.sh and suite_init.
suite_dotnet_category() {
  local name=$1 project=$2 category=$3 log=$4 trx_dir counters passed total
  trx_dir="$(mktemp -d -t "nb-$name-trx.XXXXXX")"
  dotnet test "$project" -c Release --no-build --nologo --filter "Category=$category" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$trx_dir" \
    --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee -a "$log"
  if [[ ! -f "$trx_dir/$name.trx" ]]; then
    suite_log "no test results were written"
    return 1
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx_dir/$name.trx" | head -1)"
  passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  suite_record "$name" "${passed:-0}" "$(( ${total:-0} - ${passed:-0} ))"
  rm -rf "$trx_dir"
}
