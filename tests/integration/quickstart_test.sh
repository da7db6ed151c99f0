#!/usr/bin/env bash
# tools/quickstart end to end, as a newcomer runs it, in a checkout of its own (a temporary
# directory whose tools/quickstart and tools/data link to SOURCE_DIR's, so that the default
# state directory and .tadori.toml are made there) on free loopback ports with the binaries of
# a build directory (nothing is built):
#   - the first run creates the 4-organisation network, starts four validators and loads the
#     Kyushu story; `tadori status` lists the four validators with their peers connected;
#   - it writes .tadori.toml in the checkout (first line "# written by tools/quickstart", mode
#     0644), so `tadori` with no flags, anywhere in the checkout, reads as kyushu-farm: what
#     kyushu-farm held, not the meal it never held, not whole blocks; with no certificate a
#     caller gets Status only; a validator's certificate reads blocks;
#   - it draws the story's pictures (the meal's provenance, truck 7's readings) as SVG;
#   - the four agree: the same block hash at a height all of them have;
#   - the story's trace back of the ready meal, as tenjin-bistro (it received the meals), is
#     the same on every node (but for the height each read it at);
#   - a second run, with $TADORI_QUICKSTART_DIR, starts nothing, loads nothing, leaves
#     .tadori.toml as it was and prints `export ... TADORI_CONFIG=<state>/cli.toml`, which works;
#   - a .tadori.toml the script did not write is left alone;
#   - `stop` leaves no tadorid of that state directory running; `--dev` then removes the
#     .tadori.toml it wrote (the dev node speaks plaintext) and its printed config works.
#
#   quickstart_test.sh SOURCE_DIR BUILD_DIR
# Exit 0 when everything holds; else 1 with the reason, keeping the state directory.
set -uo pipefail

src=${1:?usage: quickstart_test.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: quickstart_test.sh SOURCE_DIR BUILD_DIR}
tadori=$build/tools/cli/tadori
meal=FD-BENTO-261121-A
farm_lot=KF-SPN-261120-P1

dir=$(mktemp -d "${TMPDIR:-/tmp}/tadori-quickstart-test.XXXXXX") || exit 1
co=$dir/checkout
mkdir -p "$co/tools" "$co/sub/dir" || exit 1
ln -s "$src/tools/quickstart" "$co/tools/quickstart" || exit 1
ln -s "$src/tools/data" "$co/tools/data" || exit 1
quickstart=$co/tools/quickstart
state=$co/.quickstart
net=$state/network
export TADORI_BUILD_DIR=$build
# The CLI's settings come from what the quickstart writes, not from this environment.
unset TADORI_QUICKSTART_DIR TADORI_NODE TADORI_CA TADORI_CERT TADORI_CERT_KEY TADORI_CONFIG

# Every tadorid whose command line names the state directory.
our_tadorids() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    tr '\0' '\n' 2>/dev/null <"$f" | grep -q "^$state/" || continue
    [ "$(basename "$(tr '\0' '\n' 2>/dev/null <"$f" | head -1)")" = tadorid ] && echo "$pid"
  done
}

passed=0
cleanup() {
  "$quickstart" stop >/dev/null 2>&1
  for pid in $(our_tadorids); do kill -KILL "$pid" 2>/dev/null; done
  if [ "$passed" -eq 1 ]; then rm -rf "$dir"; else echo "state kept in $dir" >&2; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_in() { # expect_in FILE TEXT
  grep -Fq -- "$2" "$1" || fail "$(basename "$1") lacks \"$2\""
}
# refused CODE ARGS...: tadori ARGS fails with CODE (its stderr in $dir/refused.txt).
refused() {
  local code=$1
  shift
  if "$tadori" "$@" >/dev/null 2>"$dir/refused.txt"; then fail "tadori $* was not refused"; fi
  grep -q ": $code: " "$dir/refused.txt" ||
    fail "tadori $* failed, but not with $code: $(cat "$dir/refused.txt")"
}

# A port P with P..P+3 (clients), P+50..P+53 (peers) and P+250..P+253 (metrics) free, below
# the kernel's ephemeral range, so that outgoing connections of other tests do not take them.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p off
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 12000))
    for off in 0 1 2 3 50 51 52 53 250 251 252 253; do
      port_in_use $((p + off)) && continue 2
    done
    echo "$p"
    return 0
  done
  return 1
}
port=$(pick_port) || fail "no free loopback ports"
export TADORI_QUICKSTART_LISTEN=127.0.0.1:$port
nodes=("127.0.0.1:$port" "127.0.0.1:$((port + 1))" "127.0.0.1:$((port + 2))"
  "127.0.0.1:$((port + 3))")
start_s=$SECONDS

# --- the first run ----------------------------------------------------------------------------
"$quickstart" >"$dir/run1.txt" 2>&1 || fail "the first run failed: $(tail -5 "$dir/run1.txt")"
echo "first run: $((SECONDS - start_s)) s"
expect_in "$dir/run1.txt" "created a consortium of 8 organisations, 4 of them with a validator"
expect_in "$dir/run1.txt" "loading the Kyushu story, each organisation with its own certificate"
expect_in "$dir/run1.txt" "validators (4)"
expect_in "$dir/run1.txt" "peers (3 of 3 connected)"
expect_in "$dir/run1.txt" "(the same trace from kyushu-farm-1 and tenjin-bistro-1"
for id in kyushu-farm-1 hakata-wholesale-1 fukuoka-deli-1 tenjin-bistro-1; do
  grep -Eq "^$id +${id%-1} " "$dir/run1.txt" || fail "status does not list validator $id"
done
expect_in "$dir/run1.txt" "PERMISSION_DENIED: member" # kyushu-farm asks for the meal's trace
# Interop: the captured EPCIS document goes out and checks back in, the FSMA 204 workbook is
# written, and the capture's proof verifies offline against the genesis.
expect_in "$dir/run1.txt" "wrote 2 events"
expect_in "$dir/run1.txt" "EPCISQueryDocument: 2 event(s), valid and mappable"
expect_in "$dir/run1.txt" "Initial Packing 1, Shipping 3, Receiving 3, Transformation 2"
expect_in "$dir/run1.txt" "payload capture_epcis_event, signed by admin key of organisation kyushu-farm"
expect_in "$dir/run1.txt" "result OK (code 0), committed by the header of block"

# --- .tadori.toml: the CLI with no flags, anywhere in the checkout, is kyushu-farm ------------
dot=$co/.tadori.toml
[ -f "$dot" ] || fail "the first run wrote no $dot"
[ "$(head -n 1 "$dot")" = "# written by tools/quickstart" ] || fail "$dot: first line $(head -n 1 "$dot")"
[ "$(stat -c %a "$dot")" = 644 ] || fail "$dot has mode $(stat -c %a "$dot"), not 644"
[ "$(stat -c %u "$dot")" = "$(id -u)" ] || fail "$dot is not the user's"
expect_in "$dir/run1.txt" ".tadori.toml in this checkout (written by tools/quickstart)"
cd "$co/sub/dir" || fail "cd $co/sub/dir"
"$tadori" status >"$dir/status.txt" 2>&1 || fail "tadori status with .tadori.toml: $(cat "$dir/status.txt")"
expect_in "$dir/status.txt" "validator id  kyushu-farm-1" # its own node first
"$tadori" lot show "$farm_lot" >"$dir/lot.txt" 2>&1 ||
  fail "kyushu-farm cannot read its own lot: $(cat "$dir/lot.txt")"
expect_in "$dir/lot.txt" "lot code          $farm_lot"
refused PERMISSION_DENIED trace back "$meal" # kyushu-farm never held the meals
refused PERMISSION_DENIED block get 1        # whole blocks: not for a member
refused UNAUTHENTICATED lot show "$farm_lot" --config "$state/anonymous.toml"
"$tadori" status --config "$state/anonymous.toml" >/dev/null 2>&1 ||
  fail "Status without a client certificate was refused"
for i in 0 1 2 3; do
  "$tadori" status --node "${nodes[$i]}" >/dev/null 2>&1 || fail "node ${nodes[$i]} does not answer"
done

# --- the pictures: whole SVG documents that draw the story ----------------------------------
pics=$state/pictures
svg_ok() { # svg_ok FILE TEXT...: starts as SVG, is closed, and shows every TEXT
  local f=$1 text=$dir/$(basename "$1").txt
  shift
  [ -s "$f" ] || fail "$(basename "$f") was not drawn"
  grep -q '<svg' "$f" && tail -c 16 "$f" | grep -q '</svg>' || fail "$(basename "$f") is not whole SVG"
  sed 's/&#45;/-/g' "$f" >"$text" # Graphviz writes '-' as a character reference
  for t in "$@"; do expect_in "$text" "$t"; done
}
svg_ok "$pics/trace-back-$meal.svg" "$meal" KF-SPN-261120-P1 FD-GOMA-261121-01 \
  "RECALLED by fukuoka-food-safety" "kyushu-farm → hakata-wholesale"
svg_ok "$pics/readings-KF-SPN-261120-P1.svg" KF-SPN-261120-P1 "temperature (°C)" \
  "urn:dev:kyushu-coldchain:truck-7:temp-1" "8.6 °C"

# --- agreement: one block hash at a height all four have --------------------------------------
height_of() {
  "$tadori" --node "$1" status --json | grep -o '"height":"[0-9]*"' | grep -o '[0-9][0-9]*'
}
common=""
for n in "${nodes[@]}"; do
  h=$(height_of "$n") || fail "no height from $n"
  if [ -z "$common" ] || [ "$h" -lt "$common" ]; then common=$h; fi
done
[ "$common" -ge 20 ] || fail "the story should have taken the chain past height 20, not $common"
hashes=()
validator=(--cert "$net/kyushu-farm/kyushu-farm-1/node.crt"
  --cert-key "$net/kyushu-farm/kyushu-farm-1/node.key") # validators read whole blocks
for n in "${nodes[@]}"; do
  hashes+=("$("$tadori" block get "$common" --node "$n" "${validator[@]}" |
    awk '$1 == "hash" {print $2}')")
done
[ -n "${hashes[0]}" ] || fail "no hash for block $common"
for i in 1 2 3; do
  [ "${hashes[$i]}" = "${hashes[0]}" ] ||
    fail "block $common: ${nodes[$i]} has ${hashes[$i]}, ${nodes[0]} has ${hashes[0]}"
done
echo "block $common is ${hashes[0]} on all four nodes"

# --- the story reads the same everywhere, as tenjin-bistro ------------------------------------
for i in 0 1 2 3; do
  "$tadori" trace back "$meal" --json --node "${nodes[$i]}" \
    --config "$net/tenjin-bistro/cli.toml" |
    sed 's/"readAtHeight":"[0-9]*"//' >"$dir/trace-$i.json" || fail "trace back on ${nodes[$i]}"
done
grep -q '"originLot":"KF-SPN-261120-P1"' "$dir/trace-0.json" ||
  fail "the trace back of $meal does not show the spinach recall"
for i in 1 2 3; do
  cmp -s "$dir/trace-0.json" "$dir/trace-$i.json" ||
    fail "the trace back of $meal on ${nodes[$i]} differs from ${nodes[0]}'s"
done

# --- the second run changes nothing; with $TADORI_QUICKSTART_DIR it prints the config ----------
pids_before=$(cat "$state"/run/*.pid)
story_before=$(wc -l <"$state/story/story.log")
dot_inode=$(stat -c %i "$dot")
TADORI_QUICKSTART_DIR=$state "$quickstart" >"$dir/run2.txt" 2>&1 ||
  fail "the second run failed: $(tail -5 "$dir/run2.txt")"
expect_in "$dir/run2.txt" \
  "already running: kyushu-farm-1 hakata-wholesale-1 fukuoka-deli-1 tenjin-bistro-1"
expect_in "$dir/run2.txt" "the Kyushu story is already on the chain; not loading it again"
if grep -q "started:" "$dir/run2.txt"; then fail "the second run started a node"; fi
[ "$(cat "$state"/run/*.pid)" = "$pids_before" ] || fail "pids changed"
[ "$(wc -l <"$state/story/story.log")" = "$story_before" ] ||
  fail "the second run submitted transactions"
[ "$(stat -c %i "$dot")" = "$dot_inode" ] ||
  fail "the run with TADORI_QUICKSTART_DIR rewrote $dot"
expect_in "$dir/run2.txt" "export PATH=$build/tools/cli:\$PATH TADORI_CONFIG=$state/cli.toml"
cd "$dir" || fail "cd $dir"
TADORI_CONFIG=$state/cli.toml "$tadori" lot show "$farm_lot" >/dev/null 2>"$dir/lot.txt" ||
  fail "TADORI_CONFIG=$state/cli.toml tadori lot show: $(cat "$dir/lot.txt")"

# --- a .tadori.toml the script did not write stays as it is -----------------------------------
cp -p "$dot" "$dir/dot-written"
printf 'node = "%s"\n' "${nodes[1]}" >"$dot"
cp -p "$dot" "$dir/dot-mine"
"$quickstart" >"$dir/run3.txt" 2>&1 || fail "the third run failed: $(tail -5 "$dir/run3.txt")"
cmp -s "$dot" "$dir/dot-mine" || fail "the third run changed a .tadori.toml it did not write"
expect_in "$dir/run3.txt" ".tadori.toml was not written by tools/quickstart; it is left alone"
expect_in "$dir/run3.txt" "TADORI_CONFIG=$state/cli.toml"
cp -p "$dir/dot-written" "$dot"

# --- stop --------------------------------------------------------------------------------------
[ -n "$(our_tadorids)" ] || fail "no tadorid of $TADORI_QUICKSTART_DIR found before stop"
"$quickstart" stop >"$dir/stop.txt" 2>&1 || fail "stop failed: $(cat "$dir/stop.txt")"
expect_in "$dir/stop.txt" "tenjin-bistro-1 stopped"
left=$(our_tadorids)
[ -z "$left" ] || fail "still running after stop: $left"

# --- --dev: the network's .tadori.toml goes (the dev node speaks plaintext) --------------------
"$quickstart" --dev >"$dir/dev.txt" 2>&1 || fail "the --dev run failed: $(tail -5 "$dir/dev.txt")"
[ ! -e "$dot" ] || fail "--dev left the network's $dot"
expect_in "$dir/dev.txt" "TADORI_CONFIG=$state/dev-cli.toml"
expect_in "$dir/dev.txt" "EPCISQueryDocument: 2 event(s), valid and mappable"
expect_in "$dir/dev.txt" "result OK (code 0), committed by the header of block"
TADORI_CONFIG=$state/dev-cli.toml "$tadori" trace back "$meal" >/dev/null 2>"$dir/dev-trace.txt" ||
  fail "the --dev node's printed config does not work: $(cat "$dir/dev-trace.txt")"
"$quickstart" stop >"$dir/stop-dev.txt" 2>&1 || fail "stopping the dev node failed"
expect_in "$dir/stop-dev.txt" "dev node stopped"
left=$(our_tadorids)
[ -z "$left" ] || fail "still running after the dev node's stop: $left"
"$quickstart" stop >"$dir/stop2.txt" 2>&1 || fail "a second stop failed"
expect_in "$dir/stop2.txt" "no node running"

passed=1
echo "PASS in $((SECONDS - start_s)) s"
