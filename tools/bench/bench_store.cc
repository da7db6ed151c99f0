// tadori-bench-store: how fast ledger/store commits blocks to LevelDB.
//
// For each block size it builds signed blocks of record_event transactions (EPCIS harvesting
// events of realistic size, built before the clock starts), then times Store::CommitBlock of
// each block with its results, one state write and one index entry per transaction, synced
// and unsynced. Prints blocks/s and tx/s.
// Execution and signature checks are not included: this is the storage limit alone.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"

namespace tadori {
namespace {

struct Fixture {
  PrivateKey admin;
  PrivateKey validator;
  GenesisInfo genesis;
};

Fixture MakeFixture() {
  auto admin = PrivateKey::Generate(KeyType::kP256);
  auto validator = PrivateKey::Generate(KeyType::kP256);
  TADORI_CHECK(admin.ok() && validator.ok());
  v1::Genesis g;
  g.set_chain_id("bench");
  v1::Organization* org = g.add_organizations();
  org->set_id("farm");
  org->set_name("Farm");
  org->add_roles("producer");
  org->add_admin_public_keys(admin->public_key().ToPem());
  v1::Validator* v = g.add_validators();
  v->set_id("v0");
  v->set_org_id("farm");
  v->set_consensus_public_key(validator->public_key().ToPem());
  v->set_weight(1);
  auto sealed = SealGenesis(g);
  TADORI_CHECK(sealed.ok());
  return Fixture{*admin, *validator, *sealed};
}

std::vector<DecodedTransaction> MakeTxs(const PrivateKey& key, size_t count, size_t first) {
  std::vector<DecodedTransaction> out;
  for (size_t i = 0; i < count; ++i) {
    v1::TransactionBody body;
    body.set_chain_id("bench");
    Bytes nonce = NewNonce();
    body.set_nonce(std::string(nonce.begin(), nonce.end()));
    body.set_valid_until_height(1'000);
    // A harvesting event the size of a real one: the storage benchmark only needs bytes.
    v1::EpcisEvent* e = body.mutable_record_event()->mutable_event();
    e->set_type(v1::OBJECT_EVENT);
    e->set_event_time("2026-11-20T06:30:00+09:00");
    e->set_event_time_zone_offset("+09:00");
    e->set_action(v1::ADD);
    e->set_biz_step("harvesting");
    e->set_disposition("active");
    e->set_read_point("urn:epc:id:sgln:4569951.10001.0");
    e->set_biz_location("urn:epc:id:sgln:4569951.10001.0");
    v1::QuantityElement* q = e->add_quantity_list();
    q->set_lot_code("LOT-" + std::to_string(first + i));
    q->set_product("04569951000010");
    q->set_quantity_milli(1'000'000);
    q->set_unit("KGM");
    v1::BizTransaction* doc = e->add_biz_transaction_list();
    doc->set_type("prodorder");
    doc->set_id("KF-HARVEST-" + std::to_string(first + i));
    e->mutable_ilmd()->set_harvest_date("2026-11-20");
    e->mutable_ilmd()->set_harvest_location("urn:epc:id:sgln:4569951.10001.0");
    e->mutable_ilmd()->set_tlc_source("urn:epc:id:sgln:4569951.10001.0");
    auto tx = DecodeTransaction(SignTransaction(body, key));
    TADORI_CHECK(tx.ok());
    out.push_back(std::move(*tx));
  }
  return out;
}

void Run(const Fixture& f, size_t txs_per_block, size_t blocks, bool sync) {
  const std::string dir = "/tmp/tadori-bench-store-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  auto store = Store::Open(dir);
  TADORI_CHECK(store.ok());
  TADORI_CHECK((*store)->InitGenesis(f.genesis, {}).ok());

  // Build every block first; only commits are timed.
  struct Prepared {
    std::vector<DecodedTransaction> txs;
    v1::BlockResults results;
    WriteSet writes;
    std::vector<std::pair<std::string, std::string>> index;
  };
  std::vector<Prepared> prepared(blocks);
  for (size_t b = 0; b < blocks; ++b) {
    prepared[b].txs = MakeTxs(f.admin, txs_per_block, b * txs_per_block);
    for (const auto& tx : prepared[b].txs) {
      prepared[b].results.add_results();
      prepared[b].writes["lot/" + tx.id.Hex()] = tx.envelope.body();
      prepared[b].index.emplace_back("org/farm/" + tx.id.Hex(), tx.id.ToBinaryString());
    }
  }

  const auto start = std::chrono::steady_clock::now();
  for (size_t b = 0; b < blocks; ++b) {
    Store::Head head = (*store)->head();
    BlockDraft draft = DraftOnHead(head, "bench", f.validator.public_key().id());
    draft.timestamp_ms = static_cast<int64_t>(b);
    draft.txs = std::move(prepared[b].txs);
    DecodedBlock block = BuildBlock(draft);
    SignBlock(block, f.validator);
    Status s = (*store)->CommitBlock(block, prepared[b].results, prepared[b].writes,
                                     prepared[b].index, sync);
    TADORI_CHECK(s.ok());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  %-6s %5zu tx/block  %6zu blocks  %9.1f blocks/s  %10.0f tx/s\n",
              sync ? "sync" : "nosync", txs_per_block, blocks, blocks / seconds,
              blocks * txs_per_block / seconds);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadori

int main() {
  using tadori::Run;
  auto f = tadori::MakeFixture();
  std::printf(
      "tadori-bench-store: Store::CommitBlock (block build, sign and commit; no execution)\n");
  for (bool sync : {true, false}) {
    Run(f, 1, 500, sync);
    Run(f, 100, 100, sync);
    Run(f, 1000, 20, sync);
  }
  std::printf("  the dev node commits one block per 100 ms by default (10 blocks/s needed)\n");
  return 0;
}
