#include "node/validator/proposal_check.h"

#include <google/protobuf/unknown_field_set.h>

#include <string>

#include "ledger/check.h"
#include "ledger/limits.h"

namespace tadori {

namespace {

Status Refuse(const std::string& why) {
  return Status::InvalidArgument(why);
}

// A failure to read our own state: never reported as the proposer's fault.
Status Local(const Status& status, const std::string& what) {
  TADORI_CHECK(!status.ok());
  const Status s = status.WithContext(what);
  return IsRefusal(s) ? Status::Internal(s.message()) : s;
}

// A malformed signature (INVALID_ARGUMENT, e.g. a P-256 r of zero) is as much the proposer's
// fault as one that does not verify: were it a local failure, a Byzantine leader could halt
// every honest validator with one such transaction.
bool IsSignerRefusal(const Status& signer) {
  return signer.code() == Code::kUnauthenticated || signer.code() == Code::kPermissionDenied ||
         signer.code() == Code::kInvalidArgument;
}

Result<DecodedBlock> DecodePayload(const ProposalInput& in) {
  if (in.payload.size() > kBlockSizeBytesMax) {
    return Refuse("payload of " + std::to_string(in.payload.size()) + " bytes exceeds " +
                  std::to_string(kBlockSizeBytesMax));
  }
  v1::Block proposed;
  if (!proposed.ParseFromArray(in.payload.data(), static_cast<int>(in.payload.size()))) {
    return Refuse("payload does not parse as a block");
  }
  if (proposed.signatures_size() != 0 || !proposed.certificate().empty()) {
    return Refuse("payload carries signatures or a certificate");
  }
  // Unknown fields survive the round trip below, but not the store: a committed block's
  // payload is rebuilt from {header, txs} (ConsensusBlockOf) and would no longer hash to
  // its certificate, so no honest validator could restart or serve it.
  if (!proposed.GetReflection()->GetUnknownFields(proposed).empty()) {
    return Refuse("payload is not in canonical encoding: it carries unknown fields");
  }
  if (proposed.SerializeAsString() !=
      std::string_view(reinterpret_cast<const char*>(in.payload.data()), in.payload.size())) {
    return Refuse("payload is not in canonical encoding");
  }
  Result<DecodedBlock> decoded = DecodeBlock(proposed);
  if (!decoded.ok()) return Refuse(decoded.status().message());
  return decoded;
}

Status CheckHeader(const ProposalInput& in, const DecodedBlock& block) {
  const v1::BlockHeader& h = block.header;
  const LedgerTip& parent = *in.parent;
  if (block.hash != in.digest) return Refuse("payload digest is not the block hash");
  if (h.height() != in.height || h.round() != in.round) {
    return Refuse("header height/round " + std::to_string(h.height()) + "/" +
                  std::to_string(h.round()) + " differ from the consensus block's " +
                  std::to_string(in.height) + "/" + std::to_string(in.round));
  }
  if (h.proposer() != in.proposer.ToBinaryString()) {
    return Refuse("header proposer is not the consensus proposer");
  }
  Status link = CheckBlockLink(block, in.chain_id, parent.height, parent.hash);
  if (!link.ok()) return Refuse(link.message());
  if (h.timestamp_ms() < parent.timestamp_ms) return Refuse("block time before its parent's");
  if (h.timestamp_ms() > in.now_ms + kBlockClockSkewMaxMs) {
    return Refuse("block time more than " + std::to_string(kBlockClockSkewMaxMs) +
                  " ms ahead of this node's clock");
  }
  return Status::Ok();
}

Status CheckResultClaim(const ProposalInput& in, const DecodedBlock& block, ProposalView& view) {
  const uint64_t claimed = block.header.result_height();
  if (claimed < in.parent->result_height) return Refuse("result_height below the parent's");
  // A claim this node cannot check is refused: certified unchecked, it would halt every
  // honest validator at commit (Store::CommitBlock refuses a root that differs).
  if (claimed > view.ExecutedHeight()) {
    return Refuse("claims the results of block " + std::to_string(claimed) +
                  ", which this node has not executed (it is at " +
                  std::to_string(view.ExecutedHeight()) + ")");
  }
  Result<Hash> root = view.ResultRootAt(claimed);
  if (!root.ok()) {
    return Local(root.status(), "reading the result root of " + std::to_string(claimed));
  }
  if (root->ToBinaryString() != block.header.prev_result_root()) {
    return Refuse("result root of block " + std::to_string(claimed) + " differs from this node's");
  }
  return Status::Ok();
}

Status CheckTransactions(const ProposalInput& in, const DecodedBlock& block, ProposalView& view) {
  Status fresh = CheckBlockTransactions(block, in.chain_id);
  if (!fresh.ok()) return Refuse(fresh.message());
  for (const DecodedTransaction& tx : block.txs) {
    if (in.ancestor_tx_ids->count(tx.id) != 0) {
      return Refuse("tx " + tx.id.ShortHex() + " is in an uncommitted ancestor");
    }
    Result<bool> committed = view.IsCommitted(tx.id);
    if (!committed.ok()) return Local(committed.status(), "looking up tx " + tx.id.ShortHex());
    if (*committed) return Refuse("tx " + tx.id.ShortHex() + " is already committed");
    if (view.AdmittedHere(tx)) continue;  // its signature was checked at admission
    Status signer = view.CheckSigner(tx);
    if (IsSignerRefusal(signer)) return Refuse("tx " + tx.id.ShortHex() + ": " + signer.message());
    if (!signer.ok()) return Local(signer, "checking the signer of tx " + tx.id.ShortHex());
  }
  return Status::Ok();
}

}  // namespace

Result<DecodedBlock> CheckProposal(const ProposalInput& in, ProposalView& view) {
  TADORI_CHECK(in.parent != nullptr && in.ancestor_tx_ids != nullptr);
  TADORI_ASSIGN_OR_RETURN(DecodedBlock block, DecodePayload(in));
  TADORI_RETURN_IF_ERROR(CheckHeader(in, block));
  TADORI_RETURN_IF_ERROR(CheckResultClaim(in, block, view));
  TADORI_RETURN_IF_ERROR(CheckTransactions(in, block, view));
  return block;
}

}  // namespace tadori
