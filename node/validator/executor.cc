#include "node/validator/executor.h"

#include "chaincode/chaincode.h"

namespace tadori {

Result<ExecutedBlock> ExecuteBlock(const StateReader& committed, uint64_t height,
                                   int64_t block_time_ms, std::span<const DecodedTransaction> txs) {
  ExecutedBlock out;
  StateView block_view(committed);
  for (const DecodedTransaction& tx : txs) {
    StateView tx_view(block_view.Over());
    TxContext ctx;
    ctx.tx_id = tx.id;
    ctx.signer = tx.signer_key_id;
    ctx.height = height;
    ctx.block_time_ms = block_time_ms;
    ctx.index = static_cast<uint32_t>(out.results.results_size());
    v1::TxResult result = Execute(ctx, tx.body, tx_view);
    if (IsLocalFailure(result)) {
      return Status::Internal("executing transaction " + tx.id.Hex() + ": " + result.message());
    }
    if (result.code() == 0) block_view.Absorb(tx_view);
    *out.results.add_results() = std::move(result);
  }
  out.writes = block_view.writes();
  out.index = block_view.index_entries();
  return out;
}

}  // namespace tadori
