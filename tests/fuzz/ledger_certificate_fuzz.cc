// libFuzzer target: DecodeLedgerCertificate on arbitrary bytes, then VerifyLedgerCertificate
// (and the other users of a stored certificate) against a fixed four-validator genesis and
// a fixed ledger block carrying those bytes. Nothing may crash, and nothing built from the
// input may verify: the validator keys are generated in this process, so no input can hold
// their signatures.
//
// Most inputs stop at the height, proposer or block id check. So that the QC checks run on
// fuzzed signatures too, a decoded certificate is also re-encoded "fixed up": aimed at a
// ledger block built for its height, round and proposer, its QC naming the right block id.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"

namespace {

using tadori::consensus::LedgerCertificate;

constexpr size_t kValidators = 4;

struct Fixture {
  std::vector<tadori::PrivateKey> keys;
  tadori::GenesisInfo genesis;
  tadori::DecodedBlock block;  // height 1, round 1, proposed by validator 1
};

tadori::PrivateKey NewKey() {
  auto key = tadori::PrivateKey::Generate(tadori::KeyType::kP256);
  TADORI_CHECK(key.ok());
  return std::move(key).value();
}

tadori::DecodedBlock LedgerBlock(const Fixture& f, uint64_t height, uint64_t round,
                                 size_t proposer) {
  tadori::BlockDraft draft;
  draft.chain_id = f.genesis.genesis.chain_id();
  draft.height = height;
  draft.round = round;
  draft.prev_hash = f.genesis.hash;
  draft.prev_result_root = tadori::MerkleRoot({});
  draft.result_height = height - 1;
  draft.proposer = f.keys[proposer].public_key().id();
  draft.timestamp_ms = 1'700'000'000'000;
  return tadori::BuildBlock(draft);
}

const Fixture& Fixed() {
  static const Fixture* fixture = [] {
    std::vector<tadori::PrivateKey> keys;
    tadori::PrivateKey admin = NewKey();
    tadori::v1::Genesis g;
    g.set_chain_id("fuzz-chain");
    g.set_genesis_time_ms(1'700'000'000'000);
    tadori::v1::Organization* org = g.add_organizations();
    org->set_id("farm");
    org->set_name("Farm Co");
    org->add_roles("producer");
    org->add_admin_public_keys(admin.public_key().ToPem());
    for (size_t i = 0; i < kValidators; ++i) {
      keys.push_back(NewKey());
      tadori::v1::Validator* v = g.add_validators();
      v->set_id("v" + std::to_string(i));
      v->set_org_id("farm");
      v->set_consensus_public_key(keys[i].public_key().ToPem());
      v->set_address("127.0.0.1:" + std::to_string(7000 + i));
    }
    auto sealed = tadori::SealGenesis(g);
    TADORI_CHECK(sealed.ok());
    auto* f = new Fixture{std::move(keys), std::move(sealed).value(), {}};
    f->block = LedgerBlock(*f, 1, 1, 1);
    return f;
  }();
  return *fixture;
}

tadori::Bytes Encode(const LedgerCertificate& c) {
  tadori::Bytes out = {'T', 'L', 'C', '1'};
  tadori::PutUint64BE(out, c.round);
  tadori::PutUint64BE(out, c.height);
  out.push_back(static_cast<uint8_t>(c.proposer >> 8));
  out.push_back(static_cast<uint8_t>(c.proposer & 0xff));
  out.insert(out.end(), c.payload_hash.data(), c.payload_hash.data() + tadori::Hash::kSize);
  tadori::consensus::EncodeQc(out, c.parent_qc);
  tadori::consensus::EncodeQc(out, c.qc);
  return out;
}

// Verify may only refuse, and only with UNAUTHENTICATED.
void ExpectRefused(const tadori::DecodedBlock& block, const Fixture& f) {
  const tadori::Status s = tadori::consensus::VerifyLedgerCertificate(block, f.genesis);
  TADORI_CHECK(s.code() == tadori::Code::kUnauthenticated);
  const tadori::Status agreed = tadori::consensus::VerifyBlockAgreement(block, f.genesis);
  TADORI_CHECK(agreed.code() == tadori::Code::kUnauthenticated);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = Fixed();
  const tadori::ByteView input(data, size);
  tadori::DecodedBlock block = f.block;
  block.block.set_certificate(reinterpret_cast<const char*>(data), size);

  tadori::Result<LedgerCertificate> decoded = tadori::consensus::DecodeLedgerCertificate(input);
  if (!decoded.ok()) {
    TADORI_CHECK(decoded.status().code() == tadori::Code::kInvalidArgument);
    ExpectRefused(block, f);
    TADORI_CHECK(!tadori::consensus::ConsensusBlockOf(block.block).ok());
    return 0;
  }
  // What decodes re-encodes to the same bytes (the format has one encoding).
  TADORI_CHECK(Encode(*decoded) == tadori::Bytes(data, data + size));
  ExpectRefused(block, f);
  (void)tadori::consensus::ConsensusBlockOf(block.block);

  // Fixed up so that only the QC's signatures stand between the input and acceptance.
  LedgerCertificate c = *decoded;
  c.height = c.height == 0 ? 1 : c.height;
  c.proposer = static_cast<tadori::consensus::ValidatorIndex>(c.proposer % kValidators);
  tadori::DecodedBlock aimed = LedgerBlock(f, c.height, c.round, c.proposer);
  c.qc.round = c.round;
  c.qc.block_id = tadori::consensus::Block::ComputeId(c.round, c.height, c.proposer, aimed.hash,
                                                      c.payload_hash, c.parent_qc);
  const tadori::Bytes fixed = Encode(c);
  if (tadori::consensus::DecodeLedgerCertificate(fixed).ok()) {
    aimed.block.set_certificate(reinterpret_cast<const char*>(fixed.data()), fixed.size());
    ExpectRefused(aimed, f);
  }
  return 0;
}
