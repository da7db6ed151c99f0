// Re-verification of a stored chain (`tadori verify`): detects bit rot and tampering in a
// data directory instead of serving it.
#pragma once

#include <cstdint>
#include <functional>

#include "ledger/block.h"

#include "ledger/genesis.h"
#include "ledger/status.h"
#include "ledger/store/store.h"

namespace tadori {

struct ChainCheckReport {
  uint64_t blocks_checked = 0;
  uint64_t txs_checked = 0;
};

// How a block proves the validators agreed on it: by default a quorum of block signatures
// (VerifyBlockSignatures); a BFT chain's blocks carry a consensus certificate instead, which
// only consensus/ can check, so the caller passes that check in.
using BlockAgreementCheck = std::function<Status(const DecodedBlock&, const GenesisInfo&)>;
Status SignatureQuorum(const DecodedBlock& block, const GenesisInfo& genesis);

// Checks that the store holds `genesis` and then, for every block from 1 to Height():
// it decodes; it links to its parent (height, prev_hash, chain id); its transactions may
// commit at its height; `agreed` accepts it; its prev_result_root is the ResultRoot of
// block result_height's results; it has one result per transaction and its stored result
// root is theirs; its hash maps back to its height; every tx locator points at it. Finally
// the head record matches the last block. Returns DATA_LOSS "block 17: ..." for the first
// problem (or the store's own error), else the counts checked. Reads only; safe to run
// while the node commits (it checks up to the height it saw when it started). `progress`,
// when given, is called after every block checked with the counts so far and the height
// being checked up to (it reads no clock: the caller decides what to show).
using ChainCheckProgress = std::function<void(const ChainCheckReport& so_far, uint64_t height)>;
Result<ChainCheckReport> CheckChain(const Store& store, const GenesisInfo& genesis,
                                    const BlockAgreementCheck& agreed = SignatureQuorum,
                                    const ChainCheckProgress& progress = {});

}  // namespace tadori
