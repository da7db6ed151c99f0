#include "node/api/caller.h"

#include <grpcpp/security/auth_context.h>
#include <spdlog/spdlog.h>

#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/utf8.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

size_t ReasonIndex(std::string_view reason) {
  for (size_t i = 0; i < kClientRefusalReasons.size(); ++i) {
    if (kClientRefusalReasons[i] == reason) return i;
  }
  return kClientRefusalReasons.size() - 1;  // "other"
}

}  // namespace

CallerIdentifier::CallerIdentifier(const GenesisInfo& genesis, const Store& store, Limits limits)
    : genesis_(genesis), store_(store), policy_(genesis.genesis), limits_(limits) {}

Result<ApiCaller> CallerIdentifier::Identify(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return ApiCaller::Anonymous();
  std::vector<grpc::string_ref> certs = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (certs.empty()) return ApiCaller::Anonymous();
  return IdentifyCertificate(std::string_view(certs.front().data(), certs.front().size()));
}

Result<ClientIdentity> CallerIdentifier::CheckedIdentity(std::string_view leaf_pem) {
  const Hash key = Sha256(AsBytes(leaf_pem));
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && now - it->second.checked < limits_.ttl) return it->second.identity;
  }
  // Checked outside the lock: a signature verification must not hold up other callers.
  Result<ClientIdentity> identity = IdentifyClient(leaf_pem, genesis_);
  const size_t bytes = leaf_pem.size() + sizeof(Entry) + 2 * sizeof(Hash) + 64;
  if (limits_.entries_max == 0 || bytes > limits_.bytes_max) return identity;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    // Refreshed after its time ran out: replace it, keeping its place in the order.
    cached_bytes_ -= it->second.bytes;
    it->second = Entry{identity, now, bytes};
    cached_bytes_ += bytes;
    return identity;
  }
  while (!order_.empty() &&
         (cache_.size() >= limits_.entries_max || cached_bytes_ + bytes > limits_.bytes_max)) {
    auto oldest = cache_.find(order_.front());
    if (oldest != cache_.end()) {
      cached_bytes_ -= oldest->second.bytes;
      cache_.erase(oldest);
    }
    order_.pop_front();
  }
  cache_.emplace(key, Entry{identity, now, bytes});
  order_.push_back(key);
  cached_bytes_ += bytes;
  return identity;
}

Result<ApiCaller> CallerIdentifier::Refused(const Status& status, std::string_view reason) {
  refusals_[ReasonIndex(reason.empty() ? ClientRefusalReason(status) : reason)]++;
  return status;
}

Result<ApiCaller> CallerIdentifier::IdentifyCertificate(std::string_view leaf_pem) {
  Result<ClientIdentity> identity = CheckedIdentity(leaf_pem);
  if (!identity.ok()) return Refused(identity.status());
  ApiCaller caller;
  caller.org_id = identity->org_id;
  caller.roles = policy_.RolesOf(caller.org_id);
  switch (identity->kind) {
    case ClientIdentity::Kind::kValidator:
      caller.kind = ApiCaller::Kind::kValidator;
      caller.node_id = identity->node_id;
      return caller;
    case ClientIdentity::Kind::kObserver:
      caller.kind = ApiCaller::Kind::kObserver;
      caller.node_id = identity->node_id;
      return caller;
    case ClientIdentity::Kind::kMember:
      break;
  }
  caller.kind = ApiCaller::Kind::kMember;
  caller.member_key = identity->member_key;
  v1::MemberRecord member;
  Result<bool> found = ReadRecord(store_.state(), MemberStateKey(identity->member_key), member);
  if (!found.ok()) return found.status();  // the store failed: ours, not the caller's
  if (!*found || member.org_id() != identity->org_id) {
    return Refused(
        Status::Unauthenticated("unknown_member: key " + identity->member_key.Hex() +
                                " is not a member of " + PrintableExcerpt(identity->org_id)),
        "unknown_member");
  }
  if (member.revoked_height() != 0) {
    return Refused(Status::Unauthenticated("revoked: member key " + identity->member_key.Hex() +
                                           " of " + member.org_id() + " was revoked at height " +
                                           std::to_string(member.revoked_height())),
                   "revoked");
  }
  return caller;
}

uint64_t CallerIdentifier::refusals(std::string_view reason) const {
  return refusals_[ReasonIndex(reason)].load();
}

size_t CallerIdentifier::cached_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

size_t CallerIdentifier::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_bytes_;
}

ReadAudit::ReadAudit(const ReadPolicy& policy) {
  for (const std::string& org : policy.AuditedOrgs()) {
    for (ClientMethod method : kClientMethods) {
      counts_.emplace(std::make_pair(org, method), std::make_unique<std::atomic<uint64_t>>(0));
    }
  }
}

void ReadAudit::Record(const ApiCaller& caller, ClientMethod method, std::string_view subject) {
  auto it = counts_.find(std::make_pair(caller.org_id, method));
  if (it != counts_.end()) (*it->second)++;
  spdlog::info("audited read: {} {} {}", caller.Describe(), ClientMethodName(method),
               PrintableExcerpt(subject));
}

uint64_t ReadAudit::count(std::string_view org_id, ClientMethod method) const {
  auto it = counts_.find(std::make_pair(std::string(org_id), method));
  return it == counts_.end() ? 0 : it->second->load();
}

std::string_view ClientAccess::Describe() const {
  return open() ? "open (no client TLS)" : "policy";
}

Result<ApiCaller> ClientAccess::Admit(grpc::ServerContextBase* context, ClientMethod method) const {
  if (open()) return ApiCaller::Open();
  TADORI_ASSIGN_OR_RETURN(ApiCaller caller, identify(context));
  TADORI_CHECK(policy != nullptr);
  TADORI_RETURN_IF_ERROR(policy->CheckCall(caller, method));
  return caller;
}

void ClientAccess::Audit(const ApiCaller& caller, ClientMethod method,
                         std::string_view subject) const {
  if (open() || audit == nullptr || policy == nullptr || !policy->Audited(caller)) return;
  audit->Record(caller, method, subject);
}

ClientAccess PolicyAccess(CallerIdentifier& identifier, std::shared_ptr<const ReadPolicy> policy,
                          std::shared_ptr<ReadAudit> audit) {
  ClientAccess access;
  access.identify = [&identifier](grpc::ServerContextBase* context) -> Result<ApiCaller> {
    if (context == nullptr) return ApiCaller::Anonymous();
    return identifier.Identify(*context);
  };
  access.policy = std::move(policy);
  access.audit = std::move(audit);
  return access;
}

}  // namespace tadori
