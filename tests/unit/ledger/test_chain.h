// Test fixtures shared by the ledger codec, store and chain-check tests: a consortium with
// freshly generated keys, signed transactions and quorum-signed blocks.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"
#include "ledger/transaction.h"
#include "tests/support/temp_dir.h"

namespace tadori::testing {

inline PrivateKey NewKey(KeyType type = KeyType::kP256) {
  Result<PrivateKey> key = PrivateKey::Generate(type);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

struct TestNetwork {
  v1::Genesis genesis_message;
  GenesisInfo genesis;
  std::vector<PrivateKey> validator_keys;
  PrivateKey admin;  // admin of org "farm"
};

// One org "farm" (producer) with one admin, and `validators` validators.
inline v1::Genesis GenesisMessage(const std::string& chain_id,
                                  const std::vector<PrivateKey>& validator_keys,
                                  const PrivateKey& admin) {
  v1::Genesis g;
  g.set_chain_id(chain_id);
  g.set_genesis_time_ms(1'700'000'000'000);
  v1::Organization* org = g.add_organizations();
  org->set_id("farm");
  org->set_name("Farm Co");
  org->add_roles("producer");
  org->add_admin_public_keys(admin.public_key().ToPem());
  for (size_t i = 0; i < validator_keys.size(); ++i) {
    v1::Validator* v = g.add_validators();
    v->set_id(std::string("v").append(std::to_string(i)));
    v->set_org_id("farm");
    v->set_consensus_public_key(validator_keys[i].public_key().ToPem());
    v->set_address(std::string("127.0.0.1:").append(std::to_string(7000 + i)));
  }
  return g;
}

inline TestNetwork MakeNetwork(size_t validators, const std::string& chain_id = "test-chain") {
  std::vector<PrivateKey> keys;
  for (size_t i = 0; i < validators; ++i) keys.push_back(NewKey());
  PrivateKey admin = NewKey();
  v1::Genesis g = GenesisMessage(chain_id, keys, admin);
  Result<GenesisInfo> info = SealGenesis(g);
  EXPECT_TRUE(info.ok()) << info.status().ToString();
  return TestNetwork{g, std::move(info).value(), std::move(keys), admin};
}

inline v1::TransactionBody CreateLotBody(const std::string& chain_id, uint64_t valid_until,
                                         const std::string& lot_code) {
  v1::TransactionBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(ToString(NewNonce()));
  body.set_valid_until_height(valid_until);
  body.set_created_at_ms(1'700'000'000'000);
  v1::EpcisEvent* event = body.mutable_record_event()->mutable_event();
  event->set_type(v1::OBJECT_EVENT);
  event->set_action(v1::ADD);
  event->set_biz_step("harvesting");
  event->set_event_time("2026-11-20T06:30:00+09:00");
  event->set_event_time_zone_offset("+09:00");
  event->set_biz_location("urn:epc:id:sgln:4912345.00001.0");
  v1::QuantityElement* q = event->add_quantity_list();
  q->set_lot_code(lot_code);
  q->set_product("4912345000019");
  q->set_quantity_milli(1'000'000);
  q->set_unit("KGM");
  return body;
}

inline DecodedTransaction MakeTx(const PrivateKey& key, const std::string& chain_id,
                                 uint64_t valid_until, const std::string& lot_code) {
  Result<DecodedTransaction> tx =
      DecodeTransaction(SignTransaction(CreateLotBody(chain_id, valid_until, lot_code), key));
  EXPECT_TRUE(tx.ok()) << tx.status().ToString();
  return std::move(tx).value();
}

// Results that say every transaction succeeded.
inline v1::BlockResults OkResults(size_t count) {
  v1::BlockResults results;
  for (size_t i = 0; i < count; ++i) results.add_results()->set_code(0);
  return results;
}

inline Hash ResultRootOf(const DecodedBlock& block, const v1::BlockResults& results) {
  std::vector<Hash> ids;
  for (const DecodedTransaction& tx : block.txs) ids.push_back(tx.id);
  std::vector<v1::TxResult> list(results.results().begin(), results.results().end());
  return ResultRoot(ids, list);
}

// Block `height` after (prev_hash, prev_result_root) with `tx_count` fresh transactions,
// signed by the first `signers` validators (all of them when signers is SIZE_MAX).
inline DecodedBlock MakeBlock(const TestNetwork& net, uint64_t height, const Hash& prev_hash,
                              const Hash& prev_result_root, size_t tx_count,
                              size_t signers = SIZE_MAX) {
  BlockDraft draft;
  draft.chain_id = net.genesis.genesis.chain_id();
  draft.height = height;
  draft.round = height;
  draft.prev_hash = prev_hash;
  draft.prev_result_root = prev_result_root;
  draft.result_height = height - 1;
  draft.proposer = net.validator_keys[0].public_key().id();
  draft.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(height);
  for (size_t i = 0; i < tx_count; ++i) {
    draft.txs.push_back(MakeTx(net.admin, draft.chain_id, height + 100,
                               "lot-" + std::to_string(height) + "-" + std::to_string(i)));
  }
  DecodedBlock block = BuildBlock(draft);
  for (size_t i = 0; i < net.validator_keys.size() && i < signers; ++i) {
    SignBlock(block, net.validator_keys[i]);
  }
  return block;
}

}  // namespace tadori::testing
