// libFuzzer target: peer frames carrying relayed batches and attestations
// (node/validator/batch_attestation.h), decoded as a validator's network thread decodes them
// and fed to the pending pool, interleaved with the passing of time and with attestations the
// harness signs itself (the fuzzer cannot forge the stub signatures). It must never crash;
// the pool must stay within its bounds; a batch comes out vouched only once the harness has
// seen f+1 distinct validators sign its digest; what comes out is what went in.
//
// Input: records of [op][from][length: 2 bytes][payload]. op % 4: 0 = a PeerFrame (payload,
// parsed with the transport's size limit), 1 = time passes (payload[0] ms * 8) and overdue
// batches leave, 2 = validator `from` attests the payload[0]-th batch held (signed by the
// harness), 3 = validator `from` sends raw payload bytes as an attestation signature for a
// held batch.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/check.h"
#include "node/validator/batch_attestation.h"
#include "tadori/v1/peer.pb.h"
#include "tests/sim/stub_crypto.h"

namespace {

using tadori::Bytes;
using tadori::ByteView;
using tadori::Hash;
using tadori::PendingBatches;
using tadori::RelayedBatch;

constexpr size_t kValidators = 7;  // f = 2
constexpr char kChain[] = "fuzz-chain";
// The transport refuses larger frames before parsing (node/net/peer_network.h); smaller here
// keeps runs fast.
constexpr size_t kFrameBytesMax = 1 << 16;

struct Harness {
  Harness() : verifier(7, kValidators) {
    for (size_t i = 0; i < kValidators; ++i) {
      signers.emplace_back(7, static_cast<tadori::consensus::ValidatorIndex>(i));
    }
  }
  Bytes Sign(size_t validator, const Hash& digest) const {
    return signers[validator].Sign(tadori::BatchAttestationMessage(kChain, digest));
  }
  bool Valid(size_t validator, const Hash& digest, ByteView signature) const {
    return validator < kValidators &&
           verifier.Verify(static_cast<tadori::consensus::ValidatorIndex>(validator),
                           tadori::BatchAttestationMessage(kChain, digest), signature);
  }
  std::vector<tadori::consensus::StubSigner> signers;
  tadori::consensus::StubVerifier verifier;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Harness* harness = new Harness();
  tadori::PendingLimits limits;
  limits.batches_per_origin_max = 4;
  limits.bytes_per_origin_max = 4096;
  limits.early_per_attester_max = 3;
  PendingBatches pool(kChain, kValidators, harness->verifier, limits);
  // Valid signers the harness produced, per digest, and the digests held (in hold order).
  std::map<Hash, std::set<size_t>> signed_by;
  std::vector<Hash> held;
  std::vector<RelayedBatch> out;
  int64_t now_ms = 0;

  auto check_out = [&] {
    for (const RelayedBatch& batch : out) {
      TADORI_CHECK(tadori::BatchDigest(batch.txs) == batch.digest);
      TADORI_CHECK(signed_by[batch.digest].size() >= pool.quorum());
    }
    out.clear();
  };

  size_t at = 0;
  while (at + 4 <= size) {
    const uint8_t op = data[at] % 4;
    const size_t from = data[at + 1] % (kValidators + 1);  // one past the last: not a validator
    const size_t length = std::min<size_t>(size - at - 4, (data[at + 2] << 8) | data[at + 3]);
    const ByteView payload(data + at + 4, length);
    at += 4 + length;
    if (op == 0) {
      if (payload.size() > kFrameBytesMax) continue;
      tadori::v1::PeerFrame frame;
      if (!frame.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) continue;
      if (frame.has_txs()) {
        std::vector<tadori::v1::SignedTransaction> txs(frame.txs().txs().begin(),
                                                       frame.txs().txs().end());
        const Hash digest = tadori::BatchDigest(txs);
        // The fuzzer's attestation, or (when it is empty) the harness's valid one.
        Bytes signature(frame.txs().attestation().begin(), frame.txs().attestation().end());
        if (signature.empty() && from < kValidators) signature = harness->Sign(from, digest);
        // (The fuzzer may learn a valid signature from comparisons: judge every one.)
        if (harness->Valid(from, digest, signature)) signed_by[digest].insert(from);
        const size_t before = txs.size();
        const auto outcome = pool.Hold(from, digest, signature, txs, now_ms, out);
        if (outcome == PendingBatches::HoldOutcome::kHeld) held.push_back(digest);
        if (outcome == PendingBatches::HoldOutcome::kUnattested ||
            outcome == PendingBatches::HoldOutcome::kTooLarge) {
          TADORI_CHECK(txs.size() == before);  // left to the caller to verify
        }
      } else if (frame.has_attestation()) {
        tadori::Result<Hash> digest =
            Hash::FromBytes(tadori::AsBytes(frame.attestation().batch_digest()));
        if (!digest.ok()) continue;
        if (harness->Valid(from, *digest, tadori::AsBytes(frame.attestation().signature()))) {
          signed_by[*digest].insert(from);
        }
        pool.Attest(from, *digest, tadori::AsBytes(frame.attestation().signature()), out);
      }
    } else if (op == 1) {
      now_ms += payload.empty() ? 1 : payload[0] * 8;
      for (const RelayedBatch& batch : pool.TakeOverdue(now_ms)) {
        TADORI_CHECK(tadori::BatchDigest(batch.txs) == batch.digest);
      }
      if (auto due = pool.NextDueMs()) TADORI_CHECK(*due > now_ms);
    } else if (!held.empty() && from < kValidators) {
      const Hash& digest = held[(payload.empty() ? 0 : payload[0]) % held.size()];
      if (op == 2) {
        signed_by[digest].insert(from);
        pool.Attest(from, digest, harness->Sign(from, digest), out);
      } else {
        if (harness->Valid(from, digest, payload)) signed_by[digest].insert(from);
        pool.Attest(from, digest, payload, out);
      }
    }
    check_out();
    TADORI_CHECK(pool.bytes() <= kValidators * limits.bytes_per_origin_max);
    TADORI_CHECK(pool.batches() <= kValidators * limits.batches_per_origin_max);
  }
  return 0;
}
