// Who calls the client API: the caller's identity from its TLS client certificate
// (ledger/client_identity.h), checked against ledger state, and how the services ask the read
// policy (node/query/read_policy.h) and audit reads.
//
// CallerIdentifier turns gRPC's auth context into a ApiCaller. No certificate: anonymous. A
// certificate IdentifyClient refuses, or a member key that is not registered to that
// organisation (unknown_member) or is revoked (revoked), is UNAUTHENTICATED with the reason,
// counted by reason. The certificate checks (parsing, the CA signature) are cached by the
// certificate's SHA-256, bounded in entries and bytes and kept kIdentityCacheTtl, so a
// connection's calls cost a hash and a map lookup; the member record is read on every call,
// so a revocation takes effect at the next call.
//
// ClientAccess is what a service holds: how to identify (empty: the API is plaintext on
// loopback and every caller is ApiCaller::Open()), the policy and the audit. Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/client_identity.h"
#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/store/store.h"
#include "node/query/read_policy.h"

namespace tadori {

inline constexpr size_t kIdentityCacheEntriesMax = 4096;
inline constexpr size_t kIdentityCacheBytesMax = 8 * 1024 * 1024;
inline constexpr std::chrono::seconds kIdentityCacheTtl{300};

// Every reason a client certificate is refused for, as metric labels.
inline constexpr std::array<std::string_view, 8> kClientRefusalReasons = {
    "not_pem",        "bad_subject", "unknown_issuer", "expired", "observer_not_allowed",
    "unknown_member", "revoked",     "other"};

class CallerIdentifier {
 public:
  struct Limits {
    size_t entries_max = kIdentityCacheEntriesMax;
    size_t bytes_max = kIdentityCacheBytesMax;
    std::chrono::seconds ttl = kIdentityCacheTtl;
  };
  // `genesis` and `store` must outlive the identifier.
  CallerIdentifier(const GenesisInfo& genesis, const Store& store, Limits limits);
  CallerIdentifier(const GenesisInfo& genesis, const Store& store)
      : CallerIdentifier(genesis, store, Limits()) {}

  // The caller of a call on the TLS client API (the x509_pem_cert of its auth context).
  Result<ApiCaller> Identify(const grpc::ServerContextBase& context);
  // The caller presenting `leaf_pem`.
  Result<ApiCaller> IdentifyCertificate(std::string_view leaf_pem);

  uint64_t refusals(std::string_view reason) const;  // one of kClientRefusalReasons
  size_t cached_entries() const;
  size_t cached_bytes() const;

 private:
  struct Entry {
    Result<ClientIdentity> identity;
    std::chrono::steady_clock::time_point checked;
    size_t bytes;
  };
  Result<ClientIdentity> CheckedIdentity(std::string_view leaf_pem);
  // Counts the refusal under `reason`, or the certificate's reason word when empty.
  Result<ApiCaller> Refused(const Status& status, std::string_view reason = {});

  const GenesisInfo& genesis_;
  const Store& store_;
  const ReadPolicy policy_;
  const Limits limits_;
  mutable std::mutex mu_;
  std::map<Hash, Entry> cache_;  // guarded by mu_
  std::deque<Hash> order_;       // insertion order, for eviction; guarded by mu_
  size_t cached_bytes_ = 0;      // guarded by mu_
  std::array<std::atomic<uint64_t>, kClientRefusalReasons.size()> refusals_{};
};

// Reads by organisations holding a read-all role: counted per (org, method) and logged at
// info with the caller and the subject. Not on chain.
class ReadAudit {
 public:
  explicit ReadAudit(const ReadPolicy& policy);  // counters for policy.AuditedOrgs()
  void Record(const ApiCaller& caller, ClientMethod method, std::string_view subject);
  uint64_t count(std::string_view org_id, ClientMethod method) const;

 private:
  std::map<std::pair<std::string, ClientMethod>, std::unique_ptr<std::atomic<uint64_t>>>
      counts_;  // fixed after construction
};

// How a service learns who calls and what they may read.
struct ClientAccess {
  // Empty: the client API is open (plaintext on loopback) and every caller is ApiCaller::Open().
  // Takes the context of a synchronous or a callback call (both are ServerContextBase).
  std::function<Result<ApiCaller>(grpc::ServerContextBase*)> identify;
  std::shared_ptr<const ReadPolicy> policy;  // required when identify is set
  std::shared_ptr<ReadAudit> audit;          // may be null

  bool open() const { return !identify; }
  // "open (no client TLS)" or "policy", for Status.
  std::string_view Describe() const;
  // The caller of this call, through the first gate of the policy (CheckCall).
  Result<ApiCaller> Admit(grpc::ServerContextBase* context, ClientMethod method) const;
  // Counts and logs the read when the policy audits this caller.
  void Audit(const ApiCaller& caller, ClientMethod method, std::string_view subject) const;
};

// The ClientAccess of a TLS client API: callers identified by `identifier`, which must
// outlive it.
ClientAccess PolicyAccess(CallerIdentifier& identifier, std::shared_ptr<const ReadPolicy> policy,
                          std::shared_ptr<ReadAudit> audit);

}  // namespace tadori
