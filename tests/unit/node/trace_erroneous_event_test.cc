// An EPCIS error declaration through the real executor and store: the original event's "e/"
// entry is overwritten in the store with the declaration, and traces show the flagged event
// on the lot.
#include "chaincode/index_keys.h"
#include "node/query/trace_query.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::TraceChain;

constexpr char kContext[] = R"("https://ref.gs1.org/standards/epcis/epcis-context.jsonld")";
constexpr char kGreens[] = "04569951000010";

v1::TransactionBody Capture(const std::string& extra) {
  const std::string event =
      R"({"type": "ObjectEvent", "eventID": "urn:uuid:trace-h1",)"
      R"( "eventTime": "2026-11-20T06:30:00+09:00", "eventTimeZoneOffset": "+09:00",)"
      R"( "action": "ADD", "bizStep": "urn:tadori:bizstep:harvesting",)"
      R"( "bizLocation": {"id": "urn:epc:id:sgln:4569951.10001.0"},)"
      R"( "quantityList": [{"epcClass": "urn:epc:class:lgtin:4569951.000001.G-1",)"
      R"( "quantity": 5, "uom": "KGM"}])" +
      extra + "}";
  v1::TransactionBody body;
  body.mutable_capture_epcis_event()->set_context_json(kContext);
  body.mutable_capture_epcis_event()->set_event_json(event);
  return body;
}

TEST(TraceErroneousEventTest, DeclarationOverwritesTheEntryAndTracesShowIt) {
  TraceChain chain;
  v1::TransactionBody product;
  product.mutable_register_product()->set_gtin(kGreens);
  product.mutable_register_product()->set_description("greens");
  chain.ExpectOk("farm", product);
  chain.ExpectOk("farm", Capture(""));
  Result<std::optional<v1::EventRef>> original =
      FindCapturedEventById(*chain.Snapshot(), "urn:uuid:trace-h1");
  ASSERT_TRUE(original.ok() && original->has_value());
  chain.ExpectOk("farm", Capture(R"(, "errorDeclaration": {"declarationTime":)"
                                 R"( "2026-11-20T08:00:00+09:00", "reason": "incorrect_data"})"));

  auto snap = chain.Snapshot();
  Result<std::optional<std::string>> entry =
      snap->GetIndex(index_keys::Event({(*original)->height(), (*original)->index()}));
  ASSERT_TRUE(entry.ok() && entry->has_value());
  v1::RecordedEvent recorded;
  ASSERT_TRUE(recorded.ParseFromString(**entry));
  ASSERT_TRUE(recorded.has_error_declaration());
  EXPECT_EQ(recorded.error_declaration().reason(), "incorrect_data");
  EXPECT_EQ(recorded.error_declaration().declared_by().height(), (*original)->height() + 1);
  EXPECT_EQ(recorded.captured().event_id(), "urn:uuid:trace-h1");

  v1::TraceRequest ask;
  ask.set_lot_code("G-1");
  Result<v1::TraceGraph> graph = TraceBack(*snap, ask);
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  ASSERT_EQ(graph->nodes_size(), 1);
  ASSERT_EQ(graph->nodes(0).erroneous_events_size(), 1);
  EXPECT_EQ(graph->nodes(0).erroneous_events(0).height(), (*original)->height());
}

}  // namespace
}  // namespace tadori
