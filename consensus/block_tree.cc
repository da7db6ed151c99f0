#include "consensus/block_tree.h"

#include <algorithm>
#include <set>

#include "consensus/bounds.h"
#include "ledger/check.h"

namespace tadori::consensus {

BlockTree::BlockTree(Block root) : root_(std::move(root)), root_id_(root_.ComputeId()) {}

bool BlockTree::full() const {
  return blocks_.size() >= kBlockTreeBlocksMax;
}

std::vector<BlockId> BlockTree::ids() const {
  std::vector<BlockId> out;
  out.reserve(blocks_.size());
  for (const auto& [id, block] : blocks_) out.push_back(id);
  return out;
}

const Block* BlockTree::Find(const BlockId& id) const {
  if (id == root_id_) return &root_;
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second;
}

bool BlockTree::Insert(const BlockId& id, Block block) {
  if (blocks_.count(id) != 0) return true;
  if (full() || block.height <= root_.height) return false;
  if (payload_bytes_ + block.payload.size() > kBlockTreeBytesMax) return false;
  const Block* parent = Find(block.parent_id());
  if (parent == nullptr || parent->height + 1 != block.height) return false;
  payload_bytes_ += block.payload.size();
  blocks_.emplace(id, std::move(block));
  TADORI_CHECK(blocks_.size() <= kBlockTreeBlocksMax && payload_bytes_ <= kBlockTreeBytesMax);
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
  // Keep the new root's descendants only: a block stays when its parent stayed, which
  // (parents being one height lower) is settled height by height from the root up.
  std::map<Height, std::vector<BlockId>> by_height;
  for (const auto& [block_id, block] : blocks_) by_height[block.height].push_back(block_id);
  std::set<BlockId> kept = {root_id_};
  for (const auto& [height, ids] : by_height) {
    for (const BlockId& block_id : ids) {
      if (height > root_.height && kept.count(blocks_.at(block_id).parent_id()) != 0) {
        kept.insert(block_id);
      }
    }
  }
  payload_bytes_ = 0;
  for (auto b = blocks_.begin(); b != blocks_.end();) {
    if (kept.count(b->first) == 0) {
      b = blocks_.erase(b);
    } else {
      payload_bytes_ += b->second.payload.size();
      ++b;
    }
  }
}

}  // namespace tadori::consensus
