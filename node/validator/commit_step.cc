#include "node/validator/commit_step.h"

#include <string>
#include <vector>

#include "node/validator/executor.h"

namespace tadori {

Result<CommitOutcome> CommitStep(Store& store, Mempool& mempool, CommitFeed& feed,
                                 const DecodedBlock& block) {
  const uint64_t height = block.header.height();
  const std::string what = "committing block " + std::to_string(height);
  Result<ExecutedBlock> executed =
      ExecuteBlock(store.state(), height, block.header.timestamp_ms(), block.txs);
  if (!executed.ok()) return executed.status().WithContext(what);
  Status s = store.CommitBlock(block, executed->results, executed->writes, executed->index,
                               /*sync=*/true);
  if (!s.ok()) return s.WithContext(what);

  std::vector<Hash> ids;
  std::vector<v1::TxResult> results;
  ids.reserve(block.txs.size());
  results.reserve(block.txs.size());
  for (size_t i = 0; i < block.txs.size(); ++i) {
    ids.push_back(block.txs[i].id);
    results.push_back(executed->results.results(static_cast<int>(i)));
  }
  feed.Publish(height, ids, results);
  mempool.Remove(ids);
  return CommitOutcome{height, ids.size()};
}

}  // namespace tadori
