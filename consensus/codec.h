// Wire encoding of consensus messages. Hand-written so every length is checked against a
// bound before anything is allocated; all integers are big-endian.
//
//   message      = kind u8 | body                   (whole message <= kMessageBytesMax)
//   kind 1 Proposal     = block | has_tc u8 (0|1) | [tc] | signature 64
//   kind 2 Vote         = round u64 | block_id 32 | voter u16 | signature 64
//   kind 3 Timeout      = round u64 | sender u16 | qc | has_tc u8 | [tc] | signature 64
//   kind 4 SyncRequest  = target 32 | committed_height u64
//   kind 5 SyncResponse = count u16 (<= kSyncBlocksMax) | block * count
//   block = round u64 | height u64 | proposer u16 | payload_digest 32 |
//           payload_len u32 (<= kPayloadBytesMax) | payload | qc
//   qc    = round u64 | block_id 32 | count u16 | (signer u16 | signature 64) * count
//   tc    = round u64 | count u16 | (signer u16 | high_qc_round u64 | signature 64) * count | qc
// Certificate signers must be strictly ascending (this rules out duplicates) and count
// <= kValidatorCountMax. Decoding refuses truncation and trailing bytes.
#pragma once

#include "consensus/types.h"
#include "ledger/status.h"

namespace tadori::consensus {

enum class MessageKind : uint8_t {
  kProposal = 1,
  kVote = 2,
  kTimeout = 3,
  kSyncRequest = 4,
  kSyncResponse = 5,
};

Bytes EncodeMessage(const Message& message);
// INVALID_ARGUMENT on any malformed input, RESOURCE_EXHAUSTED when over a size bound.
Result<Message> DecodeMessage(ByteView bytes);

// Building blocks, also used by the safety state codec.
void EncodeQc(Bytes& out, const QuorumCert& qc);
void EncodeTc(Bytes& out, const TimeoutCert& tc);
// SHA-256 of the encoded TC, or the all-zero hash for none: what a proposal's signature
// covers of its TC (ProposalSigningBytes).
Hash ProposalTcDigest(const std::optional<TimeoutCert>& tc);
// ProposalSigningBytes of `p` (its block id and its TC).
Bytes ProposalSigningBytesOf(const BlockId& genesis_id, const Proposal& p);
void EncodeBlock(Bytes& out, const Block& block);

// A bounds-checked cursor over untrusted bytes. Every Read fails (returns false and
// latches the failure) instead of reading past the end.
class ByteReader {
 public:
  explicit ByteReader(ByteView bytes) : bytes_(bytes) {}
  bool ReadU8(uint8_t& v);
  bool ReadU16(uint16_t& v);
  bool ReadU32(uint32_t& v);
  bool ReadU64(uint64_t& v);
  bool ReadHash(Hash& h);
  bool ReadBytes(size_t n, Bytes& out);
  bool ok() const { return ok_; }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  ByteView bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

Status DecodeQc(ByteReader& in, QuorumCert& qc);
Status DecodeTc(ByteReader& in, TimeoutCert& tc);
Status DecodeBlock(ByteReader& in, Block& block);

}  // namespace tadori::consensus
