#!/usr/bin/env bash
# tools/check-layers must refuse includes against the layer rules, naming file and line:
# a copy of the tree gets one wrong include per rule, and every one must be reported.
#   check_layers_test.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d /tmp/tadori-layers-XXXXXX)
trap 'rm -rf "$work"' EXIT
for d in ledger consensus chaincode node tools; do cp -r "$src/$d" "$work/$d"; done

# file | line to add | what the report must say
cases=(
  'consensus/engine.cc|#include "node/validator/mempool.h"|includes "node/validator/mempool.h", which consensus/ may not use'
  'chaincode/recall.cc|#include <grpcpp/grpcpp.h>|includes <grpcpp/grpcpp.h>, which chaincode/ may not use'
  'chaincode/kde.cc|#include "ledger/wall_clock.h"|includes "ledger/wall_clock.h", which chaincode/ may not use'
  'consensus/codec.cc|#include <thread>|includes <thread>, which consensus/ may not use'
  'ledger/block.cc|#include "ledger/store/store.h"|includes "ledger/store/store.h", which ledger/ may not use'
  'ledger/hash.cc|#include <leveldb/db.h>|includes <leveldb/db.h>, which ledger/ may not use'
  'consensus/types.cc|#include "tadori/v1/peer.grpc.pb.h"|includes "tadori/v1/peer.grpc.pb.h", which consensus/ may not use'
  'tools/cli/render.cc|#include "node/validator/mempool.h"|includes "node/validator/mempool.h", which tools/cli/ may not use'
  'node/validator/mempool.cc|#include "node/api/ledger_service.h"|includes "node/api/ledger_service.h", which node/validator/ may not use'
  'node/query/paging.cc|#include "consensus/engine.h"|includes "consensus/engine.h", which node/query/ may not use'
  'tools/cli/table.cc|#include <graphviz/gvc.h>|includes <graphviz/gvc.h>, which tools/cli/ may not use'
)
for c in "${cases[@]}"; do
  IFS='|' read -r file line _ <<<"$c"
  echo "$line" >>"$work/$file"
done

set +e
out=$("$src/tools/check-layers" "$work" 2>&1)
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
  echo "check-layers exited $rc on a tree with wrong includes; output:"; echo "$out"; exit 1
fi
failed=0
for c in "${cases[@]}"; do
  IFS='|' read -r file line want <<<"$c"
  n=$(wc -l <"$work/$file")
  if ! grep -qF "$file:$n: $want" <<<"$out"; then
    echo "not reported: $file:$n: $want"; failed=1
  fi
done
reported=$(grep -c ': includes ' <<<"$out")
if [ "$reported" -ne "${#cases[@]}" ]; then
  echo "expected ${#cases[@]} reports, got $reported:"; echo "$out"; failed=1
fi
[ "$failed" -eq 0 ] && echo "check-layers reported all ${#cases[@]} wrong includes with file and line"
exit $failed
