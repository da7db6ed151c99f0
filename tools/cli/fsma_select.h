// Which events `tadori fsma export` puts in the spreadsheet, read through the Trace API
// (behind TraceSource, so tests give it an in-memory chain):
//   --lot TLC       the lot's history and the histories of the lots it was made from
//                   (TraceBack, --depth levels; FDA asks for the records of a TLC and of its
//                   inputs), plus, with --forward, of the lots made from it; each event once,
//                   in chain order.
//   --from/--to     every event whose event time is in [from, to), page by page as the
//                   node answers (QueryEvents), never all in memory.
// The lots the rows need (TLC source, product) come from GetLot, each asked once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/status.h"
#include "tadori/v1/trace.pb.h"
#include "tools/cli/fsma_rows.h"

namespace tadori::cli::fsma {

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  virtual Result<v1::EventPage> LotHistory(const v1::LotHistoryRequest& request) = 0;
  virtual Result<v1::EventPage> QueryEvents(const v1::EventQuery& request) = 0;
  virtual Result<v1::TraceGraph> Trace(const v1::TraceRequest& request, bool forward) = 0;
  // NOT_FOUND when the chain has no such lot.
  virtual Result<v1::LotView> GetLot(const std::string& lot_code) = 0;
};

struct LotSelection {
  std::string lot_code;
  uint32_t depth = 10;   // transformation levels back (and forward); 0: the lot alone
  bool forward = false;  // also the lots made from it
};

struct LotEvents {
  std::vector<std::string> lots;  // the lot first, then the linked lots as the traces gave them
  std::vector<v1::RecordedEvent> events;  // each once, by (height, index)
  bool truncated = false;                 // a trace hit its depth or node limit
};

// NOT_FOUND when the lot is not on the chain; the source's failures as they are.
Result<LotEvents> CollectLotEvents(TraceSource& source, const LotSelection& selection);

// Calls `each` for every event with event time in [time_from, time_to) (RFC 3339, either may
// be empty for unbounded), in the node's order, a page at a time; stops at the first failure.
Status ForEachEventInTime(TraceSource& source, const std::string& time_from,
                          const std::string& time_to,
                          const std::function<Status(const v1::RecordedEvent&)>& each);

// A Directory over a TraceSource: a lot it has not seen is asked with GetLot once (a lot the
// chain does not know is remembered as unknown); locations come from AddLocation (the Trace
// API serves no location registry: names and addresses come from the payload files that
// registered them, --locations). The first failure other than NOT_FOUND is kept in status().
class SourceDirectory final : public Directory {
 public:
  explicit SourceDirectory(TraceSource& source) : source_(source) {}
  void AddLocation(v1::LocationRecord location) { known_.AddLocation(std::move(location)); }
  const v1::LotView* Lot(std::string_view lot_code) override;
  const v1::LocationRecord* Location(std::string_view gln) override { return known_.Location(gln); }
  const Status& status() const { return status_; }
  uint64_t lots_asked() const { return lots_asked_; }

 private:
  TraceSource& source_;
  MapDirectory known_;
  std::map<std::string, bool, std::less<>> asked_;  // lot code -> found
  Status status_;
  uint64_t lots_asked_ = 0;
};

}  // namespace tadori::cli::fsma
