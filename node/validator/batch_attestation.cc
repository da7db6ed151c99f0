#include "node/validator/batch_attestation.h"

#include <algorithm>
#include <utility>

#include "ledger/check.h"

namespace tadori {

namespace {

void PutField(Sha256Hasher& h, std::string_view field) {
  Bytes length;
  PutUint64BE(length, field.size());
  h.Update(length);
  h.Update(field);
}

template <typename Txs>
Hash DigestOf(const Txs& txs) {
  Sha256Hasher h;
  h.Update(kBatchDigestDomain);
  Bytes count;
  PutUint64BE(count, static_cast<uint64_t>(txs.size()));
  h.Update(count);
  for (const v1::SignedTransaction& tx : txs) {
    PutField(h, tx.body());
    PutField(h, tx.signer_key_id());
    PutField(h, tx.signature());
  }
  return h.Finish();
}

}  // namespace

Hash BatchDigest(const google::protobuf::RepeatedPtrField<v1::SignedTransaction>& txs) {
  return DigestOf(txs);
}

Hash BatchDigest(const std::vector<v1::SignedTransaction>& txs) {
  return DigestOf(txs);
}

Bytes BatchAttestationMessage(std::string_view chain_id, const Hash& digest) {
  Bytes message = ToBytes(kBatchAttestationDomain);
  PutUint64BE(message, chain_id.size());
  message.insert(message.end(), chain_id.begin(), chain_id.end());
  message.insert(message.end(), digest.data(), digest.data() + Hash::kSize);
  return message;
}

bool IsCoVerifier(size_t validator, size_t origin, size_t validators) {
  if (validators == 0 || validator >= validators || origin >= validators) return false;
  const size_t after = (validator + validators - origin) % validators;  // 0 is the origin
  return after >= 1 && after <= FaultsTolerated(validators);
}

PendingBatches::PendingBatches(std::string chain_id, size_t validators,
                               const consensus::SignatureVerifier& verifier, PendingLimits limits,
                               size_t quorum)
    : chain_id_(std::move(chain_id)),
      validators_(validators),
      verifier_(verifier),
      limits_(limits),
      quorum_(quorum != 0 ? quorum : FaultsTolerated(validators) + 1),
      by_origin_(validators),
      origin_bytes_(validators, 0),
      early_order_(validators) {}

size_t PendingBatches::bytes() const {
  size_t total = 0;
  for (size_t b : origin_bytes_) total += b;
  return total;
}

bool PendingBatches::Count(Held& held, size_t attester, ByteView signature) {
  if (attester >= validators_) {
    ++stats_.attestations_refused;
    return false;
  }
  if (held.attested[attester]) {
    ++stats_.attestations_ignored;
    return false;
  }
  const Bytes message = BatchAttestationMessage(chain_id_, held.batch.digest);
  if (!verifier_.Verify(static_cast<consensus::ValidatorIndex>(attester), message, signature)) {
    ++stats_.attestations_refused;
    return false;
  }
  ++stats_.attestations_counted;
  held.attested[attester] = true;
  ++held.attesters;
  return held.attesters >= quorum_;
}

RelayedBatch PendingBatches::Remove(std::map<Hash, Held>::iterator it) {
  Held& held = it->second;
  const size_t origin = held.batch.origin;
  by_origin_[origin].erase(held.seq);
  TADORI_CHECK(origin_bytes_[origin] >= held.batch.bytes);
  origin_bytes_[origin] -= held.batch.bytes;
  by_due_.erase({held.due_ms, held.seq});
  RelayedBatch batch = std::move(held.batch);
  held_.erase(it);
  return batch;
}

PendingBatches::HoldOutcome PendingBatches::Hold(size_t origin, const Hash& digest,
                                                 ByteView origin_signature,
                                                 std::vector<v1::SignedTransaction>& txs,
                                                 int64_t now_ms,
                                                 std::vector<RelayedBatch>& vouched) {
  if (origin >= validators_) return HoldOutcome::kUnattested;
  if (auto it = held_.find(digest); it != held_.end()) {
    // The same batch again (a duplicate, or relayed by another validator too): its sender's
    // attestation counts like any other.
    if (Count(it->second, origin, origin_signature)) {
      ++stats_.vouched;
      vouched.push_back(Remove(it));
      return HoldOutcome::kVouched;
    }
    return HoldOutcome::kAlreadyHeld;
  }
  Held held;
  held.batch.origin = origin;
  held.batch.digest = digest;
  held.attested.assign(validators_, false);
  Count(held, origin, origin_signature);
  if (held.attesters == 0) return HoldOutcome::kUnattested;
  // Attestations that came before the batch (another link was faster).
  if (auto early = early_.find(digest); early != early_.end()) {
    for (const auto& [attester, signature] : early->second) {
      if (held.attesters >= quorum_) break;
      Count(held, attester, signature);
    }
    early_.erase(early);
  }
  for (const v1::SignedTransaction& tx : txs) held.batch.bytes += tx.ByteSizeLong();
  if (held.attesters >= quorum_) {
    held.batch.txs = std::move(txs);
    ++stats_.vouched;
    vouched.push_back(std::move(held.batch));
    return HoldOutcome::kVouched;
  }
  if (held.batch.bytes > limits_.bytes_per_origin_max) return HoldOutcome::kTooLarge;
  held.batch.txs = std::move(txs);
  held.seq = next_seq_++;
  held.due_ms = now_ms + VouchWaitMs(held.batch.txs.size());
  const size_t batch_bytes = held.batch.bytes;
  by_origin_[origin].emplace(held.seq, digest);
  origin_bytes_[origin] += batch_bytes;
  by_due_.emplace(std::make_pair(held.due_ms, held.seq), digest);
  held_.emplace(digest, std::move(held));
  ++stats_.held;
  // Over this origin's bounds: its oldest batches leave (never the one just held, which fits
  // the byte bound by itself).
  while (by_origin_[origin].size() > limits_.batches_per_origin_max ||
         origin_bytes_[origin] > limits_.bytes_per_origin_max) {
    const Hash oldest = by_origin_[origin].begin()->second;
    Remove(held_.find(oldest));
    ++stats_.dropped;
  }
  return HoldOutcome::kHeld;
}

void PendingBatches::KeepEarly(size_t attester, const Hash& digest, ByteView signature) {
  std::map<size_t, Bytes>& by_attester = early_[digest];
  if (!by_attester.emplace(attester, Bytes(signature.begin(), signature.end())).second) {
    ++stats_.attestations_ignored;
    return;
  }
  std::deque<Hash>& order = early_order_[attester];
  order.push_back(digest);
  while (order.size() > limits_.early_per_attester_max) {
    auto found = early_.find(order.front());
    if (found != early_.end() && found->second.erase(attester) != 0) {
      ++stats_.early_dropped;
      if (found->second.empty()) early_.erase(found);
    }
    order.pop_front();
  }
}

void PendingBatches::Attest(size_t attester, const Hash& digest, ByteView signature,
                            std::vector<RelayedBatch>& vouched) {
  if (attester >= validators_) {
    ++stats_.attestations_refused;
    return;
  }
  auto it = held_.find(digest);
  if (it == held_.end()) return KeepEarly(attester, digest, signature);
  if (Count(it->second, attester, signature)) {
    ++stats_.vouched;
    vouched.push_back(Remove(it));
  }
}

std::vector<RelayedBatch> PendingBatches::TakeOverdue(int64_t now_ms) {
  std::vector<RelayedBatch> overdue;
  while (!by_due_.empty() && by_due_.begin()->first.first <= now_ms) {
    const Hash digest = by_due_.begin()->second;
    overdue.push_back(Remove(held_.find(digest)));
    ++stats_.overdue;
  }
  return overdue;
}

std::optional<int64_t> PendingBatches::NextDueMs() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first.first;
}

}  // namespace tadori
