#!/usr/bin/env bash
# `tadori epcis capture` end to end against a `tadorid --dev` node on a free loopback port,
# with the binaries of a build directory (nothing is built):
#   - a document with a problem is refused whole: its problem lines, exit 1, nothing sent
#     (the chain's height does not move);
#   - a valid document (two events of kyushu-farm) is captured with --wait: one line per
#     event naming its transaction and height, exit 0;
#   - the same document again: every event "already captured by tx <the first run's tx>",
#     exit 0; the same content under new eventIDs is also already captured (event hash);
#   - a document whose second event chaincode refuses (a shipment of a lot the farm never
#     had): the first is captured, the second refused, exit 1; after fixing the document a
#     re-run captures the fixed event and answers "already captured" for the first.
#
#   epcis_capture_test.sh SOURCE_DIR BUILD_DIR
# Exit 0 when everything holds; else 1 with the reason, keeping the directory.
set -uo pipefail

src=${1:?usage: epcis_capture_test.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: epcis_capture_test.sh SOURCE_DIR BUILD_DIR}
unset TADORI_NODE TADORI_CA TADORI_CERT TADORI_CERT_KEY TADORI_CONFIG TADORI_KEY

dir=$(mktemp -d "${TMPDIR:-/tmp}/tadori-epcis-capture-test.XXXXXX") || exit 1
cd "$dir" || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
node=127.0.0.1:$port
tadori=("$build/tools/cli/tadori" --node "$node")
key=$dir/data/keys/kyushu-farm.key

passed=0
pid=0
cleanup() {
  [ "$pid" -ne 0 ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  if [ "$passed" -eq 1 ]; then rm -rf "$dir"; else echo "state kept in $dir" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_in() { # expect_in FILE TEXT
  grep -Fq -- "$2" "$1" || fail "$(basename "$1") lacks \"$2\": $(cat "$1")"
}
height() { "${tadori[@]}" status | awk '$1 == "height" { print $2 }'; }

"$build/node/tadorid" --dev --data-dir "$dir/data" --listen "$node" >"$dir/tadorid.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  "${tadori[@]}" status >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "tadorid exited: $(tail -5 "$dir/tadorid.log")"
  sleep 0.1
done
"${tadori[@]}" submit "$src/tools/data/kyushu/01-farm-setup.json" --key "$key" >"$dir/setup.txt" ||
  fail "farm setup: $(cat "$dir/setup.txt")"

# An ObjectEvent of kyushu-farm: event ID, lot, bizStep, extra members.
event() {
  printf '{"type":"ObjectEvent","eventID":"urn:uuid:%s","eventTime":"2026-11-20T0%s:00:00+09:00",' "$1" "$2"
  printf '"eventTimeZoneOffset":"+09:00","action":"%s","bizStep":"%s",' "$3" "$4"
  printf '"readPoint":{"id":"urn:epc:id:sgln:4569951.10001.0"},'
  printf '"quantityList":[{"epcClass":"urn:epc:class:lgtin:4569951.000001.%s","quantity":%s,"uom":"KGM"}]' "$5" "$6"
  printf '%s}' "${7:-}"
}
harvest_ilmd=',"ilmd":{"tadori:harvestDate":"2026-11-20","tadori:harvestLocation":"urn:epc:id:sgln:4569951.10001.0","tadori:tlcSource":"urn:epc:id:sgln:4569951.10001.0"},"bizTransactionList":[{"type":"prodorder","bizTransaction":"urn:tadori:doc:CAPTEST-HARVEST"}],"ex:note":"kept"'
harvesting=urn:tadori:bizstep:harvesting
document() { # document EVENT...
  local list
  list=$(
    IFS=,
    echo "$*"
  )
  printf '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",'
  printf '{"tadori":"urn:tadori:ilmd:","ex":"https://example.org/ns/"}],"type":"EPCISDocument",'
  printf '"schemaVersion":"2.0","creationDate":"2026-11-20T09:00:00+09:00","epcisBody":{"eventList":[%s]}}\n' "$list"
}
e1=$(event 00000000-0000-4000-8000-00000000c001 6 ADD "$harvesting" CAPTEST-1 100 "$harvest_ilmd")
e2=$(event 00000000-0000-4000-8000-00000000c002 7 ADD "$harvesting" CAPTEST-2 50.5 "$harvest_ilmd")

# 1. A problem anywhere: nothing is sent.
bad=$(event 00000000-0000-4000-8000-00000000c0ff 8 MOVE commissioning CAPTEST-X 1)
document "$e1" "$bad" >"$dir/bad.json"
before=$(height)
"${tadori[@]}" epcis capture "$dir/bad.json" --key "$key" --wait >"$dir/bad.txt" 2>"$dir/bad.err" &&
  fail "a document with a problem was captured"
expect_in "$dir/bad.txt" "/epcisBody/eventList/1/action"
expect_in "$dir/bad.err" "nothing was sent"
[ "$(height)" = "$before" ] || fail "the chain moved after a refused document"

# 2. A valid document: each event captured in a transaction of its own.
document "$e1" "$e2" >"$dir/doc.json"
"${tadori[@]}" epcis check "$dir/doc.json" >"$dir/check.txt" || fail "check: $(cat "$dir/check.txt")"
"${tadori[@]}" epcis capture "$dir/doc.json" --key "$key" --wait >"$dir/run1.txt" 2>&1 ||
  fail "capture: $(cat "$dir/run1.txt")"
expect_in "$dir/run1.txt" "2 event(s): 2 captured, 0 already captured, 0 refused"
tx1=$(awk '/c001  captured/ { print $6 }' "$dir/run1.txt")
[ ${#tx1} -eq 64 ] || fail "no tx id for event 0: $(cat "$dir/run1.txt")"
expect_in "$dir/run1.txt" "at height"

# 3. Again: idempotent, naming the first run's transactions; new eventIDs, same content too.
"${tadori[@]}" epcis capture "$dir/doc.json" --key "$key" --wait >"$dir/run2.txt" 2>&1 ||
  fail "re-run: $(cat "$dir/run2.txt")"
expect_in "$dir/run2.txt" "2 event(s): 0 captured, 2 already captured, 0 refused"
expect_in "$dir/run2.txt" "already captured by tx $tx1"
sed 's/-00000000c00/-00000000d00/g' "$dir/doc.json" >"$dir/renamed.json"
"${tadori[@]}" epcis capture "$dir/renamed.json" --key "$key" --wait >"$dir/run3.txt" 2>&1 ||
  fail "renamed: $(cat "$dir/run3.txt")"
expect_in "$dir/run3.txt" "0 captured, 2 already captured"
expect_in "$dir/run3.txt" "same content"

# 4. A partial failure, then the fix and a re-run.
e3=$(event 00000000-0000-4000-8000-00000000c003 8 ADD "$harvesting" CAPTEST-3 10 "$harvest_ilmd")
ship=$(event 00000000-0000-4000-8000-00000000c004 9 OBSERVE shipping CAPTEST-NEVER 5 \
  ',"sourceList":[{"type":"owning_party","source":"urn:tadori:org:kyushu-farm"},{"type":"location","source":"urn:epc:id:sgln:4569951.10001.0"}],"destinationList":[{"type":"owning_party","destination":"urn:tadori:org:hakata-wholesale"},{"type":"location","destination":"urn:epc:id:sgln:4569952.20001.0"}],"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:tadori:doc:CAPTEST-SHIP"}]')
document "$e3" "$ship" >"$dir/partial.json"
"${tadori[@]}" epcis capture "$dir/partial.json" --key "$key" --wait >"$dir/run4.txt" 2>&1 &&
  fail "a refused event exited 0"
expect_in "$dir/run4.txt" "1 captured, 0 already captured, 1 refused"
expect_in "$dir/run4.txt" "c004  refused"
expect_in "$dir/run4.txt" "CAPTEST-NEVER"
fixed=$(event 00000000-0000-4000-8000-00000000c004 9 OBSERVE shipping CAPTEST-3 5 \
  ',"sourceList":[{"type":"owning_party","source":"urn:tadori:org:kyushu-farm"},{"type":"location","source":"urn:epc:id:sgln:4569951.10001.0"}],"destinationList":[{"type":"owning_party","destination":"urn:tadori:org:hakata-wholesale"},{"type":"location","destination":"urn:epc:id:sgln:4569952.20001.0"}],"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:tadori:doc:CAPTEST-SHIP"}]')
document "$e3" "$fixed" >"$dir/partial.json"
"${tadori[@]}" epcis capture "$dir/partial.json" --key "$key" --wait >"$dir/run5.txt" 2>&1 ||
  fail "the fixed re-run: $(cat "$dir/run5.txt")"
expect_in "$dir/run5.txt" "1 captured, 1 already captured, 0 refused"

passed=1
echo "epcis capture: all checks passed"
