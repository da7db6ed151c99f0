// Test doubles for the validator's pure pieces: a clock moved by hand, a transport that
// records what it is asked to send, and a ProposalView whose every answer the test sets
// (including local failures), counting the signer checks it is asked for.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/hash.h"
#include "ledger/status.h"
#include "node/validator/admission.h"
#include "node/validator/clock.h"
#include "node/validator/peer_transport.h"
#include "node/validator/proposal_check.h"

namespace tadori::testing {

class ManualClock final : public Clock {
 public:
  int64_t WallMs() const override { return wall_ms; }
  int64_t SteadyMs() const override { return steady_ms; }
  void Advance(int64_t ms) {
    wall_ms += ms;
    steady_ms += ms;
  }

  int64_t wall_ms = 1'700'000'000'000;
  int64_t steady_ms = 0;
};

class RecordingTransport final : public PeerTransport {
 public:
  struct Sent {
    size_t to = 0;
    v1::PeerFrame frame;
  };

  void Send(size_t to, const v1::PeerFrame& frame) override {
    sent.push_back({to, frame});
    if (on_send) on_send(to);
  }
  void Broadcast(const v1::PeerFrame& frame) override { broadcast.push_back(frame); }
  std::vector<size_t> Connected() const override { return connected; }

  // Peers of the frames sent so far, in order.
  std::vector<size_t> Recipients() const {
    std::vector<size_t> out;
    for (const Sent& s : sent) out.push_back(s.to);
    return out;
  }

  std::vector<Sent> sent;
  std::vector<v1::PeerFrame> broadcast;
  std::vector<size_t> connected;
  std::function<void(size_t to)> on_send;  // runs after each Send (e.g. to move a clock)
};

// Every answer is a field the test sets. Heights without a root answer NOT_FOUND, as the
// store does above its head.
class FakeProposalView final : public ProposalView {
 public:
  uint64_t ExecutedHeight() const override { return executed_height; }
  Result<Hash> ResultRootAt(uint64_t height) const override {
    ++root_reads;
    if (!root_failure.ok()) return root_failure;
    auto found = roots.find(height);
    if (found == roots.end())
      return Status::NotFound("no result root at " + std::to_string(height));
    return found->second;
  }
  Result<bool> IsCommitted(const Hash& tx_id) const override {
    if (!committed_failure.ok()) return committed_failure;
    return committed.count(tx_id) > 0;
  }
  bool AdmittedHere(const DecodedTransaction& tx) const override {
    return admitted.count(tx.id) > 0;
  }
  Status CheckSigner(const DecodedTransaction& tx) override {
    ++signer_checks;
    if (admission != nullptr) return admission->CheckSigner(tx);
    auto found = signer_results.find(tx.id);
    return found == signer_results.end() ? Status::Ok() : found->second;
  }

  uint64_t executed_height = 0;
  std::map<uint64_t, Hash> roots;
  std::set<Hash> committed;
  std::set<Hash> admitted;
  std::map<Hash, Status> signer_results;  // OK for ids not listed
  Admission* admission = nullptr;         // when set, signer checks go to it instead
  Status root_failure;
  Status committed_failure;
  mutable int root_reads = 0;
  int signer_checks = 0;
};

// `s` has `code` and a message containing `reason`.
inline void ExpectStatus(const Status& s, Code code, const std::string& reason) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos)
      << "want \"" << reason << "\" in: " << s.ToString();
}

}  // namespace tadori::testing
