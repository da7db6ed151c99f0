#!/usr/bin/env bash
# `tadorid --check-config` as a process: exit 0 and the summary for a config that
# `tadori network new` wrote (with no data directory created); exit 2 naming every problem of
# a broken one; exit 2 for a command line CLI11 refuses (not CLI11's own codes), so that a
# service manager can tell a bad config from a crash.
#
#   check_config_test.sh BUILD_DIR
set -uo pipefail

build=${1:?usage: check_config_test.sh BUILD_DIR}
tadorid=$build/node/tadorid
tadori=$build/tools/cli/tadori
dir=$(mktemp -d "${TMPDIR:-/tmp}/tadori-check-config-test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# run EXPECTED_EXIT ARGS...: runs tadorid, output in $dir/out.txt
run() {
  local want=$1 rc
  shift
  "$tadorid" "$@" >"$dir/out.txt" 2>&1
  rc=$?
  [ "$rc" -eq "$want" ] || fail "tadorid $* exited $rc, not $want: $(cat "$dir/out.txt")"
}
expect_out() { grep -Fq -- "$1" "$dir/out.txt" || fail "no \"$1\" in: $(cat "$dir/out.txt")"; }

"$tadori" network new --orgs 4 --out "$dir/net" >/dev/null || fail "tadori network new failed"
node_dir=$dir/net/hakata-wholesale/hakata-wholesale-1
run 0 --check-config "$node_dir/node.toml"
expect_out "config OK: $node_dir/node.toml"
expect_out "hakata-wholesale-1 of hakata-wholesale, 2 of 4 in the genesis (quorum 3)"
expect_out "(will be created at start)"
expect_out "(TLS)" # the client API: network new gives it the node's certificate
[ ! -e "$node_dir/data" ] || fail "--check-config created $node_dir/data"

# The node's certificate serves peers and clients alike, so both are named.
sed -e 's#^genesis *=.*#genesis = "../../missing.json"#' \
  -e 's#^tls_cert *= "node.crt"#tls_cert = "nowhere.crt"#' \
  "$node_dir/node.toml" >"$node_dir/broken.toml"
run 2 --check-config "$node_dir/broken.toml"
expect_out "genesis: reading $node_dir/../../missing.json"
expect_out "peer.tls_cert: reading $node_dir/nowhere.crt"
expect_out "client.tls_cert: reading $node_dir/nowhere.crt"
expect_out "$node_dir/broken.toml: 3 problems; the node would not start"

printf 'validator_id = "hakata-wholesale-1"\n[peer\n' >"$dir/syntax.toml"
run 2 --check-config "$dir/syntax.toml"
expect_out "TOML syntax"

run 2 --check-config "$node_dir/node.toml" --dev
expect_out "--check-config runs alone"
run 2 --no-such-flag
run 2 --dev --block-tx-max 0
echo PASS
