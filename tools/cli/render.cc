#include "tools/cli/render.h"

#include <google/protobuf/util/json_util.h>

#include <ctime>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "tools/cli/table.h"
#include "tools/client/payload_json.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

std::string ShortHexOrDash(const std::string& bytes) {
  std::string hex = HexOrDash(bytes);
  return hex.size() > 8 ? hex.substr(0, 8) : hex;
}

// Just the payload of a body as JSON, e.g. {"lotCode":"L1",...}.
std::string PayloadJson(const v1::TransactionBody& body) {
  if (body.payload_case() == v1::TransactionBody::PAYLOAD_NOT_SET) return "-";
  const auto* field = body.GetDescriptor()->FindFieldByNumber(body.payload_case());
  if (field == nullptr) return "?";
  return ToJson(body.GetReflection()->GetMessage(body, field));
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = false;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  // Printing a well-formed in-memory message cannot fail; if it does, stay valid JSON.
  if (!status.ok()) return "{}";
  return out;
}

std::string FormatMilli(int64_t milli) {
  const bool negative = milli < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(milli) : milli;
  const uint64_t frac = magnitude % 1000;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 1000);
  out += '.';
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
  return out;
}

std::string FormatTimeMs(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  std::string out(buf, n);
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

std::string HexOrDash(const std::string& bytes) {
  return bytes.empty() ? "-" : ToHex(AsBytes(bytes));
}

std::string FormatResult(const v1::TxResult& result) {
  std::string out = client::CodeNameOf(result.code());
  if (!result.message().empty()) out += ": " + result.message();
  return out;
}

namespace {

// "leader schedule: ..." lines: which validators the node's leader schedule skips and why,
// so an operator sees a validator that is down or cut off before its rounds time out again.
std::string RenderLeaderSchedule(const v1::StatusResponse& s) {
  if (!s.has_leader_schedule()) {
    // A dev node has no schedule; a network node reports it once it holds the block of its
    // highest QC (an older node does not report it at all).
    return s.mode() == "bft" ? "leader schedule: not known yet (the node is catching up)\n" : "";
  }
  const v1::LeaderScheduleStatus& schedule = s.leader_schedule();
  std::string out;
  if (schedule.probation()) {
    out += "leader schedule: round " + std::to_string(s.round()) +
           " is in a probation rotation: every validator leads in turn, skipped ones too\n";
  }
  if (schedule.skipped_size() == 0) {
    return out + "leader schedule: every validator takes its turn\n";
  }
  for (const v1::SkippedLeader& skipped : schedule.skipped()) {
    std::string org;
    for (const v1::ValidatorStatus& v : s.validators()) {
      if (v.id() == skipped.validator_id()) org = v.org_id();
    }
    out += "leader schedule: skips " + skipped.validator_id();
    if (!org.empty()) out += " (org " + org + ")";
    out += ": " + (skipped.reason().empty() ? std::string("absent") : skipped.reason());
    out += skipped.last_seen_round() == 0
               ? " (not seen in any block read)"
               : " (last seen round " + std::to_string(skipped.last_seen_round()) + ")";
    out += '\n';
  }
  return out;
}

}  // namespace

std::string RenderStatus(const v1::StatusResponse& s) {
  std::string out = RenderFields({
      {"chain id", s.chain_id()},
      {"mode", s.mode()},
      {"validator id", s.validator_id().empty() ? "-" : s.validator_id()},
      {"height", std::to_string(s.height())},
      {"round", std::to_string(s.round())},
      // A syncing node answers queries from a chain that may be behind its peers'.
      {"syncing", s.syncing() ? "yes (queries may be behind)" : "no"},
      {"head hash", HexOrDash(s.head_hash())},
      {"genesis hash", HexOrDash(s.genesis_hash())},
      {"mempool", std::to_string(s.mempool_size()) + " txs"},
      // "policy", or "open (no client TLS)": whether this node tells callers apart.
      {"clients", s.client_access().empty() ? "-" : s.client_access()},
      {"version", s.version()},
  });
  out += RenderLeaderSchedule(s);
  out += "\nvalidators (" + std::to_string(s.validators_size()) + ")\n";
  Table table({"ID", "ORG", "KEY ID", "ADDRESS"});
  for (const auto& v : s.validators()) {
    table.AddRow(
        {v.id(), v.org_id(), HexOrDash(v.key_id()), v.address().empty() ? "-" : v.address()});
  }
  out += table.Render();
  // A dev node has no peers; the section appears only on a network.
  if (s.peers_size() == 0) return out;
  int connected = 0;
  Table peers({"VALIDATOR", "ADDRESS", "STATE"});
  for (const auto& p : s.peers()) {
    connected += p.connected() ? 1 : 0;
    peers.AddRow({p.validator_id().empty() ? "-" : p.validator_id(),
                  p.address().empty() ? "-" : p.address(),
                  p.connected() ? "connected" : "disconnected"});
  }
  out += "\npeers (" + std::to_string(connected) + " of " + std::to_string(s.peers_size()) +
         " connected)\n";
  return out + peers.Render();
}

std::string RenderBlock(const v1::GetBlockResponse& b) {
  const v1::BlockHeader& h = b.header();
  std::string out = RenderFields({
      {"height", std::to_string(h.height())},
      {"hash", HexOrDash(b.hash())},
      {"chain id", h.chain_id()},
      {"round", std::to_string(h.round())},
      {"prev hash", HexOrDash(h.prev_hash())},
      {"tx root", HexOrDash(h.tx_root())},
      {"prev result root", HexOrDash(h.prev_result_root())},
      {"proposer", HexOrDash(h.proposer())},
      {"time", FormatTimeMs(h.timestamp_ms())},
      {"transactions", std::to_string(b.block().txs_size())},
      {"signatures", std::to_string(b.block().signatures_size())},
  });
  if (b.block().txs_size() == 0) return out;
  Table table({"#", "TX ID", "SIGNER", "PAYLOAD", "RESULT"});
  for (int i = 0; i < b.block().txs_size(); ++i) {
    const v1::SignedTransaction& tx = b.block().txs(i);
    v1::TransactionBody body;
    const std::string payload =
        body.ParseFromString(tx.body()) ? std::string(client::PayloadName(body)) : "undecodable";
    const std::string result = i < b.results_size() ? FormatResult(b.results(i)) : "-";
    table.AddRow({std::to_string(i), Sha256(AsBytes(tx.body())).Hex(),
                  ShortHexOrDash(tx.signer_key_id()), payload, result});
  }
  return out + "\n" + table.Render();
}

std::string RenderBlockLine(const v1::GetBlockResponse& b) {
  size_t ok = 0;
  for (const auto& r : b.results()) ok += r.code() == 0 ? 1 : 0;
  const size_t refused = static_cast<size_t>(b.results_size()) - ok;
  return "height " + std::to_string(b.header().height()) + "  hash " + ShortHexOrDash(b.hash()) +
         "  " + FormatTimeMs(b.header().timestamp_ms()) + "  txs " +
         std::to_string(b.block().txs_size()) + "  ok " + std::to_string(ok) + "  refused " +
         std::to_string(refused);
}

std::string RenderTransaction(const v1::GetTransactionResponse& t) {
  const v1::TransactionBody& body = t.body();
  return RenderFields({
      {"tx id", Sha256(AsBytes(t.tx().body())).Hex()},
      {"height", std::to_string(t.height()) + " (index " + std::to_string(t.index()) + ")"},
      {"block hash", HexOrDash(t.block_hash())},
      {"signer key id", HexOrDash(t.tx().signer_key_id())},
      {"chain id", body.chain_id()},
      {"nonce", HexOrDash(body.nonce())},
      {"valid until", "height " + std::to_string(body.valid_until_height())},
      {"created at", FormatTimeMs(body.created_at_ms()) + " (client clock)"},
      {"payload", std::string(client::PayloadName(body))},
      {"", PayloadJson(body)},
      {"result", FormatResult(t.result())},
  });
}

}  // namespace tadori::cli
