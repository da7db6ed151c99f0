#include "consensus/safety_state.h"

#include <algorithm>

#include "consensus/bounds.h"
#include "consensus/codec.h"

namespace tadori::consensus {
namespace {
constexpr char kMagic[] = "TSS1";
constexpr size_t kMagicBytes = 4;
constexpr size_t kChecksumBytes = 8;
}  // namespace

SafetyState SafetyState::Initial(const BlockId& genesis_id) {
  SafetyState s;
  s.high_qc = GenesisQc(genesis_id);
  return s;
}

Bytes EncodeSafetyState(const SafetyState& state) {
  Bytes out(kMagic, kMagic + kMagicBytes);
  PutUint64BE(out, state.last_voted_round);
  PutUint64BE(out, state.preferred_round);
  PutUint64BE(out, state.one_chain_round);
  EncodeQc(out, state.high_qc);
  out.push_back(state.high_tc ? 1 : 0);
  if (state.high_tc) EncodeTc(out, *state.high_tc);
  Hash checksum = Sha256(out);
  out.insert(out.end(), checksum.data(), checksum.data() + kChecksumBytes);
  return out;
}

Result<SafetyState> DecodeSafetyState(ByteView bytes) {
  if (bytes.size() > kSafetyStateBytesMax) return Status::DataLoss("safety state too large");
  if (bytes.size() < kMagicBytes + kChecksumBytes)
    return Status::DataLoss("safety state truncated");
  ByteView body = bytes.first(bytes.size() - kChecksumBytes);
  Hash checksum = Sha256(body);
  if (!std::equal(checksum.data(), checksum.data() + kChecksumBytes, body.end())) {
    return Status::DataLoss("safety state checksum mismatch");
  }
  if (!std::equal(kMagic, kMagic + kMagicBytes, body.begin())) {
    return Status::DataLoss("safety state has a bad magic");
  }
  ByteReader in(body.subspan(kMagicBytes));
  SafetyState s;
  uint8_t has_tc = 0;
  if (!in.ReadU64(s.last_voted_round) || !in.ReadU64(s.preferred_round) ||
      !in.ReadU64(s.one_chain_round)) {
    return Status::DataLoss("safety state truncated");
  }
  if (Status st = DecodeQc(in, s.high_qc); !st.ok()) return Status::DataLoss(st.message());
  if (!in.ReadU8(has_tc) || has_tc > 1) return Status::DataLoss("safety state truncated");
  if (has_tc == 1) {
    s.high_tc.emplace();
    if (Status st = DecodeTc(in, *s.high_tc); !st.ok()) return Status::DataLoss(st.message());
  }
  if (in.remaining() != 0) return Status::DataLoss("trailing bytes after safety state");
  if (s.high_qc.round != s.one_chain_round || s.preferred_round > s.one_chain_round) {
    return Status::InvalidArgument("safety state fields contradict each other");
  }
  return s;
}

}  // namespace tadori::consensus
