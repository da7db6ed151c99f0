// Signing and submitting payloads, shared by `tadori submit` and the commands that build a
// payload themselves (recall issue, pilot submit/amend/finding, readings sign --submit).
//
// Each payload gets chain id, nonce, expiry (head + kDefaultValidityBlocks) and client time
// from client::PrepareTransaction, is signed once, and is sent with client::SubmitTransaction,
// which moves on to the next node of --node when one cannot be reached (client/submit.h). A
// payload fails when the node refuses the request (gRPC error), when no node is reached,
// when the wait for the commit times out, or when it commits with a result that is not OK
// (chaincode refused it: the chain records the refusal, the intent did not happen).
// Failures are reported on stderr as one line each, as they happen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ledger/keys.h"
#include "tadori/v1/ledger.grpc.pb.h"
#include "tools/cli/cli_context.h"

namespace tadori::cli {

struct SubmitSettings {
  bool no_wait = false;
  uint32_t wait_timeout_ms = 10'000;
};

struct SubmitOutcome {
  nlohmann::json json;  // {index, payload, txId, committed, height, result} or {.., error}
  std::string line;     // the human line; empty when the request never reached the node
  bool ok = false;
};

// The key from `key_flag`, else $TADORI_KEY; errors as client::LoadPrivateKeyFile.
Result<PrivateKey> LoadSigningKey(const std::string& key_flag);

// Signs `payload` (a body with only its payload set) with `key` and submits it.
// `index` names the payload in messages and JSON.
SubmitOutcome SubmitPayload(client::NodeSet& nodes, const v1::TransactionBody& payload,
                            const PrivateKey& key, const SubmitSettings& settings, size_t index);

// For commands that submit one payload they built: loads the key, connects, submits, prints
// the outcome line (or its JSON with `json`) and returns the exit code.
int SubmitSingle(CliContext& ctx, const v1::TransactionBody& payload, const std::string& key_flag,
                 bool json);

}  // namespace tadori::cli
