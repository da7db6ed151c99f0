// Ledger.Capture: the transactions of an EPCIS document capture, one CaptureEpcisEvent per
// event (ledger.proto). Each is checked here before admission so that the client learns at
// once what chaincode would refuse anyway: an event that does not map (the same
// epcis::MapEvent chaincode runs), and an event captured before, by eventID or by event hash,
// on the chain or earlier in the same request (ALREADY_EXISTS naming that transaction, which
// is what makes re-running a document safe). Then each is admitted exactly as Submit admits.
// Two captures of one event pending at once are still told apart by chaincode, which refuses
// the second when it executes.
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "chaincode/chaincode.h"
#include "ledger/epcis/capture.h"
#include "ledger/limits.h"
#include "ledger/transaction.h"
#include "node/api/call_place.h"
#include "node/api/ledger_service.h"
#include "node/net/grpc_status.h"

namespace tadori {

namespace {

constexpr uint32_t kCaptureWaitMsDefault = 10'000;

uint32_t CodeOf(Code code) {
  return static_cast<uint32_t>(code);
}

void SetOutcome(v1::CaptureOutcome& out, const tadori::Status& status) {
  out.set_code(CodeOf(status.code()));
  out.set_message(std::string(status.message()));
}

// "pointer: message; ..." for at most kCaptureProblemsListedMax problems and
// kCaptureMessageBytesMax bytes, then how many were left out.
std::string JoinProblems(const std::vector<epcis::Problem>& problems) {
  std::string out = "the event does not map: ";
  size_t listed = 0;
  for (const epcis::Problem& p : problems) {
    std::string line = (p.pointer.empty() ? std::string("(event)") : p.pointer) + ": " + p.message;
    if (listed == kCaptureProblemsListedMax ||
        out.size() + line.size() + 2 > kCaptureMessageBytesMax - 64) {
      break;
    }
    if (listed > 0) out += "; ";
    out += line;
    ++listed;
  }
  if (listed < problems.size()) {
    out += "; and " + std::to_string(problems.size() - listed) + " more";
  }
  return out;
}

// The transactions of this request admitted so far, by what identifies their event.
struct SeenInRequest {
  std::map<std::string, Hash> by_event_id;
  std::map<std::string, Hash> by_event_hash;
};

// The commit-feed outcomes of a waiting Capture's transactions, by their index in the
// request; shared with the feed's callbacks, which may outlive the call.
struct CaptureWaits {
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, CommitFeed::TxWait> ended;
};

// What identifies a checked transaction's event, recorded once it is admitted.
struct EventKeys {
  // Both empty for an error declaration: it repeats the declared event's id and content.
  std::string event_id;
  std::string event_hash;
};

std::string Named(std::string_view what, std::string_view value) {
  return std::string(what) + " " + std::string(value);
}

// ALREADY_EXISTS for an event already on the chain, when it is; `what` names the match.
bool AlreadyCaptured(const Result<std::optional<v1::EventRef>>& found, const Hash& id,
                     const std::string& what, v1::CaptureOutcome& out) {
  if (!found.ok()) {
    SetOutcome(out, found.status());
    return true;
  }
  if (!found->has_value()) return false;
  const v1::EventRef& ref = **found;
  auto original = Hash::FromBytes(AsBytes(ref.tx_id()));
  const std::string original_hex = original.ok() ? original->Hex() : std::string("(unreadable)");
  out.set_code(CodeOf(Code::kAlreadyExists));
  out.set_original_tx_id(ref.tx_id());
  if (original.ok() && *original == id) {
    out.set_message("transaction " + id.Hex() + " already committed at height " +
                    std::to_string(ref.height()));
  } else {
    out.set_message(what + " already captured by transaction " + original_hex + " at height " +
                    std::to_string(ref.height()));
  }
  return true;
}

bool AlreadyInRequest(const std::map<std::string, Hash>& seen, const std::string& key,
                      const std::string& what, v1::CaptureOutcome& out) {
  auto it = seen.find(key);
  if (it == seen.end()) return false;
  out.set_code(CodeOf(Code::kAlreadyExists));
  out.set_original_tx_id(it->second.ToBinaryString());
  out.set_message(what + " already captured by transaction " + it->second.Hex() +
                  ", earlier in this request");
  return true;
}

// The checks of one transaction before admission: its event's keys, or nullopt (with `out`
// filled) when it is answered without being admitted.
std::optional<EventKeys> CheckCapture(const v1::SignedTransaction& tx, const StateReader& state,
                                      const SeenInRequest& seen, v1::CaptureOutcome& out) {
  const Hash id = Sha256(AsBytes(tx.body()));
  out.set_tx_id(id.ToBinaryString());
  Result<DecodedTransaction> decoded = DecodeTransaction(tx);
  if (!decoded.ok()) {
    SetOutcome(out, decoded.status());
    return std::nullopt;
  }
  if (decoded->body.payload_case() != v1::TransactionBody::kCaptureEpcisEvent) {
    SetOutcome(out, tadori::Status::InvalidArgument(
                        "Capture takes capture_epcis_event transactions only; send other "
                        "payloads with Submit"));
    return std::nullopt;
  }
  const v1::CaptureEpcisEvent& capture = decoded->body.capture_epcis_event();
  epcis::MapOutcome mapped = epcis::MapEvent(capture.context_json(), capture.event_json());
  if (!mapped.event.has_value()) {
    SetOutcome(out, tadori::Status::InvalidArgument(mapped.problems.empty()
                                                        ? std::string("the event does not map")
                                                        : JoinProblems(mapped.problems)));
    return std::nullopt;
  }
  const v1::CapturedEpcis& kept = mapped.event->kept;
  // A declaration names the captured event by its eventID on purpose; whether it was
  // already declared is chaincode's to say (it reads the declared event).
  const bool declaration = mapped.event->error_declaration.has_value();
  const std::string by_id = Named("eventID", kept.event_id());
  const std::string by_hash = Named("an event with the same content, hash", kept.event_hash());
  if (!declaration && !kept.event_id().empty()) {
    if (AlreadyCaptured(FindCapturedEventById(state, kept.event_id()), id, by_id, out) ||
        AlreadyInRequest(seen.by_event_id, kept.event_id(), by_id, out)) {
      return std::nullopt;
    }
  }
  // A declaration also repeats the declared event's content, hence its hash.
  if (!declaration && !kept.event_hash().empty()) {
    if (AlreadyCaptured(FindCapturedEventByHash(state, kept.event_hash()), id, by_hash, out) ||
        AlreadyInRequest(seen.by_event_hash, kept.event_hash(), by_hash, out)) {
      return std::nullopt;
    }
  }
  if (declaration) return EventKeys{};
  return EventKeys{kept.event_id(), kept.event_hash()};
}

}  // namespace

grpc::Status LedgerService::Capture(grpc::ServerContext* context, const v1::CaptureRequest* request,
                                    v1::CaptureResponse* response) {
  auto caller = ctx_.access.Admit(context, ClientMethod::kCapture);
  if (!caller.ok()) return ToGrpc(caller.status());
  if (request->txs_size() == 0) {
    return ToGrpc(tadori::Status::InvalidArgument("txs is empty: give 1 to " +
                                                  std::to_string(kCaptureTxsMax) +
                                                  " capture_epcis_event transactions"));
  }
  if (static_cast<size_t>(request->txs_size()) > kCaptureTxsMax) {
    return ToGrpc(tadori::Status::InvalidArgument(
        std::to_string(request->txs_size()) + " transactions in one request, more than " +
        std::to_string(kCaptureTxsMax) + "; send the document in several requests"));
  }
  if (request->wait_timeout_ms() > kSubmitWaitMsMax) {
    return ToGrpc(tadori::Status::InvalidArgument("wait_timeout_ms is at most " +
                                                  std::to_string(kSubmitWaitMsMax)));
  }
  const bool wait = request->wait_for_commit();
  // One place for the whole request: it holds one server thread however many it waits for.
  CallPlace place(submits_waiting_, wait ? ctx_.submit_waiters_max : SIZE_MAX);
  if (!place.held()) return ToGrpc(WaitersFull("capture without wait_for_commit"));
  const uint32_t wait_ms =
      request->wait_timeout_ms() == 0 ? kCaptureWaitMsDefault : request->wait_timeout_ms();
  const auto deadline = CommitFeed::Clock::now() + std::chrono::milliseconds(wait_ms);
  auto waits = std::make_shared<CaptureWaits>();

  SeenInRequest seen;
  std::vector<std::optional<CommitFeed::Token>> tokens(static_cast<size_t>(request->txs_size()));
  std::vector<Hash> ids(static_cast<size_t>(request->txs_size()));
  for (int i = 0; i < request->txs_size(); ++i) {
    v1::CaptureOutcome* out = response->add_outcomes();
    std::optional<EventKeys> keys = CheckCapture(request->txs(i), ctx_.store.state(), seen, *out);
    if (!keys.has_value()) continue;
    Result<DecodedTransaction> admitted = Admit(request->txs(i));
    if (!admitted.ok()) {
      SetOutcome(*out, admitted.status());
      continue;
    }
    const Hash id = admitted->id;
    ids[static_cast<size_t>(i)] = id;
    std::optional<CommitFeed::Token> token;
    if (wait) {
      // Subscribed before the transaction enters the mempool: its commit cannot be missed.
      token = ctx_.feed.Subscribe(id, deadline, [waits, i](const CommitFeed::TxWait& ended) {
        {
          std::lock_guard lock(waits->mu);
          waits->ended.emplace(i, ended);
        }
        waits->cv.notify_all();
      });
      if (!token) {
        SetOutcome(*out, NodeStopping(id));
        continue;
      }
    }
    tadori::Status queued = Enqueue(std::move(admitted).value(), request->txs(i));
    if (!queued.ok() && (!token || ctx_.feed.Cancel(*token))) {
      SetOutcome(*out, queued);
      continue;
    }
    if (!keys->event_id.empty()) seen.by_event_id.emplace(keys->event_id, id);
    if (!keys->event_hash.empty()) seen.by_event_hash.emplace(keys->event_hash, id);
    tokens[static_cast<size_t>(i)] = token;
  }
  if (!wait) return grpc::Status::OK;

  // Every subscription is answered by the feed (commit, deadline or shutdown); the client
  // leaving is noticed within kCancelPollInterval.
  size_t waited = 0;
  for (const auto& token : tokens) waited += token.has_value() ? 1 : 0;
  bool cancelled = false;
  {
    std::unique_lock lock(waits->mu);
    while (waits->ended.size() < waited) {
      waits->cv.wait_for(lock, kCancelPollInterval);
      if (context != nullptr && context->IsCancelled()) {
        cancelled = true;
        break;
      }
    }
  }
  if (cancelled) {
    for (const auto& token : tokens) {
      if (token) ctx_.feed.Cancel(*token);
    }
    return grpc::Status::CANCELLED;
  }
  std::lock_guard lock(waits->mu);
  for (const auto& [i, ended] : waits->ended) {
    v1::CaptureOutcome* out = response->mutable_outcomes(i);
    const Hash& id = ids[static_cast<size_t>(i)];
    switch (ended.end) {
      case CommitFeed::TxWaitEnd::kCommitted:
        out->set_committed(true);
        out->set_height(ended.outcome.height);
        *out->mutable_result() = ended.outcome.result;
        break;
      case CommitFeed::TxWaitEnd::kDeadline:
        SetOutcome(*out, NotCommittedWithin(id, wait_ms));
        break;
      case CommitFeed::TxWaitEnd::kShutdown:
        SetOutcome(*out, NodeStopping(id));
        break;
    }
  }
  return grpc::Status::OK;
}

}  // namespace tadori
