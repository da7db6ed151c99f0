// Blocks: building, signing, decoding untrusted blocks and checking them.
//
// A block is v1::Block{header bytes, txs, signatures}. Its hash is SHA-256 of the header
// bytes exactly as received. The header commits to the transactions through tx_root (RFC
// 6962 root over their TxLeaf, in block order) and to the previous block's
// execution through prev_result_root. Validators sign BlockSigningMessage(hash); a quorum
// of those signatures, checked against the genesis validators, makes the block verifiable
// offline.
//
// Checks are split by what they need: DecodeBlock needs only the bytes,
// VerifyBlockSignatures the validator set, CheckBlockLink / CheckBlockTransactions the
// chain's head. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/status.h"
#include "ledger/transaction.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

struct DecodedBlock {
  Hash hash;                            // SHA-256(block.header)
  v1::BlockHeader header;               // parsed from block.header
  v1::Block block;                      // as received (or built)
  std::vector<DecodedTransaction> txs;  // block.txs, decoded, same order
};

// What a proposer decides; BuildBlock derives the rest.
struct BlockDraft {
  std::string chain_id;
  uint64_t height = 0;
  uint64_t round = 0;
  Hash prev_hash;
  Hash prev_result_root;  // the result root of block result_height
  uint64_t result_height = 0;
  KeyId proposer;
  int64_t timestamp_ms = 0;
  std::vector<DecodedTransaction> txs;
};

// The tx_root leaf of one transaction. It covers the signer and the signature as well as
// the id, so that the validators' certificate fixes every byte that matters in the block:
// without them, anyone relaying a certified block could swap a signature undetected, and
// nodes that check signatures when executing would diverge.
//   leaf = tx id (32) || signer_key_id (32) || signature (64)
Bytes TxLeaf(const DecodedTransaction& tx);
// RFC 6962 root over MerkleLeafHash(TxLeaf(tx)) for each transaction, in order.
Hash TxRoot(std::span<const DecodedTransaction> txs);
// The result leaf of one transaction:
//   leaf = tx id (32 bytes) || code (u32 big-endian)
// The message is not in the leaf. It is human text that a later version may word
// differently, and honest validators on two versions must still compute the same root (they
// halt when roots differ); the code is the decision, and it is covered.
Bytes ResultLeaf(const Hash& tx_id, const v1::TxResult& result);
// RFC 6962 root over MerkleLeafHash(ResultLeaf(id_i, result_i)). The spans must have equal
// length (checked). With no transactions it is the empty-tree root, SHA-256("").
Hash ResultRoot(std::span<const Hash> tx_ids, std::span<const v1::TxResult> results);

// Fills tx_root and tx_count, serializes the header once and hashes those bytes. No
// signatures. The draft must respect the block limits (checked: a proposer bug).
DecodedBlock BuildBlock(const BlockDraft& draft);

// The bytes a validator signs for a block:
//   message = "TADORI-BLOCK-V1" (15 ASCII bytes, no terminator) || block hash (32 bytes)
Bytes BlockSigningMessage(const Hash& block_hash);
// Appends {validator_key id, signature over BlockSigningMessage(block.hash)}.
void SignBlock(DecodedBlock& block, const PrivateKey& validator_key);

// INVALID_ARGUMENT unless: block size <= kBlockSizeBytesMax, header <= kBlockHeaderBytesMax,
// txs <= kBlockTxCountMax, signatures <= kBlockSignatureCountMax; the header parses with
// height >= 1, result_height < height, a chain_id within kChainIdBytesMax and 32-byte prev_hash,
// tx_root, prev_result_root and proposer; every transaction decodes and names the header's chain;
// tx_count and tx_root match the transactions; no transaction id appears twice.
// Signatures are not verified here (see VerifyBlockSignatures).
Result<DecodedBlock> DecodeBlock(const v1::Block& block);
// Refuses wire bytes longer than kBlockSizeBytesMax before parsing them.
Result<DecodedBlock> DecodeBlockBytes(ByteView wire);

// OK when at least validators.Quorum() distinct validators signed BlockSigningMessage(hash).
// Signatures from unknown keys, that do not verify, or that repeat a validator already
// counted do not count. UNAUTHENTICATED with the counts otherwise.
Status VerifyBlockSignatures(const DecodedBlock& block, const ValidatorSet& validators);

// The block follows its parent: chain ids equal and prev_hash == parent_hash (else
// INVALID_ARGUMENT); height == parent_height + 1 (else FAILED_PRECONDITION, since a block
// for another height may simply be early or late).
Status CheckBlockLink(const DecodedBlock& block, std::string_view chain_id, uint64_t parent_height,
                      const Hash& parent_hash);

// Every transaction may commit at this block's height: CheckTransactionContext(tx,
// chain_id, height - 1) for each, the first failure with the transaction's index.
Status CheckBlockTransactions(const DecodedBlock& block, std::string_view chain_id);

}  // namespace tadori
