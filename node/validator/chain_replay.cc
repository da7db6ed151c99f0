#include "node/validator/chain_replay.h"

#include <optional>
#include <string>

#include "chaincode/chaincode.h"
#include "ledger/block.h"
#include "ledger/utf8.h"
#include "node/validator/executor.h"

namespace tadori {
namespace {

// "NOT_FOUND \"lot x is not registered\"": a stored code may be any number (the record could be
// damaged), so codes outside gRPC's range print as numbers.
std::string Describe(const v1::TxResult& result) {
  constexpr uint32_t kLastCode = static_cast<uint32_t>(Code::kUnauthenticated);
  std::string out = result.code() <= kLastCode
                        ? std::string(CodeName(static_cast<Code>(result.code())))
                        : "code " + std::to_string(result.code());
  if (!result.message().empty()) out += " \"" + PrintableExcerpt(result.message(), 120) + "\"";
  return out;
}

Status Lost(uint64_t height, const Status& s) {
  return Status::DataLoss("block " + std::to_string(height) + ": " + s.ToString());
}

}  // namespace

Result<ReplayReport> ReplayChain(const Store& stored, const GenesisInfo& genesis, Store& into,
                                 const ReplayProgressFn& progress) {
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> into_genesis, into.GenesisBytes());
  if (into_genesis) {
    return Status::FailedPrecondition("the store to replay into already holds a chain");
  }
  Result<WriteSet> genesis_state = GenesisState(genesis.genesis);
  if (!genesis_state.ok()) return genesis_state.status().WithContext("genesis state");
  TADORI_RETURN_IF_ERROR(into.InitGenesis(genesis, *genesis_state));

  ReplayReport report;
  const uint64_t total = stored.Height();
  for (uint64_t height = 1; height <= total; ++height) {
    Result<v1::Block> raw = stored.GetBlock(height);
    if (!raw.ok()) return Lost(height, raw.status());
    Result<DecodedBlock> block = DecodeBlock(*raw);
    if (!block.ok()) return Lost(height, block.status());
    Result<v1::BlockResults> results = stored.GetResults(height);
    if (!results.ok()) return Lost(height, results.status());
    if (static_cast<size_t>(results->results_size()) != block->txs.size()) {
      return Status::DataLoss("block " + std::to_string(height) + " has " +
                              std::to_string(block->txs.size()) + " transactions but " +
                              std::to_string(results->results_size()) + " stored results");
    }
    Result<ExecutedBlock> executed =
        ExecuteBlock(into.state(), height, block->header.timestamp_ms(), block->txs);
    if (!executed.ok()) {
      return executed.status().WithContext("re-executing block " + std::to_string(height));
    }
    for (size_t i = 0; i < block->txs.size(); ++i) {
      const v1::TxResult& was = results->results(static_cast<int>(i));
      const v1::TxResult& now = executed->results.results(static_cast<int>(i));
      // Codes only, as the result root: a message is text a later version may reword.
      if (was.code() != now.code()) {
        return Status::DataLoss("block " + std::to_string(height) + " tx " + std::to_string(i) +
                                " (" + block->txs[i].id.Hex() + "): stored result " +
                                Describe(was) + " but re-execution gives " + Describe(now));
      }
    }
    Status s = into.CommitBlock(*block, executed->results, executed->writes, executed->index,
                                /*sync=*/false);
    if (!s.ok()) return s.WithContext("replaying block " + std::to_string(height));
    report.blocks++;
    report.txs += block->txs.size();
    if (progress) progress(ReplayProgress{report.blocks, total, report.txs});
  }
  return report;
}

}  // namespace tadori
