// Trace back, trace forward and recall scope: breadth-first walks over LotRecord.parents /
// children, one point read per lot (plus the lot's own events for its custody chain).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/index_keys.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"
#include "node/query/paging.h"
#include "node/query/trace_query.h"

namespace tadori {
namespace {

enum class Direction { kBack, kForward };

// What custody needs from one stored RecordedEvent: its organisation and whether it is a
// receiving event. Read straight from the wire bytes (org_id = field 3, event = field 2 and
// its biz_step = field 5) rather than parsing the whole event: a trace reads several events
// per lot, and parsing them all was most of a trace's time.
struct CustodyFacts {
  std::string org_id;
  bool receiving = false;
};

std::optional<CustodyFacts> ReadCustodyFacts(std::string_view bytes) {
  using google::protobuf::internal::WireFormatLite;
  constexpr int kEventField = v1::RecordedEvent::kEventFieldNumber;
  constexpr int kOrgField = v1::RecordedEvent::kOrgIdFieldNumber;
  constexpr int kBizStepField = v1::EpcisEvent::kBizStepFieldNumber;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  CustodyFacts facts;
  std::string biz_step;
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (field == kOrgField && delimited) {
      if (!WireFormatLite::ReadString(&in, &facts.org_id)) return std::nullopt;
    } else if (field == kEventField && delimited) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return std::nullopt;
      const auto limit = in.PushLimit(static_cast<int>(length));
      for (uint32_t inner = in.ReadTag(); inner != 0; inner = in.ReadTag()) {
        if (WireFormatLite::GetTagFieldNumber(inner) == kBizStepField &&
            WireFormatLite::GetTagWireType(inner) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
          if (!WireFormatLite::ReadString(&in, &biz_step)) return std::nullopt;
        } else if (!WireFormatLite::SkipField(&in, inner)) {
          return std::nullopt;
        }
      }
      if (!in.ConsumedEntireMessage()) return std::nullopt;
      in.PopLimit(limit);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage()) return std::nullopt;
  facts.receiving = biz_step == "receiving";
  return facts;
}

// The organisations that held the lot, in the order they took custody: its creator, then
// the organisation of each receiving event recorded on it, each named once. The event that
// created the lot is skipped unread: it is never a receiving event.
Result<std::vector<std::string>> CustodyOrgs(const Store::Snapshot& snap,
                                             const v1::LotRecord& lot) {
  std::vector<std::string> orgs;
  std::set<std::string> named;
  auto add = [&](const std::string& org) {
    if (!org.empty() && named.insert(org).second) orgs.push_back(org);
  };
  add(lot.creator_org());
  const std::string prefix = index_keys::LotEventPrefix(lot.lot_code());
  TADORI_ASSIGN_OR_RETURN(Store::Entries entries,
                          snap.ScanIndex(prefix, "", kCustodyEventsPerLotMax));
  for (const auto& [key, value] : entries) {
    Result<index_keys::Position> pos = index_keys::PositionFromKey(key);
    if (!pos.ok()) return Status::DataLoss("lot event index: " + pos.status().message());
    if (pos->height == lot.created_by().height() && pos->index == lot.created_by().index()) {
      continue;
    }
    TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            snap.GetIndex(index_keys::Event(*pos)));
    if (!bytes) {
      return Status::DataLoss("lot " + lot.lot_code() + " names an event at height " +
                              std::to_string(pos->height) + " that is not stored");
    }
    std::optional<CustodyFacts> facts = ReadCustodyFacts(*bytes);
    if (!facts) {
      return Status::DataLoss("event at height " + std::to_string(pos->height) + " index " +
                              std::to_string(pos->index) + " does not parse");
    }
    if (facts->receiving) add(facts->org_id);
  }
  return orgs;
}

Result<v1::TraceNode> MakeNode(const Store::Snapshot& snap, const v1::LotRecord& lot,
                               uint32_t depth) {
  v1::TraceNode node;
  node.set_lot_code(lot.lot_code());
  node.set_product(lot.product());
  node.set_depth(depth);
  node.set_creator_org(lot.creator_org());
  *node.mutable_holdings() = lot.holdings();
  *node.mutable_in_transit() = lot.in_transit();
  *node.mutable_excursions() = lot.excursions();
  *node.mutable_recalls() = lot.recalls();
  *node.mutable_erroneous_events() = lot.erroneous_events();
  TADORI_ASSIGN_OR_RETURN(std::vector<std::string> custody, CustodyOrgs(snap, lot));
  for (std::string& org : custody) node.add_custody_orgs(std::move(org));
  return node;
}

Result<v1::LotRecord> LinkedLot(const Store::Snapshot& snap, const std::string& from,
                                const std::string& code) {
  Result<v1::LotRecord> lot = query::RequireLot(snap, code);
  if (!lot.ok() && lot.status().code() == Code::kNotFound) {
    return Status::DataLoss("lot " + from + " links to lot " + code + ", which does not exist");
  }
  return lot;
}

// The record of a recall whose flag `lot` carries. Chaincode writes it with the recall's
// first flag, so a flag without one is corrupt state.
Result<v1::RecallRecord> LoadRecallRecord(const Store::Snapshot& snap, const v1::LotRecord& lot,
                                          const v1::RecallFlag& flag) {
  v1::RecallRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(snap, RecallStateKey(flag.recall_id()), record));
  if (!found) {
    return Status::DataLoss("lot " + lot.lot_code() + " carries recall " + flag.recall_id() +
                            ", which has no record");
  }
  return record;
}

void AddEdge(v1::TraceGraph& graph, const std::string& input, const std::string& output,
             const v1::EventRef& transformation) {
  v1::TraceEdge* edge = graph.add_edges();
  edge->set_from_lot(input);
  edge->set_to_lot(output);
  *edge->mutable_transformation() = transformation;
}

Result<v1::TraceGraph> Trace(const Store::Snapshot& snap, const v1::TraceRequest& request,
                             Direction direction) {
  TADORI_RETURN_IF_ERROR(query::CheckId("lot_code", request.lot_code(), kLotCodeBytesMax, true));
  if (request.depth() > kTraceDepthMax) {
    return Status::InvalidArgument("depth is at most " + std::to_string(kTraceDepthMax) + ", got " +
                                   std::to_string(request.depth()));
  }
  const uint32_t depth_max = request.depth() == 0 ? kTraceDepthDefault : request.depth();
  TADORI_ASSIGN_OR_RETURN(v1::LotRecord root, query::RequireLot(snap, request.lot_code()));

  v1::TraceGraph graph;
  // Every lot admitted to the graph, with the transformation that created it (edge labels).
  std::map<std::string, v1::EventRef> admitted;
  std::deque<std::pair<v1::LotRecord, uint32_t>> queue;
  admitted.emplace(root.lot_code(), root.created_by());
  queue.emplace_back(std::move(root), 0);
  while (!queue.empty()) {
    auto [lot, depth] = std::move(queue.front());
    queue.pop_front();
    TADORI_ASSIGN_OR_RETURN(*graph.add_nodes(), MakeNode(snap, lot, depth));
    const auto& links = direction == Direction::kBack ? lot.parents() : lot.children();
    if (links.empty()) continue;
    if (depth == depth_max) {
      graph.set_truncated(true);
      continue;
    }
    for (const std::string& code : links) {
      auto seen = admitted.find(code);
      if (seen == admitted.end()) {
        if (admitted.size() >= kTraceNodesMax) {
          graph.set_truncated(true);
          continue;
        }
        TADORI_ASSIGN_OR_RETURN(v1::LotRecord next, LinkedLot(snap, lot.lot_code(), code));
        seen = admitted.emplace(code, next.created_by()).first;
        queue.emplace_back(std::move(next), depth + 1);
      }
      if (direction == Direction::kBack) {
        AddEdge(graph, code, lot.lot_code(), lot.created_by());
      } else {
        AddEdge(graph, lot.lot_code(), code, seen->second);
      }
    }
  }
  graph.set_read_at_height(snap.Height());
  return graph;
}

}  // namespace

Result<v1::TraceGraph> TraceBack(const Store::Snapshot& snapshot, const v1::TraceRequest& request) {
  return Trace(snapshot, request, Direction::kBack);
}

Result<v1::TraceGraph> TraceForward(const Store::Snapshot& snapshot,
                                    const v1::TraceRequest& request) {
  return Trace(snapshot, request, Direction::kForward);
}

Result<v1::RecallScopeResponse> RecallScope(const Store::Snapshot& snapshot,
                                            const v1::RecallScopeRequest& request) {
  TADORI_RETURN_IF_ERROR(query::CheckId("lot_code", request.lot_code(), kLotCodeBytesMax, true));
  TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, query::RequireLot(snapshot, request.lot_code()));
  if (lot.recalls().empty()) {
    return Status::FailedPrecondition("lot " + request.lot_code() + " is not recalled");
  }
  v1::RecallScopeResponse out;
  std::set<std::string> recall_ids;
  std::vector<std::string> origins;
  for (const v1::RecallFlag& flag : lot.recalls()) {
    *out.add_recalls() = flag;
    TADORI_ASSIGN_OR_RETURN(*out.add_records(), LoadRecallRecord(snapshot, lot, flag));
    recall_ids.insert(flag.recall_id());
    origins.push_back(flag.origin_lot());
  }
  auto flagged = [&](const v1::LotRecord& l) {
    for (const v1::RecallFlag& f : l.recalls()) {
      if (recall_ids.count(f.recall_id()) != 0) return true;
    }
    return false;
  };

  // Downstream of each origin, through flagged lots only: a lot the recall did not flag is
  // outside its scope, and so is what was made from it.
  std::set<std::string> visited;
  std::deque<std::string> queue;
  for (const std::string& origin : origins) {
    if (visited.insert(origin).second) queue.push_back(origin);
  }
  std::set<std::string> organisations;
  while (!queue.empty()) {
    const std::string code = std::move(queue.front());
    queue.pop_front();
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord affected, LinkedLot(snapshot, request.lot_code(), code));
    if (!flagged(affected)) continue;
    out.add_affected_lots(code);
    for (const v1::Holding& h : affected.holdings()) {
      v1::AffectedHolder* holder = out.add_holders();
      holder->set_org_id(h.org_id());
      holder->set_lot_code(code);
      holder->set_quantity_milli(h.quantity_milli());
      organisations.insert(h.org_id());
    }
    for (const v1::InTransit& t : affected.in_transit()) {
      v1::AffectedHolder* holder = out.add_holders();
      holder->set_org_id(t.carrier_org().empty() ? t.from_org() : t.carrier_org());
      holder->set_lot_code(code);
      holder->set_quantity_milli(t.quantity_milli());
      holder->set_in_transit(true);
      for (const std::string& org : {t.from_org(), t.to_org(), t.carrier_org()}) {
        if (!org.empty()) organisations.insert(org);
      }
    }
    for (const std::string& child : affected.children()) {
      if (visited.count(child) != 0) continue;
      if (visited.size() >= kTraceNodesMax) {
        out.set_truncated(true);
        continue;
      }
      visited.insert(child);
      queue.push_back(child);
    }
  }
  for (const std::string& org : organisations) out.add_organisations(org);
  out.set_read_at_height(snapshot.Height());
  return out;
}

}  // namespace tadori
