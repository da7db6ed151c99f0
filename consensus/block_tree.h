// The blocks a validator holds above its last committed block, keyed by id.
//
// Bounded: at most kBlockTreeBlocksMax blocks besides the root, holding at most
// kBlockTreeBytesMax payload bytes; Insert refuses more. Committing moves the root up and
// keeps only the new root's descendants, which drops both the committed ancestors and every
// fork that can no longer commit.
// Ordered containers only, so iteration order never depends on hashing.
#pragma once

#include <map>
#include <vector>

#include "consensus/types.h"

namespace tadori::consensus {

class BlockTree {
 public:
  // `root` is the last committed block (genesis on first start).
  explicit BlockTree(Block root);

  const Block& root() const { return root_; }
  const BlockId& root_id() const { return root_id_; }
  size_t size() const { return blocks_.size(); }
  size_t payload_bytes() const { return payload_bytes_; }
  std::vector<BlockId> ids() const;  // ascending, root excluded
  bool full() const;

  // nullptr when unknown. The root is found too.
  const Block* Find(const BlockId& id) const;
  // Adds a block whose parent is already in the tree. False (and no change) when the tree
  // is full (by count or bytes), the parent is unknown, or the block is at or below the
  // root's height.
  bool Insert(const BlockId& id, Block block);

  // The ids from just above the root up to `id`, ascending; empty when `id` is the root,
  // unknown, or does not descend from the root.
  std::vector<BlockId> PathFromRoot(const BlockId& id) const;
  // Makes `id` (which must descend from the root) the new root and prunes.
  void AdvanceRoot(const BlockId& id);

 private:
  Block root_;
  BlockId root_id_;
  std::map<BlockId, Block> blocks_;  // excludes the root
  size_t payload_bytes_ = 0;         // of blocks_
};

}  // namespace tadori::consensus
