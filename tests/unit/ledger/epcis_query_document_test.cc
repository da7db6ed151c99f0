// The EPCISQueryDocument writer (ledger/epcis/query_document.h): native events written from
// the model, captured events re-emitted as kept, and documents that check back in with the
// capture mapping (capture.h) to the same models.
#include "ledger/epcis/query_document.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>
#include <climits>

#include "ledger/epcis/capture.h"

namespace tadori::epcis {
namespace {

constexpr char kGtin[] = "04569951000010";  // the quickstart's spinach (valid check digit)
constexpr char kFarmGln[] = "urn:epc:id:sgln:4569951.10001.0";
constexpr char kPackGln[] = "urn:epc:id:sgln:4569951.10002.0";
// 2026-11-20T06:31:02.120+09:00 as Unix ms (21:31:02.120Z the day before).
constexpr int64_t kBlockMs = 1'795'123'862'120;

v1::QuantityElement Quantity(const std::string& lot, int64_t milli, const std::string& unit) {
  v1::QuantityElement q;
  q.set_lot_code(lot);
  q.set_product(kGtin);
  q.set_quantity_milli(milli);
  q.set_unit(unit);
  return q;
}

v1::RecordedEvent Recorded(v1::EpcisEvent event, char tx_byte) {
  v1::RecordedEvent r;
  r.mutable_ref()->set_height(7);
  r.mutable_ref()->set_tx_id(std::string(32, tx_byte));
  r.set_org_id("kyushu-farm");
  *r.mutable_event() = std::move(event);
  return r;
}

v1::RecordedEvent Harvest() {
  v1::EpcisEvent e;
  e.set_type(v1::OBJECT_EVENT);
  e.set_action(v1::ADD);
  e.set_event_time("2026-11-20T06:30:00+09:00");
  e.set_event_time_zone_offset("+09:00");
  e.set_biz_step("harvesting");
  e.set_disposition("active");
  e.set_read_point(kFarmGln);
  e.set_biz_location(kFarmGln);
  *e.add_quantity_list() = Quantity("KF-SPN-261120-H1", 520'000, "KGM");
  v1::PartyRef* owner = e.add_source_list();
  owner->set_type("owning_party");
  owner->set_id("kyushu-farm");
  v1::BizTransaction* order = e.add_biz_transaction_list();
  order->set_type("prodorder");
  order->set_id("KF-HARVEST-20261120-3");
  e.mutable_ilmd()->set_harvest_date("2026-11-20");
  e.mutable_ilmd()->set_harvest_location(kFarmGln);
  e.mutable_ilmd()->set_tlc_source(kFarmGln);
  return Recorded(std::move(e), '\x01');
}

v1::RecordedEvent Shipping() {
  v1::EpcisEvent e;
  e.set_type(v1::OBJECT_EVENT);
  e.set_action(v1::OBSERVE);
  e.set_event_time("2026-11-20T11:00:00+09:00");
  e.set_event_time_zone_offset("+09:00");
  e.set_biz_step("shipping");
  e.set_disposition("in_transit");
  e.set_read_point(kPackGln);
  *e.add_quantity_list() = Quantity("KF-SPN-261120-P1", 1'500, "KGM");
  v1::PartyRef* from = e.add_source_list();
  from->set_type("owning_party");
  from->set_id("kyushu-farm");
  v1::PartyRef* to = e.add_destination_list();
  to->set_type("owning_party");
  to->set_id("hakata-wholesale");
  v1::PartyRef* carrier = e.add_destination_list();
  carrier->set_type("possessing_party");
  carrier->set_id("kyushu-coldchain");
  v1::PartyRef* where = e.add_destination_list();
  where->set_type("location");
  where->set_id("urn:epc:id:sgln:4569952.20001.0");
  v1::BizTransaction* asn = e.add_biz_transaction_list();
  asn->set_type("desadv");
  asn->set_id("urn:epcglobal:cbv:bt:4569951000008:ASN-77");
  return Recorded(std::move(e), '\x02');
}

v1::RecordedEvent Transformation() {
  v1::EpcisEvent e;
  e.set_type(v1::TRANSFORMATION_EVENT);
  e.set_event_time("2026-11-21T09:15:00+09:00");
  e.set_event_time_zone_offset("+09:00");
  e.set_biz_step("transforming");
  e.set_read_point(kPackGln);
  *e.add_input_quantity_list() = Quantity("KF-SPN-261120-P1", 100'000, "KGM");
  *e.add_output_quantity_list() = Quantity("SALAD/1 A&B", 250, "EA");
  e.mutable_ilmd()->set_tlc_source(kPackGln);
  e.mutable_ilmd()->set_best_before_date("2026-11-25");
  return Recorded(std::move(e), '\x03');
}

std::string TxHex(char byte) {
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    out += kHex[static_cast<unsigned char>(byte) >> 4];
    out += kHex[static_cast<unsigned char>(byte) & 0xF];
  }
  return out;
}

TEST(EpcisQueryDocumentTest, QuantitiesAreExactDecimals) {
  EXPECT_EQ(DecimalFromMilli(520'000), "520");
  EXPECT_EQ(DecimalFromMilli(1'500), "1.5");
  EXPECT_EQ(DecimalFromMilli(1), "0.001");
  EXPECT_EQ(DecimalFromMilli(10), "0.01");
  EXPECT_EQ(DecimalFromMilli(1'234'567), "1234.567");
  EXPECT_EQ(DecimalFromMilli(0), "0");
  EXPECT_EQ(DecimalFromMilli(-1'500), "-1.5");
  EXPECT_EQ(DecimalFromMilli(INT64_MAX), "9223372036854775.807");
  EXPECT_EQ(DecimalFromMilli(INT64_MIN), "-9223372036854775.808");
}

TEST(EpcisQueryDocumentTest, StringsAreEscapedAsRfc8259Wants) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(JsonQuote("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(JsonQuote(std::string("nul\0", 4)), "\"nul\\u0000\"");
  // UTF-8 passes as it is; ill-formed bytes (stray continuation, overlong, surrogate, cut
  // short) become U+FFFD one byte at a time.
  EXPECT_EQ(JsonQuote("ほうれん草 é"), "\"ほうれん草 é\"");
  EXPECT_EQ(JsonQuote("\xf0\x9f\x8d\x85"), "\"\xf0\x9f\x8d\x85\"");
  EXPECT_EQ(JsonQuote("a\x80z"), "\"a\\ufffdz\"");
  EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(JsonQuote("\xe3\x81"), "\"\\ufffd\\ufffd\"");
}

TEST(EpcisQueryDocumentTest, RecordTimesAreUtcWithMilliseconds) {
  EXPECT_EQ(RecordTimeText(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(RecordTimeText(kBlockMs), "2026-11-19T21:31:02.120Z");
  EXPECT_EQ(RecordTimeText(kBlockMs - 120), "2026-11-19T21:31:02.000Z");
}

TEST(EpcisQueryDocumentTest, LotClassesAreDigitalLinksWithPercentEncodedLots) {
  EXPECT_EQ(QuantityClassUri(kGtin, "KF-SPN-261120-H1"),
            "https://id.gs1.org/01/04569951000010/10/KF-SPN-261120-H1");
  EXPECT_EQ(QuantityClassUri(kGtin, "SALAD/1 A&B"),
            "https://id.gs1.org/01/04569951000010/10/SALAD%2F1%20A%26B");
  // Not a GTIN-14 (bad check digit, letters): no Digital Link exists for it.
  EXPECT_EQ(QuantityClassUri("04569951000011", "L1"), "urn:tadori:class:04569951000011:L1");
  EXPECT_EQ(QuantityClassUri("tomato box", "L/1"), "urn:tadori:class:tomato%20box:L%2F1");
}

TEST(EpcisQueryDocumentTest, HarvestingIsWrittenFromTheModel) {
  const ExportedEvent out = ExportEvent(Harvest(), kBlockMs);
  EXPECT_EQ(out.json,
            "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-20T06:30:00+09:00\","
            "\"eventTimeZoneOffset\":\"+09:00\",\"eventID\":\"urn:tadori:event:" +
                TxHex('\x01') +
                "\",\"recordTime\":\"2026-11-19T21:31:02.120Z\",\"action\":\"ADD\","
                "\"quantityList\":[{\"epcClass\":\"https://id.gs1.org/01/04569951000010/10/"
                "KF-SPN-261120-H1\",\"quantity\":520,\"uom\":\"KGM\"}],"
                "\"bizStep\":\"urn:tadori:bizstep:harvesting\",\"disposition\":\"active\","
                "\"readPoint\":{\"id\":\"urn:epc:id:sgln:4569951.10001.0\"},"
                "\"bizLocation\":{\"id\":\"urn:epc:id:sgln:4569951.10001.0\"},"
                "\"bizTransactionList\":[{\"type\":\"prodorder\",\"bizTransaction\":"
                "\"urn:tadori:bt:KF-HARVEST-20261120-3\"}],"
                "\"sourceList\":[{\"type\":\"owning_party\",\"source\":"
                "\"urn:tadori:org:kyushu-farm\"}],"
                "\"ilmd\":{\"tadori:harvestDate\":\"2026-11-20\",\"tadori:harvestLocation\":"
                "\"urn:epc:id:sgln:4569951.10001.0\",\"tadori:tlcSource\":"
                "\"urn:epc:id:sgln:4569951.10001.0\"}}");
  ASSERT_EQ(out.namespaces.size(), 1u);
  EXPECT_EQ(out.namespaces.at("tadori"), "urn:tadori:ilmd:");
}

TEST(EpcisQueryDocumentTest, ShippingNamesPartiesAndKeepsUriBizTransactions) {
  v1::RecordedEvent shipping = Shipping();
  // ILMD on an OBSERVE event means nothing (chaincode refuses it); never written there.
  shipping.mutable_event()->mutable_ilmd()->set_vessel("not for OBSERVE");
  const ExportedEvent out = ExportEvent(shipping, kBlockMs);
  EXPECT_NE(out.json.find("\"action\":\"OBSERVE\""), std::string::npos);
  EXPECT_NE(out.json.find("\"bizStep\":\"shipping\",\"disposition\":\"in_transit\""),
            std::string::npos);
  EXPECT_NE(out.json.find("\"quantity\":1.5,"), std::string::npos);
  EXPECT_NE(out.json.find("\"destinationList\":[{\"type\":\"owning_party\",\"destination\":"
                          "\"urn:tadori:org:hakata-wholesale\"},{\"type\":\"possessing_party\","
                          "\"destination\":\"urn:tadori:org:kyushu-coldchain\"},{\"type\":"
                          "\"location\",\"destination\":\"urn:epc:id:sgln:4569952.20001.0\"}]"),
            std::string::npos);
  EXPECT_NE(out.json.find("\"bizTransaction\":\"urn:epcglobal:cbv:bt:4569951000008:ASN-77\""),
            std::string::npos);
  EXPECT_EQ(out.json.find("bizLocation"), std::string::npos);  // none recorded
  EXPECT_EQ(out.json.find("ilmd"), std::string::npos);
  EXPECT_TRUE(out.namespaces.empty());
}

TEST(EpcisQueryDocumentTest, TransformationHasNoActionAndBothLists) {
  const ExportedEvent out = ExportEvent(Transformation(), kBlockMs);
  EXPECT_EQ(out.json.find("\"action\""), std::string::npos);
  EXPECT_NE(out.json.find("\"type\":\"TransformationEvent\""), std::string::npos);
  EXPECT_NE(out.json.find("\"inputQuantityList\":[{\"epcClass\":\"https://id.gs1.org/01/"
                          "04569951000010/10/KF-SPN-261120-P1\",\"quantity\":100,\"uom\":"
                          "\"KGM\"}]"),
            std::string::npos);
  EXPECT_NE(out.json.find("\"outputQuantityList\":[{\"epcClass\":\"https://id.gs1.org/01/"
                          "04569951000010/10/SALAD%2F1%20A%26B\",\"quantity\":0.25,\"uom\":"
                          "\"EA\"}]"),
            std::string::npos);
  EXPECT_NE(out.json.find("\"ilmd\":{\"tadori:tlcSource\":\"urn:epc:id:sgln:4569951.10002.0\","
                          "\"tadori:bestBeforeDate\":\"2026-11-25\"}"),
            std::string::npos);
}

// Packed onto a pallet; the product is not a GTIN (a private id).
v1::RecordedEvent Aggregation() {
  v1::EpcisEvent e;
  e.set_type(v1::AGGREGATION_EVENT);
  e.set_action(v1::ADD);
  e.set_event_time("2026-11-20T10:00:00+09:00");
  e.set_event_time_zone_offset("+09:00");
  e.set_biz_step("packing");
  e.set_parent_id("urn:epc:id:sscc:4569951.0000000001");
  *e.add_quantity_list() = Quantity("KF-SPN-261120-P1", 20'000, "KGM");
  e.mutable_quantity_list(0)->set_product("farm box/2");
  return Recorded(std::move(e), '\x04');
}

TEST(EpcisQueryDocumentTest, AggregationQuantitiesAreChildQuantities) {
  const ExportedEvent out = ExportEvent(Aggregation(), kBlockMs);
  EXPECT_NE(out.json.find("\"parentID\":\"urn:epc:id:sscc:4569951.0000000001\","
                          "\"childQuantityList\":[{\"epcClass\":\"urn:tadori:class:farm%20box%2F2:"
                          "KF-SPN-261120-P1\",\"quantity\":20,\"uom\":\"KGM\"}]"),
            std::string::npos);
  EXPECT_EQ(out.json.find("\"quantityList\""), std::string::npos);
}

v1::RecordedEvent Captured() {
  v1::RecordedEvent r = Recorded(v1::EpcisEvent(), '\x05');
  // Kept as the document wrote it: spacing, number spelling and member order are its own.
  r.mutable_captured()->set_event_json(
      "{ \"type\": \"ObjectEvent\",\n  \"eventTime\": \"2026-11-20T06:30:00.50+09:00\", "
      "\"eventTimeZoneOffset\":\"+09:00\", \"eventID\": \"urn:uuid:1b4e28ba-2fa1-11d2-883f-"
      "0016d3cca427\", \"action\": \"OBSERVE\", \"quantityList\": [ {\"epcClass\": "
      "\"urn:epc:class:lgtin:4569951.000001.L%2F1\", \"quantity\": 1.50e0} ],\n"
      "  \"ex:note\": {\"text\": \"caf\\u00e9 \\\"quoted\\\"\", \"n\": [1, 2.0]} }");
  r.mutable_captured()->set_namespaces_json("{\"ex\":\"https://example.com/ns/\"}");
  r.mutable_captured()->set_event_id("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  return r;
}

TEST(EpcisQueryDocumentTest, CapturedEventsAreReEmittedByteForByteWithRecordTime) {
  const ExportedEvent out = ExportEvent(Captured(), kBlockMs);
  EXPECT_EQ(out.json,
            "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-20T06:30:00.50+09:00\","
            "\"eventTimeZoneOffset\":\"+09:00\",\"eventID\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-"
            "0016d3cca427\",\"action\":\"OBSERVE\",\"quantityList\":[ {\"epcClass\": "
            "\"urn:epc:class:lgtin:4569951.000001.L%2F1\", \"quantity\": 1.50e0} ],"
            "\"ex:note\":{\"text\": \"caf\\u00e9 \\\"quoted\\\"\", \"n\": [1, 2.0]},"
            "\"recordTime\":\"2026-11-19T21:31:02.120Z\"}");
  ASSERT_EQ(out.namespaces.size(), 1u);
  EXPECT_EQ(out.namespaces.at("ex"), "https://example.com/ns/");
}

TEST(EpcisQueryDocumentTest, DeclaredEventsCarryTheirErrorDeclaration) {
  v1::RecordedEvent captured = Captured();
  v1::ErrorDeclaration* d = captured.mutable_error_declaration();
  d->set_declaration_time("2026-11-22T08:00:00+09:00");
  d->set_reason("incorrect_data");
  d->add_corrective_event_ids("urn:uuid:2c5f39cb-0000-4000-8000-000000000001");
  d->mutable_declared_by()->set_height(9);
  const std::string expected =
      ",\"recordTime\":\"2026-11-19T21:31:02.120Z\",\"errorDeclaration\":{\"declarationTime\":"
      "\"2026-11-22T08:00:00+09:00\",\"reason\":\"incorrect_data\",\"correctiveEventIDs\":["
      "\"urn:uuid:2c5f39cb-0000-4000-8000-000000000001\"]}}";
  const std::string json = ExportEvent(captured, kBlockMs).json;
  ASSERT_GE(json.size(), expected.size());
  EXPECT_EQ(json.substr(json.size() - expected.size()), expected);

  // A native one too; reason and corrections are optional.
  v1::RecordedEvent native = Harvest();
  native.mutable_error_declaration()->set_declaration_time("2026-11-22T08:00:00+09:00");
  EXPECT_NE(ExportEvent(native, kBlockMs)
                .json.find("\"errorDeclaration\":{\"declarationTime\":\"2026-11-22T08:00:00+09:"
                           "00\"}}"),
            std::string::npos);
  // Not declared: no member.
  EXPECT_EQ(ExportEvent(Harvest(), kBlockMs).json.find("errorDeclaration"), std::string::npos);
}

TEST(EpcisQueryDocumentTest, DocumentsBindPrefixesOnceAndScopeConflicts) {
  v1::RecordedEvent other = Captured();
  other.mutable_captured()->set_namespaces_json("{\"ex\":\"https://other.example/ns/\"}");
  const std::vector<ExportedEvent> events = {ExportEvent(Harvest(), kBlockMs),
                                             ExportEvent(Captured(), kBlockMs),
                                             ExportEvent(other, kBlockMs)};
  const std::string doc = WriteQueryDocument("2026-11-22T00:00:00.000Z", events);
  EXPECT_EQ(doc.rfind("{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/"
                      "epcis-context.jsonld\",{\"ex\":\"https://example.com/ns/\",\"tadori\":"
                      "\"urn:tadori:ilmd:\"}],\"type\":\"EPCISQueryDocument\",\"schemaVersion\":"
                      "\"2.0\",\"creationDate\":\"2026-11-22T00:00:00.000Z\",\"epcisBody\":{"
                      "\"queryResults\":{\"queryName\":\"SimpleEventQuery\",\"resultsBody\":{"
                      "\"eventList\":[" +
                          events[0].json + "," + events[1].json +
                          ",{\"@context\":{\"ex\":"
                          "\"https://other.example/ns/\"},"
                          "\"type\":\"ObjectEvent\",",
                      0),
            0u);
  EXPECT_EQ(doc.substr(doc.size() - 5), "]}}}}");
  // The same input, the same bytes.
  EXPECT_EQ(WriteQueryDocument("2026-11-22T00:00:00.000Z", events), doc);

  Result<QueryDocumentParts> parts = ReadQueryDocument(doc);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->creation_date, "2026-11-22T00:00:00.000Z");
  ASSERT_EQ(parts->events.size(), 3u);
  EXPECT_EQ(parts->events[1].json, events[1].json);
  EXPECT_FALSE(parts->events[1].own_context);
  EXPECT_TRUE(parts->events[2].own_context);
}

TEST(EpcisQueryDocumentTest, PagesMergeIntoOneDocument) {
  v1::RecordedEvent other = Captured();
  other.mutable_captured()->set_namespaces_json("{\"ex\":\"https://other.example/ns/\"}");
  const std::string page1 =
      WriteQueryDocument("2026-11-22T00:00:00.000Z",
                         {ExportEvent(Harvest(), kBlockMs), ExportEvent(Captured(), kBlockMs)});
  const std::string page2 =
      WriteQueryDocument("2026-11-22T00:00:01.000Z", {ExportEvent(other, kBlockMs)});
  Result<std::string> merged = MergeQueryDocuments("2026-11-22T00:00:01.000Z", {page1, page2});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  // What one writer call over all three events gives: the second page's "ex" binding moves
  // into its event.
  EXPECT_EQ(*merged,
            WriteQueryDocument("2026-11-22T00:00:01.000Z",
                               {ExportEvent(Harvest(), kBlockMs), ExportEvent(Captured(), kBlockMs),
                                ExportEvent(other, kBlockMs)}));

  Result<std::string> bad = MergeQueryDocuments("2026-11-22T00:00:01.000Z", {page1, "{}"});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("page 2"), std::string::npos);
}

// The model as the export writes it back, without what a native event has no field for.
v1::EpcisEvent Comparable(v1::EpcisEvent e) {
  e.clear_event_id();
  return e;
}

TEST(EpcisQueryDocumentTest, NativeEventsCheckBackInToTheSameModels) {
  const std::vector<v1::RecordedEvent> recorded = {Harvest(), Shipping(), Transformation(),
                                                   Aggregation()};
  std::vector<ExportedEvent> events;
  for (const v1::RecordedEvent& r : recorded) events.push_back(ExportEvent(r, kBlockMs));
  const std::string doc = WriteQueryDocument("2026-11-22T00:00:00.000Z", events);

  const CheckedDocument checked = CheckDocument(doc);
  for (const Problem& p : checked.problems) ADD_FAILURE() << p.pointer << ": " << p.message;
  ASSERT_EQ(checked.events.size(), recorded.size());
  for (size_t i = 0; i < recorded.size(); ++i) {
    const v1::EpcisEvent& mapped = checked.events[i].model;
    EXPECT_EQ(mapped.event_id(), "urn:tadori:event:" + TxHex(static_cast<char>(i + 1)));
    std::string diff;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(Comparable(mapped), Comparable(recorded[i].event())))
        << "event " << i << ": " << diff;
  }
}

TEST(EpcisQueryDocumentTest, CapturedEventsCheckBackInToTheSameModels) {
  const std::string context =
      "[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\","
      "{\"ex\":\"https://example.com/ns/\"}]";
  const std::string event =
      "{\"type\": \"ObjectEvent\", \"eventTime\": \"2026-11-20T06:30:00.500+09:00\",\n"
      " \"eventTimeZoneOffset\": \"+09:00\", \"eventID\": \"urn:uuid:1b4e28ba-2fa1-11d2-883f-"
      "0016d3cca427\", \"action\": \"ADD\", \"bizStep\": \"commissioning\",\n"
      " \"quantityList\": [{\"epcClass\": \"urn:epc:class:lgtin:4569951.000001.L%2F1\", "
      "\"quantity\": 12.50, \"uom\": \"KGM\"}],\n"
      " \"readPoint\": {\"id\": \"urn:epc:id:sgln:4569951.10001.0\"},\n"
      " \"ilmd\": {\"ex:grade\": \"A\", \"cbvmda:bestBeforeDate\": \"2026-11-27\"},\n"
      " \"ex:note\": {\"ex:text\": \"caf\\u00e9\"}}";
  const MapOutcome original = MapEvent(context, event);
  for (const Problem& p : original.problems) ADD_FAILURE() << p.pointer << ": " << p.message;
  ASSERT_TRUE(original.event.has_value());

  v1::RecordedEvent recorded = Recorded(original.event->model, '\x06');
  *recorded.mutable_captured() = original.event->kept;
  const std::string doc =
      WriteQueryDocument("2026-11-22T00:00:00.000Z", {ExportEvent(recorded, kBlockMs)});
  const CheckedDocument checked = CheckDocument(doc);
  for (const Problem& p : checked.problems) ADD_FAILURE() << p.pointer << ": " << p.message;
  ASSERT_EQ(checked.events.size(), 1u);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(checked.events[0].model, original.event->model)) << diff;
  EXPECT_EQ(checked.events[0].kept.event_hash(), original.event->kept.event_hash());
  EXPECT_EQ(checked.events[0].kept.event_id(), original.event->kept.event_id());
}

}  // namespace
}  // namespace tadori::epcis
