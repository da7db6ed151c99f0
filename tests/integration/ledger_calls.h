// Small synchronous helpers the integration tests share: keys, transaction bodies, Submit,
// Status, and payloads read from the sample data in tools/data (protobuf JSON).
#pragma once

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/files.h"
#include "ledger/keys.h"
#include "ledger/transaction.h"
#include "node/daemon/dev_identity.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori::testing {

inline PrivateKey LoadKey(const std::string& path) {
  auto pem = ReadFileToString(path, 8192);
  EXPECT_TRUE(pem.ok()) << pem.status().ToString();
  auto key = PrivateKey::FromPem(pem.ok() ? *pem : std::string());
  EXPECT_TRUE(key.ok()) << path << ": " << key.status().ToString();
  return *key;
}

// `payload` (only its payload set) made into a body of the dev chain, valid until `valid_until`.
inline v1::TransactionBody DevBody(const v1::TransactionBody& payload, uint64_t valid_until) {
  v1::TransactionBody body = payload;
  body.set_chain_id(kDevChainId);
  const Bytes nonce = NewNonce();
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(valid_until);
  return body;
}

inline grpc::Status Submit(v1::Ledger::Stub& stub, const v1::SignedTransaction& tx, bool wait,
                           v1::SubmitResponse* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::SubmitRequest req;
  *req.mutable_tx() = tx;
  req.set_wait_for_commit(wait);
  return stub.Submit(&ctx, req, resp);
}

inline uint64_t Height(v1::Ledger::Stub& stub) {
  grpc::ClientContext ctx;
  v1::StatusResponse resp;
  EXPECT_TRUE(stub.Status(&ctx, v1::StatusRequest(), &resp).ok());
  return resp.height();
}

// Signs `payload` with `key`, submits it, waits for the commit and returns the reply; the
// RPC must succeed and commit (the chaincode result is the caller's to check).
inline v1::SubmitResponse Commit(v1::Ledger::Stub& stub, const v1::TransactionBody& payload,
                                 const PrivateKey& key) {
  v1::SubmitResponse resp;
  const grpc::Status s =
      Submit(stub, SignTransaction(DevBody(payload, Height(stub) + 100), key), true, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(resp.committed());
  return resp;
}

// The result code a committed transaction got, as a gRPC code.
inline grpc::StatusCode ResultCode(const v1::SubmitResponse& resp) {
  return static_cast<grpc::StatusCode>(resp.result().code());
}

// A harvesting event (EPCIS ObjectEvent ADD) creating lot `code` of 5 t of `gtin`, with the
// FSMA 204 harvesting KDEs.
inline v1::TransactionBody HarvestPayload(const std::string& code, const std::string& gtin) {
  v1::TransactionBody p;
  v1::EpcisEvent* e = p.mutable_record_event()->mutable_event();
  e->set_type(v1::OBJECT_EVENT);
  e->set_event_time("2026-11-20T06:30:00+09:00");
  e->set_event_time_zone_offset("+09:00");
  e->set_action(v1::ADD);
  e->set_biz_step("harvesting");
  e->set_read_point("urn:epc:id:sgln:0614141.00001.0");
  e->set_biz_location("urn:epc:id:sgln:0614141.00001.0");
  v1::QuantityElement* q = e->add_quantity_list();
  q->set_lot_code(code);
  q->set_product(gtin);
  q->set_quantity_milli(5'000'000);
  q->set_unit("KGM");
  v1::BizTransaction* doc = e->add_biz_transaction_list();
  doc->set_type("prodorder");
  doc->set_id("H-" + code);
  e->mutable_ilmd()->set_harvest_date("2026-11-20");
  e->mutable_ilmd()->set_harvest_location("urn:epc:id:sgln:0614141.00001.0");
  e->mutable_ilmd()->set_tlc_source("urn:epc:id:sgln:0614141.00001.0");
  return p;
}

inline v1::TransactionBody ProductPayload(const std::string& gtin) {
  v1::TransactionBody p;
  p.mutable_register_product()->set_gtin(gtin);
  p.mutable_register_product()->set_description("Tomatoes, round");
  p.mutable_register_product()->set_on_food_traceability_list(true);
  return p;
}

// tools/data in the source tree. TADORI_SOURCE_DIR comes from CMake: __FILE__ may be a path
// relative to the build directory (ccache's base_dir rewrites it), which tests cannot use.
inline std::filesystem::path SampleDataDir() {
  return std::filesystem::path(TADORI_SOURCE_DIR) / "tools/data";
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A protobuf message from its JSON text; a parse failure fails the test.
template <typename Message>
Message FromJson(const std::string& json) {
  Message m;
  const auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << json.substr(0, 200);
  return m;
}

// The payloads of a sample file: one object or an array of them.
inline std::vector<v1::TransactionBody> PayloadsFromFile(const std::filesystem::path& path) {
  const nlohmann::json doc = nlohmann::json::parse(ReadText(path));
  std::vector<v1::TransactionBody> out;
  if (doc.is_array()) {
    for (const auto& entry : doc) out.push_back(FromJson<v1::TransactionBody>(entry.dump()));
  } else {
    out.push_back(FromJson<v1::TransactionBody>(doc.dump()));
  }
  return out;
}

}  // namespace tadori::testing
