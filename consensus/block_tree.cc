#include "consensus/block_tree.h"

#include <algorithm>

#include "consensus/bounds.h"
#include "ledger/check.h"

namespace tadori::consensus {

BlockTree::BlockTree(Block root) : root_(std::move(root)), root_id_(root_.ComputeId()) {}

bool BlockTree::full() const {
  return blocks_.size() >= kBlockTreeBlocksMax;
}

const Block* BlockTree::Find(const BlockId& id) const {
  if (id == root_id_) return &root_;
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second;
}

bool BlockTree::Insert(const BlockId& id, Block block) {
  if (full() || block.height <= root_.height) return false;
  if (blocks_.count(id) != 0) return true;
  const Block* parent = Find(block.parent_id());
  if (parent == nullptr || parent->height + 1 != block.height) return false;
  blocks_.emplace(id, std::move(block));
  return true;
}

std::vector<BlockId> BlockTree::PathFromRoot(const BlockId& id) const {
  std::vector<BlockId> path;
  BlockId cursor = id;
  // Each step goes down one height, so the walk is bounded by the tree's size.
  while (cursor != root_id_) {
    auto it = blocks_.find(cursor);
    if (it == blocks_.end() || path.size() > blocks_.size()) return {};
    path.push_back(cursor);
    cursor = it->second.parent_id();
  }
  std::reverse(path.begin(), path.end());
  return path;
}

void BlockTree::AdvanceRoot(const BlockId& id) {
  auto it = blocks_.find(id);
  TADORI_CHECK(it != blocks_.end());
  root_ = std::move(it->second);
  root_id_ = id;
  blocks_.erase(it);
  for (auto b = blocks_.begin(); b != blocks_.end();) {
    if (b->second.height <= root_.height) {
      b = blocks_.erase(b);
    } else {
      ++b;
    }
  }
}

}  // namespace tadori::consensus
