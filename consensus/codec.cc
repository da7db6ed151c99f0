#include "consensus/codec.h"

#include "consensus/bounds.h"

namespace tadori::consensus {
namespace {

void PutU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void PutHash(Bytes& out, const Hash& h) {
  out.insert(out.end(), h.data(), h.data() + Hash::kSize);
}
void PutSignature(Bytes& out, const Bytes& sig) {
  // Our own signatures are always kSignatureBytes; a wrong one is a bug here, but a
  // short one is padded so the encoding stays well-formed and simply fails to verify.
  Bytes fixed = sig;
  fixed.resize(kSignatureBytes, 0);
  out.insert(out.end(), fixed.begin(), fixed.end());
}

Status Malformed(const char* what) {
  return Status::InvalidArgument(what);
}

}  // namespace

bool ByteReader::ReadU8(uint8_t& v) {
  if (!ok_ || remaining() < 1) return ok_ = false;
  v = bytes_[pos_++];
  return true;
}
bool ByteReader::ReadU16(uint16_t& v) {
  if (!ok_ || remaining() < 2) return ok_ = false;
  v = static_cast<uint16_t>(bytes_[pos_] << 8 | bytes_[pos_ + 1]);
  pos_ += 2;
  return true;
}
bool ByteReader::ReadU32(uint32_t& v) {
  if (!ok_ || remaining() < 4) return ok_ = false;
  v = GetUint32BE(bytes_.data() + pos_);
  pos_ += 4;
  return true;
}
bool ByteReader::ReadU64(uint64_t& v) {
  if (!ok_ || remaining() < 8) return ok_ = false;
  v = GetUint64BE(bytes_.data() + pos_);
  pos_ += 8;
  return true;
}
bool ByteReader::ReadHash(Hash& h) {
  if (!ok_ || remaining() < Hash::kSize) return ok_ = false;
  std::copy(bytes_.begin() + pos_, bytes_.begin() + pos_ + Hash::kSize, h.data());
  pos_ += Hash::kSize;
  return true;
}
bool ByteReader::ReadBytes(size_t n, Bytes& out) {
  if (!ok_ || remaining() < n) return ok_ = false;
  out.assign(bytes_.begin() + pos_, bytes_.begin() + pos_ + n);
  pos_ += n;
  return true;
}

void EncodeQc(Bytes& out, const QuorumCert& qc) {
  PutUint64BE(out, qc.round);
  PutHash(out, qc.block_id);
  PutU16(out, static_cast<uint16_t>(qc.signatures.size()));
  for (const auto& s : qc.signatures) {
    PutU16(out, s.signer);
    PutSignature(out, s.signature);
  }
}

void EncodeTc(Bytes& out, const TimeoutCert& tc) {
  PutUint64BE(out, tc.round);
  PutU16(out, static_cast<uint16_t>(tc.signatures.size()));
  for (const auto& s : tc.signatures) {
    PutU16(out, s.signer);
    PutUint64BE(out, s.high_qc_round);
    PutSignature(out, s.signature);
  }
  EncodeQc(out, tc.high_qc);
}

void EncodeBlock(Bytes& out, const Block& block) {
  PutUint64BE(out, block.round);
  PutUint64BE(out, block.height);
  PutU16(out, block.proposer);
  PutHash(out, block.payload_digest);
  PutUint32BE(out, static_cast<uint32_t>(block.payload.size()));
  out.insert(out.end(), block.payload.begin(), block.payload.end());
  EncodeQc(out, block.qc);
}

Status DecodeQc(ByteReader& in, QuorumCert& qc) {
  uint16_t count = 0;
  if (!in.ReadU64(qc.round) || !in.ReadHash(qc.block_id) || !in.ReadU16(count)) {
    return Malformed("truncated quorum certificate");
  }
  if (count > kValidatorCountMax) return Malformed("quorum certificate has too many signers");
  qc.signatures.clear();
  qc.signatures.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    QuorumCert::Signature s;
    if (!in.ReadU16(s.signer) || !in.ReadBytes(kSignatureBytes, s.signature)) {
      return Malformed("truncated quorum certificate signature");
    }
    if (i > 0 && s.signer <= qc.signatures.back().signer) {
      return Malformed("quorum certificate signers not strictly ascending");
    }
    qc.signatures.push_back(std::move(s));
  }
  return Status::Ok();
}

Status DecodeTc(ByteReader& in, TimeoutCert& tc) {
  uint16_t count = 0;
  if (!in.ReadU64(tc.round) || !in.ReadU16(count)) return Malformed("truncated timeout cert");
  if (count > kValidatorCountMax) return Malformed("timeout certificate has too many signers");
  tc.signatures.clear();
  tc.signatures.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    TimeoutCert::Signature s;
    if (!in.ReadU16(s.signer) || !in.ReadU64(s.high_qc_round) ||
        !in.ReadBytes(kSignatureBytes, s.signature)) {
      return Malformed("truncated timeout certificate signature");
    }
    if (i > 0 && s.signer <= tc.signatures.back().signer) {
      return Malformed("timeout certificate signers not strictly ascending");
    }
    tc.signatures.push_back(std::move(s));
  }
  return DecodeQc(in, tc.high_qc);
}

Status DecodeBlock(ByteReader& in, Block& block) {
  uint32_t payload_len = 0;
  if (!in.ReadU64(block.round) || !in.ReadU64(block.height) || !in.ReadU16(block.proposer) ||
      !in.ReadHash(block.payload_digest) || !in.ReadU32(payload_len)) {
    return Malformed("truncated block header");
  }
  if (payload_len > kPayloadBytesMax) return Status::ResourceExhausted("block payload too large");
  if (!in.ReadBytes(payload_len, block.payload)) return Malformed("truncated block payload");
  return DecodeQc(in, block.qc);
}

namespace {

Status DecodeOptionalTc(ByteReader& in, std::optional<TimeoutCert>& tc) {
  uint8_t has_tc = 0;
  if (!in.ReadU8(has_tc)) return Malformed("truncated message");
  if (has_tc > 1) return Malformed("bad has_tc flag");
  if (has_tc == 0) return Status::Ok();
  tc.emplace();
  return DecodeTc(in, *tc);
}

void EncodeOptionalTc(Bytes& out, const std::optional<TimeoutCert>& tc) {
  out.push_back(tc ? 1 : 0);
  if (tc) EncodeTc(out, *tc);
}

}  // namespace

Hash ProposalTcDigest(const std::optional<TimeoutCert>& tc) {
  if (!tc) return Hash();
  Bytes encoded;
  EncodeTc(encoded, *tc);
  return Sha256(encoded);
}

Bytes ProposalSigningBytesOf(const BlockId& genesis_id, const Proposal& p) {
  return ProposalSigningBytes(genesis_id, p.block.ComputeId(), ProposalTcDigest(p.tc));
}

namespace {

struct Encoder {
  Bytes& out;
  void operator()(const Proposal& p) {
    out.push_back(static_cast<uint8_t>(MessageKind::kProposal));
    EncodeBlock(out, p.block);
    EncodeOptionalTc(out, p.tc);
    PutSignature(out, p.signature);
  }
  void operator()(const Vote& v) {
    out.push_back(static_cast<uint8_t>(MessageKind::kVote));
    PutUint64BE(out, v.round);
    PutHash(out, v.block_id);
    PutU16(out, v.voter);
    PutSignature(out, v.signature);
  }
  void operator()(const Timeout& t) {
    out.push_back(static_cast<uint8_t>(MessageKind::kTimeout));
    PutUint64BE(out, t.round);
    PutU16(out, t.sender);
    EncodeQc(out, t.high_qc);
    EncodeOptionalTc(out, t.last_round_tc);
    PutSignature(out, t.signature);
  }
  void operator()(const SyncRequest& r) {
    out.push_back(static_cast<uint8_t>(MessageKind::kSyncRequest));
    PutHash(out, r.target);
    PutUint64BE(out, r.committed_height);
  }
  void operator()(const SyncResponse& r) {
    out.push_back(static_cast<uint8_t>(MessageKind::kSyncResponse));
    PutU16(out, static_cast<uint16_t>(r.blocks.size()));
    for (const Block& b : r.blocks) EncodeBlock(out, b);
  }
};

Result<Message> DecodeBody(MessageKind kind, ByteReader& in) {
  switch (kind) {
    case MessageKind::kProposal: {
      Proposal p;
      TADORI_RETURN_IF_ERROR(DecodeBlock(in, p.block));
      TADORI_RETURN_IF_ERROR(DecodeOptionalTc(in, p.tc));
      if (!in.ReadBytes(kSignatureBytes, p.signature)) return Malformed("truncated proposal");
      return Message(std::move(p));
    }
    case MessageKind::kVote: {
      Vote v;
      if (!in.ReadU64(v.round) || !in.ReadHash(v.block_id) || !in.ReadU16(v.voter) ||
          !in.ReadBytes(kSignatureBytes, v.signature)) {
        return Malformed("truncated vote");
      }
      return Message(std::move(v));
    }
    case MessageKind::kTimeout: {
      Timeout t;
      if (!in.ReadU64(t.round) || !in.ReadU16(t.sender)) return Malformed("truncated timeout");
      TADORI_RETURN_IF_ERROR(DecodeQc(in, t.high_qc));
      TADORI_RETURN_IF_ERROR(DecodeOptionalTc(in, t.last_round_tc));
      if (!in.ReadBytes(kSignatureBytes, t.signature)) return Malformed("truncated timeout");
      return Message(std::move(t));
    }
    case MessageKind::kSyncRequest: {
      SyncRequest r;
      if (!in.ReadHash(r.target) || !in.ReadU64(r.committed_height)) {
        return Malformed("truncated sync request");
      }
      return Message(r);
    }
    case MessageKind::kSyncResponse: {
      uint16_t count = 0;
      if (!in.ReadU16(count)) return Malformed("truncated sync response");
      if (count > kSyncBlocksMax) return Status::ResourceExhausted("sync response too long");
      SyncResponse r;
      r.blocks.resize(count);
      for (Block& b : r.blocks) TADORI_RETURN_IF_ERROR(DecodeBlock(in, b));
      return Message(std::move(r));
    }
  }
  return Malformed("unknown message kind");
}

}  // namespace

Bytes EncodeMessage(const Message& message) {
  Bytes out;
  out.reserve(512);  // also keeps GCC 12's -Warray-bounds false positive on insert quiet
  std::visit(Encoder{out}, message);
  return out;
}

Result<Message> DecodeMessage(ByteView bytes) {
  if (bytes.size() > kMessageBytesMax) return Status::ResourceExhausted("message too large");
  ByteReader in(bytes);
  uint8_t kind = 0;
  if (!in.ReadU8(kind)) return Malformed("empty message");
  if (kind < 1 || kind > 5) return Malformed("unknown message kind");
  TADORI_ASSIGN_OR_RETURN(Message m, DecodeBody(static_cast<MessageKind>(kind), in));
  if (in.remaining() != 0) return Malformed("trailing bytes after message");
  return m;
}

}  // namespace tadori::consensus
