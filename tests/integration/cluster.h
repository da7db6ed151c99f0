// A local BFT network of real tadorid processes for integration tests: a consortium written
// by `tadori network new`'s own code (WriteConsortium) on free loopback ports, one process per
// validator, each with its real TLS identity and LevelDB data directory.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "tests/integration/node_process.h"
#include "tests/support/temp_dir.h"
#include "tools/cli/consortium.h"

namespace tadori::testing {

class Cluster {
 public:
  // Writes the consortium (orgs organisations, one validator each); starts nothing.
  explicit Cluster(int orgs = 4) : Cluster(orgs, orgs) {}
  // The first validator_orgs organisations run one validator each; the others are members.
  // `observers` observer nodes (`network new --observers`) follow the validators.
  Cluster(int orgs, int validator_orgs, int observers = 0);
  ~Cluster();

  size_t size() const { return nodes_.size(); }
  const cli::ConsortiumLayout& layout() const { return layout_; }
  const GenesisInfo& genesis() const { return *genesis_; }
  const std::string& dir() const { return dir_.path(); }

  // Start waits until the node answers Status; false when it exits or does not answer.
  bool Start(size_t i);
  bool StartAll();
  void Kill(size_t i);  // SIGKILL
  int Stop(size_t i);   // SIGTERM; the exit status
  // Removes validator i's data directory (stop it first).
  void Wipe(size_t i);
  NodeProcess& node(size_t i) { return nodes_[i]; }
  // Observer k (0-based); its stubs present its own observer certificate.
  NodeProcess& observer(size_t k) { return observers_[k]; }
  bool StartObserver(size_t k) { return observers_[k].Start(30'000); }

  // Validator i's directory: DIR/<org>/<validator>/ (node.crt, node.key, consensus.key, ...).
  std::string ValidatorDir(size_t i) const;
  std::string DataDir(size_t i) const { return ValidatorDir(i) + "/data"; }
  std::string AdminKeyPath(size_t org) const;
  PrivateKey AdminKey(size_t org) const;

  // Client identities: a member of organisation `org` (its client.crt, naming its admin key),
  // and a caller with no certificate. Validators' own stubs present their node certificate.
  ClientTls MemberTls(size_t org) const;
  ClientTls AnonymousTls() const;

  // The committed height validator i reports (0 when it does not answer).
  uint64_t Height(size_t i);
  // Waits until every running validator in `which` reports at least `height`. An idle
  // network makes no blocks: a test that needs heights to grow makes traffic (Traffic below,
  // or WaitForHeightWithTraffic).
  bool WaitForHeight(const std::vector<size_t>& which, uint64_t height, int timeout_ms);
  // Submits one transaction, without waiting for its commit, to the first validator in
  // `which` that takes it: a product registration signed by organisation 0 (a producer),
  // which only needs to be carried by a block, whatever its result. False when none took it.
  bool SubmitOne(const std::vector<size_t>& which);
  // WaitForHeight while a Traffic to `which` runs.
  bool WaitForHeightWithTraffic(const std::vector<size_t>& which, uint64_t height, int timeout_ms);
  // The value of one metric sample of validator i, e.g.
  // "tadori_rejected_messages_total{reason=\"bad_signature\"}"; -1 when absent or unreachable.
  int64_t Metric(size_t i, const std::string& sample);

 private:
  TempDir dir_;
  cli::ConsortiumLayout layout_;
  std::optional<GenesisInfo> genesis_;
  std::vector<NodeProcess> nodes_;
  std::vector<NodeProcess> observers_;
};

// While it lives, a thread submits one transaction every `interval_ms` to the first running
// validator in `which` that takes it (Cluster::SubmitOne).
class Traffic {
 public:
  Traffic(Cluster& cluster, std::vector<size_t> which, int interval_ms = 200);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;
  uint64_t submitted() const { return submitted_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> submitted_{0};
  std::thread thread_;
};

}  // namespace tadori::testing
