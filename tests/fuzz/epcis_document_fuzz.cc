// libFuzzer target: the EPCIS 2.0 JSON-LD decoder (CheckDocument, MapEvent) on arbitrary bytes.
// It must never crash, and what it accepts must be stable: every event of a valid document,
// mapped alone from the document's @context, and mapped again from the JSON the chain keeps of
// it, gives the same model, kept JSON and event hash (chaincode maps each captured event
// itself, and exports re-emit the kept JSON). Also built into ledger_tests, which runs it on
// the test documents and their mutations (epcis_fuzz_smoke_test.cc).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/check.h"
#include "ledger/epcis/capture.h"
#include "ledger/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tadori::epcis::CheckedDocument checked = tadori::epcis::CheckDocument(text);
  if (!checked.problems.empty()) {
    for (const tadori::epcis::Problem& problem : checked.problems) {
      TADORI_CHECK(!problem.message.empty());
      // Messages end up in committed refusals: valid UTF-8 on one line, by construction.
      TADORI_CHECK(tadori::IsValidUtf8(problem.message));
      TADORI_CHECK(problem.message.find_first_of("\r\n") == std::string::npos);
      TADORI_CHECK(problem.pointer.empty() || problem.pointer[0] == '/');
    }
    return 0;
  }
  TADORI_CHECK(checked.events.size() == checked.document.events.size());
  for (size_t i = 0; i < checked.events.size(); ++i) {
    const tadori::epcis::MappedEvent& event = checked.events[i];
    const tadori::epcis::MapOutcome alone = tadori::epcis::MapEvent(
        checked.document.context_json, checked.document.events[i].event_json);
    TADORI_CHECK(alone.event.has_value());
    TADORI_CHECK(alone.event->kept.event_hash() == event.kept.event_hash());
    const tadori::epcis::MapOutcome again =
        tadori::epcis::MapEvent(checked.document.context_json, event.kept.event_json());
    TADORI_CHECK(again.event.has_value());
    TADORI_CHECK(again.event->kept.event_hash() == event.kept.event_hash());
    TADORI_CHECK(again.event->kept.event_json() == event.kept.event_json());
    TADORI_CHECK(again.event->model.SerializeAsString() == event.model.SerializeAsString());
    TADORI_CHECK(event.kept.event_hash().starts_with("ni:///sha-256;"));
    TADORI_CHECK(!event.kept.event_id().empty());
  }
  return 0;
}
