#include "node/validator/tx_relay.h"

#include <algorithm>

namespace tadori {

namespace {

std::vector<PublicKey> ConsensusKeys(const GenesisInfo& genesis) {
  std::vector<PublicKey> keys;
  for (size_t i = 0; i < genesis.validators.size(); ++i) keys.push_back(genesis.validators.key(i));
  return keys;
}

}  // namespace

TxRelay::TxRelay(const GenesisInfo& genesis, size_t self, PrivateKey key, const Store& store,
                 Mempool& mempool, TxRelayOptions options)
    : chain_id_(genesis.genesis.chain_id()),
      self_(self),
      validators_(genesis.validators.size()),
      signer_(std::move(key)),
      verifier_(ConsensusKeys(genesis)),
      admission_(chain_id_, store, mempool),
      mempool_(mempool),
      pending_(chain_id_, validators_, verifier_, options.pending, options.vouch_quorum) {}

void TxRelay::Admit(Result<DecodedTransaction> tx) {
  if (!tx.ok()) {
    if (tx.status().code() == Code::kAlreadyExists) return;
    refused_.fetch_add(1);
    if (tx.status().code() == Code::kUnauthenticated) signature_refusals_.fetch_add(1);
    return;
  }
  if (mempool_.Add(std::move(*tx)).ok()) admitted_.fetch_add(1);
}

void TxRelay::VerifyInFull(const std::vector<v1::SignedTransaction>& txs) {
  for (const v1::SignedTransaction& wire : txs) Admit(admission_.Check(wire));
}

void TxRelay::AdmitVouched(const std::vector<v1::SignedTransaction>& txs) {
  for (const v1::SignedTransaction& wire : txs) {
    Result<DecodedTransaction> tx = admission_.Check(wire, SignatureCheck::kVouched);
    if (tx.ok()) vouched_txs_.fetch_add(1);
    Admit(std::move(tx));
  }
}

bool TxRelay::CoVerify(const google::protobuf::RepeatedPtrField<v1::SignedTransaction>& txs) {
  bool all_verified = true;
  for (const v1::SignedTransaction& wire : txs) {
    Result<DecodedTransaction> tx = DecodeTransaction(wire);
    if (!tx.ok()) {
      all_verified = false;
      refused_.fetch_add(1);
      continue;
    }
    // The attestation is about signatures: a transaction already pending here with these
    // exact signature bytes was verified when it came; any other (committed, or pending with
    // other signature bytes) is verified now, whatever else admission says about it.
    if (!mempool_.ContainsExact(*tx)) {
      Status signer = admission_.CheckSigner(*tx);
      if (!signer.ok()) {
        all_verified = false;
        refused_.fetch_add(1);
        if (signer.code() == Code::kUnauthenticated) signature_refusals_.fetch_add(1);
        continue;
      }
    }
    Admit(admission_.Check(wire, SignatureCheck::kVouched));  // verified just above
  }
  return all_verified;
}

TxRelay::Outgoing TxRelay::Intake(size_t from, v1::TxGossip gossip, int64_t now_ms) {
  Outgoing out;
  if (from >= validators_ || from == self_ || gossip.txs().empty()) return out;
  const Hash digest = BatchDigest(gossip.txs());
  if (IsCoVerifier(self_, from, validators_)) {
    batches_co_verified_.fetch_add(1);
    if (!CoVerify(gossip.txs())) return out;
    v1::PeerFrame frame;
    v1::TxAttestation* attestation = frame.mutable_attestation();
    attestation->set_batch_digest(digest.ToBinaryString());
    attestation->set_signature(ToString(signer_.Sign(BatchAttestationMessage(chain_id_, digest))));
    // Only validators that verify neither hold batches and count attestations.
    for (size_t to = 0; to < validators_; ++to) {
      if (to == self_ || to == from || IsCoVerifier(to, from, validators_)) continue;
      out.emplace_back(to, frame);
      attestations_sent_.fetch_add(1);
    }
    return out;
  }
  std::vector<v1::SignedTransaction> txs;
  txs.reserve(static_cast<size_t>(gossip.txs_size()));
  for (v1::SignedTransaction& tx : *gossip.mutable_txs()) txs.push_back(std::move(tx));
  std::vector<RelayedBatch> vouched;
  PendingBatches::HoldOutcome outcome;
  {
    std::lock_guard lock(mu_);
    outcome = pending_.Hold(from, digest, AsBytes(gossip.attestation()), txs, now_ms, vouched);
  }
  switch (outcome) {
    case PendingBatches::HoldOutcome::kUnattested:
    case PendingBatches::HoldOutcome::kTooLarge:
      batches_verified_at_once_.fetch_add(1);
      VerifyInFull(txs);
      break;
    case PendingBatches::HoldOutcome::kVouched:
    case PendingBatches::HoldOutcome::kHeld:
    case PendingBatches::HoldOutcome::kAlreadyHeld:
      break;
  }
  for (const RelayedBatch& batch : vouched) AdmitVouched(batch.txs);
  return out;
}

void TxRelay::IntakeAttestation(size_t from, const v1::TxAttestation& attestation) {
  if (from >= validators_ || from == self_) return;
  Result<Hash> digest = Hash::FromBytes(AsBytes(attestation.batch_digest()));
  if (!digest.ok() || attestation.signature().size() != kSignatureBytes) {
    attestations_malformed_.fetch_add(1);
    return;
  }
  std::vector<RelayedBatch> vouched;
  {
    std::lock_guard lock(mu_);
    pending_.Attest(from, *digest, AsBytes(attestation.signature()), vouched);
  }
  for (const RelayedBatch& batch : vouched) AdmitVouched(batch.txs);
}

void TxRelay::OnTick(int64_t now_ms) {
  std::vector<RelayedBatch> overdue;
  {
    std::lock_guard lock(mu_);
    overdue = pending_.TakeOverdue(now_ms);
  }
  for (const RelayedBatch& batch : overdue) VerifyInFull(batch.txs);
}

std::optional<int64_t> TxRelay::NextDueMs() const {
  std::lock_guard lock(mu_);
  return pending_.NextDueMs();
}

std::vector<v1::PeerFrame> TxRelay::Pack(std::vector<v1::SignedTransaction> txs, size_t batch_max,
                                         std::string_view chain_id,
                                         const consensus::Signer& signer) {
  std::vector<v1::PeerFrame> frames;
  for (size_t start = 0; start < txs.size(); start += batch_max) {
    v1::PeerFrame& frame = frames.emplace_back();
    v1::TxGossip* gossip = frame.mutable_txs();
    const size_t end = std::min(txs.size(), start + batch_max);
    for (size_t i = start; i < end; ++i) *gossip->add_txs() = std::move(txs[i]);
    const Hash digest = BatchDigest(gossip->txs());
    gossip->set_attestation(ToString(signer.Sign(BatchAttestationMessage(chain_id, digest))));
  }
  return frames;
}

TxRelay::Stats TxRelay::stats() const {
  Stats s;
  s.admitted = admitted_.load();
  s.refused = refused_.load();
  s.signature_refusals = signature_refusals_.load();
  s.vouched_txs = vouched_txs_.load();
  s.batches_co_verified = batches_co_verified_.load();
  s.batches_verified_at_once = batches_verified_at_once_.load();
  s.attestations_sent = attestations_sent_.load();
  s.signatures_verified = admission_.signatures_verified();
  std::lock_guard lock(mu_);
  const PendingBatches::Stats& p = pending_.stats();
  s.batches_vouched = p.vouched;
  s.batches_fallback_verified = p.overdue;
  s.batches_dropped = p.dropped;
  s.attestations_refused = p.attestations_refused + attestations_malformed_.load();
  s.pending_batches = pending_.batches();
  s.pending_bytes = pending_.bytes();
  return s;
}

}  // namespace tadori
