// The EPCIS 2.0 JSON-LD codec on whole documents (tests/data/epcis/, written for these tests
// from the EPCIS/CBV 2.0 standards): what maps, what is kept byte for byte, the event hash,
// and each kind of refusal at its JSON pointer.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "ledger/epcis/capture.h"
#include "ledger/epcis/context.h"
#include "ledger/epcis/event_hash.h"
#include "ledger/epcis/json.h"

namespace tadori::epcis {
namespace {

std::string ReadData(std::string_view name) {
  std::ifstream in(std::string(TADORI_SOURCE_DIR) + "/tests/data/epcis/" + std::string(name),
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

std::string Describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "  " + p.pointer + ": " + p.message + "\n";
  return out;
}

// True when some problem is at `pointer` and says `says`.
::testing::AssertionResult HasProblem(const std::vector<Problem>& problems,
                                      std::string_view pointer, std::string_view says) {
  for (const Problem& p : problems) {
    if (p.pointer == pointer && p.message.find(says) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no problem at " << pointer << " saying \"" << says << "\"; problems:\n"
         << Describe(problems);
}

class FarmToBistroTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_ = ReadData("farm-to-bistro.jsonld");
    checked_ = CheckDocument(document_);
    ASSERT_TRUE(checked_.problems.empty()) << Describe(checked_.problems);
    ASSERT_EQ(checked_.events.size(), 8u);
  }
  const MappedEvent& Event(size_t i) const { return checked_.events[i]; }

  std::string document_;
  CheckedDocument checked_;
};

TEST_F(FarmToBistroTest, SplitsTheDocumentAsWritten) {
  const SplitDocument& split = checked_.document;
  EXPECT_EQ(split.kind, "EPCISDocument");
  EXPECT_TRUE(split.context_json.starts_with("[\n    \"https://ref.gs1.org/standards/epcis/"));
  ASSERT_EQ(split.events.size(), 8u);
  EXPECT_EQ(split.events[3].pointer, "/epcisBody/eventList/3");
  EXPECT_NE(document_.find(split.events[2].event_json), std::string::npos);
  EXPECT_TRUE(split.events[2].event_json.starts_with("{\n        \"type\": \"ObjectEvent\""));
}

TEST_F(FarmToBistroTest, MapsAHarvestWrittenWithUrnsAndUtcTime) {
  const v1::EpcisEvent& m = Event(0).model;
  EXPECT_EQ(m.type(), v1::OBJECT_EVENT);
  EXPECT_EQ(m.action(), v1::ADD);
  // Written in UTC with the local offset apart: the model writes the local time.
  EXPECT_EQ(m.event_time(), "2026-11-20T06:30:00+09:00");
  EXPECT_EQ(m.event_time_zone_offset(), "+09:00");
  EXPECT_EQ(m.biz_step(), "harvesting");
  EXPECT_EQ(m.disposition(), "active");
  EXPECT_EQ(m.read_point(), "urn:epc:id:sgln:4569951.10001.0");
  EXPECT_EQ(m.event_id(), "urn:uuid:6f1c1a52-6c0e-4c59-9a39-0a4f0e8d0001");
  ASSERT_EQ(m.quantity_list_size(), 1);
  EXPECT_EQ(m.quantity_list(0).product(), "04569951000010");
  EXPECT_EQ(m.quantity_list(0).lot_code(), "KF-SPN-261120-H1");
  EXPECT_EQ(m.quantity_list(0).quantity_milli(), 520000);
  EXPECT_EQ(m.quantity_list(0).unit(), "KGM");
  ASSERT_EQ(m.source_list_size(), 1);
  EXPECT_EQ(m.source_list(0).type(), "owning_party");
  EXPECT_EQ(m.source_list(0).id(), "kyushu-farm");
  ASSERT_EQ(m.biz_transaction_list_size(), 1);
  EXPECT_EQ(m.biz_transaction_list(0).type(), "prodorder");
  EXPECT_EQ(m.biz_transaction_list(0).id(), "urn:tadori:doc:KF-HARVEST-20261120-3");
  EXPECT_EQ(m.ilmd().harvest_date(), "2026-11-20");
  EXPECT_EQ(m.ilmd().harvest_location(), "urn:epc:id:sgln:4569951.10001.0");
  EXPECT_EQ(m.ilmd().tlc_source(), "urn:epc:id:sgln:4569951.10001.0");
  EXPECT_FALSE(Event(0).error_declaration.has_value());
  EXPECT_FALSE(Event(0).kept.unattested_sensor_data());
  EXPECT_EQ(Event(0).kept.event_id(), "urn:uuid:6f1c1a52-6c0e-4c59-9a39-0a4f0e8d0001");
  // recordTime is not kept (exports write the block time); the rest is.
  EXPECT_EQ(Event(0).kept.event_json().find("recordTime"), std::string::npos);
  EXPECT_NE(Event(0).kept.event_json().find(
                R"("certificationInfo":"https://example.org/certs/jgap-2026-0042")"),
            std::string::npos);
  EXPECT_NE(Event(0).kept.event_json().find(R"("cbvmda:countryOfOrigin": "JP")"),
            std::string::npos);
}

TEST_F(FarmToBistroTest, MapsCuriesFullUrisAndDigitalLinks) {
  const v1::EpcisEvent& m = Event(1).model;
  EXPECT_EQ(m.biz_step(), "commissioning");
  EXPECT_EQ(m.disposition(), "active");
  EXPECT_EQ(m.read_point(), "https://id.gs1.org/414/4569951100024");
  EXPECT_EQ(m.biz_location(), "urn:epc:id:sgln:4569951.10002.0");
  ASSERT_EQ(m.quantity_list_size(), 1);
  EXPECT_EQ(m.quantity_list(0).product(), "04569951000010");
  EXPECT_EQ(m.quantity_list(0).lot_code(), "KF-SPN-261120-P1");
  EXPECT_EQ(m.quantity_list(0).quantity_milli(), 500000);
  EXPECT_EQ(m.biz_transaction_list(0).type(), "prodorder");
  EXPECT_EQ(m.ilmd().cooling_date(), "2026-11-20");
  EXPECT_EQ(m.ilmd().cooling_location(), "urn:epc:id:sgln:4569951.10002.0");
  EXPECT_EQ(m.ilmd().packing_date(), "2026-11-20");
  EXPECT_EQ(m.ilmd().best_before_date(), "2026-11-27");
  EXPECT_EQ(m.ilmd().tlc_source(), "urn:epc:id:sgln:4569951.10002.0");
  // persistentDisposition and the readPoint's extension are kept in the JSON.
  EXPECT_NE(Event(1).kept.event_json().find(R"("ex:dock": "B")"), std::string::npos);
  EXPECT_EQ(Event(1).kept.namespaces_json(),
            R"({"cbv":"https://ref.gs1.org/cbv/","cbvmda":"urn:epcglobal:cbv:mda:",)"
            R"("ex":"https://example.org/kyushu/ns/","tadori":"urn:tadori:ilmd:"})");
}

TEST_F(FarmToBistroTest, MapsShippingPartiesAndKeepsSensorDataUnattested) {
  const MappedEvent& shipped = Event(2);
  const v1::EpcisEvent& m = shipped.model;
  EXPECT_EQ(m.action(), v1::OBSERVE);
  EXPECT_EQ(m.biz_step(), "shipping");
  EXPECT_EQ(m.disposition(), "in_transit");
  ASSERT_EQ(m.source_list_size(), 2);
  EXPECT_EQ(m.source_list(1).type(), "location");
  EXPECT_EQ(m.source_list(1).id(), "urn:epc:id:sgln:4569951.10002.0");
  // The dock door has a non-CBV type: kept in the JSON, not in the model.
  ASSERT_EQ(m.destination_list_size(), 3);
  EXPECT_EQ(m.destination_list(0).type(), "owning_party");
  EXPECT_EQ(m.destination_list(0).id(), "hakata-wholesale");
  EXPECT_EQ(m.destination_list(1).type(), "possessing_party");
  EXPECT_EQ(m.destination_list(1).id(), "kyushu-coldchain");
  EXPECT_EQ(m.destination_list(2).id(), "urn:epc:id:sgln:4569952.20001.0");
  ASSERT_EQ(m.biz_transaction_list_size(), 2);
  EXPECT_EQ(m.biz_transaction_list(1).type(), "desadv");
  EXPECT_FALSE(m.has_ilmd());
  EXPECT_TRUE(shipped.kept.unattested_sensor_data());
  const std::string& kept = shipped.kept.event_json();
  EXPECT_NE(kept.find(R"(ns/dockDoor")"), std::string::npos);
  EXPECT_NE(kept.find(R"("exception": "ALARM_CONDITION")"), std::string::npos);
}

TEST_F(FarmToBistroTest, KeepsExtensionsByteForByte) {
  const std::string& kept = Event(2).kept.event_json();
  // Odd spacing inside a value is the document's; between members the kept form is compact.
  EXPECT_NE(kept.find("\"ex:shipment\":{ \"ex:carrier\":  \"Kyushu  Cold\" ,\"ex:temps\" : "
                      "[ 4.0 , 4.5 ],\n            \"ex:seal\": {\"ex:id\":\"S-1\",   "
                      "\"ex:intact\":true} }"),
            std::string::npos)
      << kept;
  EXPECT_NE(kept.find(R"("ex:note":"handle\u0020gently")"), std::string::npos);
  EXPECT_TRUE(kept.starts_with(R"({"type":"ObjectEvent","eventID":)"));
  // The kept JSON is one valid object whose members are the event's, in order.
  json::ParseOutcome parsed = json::Parse(kept, kEventBytesMax, kJsonDepthMax);
  ASSERT_TRUE(parsed.ok) << parsed.error.message;
  EXPECT_EQ(parsed.value.members.back().key, "ex:note");
  EXPECT_EQ(Event(2).kept.namespaces_json(),
            R"({"cbv":"https://ref.gs1.org/cbv/","ex":"https://example.org/kyushu/ns/",)"
            R"("gs1":"https://gs1.org/voc/"})");
}

TEST_F(FarmToBistroTest, MapsAggregationTransactionTransformationAndAssociation) {
  const v1::EpcisEvent& aggregation = Event(3).model;
  EXPECT_EQ(aggregation.type(), v1::AGGREGATION_EVENT);
  EXPECT_EQ(aggregation.parent_id(), "urn:epc:id:sscc:4569951.0000000001");
  ASSERT_EQ(aggregation.quantity_list_size(), 1);  // from childQuantityList
  EXPECT_EQ(aggregation.quantity_list(0).lot_code(), "KF-SPN-261120-P1");
  // No eventID: the event is named by its hash.
  EXPECT_EQ(Event(3).kept.event_id(), Event(3).kept.event_hash());
  EXPECT_EQ(aggregation.event_id(), Event(3).kept.event_hash());

  const v1::EpcisEvent& transaction = Event(4).model;
  EXPECT_EQ(transaction.type(), v1::TRANSACTION_EVENT);
  EXPECT_EQ(transaction.biz_step(), "accepting");
  ASSERT_EQ(transaction.quantity_list_size(), 1);
  EXPECT_EQ(transaction.quantity_list(0).unit(), "EA");  // no uom
  EXPECT_EQ(transaction.quantity_list(0).quantity_milli(), 20000);

  const v1::EpcisEvent& transformation = Event(5).model;
  EXPECT_EQ(transformation.type(), v1::TRANSFORMATION_EVENT);
  EXPECT_EQ(transformation.action(), v1::EVENT_ACTION_UNSPECIFIED);
  EXPECT_EQ(transformation.biz_step(), "transforming");
  ASSERT_EQ(transformation.input_quantity_list_size(), 1);
  EXPECT_EQ(transformation.input_quantity_list(0).quantity_milli(), 12500);
  ASSERT_EQ(transformation.output_quantity_list_size(), 1);
  EXPECT_EQ(transformation.output_quantity_list(0).product(), "04569953000025");
  EXPECT_EQ(transformation.output_quantity_list(0).lot_code(), "FD-BENTO-261121-A");
  EXPECT_EQ(transformation.output_quantity_list(0).unit(), "EA");
  EXPECT_EQ(transformation.ilmd().tlc_source(), "urn:epc:id:sgln:4569953.00001.0");
  EXPECT_EQ(transformation.ilmd().best_before_date(), "2026-11-22");

  const v1::EpcisEvent& association = Event(6).model;
  EXPECT_EQ(association.type(), v1::ASSOCIATION_EVENT);
  EXPECT_EQ(association.parent_id(), "urn:epc:id:grai:4569953.00001.CRATE-9");
  ASSERT_EQ(association.quantity_list_size(), 1);
  EXPECT_EQ(association.quantity_list(0).quantity_milli(), 40000);
}

TEST_F(FarmToBistroTest, ErrorDeclarationNamesTheEventItDeclares) {
  const MappedEvent& declaration = Event(7);
  ASSERT_TRUE(declaration.error_declaration.has_value());
  EXPECT_EQ(declaration.error_declaration->declaration_time(), "2026-11-21T09:00:00+09:00");
  EXPECT_EQ(declaration.error_declaration->reason(), "incorrect_data");
  ASSERT_EQ(declaration.error_declaration->corrective_event_ids_size(), 1);
  EXPECT_EQ(declaration.error_declaration->corrective_event_ids(0),
            "urn:uuid:6f1c1a52-6c0e-4c59-9a39-0a4f0e8d0008");
  EXPECT_EQ(declaration.kept.event_id(), Event(2).kept.event_id());
  // It repeats event 2 in other forms (member order, whitespace, UTC times, Digital Links for
  // URNs, CURIEs, "500.0" for 500, sorted lists): the hash, which leaves out eventID and
  // errorDeclaration, is the same.
  EXPECT_EQ(declaration.kept.event_hash(), Event(2).kept.event_hash());
}

TEST_F(FarmToBistroTest, HashesAreWellFormedAndDistinct) {
  for (size_t i = 0; i < checked_.events.size(); ++i) {
    const std::string& hash = Event(i).kept.event_hash();
    ASSERT_EQ(hash.size(), std::string_view("ni:///sha-256;").size() + 64 + 11) << hash;
    EXPECT_TRUE(hash.starts_with("ni:///sha-256;")) << hash;
    EXPECT_TRUE(hash.ends_with("?ver=CBV2.0")) << hash;
    for (size_t j = 0; j < i; ++j) {
      if (i == 7 && j == 2) continue;  // the error declaration of event 2
      EXPECT_NE(hash, Event(j).kept.event_hash()) << i << " " << j;
    }
  }
}

TEST_F(FarmToBistroTest, MappingTheKeptJsonGivesTheSameEvent) {
  // What chaincode stores, mapped again, is the same event: exports round-trip.
  for (const MappedEvent& event : checked_.events) {
    MapOutcome again = MapEvent(checked_.document.context_json, event.kept.event_json());
    ASSERT_TRUE(again.event.has_value()) << Describe(again.problems);
    EXPECT_EQ(again.event->kept.event_hash(), event.kept.event_hash());
    EXPECT_EQ(again.event->kept.event_json(), event.kept.event_json());
    EXPECT_EQ(again.event->model.SerializeAsString(), event.model.SerializeAsString());
  }
}

// ---- the event hash

const char kContext[] = R"(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
  {"ex": "https://example.org/ns/"}])";

std::string HashOf(std::string_view event_json) {
  MapOutcome mapped = MapEvent(kContext, event_json);
  EXPECT_TRUE(mapped.event.has_value()) << Describe(mapped.problems);
  return mapped.event ? mapped.event->kept.event_hash() : "";
}

TEST(EpcisEventHashTest, SameContentSameHashChangedValueOtherHash) {
  const std::string base = HashOf(R"({"type":"ObjectEvent","eventTime":"2026-11-20T06:30:00+09:00",
    "eventTimeZoneOffset":"+09:00","action":"OBSERVE","bizStep":"storing",
    "quantityList":[{"epcClass":"urn:epc:class:lgtin:4569951.000001.A","quantity":1.5,"uom":"KGM"},
                    {"epcClass":"urn:epc:class:lgtin:4569951.000001.B","quantity":2,"uom":"KGM"}],
    "ex:x":{"ex:a":1,"ex:b":[2,3]}})");
  // Members reordered, whitespace, list order, number forms, time zone, CURIE/URI forms.
  EXPECT_EQ(base, HashOf(R"({ "ex:x" : { "ex:b" : [ 3 , 2.0 ] , "ex:a" : 1.000 },
    "bizStep" : "https://ref.gs1.org/cbv/BizStep-storing", "action" : "OBSERVE",
    "quantityList" : [ {"uom":"KGM","quantity":2,"epcClass":"https://id.gs1.org/01/04569951000010/10/B"},
                       {"quantity":15e-1,"epcClass":"urn:epc:class:lgtin:4569951.000001.A","uom":"KGM"} ],
    "eventTimeZoneOffset" : "+09:00", "eventTime" : "2026-11-19T21:30:00.000Z",
    "type" : "ObjectEvent", "eventID" : "urn:uuid:1", "recordTime" : "2026-11-20T00:00:00Z" })"));
  // Any changed value changes the hash.
  EXPECT_NE(base, HashOf(R"({"type":"ObjectEvent","eventTime":"2026-11-20T06:30:00+09:00",
    "eventTimeZoneOffset":"+09:00","action":"OBSERVE","bizStep":"storing",
    "quantityList":[{"epcClass":"urn:epc:class:lgtin:4569951.000001.A","quantity":1.6,"uom":"KGM"},
                    {"epcClass":"urn:epc:class:lgtin:4569951.000001.B","quantity":2,"uom":"KGM"}],
    "ex:x":{"ex:a":1,"ex:b":[2,3]}})"));
  EXPECT_NE(base, HashOf(R"({"type":"ObjectEvent","eventTime":"2026-11-20T06:30:00+09:00",
    "eventTimeZoneOffset":"+09:00","action":"OBSERVE","bizStep":"storing",
    "quantityList":[{"epcClass":"urn:epc:class:lgtin:4569951.000001.A","quantity":1.5,"uom":"KGM"},
                    {"epcClass":"urn:epc:class:lgtin:4569951.000001.B","quantity":2,"uom":"KGM"}],
    "ex:x":{"ex:a":1,"ex:b":[2,4]}})"));
  EXPECT_NE(base, HashOf(R"({"type":"ObjectEvent","eventTime":"2026-11-20T06:30:00.001+09:00",
    "eventTimeZoneOffset":"+09:00","action":"OBSERVE","bizStep":"storing",
    "quantityList":[{"epcClass":"urn:epc:class:lgtin:4569951.000001.A","quantity":1.5,"uom":"KGM"},
                    {"epcClass":"urn:epc:class:lgtin:4569951.000001.B","quantity":2,"uom":"KGM"}],
    "ex:x":{"ex:a":1,"ex:b":[2,3]}})"));
}

TEST(EpcisEventHashTest, PreHashStringFollowsTheCanonicalOrder) {
  json::ParseOutcome event = json::Parse(
      R"({"ex:z":"1","bizStep":"shipping","type":"ObjectEvent","action":"OBSERVE",
          "eventTimeZoneOffset":"+09:00","eventTime":"2026-11-20T06:30:00+09:00",
          "readPoint":{"id":"urn:epc:id:sgln:4569951.10002.0"},
          "epcList":["urn:epc:id:sgtin:4569951.000001.2","urn:epc:id:sgtin:4569951.000001.1"],
          "bizTransactionList":[{"type":"po","bizTransaction":"urn:x:po:1"}]})",
      kEventBytesMax, kJsonDepthMax);
  ASSERT_TRUE(event.ok);
  Namespaces ns;
  std::vector<Problem> problems;
  json::ParseOutcome context = json::Parse(kContext, kEventBytesMax, kJsonDepthMax);
  ReadContext(context.value, "", ns, problems);
  EXPECT_EQ(EventPreHashString(event.value, ns),
            "eventType=ObjectEvent"
            "eventTime=2026-11-19T21:30:00.000Z"
            "eventTimeZoneOffset=+09:00"
            "epcListepc=https://id.gs1.org/01/04569951000010/21/1"
            "epc=https://id.gs1.org/01/04569951000010/21/2"
            "action=OBSERVE"
            "bizStep=https://ref.gs1.org/cbv/BizStep-shipping"
            "readPointid=https://id.gs1.org/414/4569951100024"
            "bizTransactionListbizTransaction=urn:x:po:1type=https://ref.gs1.org/cbv/BTT-po"
            "{https://example.org/ns/}z=1");
  EXPECT_EQ(EventHashUri("abc"),
            "ni:///sha-256;ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            "?ver=CBV2.0");
}

// ---- refusals, one document per kind

TEST(EpcisRefusalTest, MissingContext) {
  CheckedDocument checked = CheckDocument(ReadData("bad-missing-context.jsonld"));
  EXPECT_TRUE(HasProblem(checked.problems, "", "@context is missing"));
  EXPECT_TRUE(checked.events.empty());
}

TEST(EpcisRefusalTest, UnknownContextUrlIsNotFetched) {
  std::string document = ReadData("query-document.jsonld");
  document.replace(
      document.find("https://ref.gs1.org/standards/epcis/epcis-context.jsonld"),
      std::string_view("https://ref.gs1.org/standards/epcis/epcis-context.jsonld").size(),
      "https://example.org/my-context.jsonld");
  CheckedDocument checked = CheckDocument(document);
  EXPECT_TRUE(HasProblem(checked.problems, "/@context/0", "nothing is fetched"));
  EXPECT_TRUE(HasProblem(checked.problems, "/@context", "must name GS1's EPCIS 2.0 context"));
}

TEST(EpcisRefusalTest, UnknownTypeOnlyInTheEventThatHasIt) {
  CheckedDocument checked = CheckDocument(ReadData("bad-unknown-type.jsonld"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/1/type",
                         "unknown event type \"ShipmentEvent\""));
  EXPECT_EQ(checked.problems.size(), 1u) << Describe(checked.problems);
  EXPECT_EQ(checked.events.size(), 1u);  // the good event still maps
}

TEST(EpcisRefusalTest, BadActions) {
  CheckedDocument checked = CheckDocument(ReadData("bad-action.jsonld"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/0/action",
                         "action \"UPDATE\" is not ADD, OBSERVE or DELETE"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/1/action",
                         "action is not a member of TransformationEvent"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/2", "action is missing"));
}

TEST(EpcisRefusalTest, MissingTimes) {
  CheckedDocument checked = CheckDocument(ReadData("bad-missing-time.jsonld"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/0", "eventTime is missing"));
  EXPECT_TRUE(
      HasProblem(checked.problems, "/epcisBody/eventList/0", "eventTimeZoneOffset is missing"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/1/eventTimeZoneOffset",
                         "is not +hh:mm or -hh:mm"));
}

TEST(EpcisRefusalTest, QuantitiesMustBeExactPositiveNumbers) {
  CheckedDocument checked = CheckDocument(ReadData("bad-quantity.jsonld"));
  const std::string list = "/epcisBody/eventList/0/quantityList/";
  EXPECT_TRUE(HasProblem(checked.problems, list + "0/quantity",
                         "quantity must be a JSON number, not a string"));
  EXPECT_TRUE(HasProblem(checked.problems, list + "1/quantity", "more than 3 decimals"));
  EXPECT_TRUE(HasProblem(checked.problems, list + "2", "quantity is missing"));
  EXPECT_TRUE(HasProblem(checked.problems, list + "3/quantity", "must be greater than 0"));
  EXPECT_TRUE(HasProblem(checked.problems, list + "4/epcClass", "names no lot"));
  EXPECT_EQ(checked.problems.size(), 5u) << Describe(checked.problems);
}

TEST(EpcisRefusalTest, MalformedDatesEverywhere) {
  CheckedDocument checked = CheckDocument(ReadData("bad-dates.jsonld"));
  const std::string event = "/epcisBody/eventList/0";
  EXPECT_TRUE(HasProblem(checked.problems, "/creationDate", "creationDate \"yesterday\""));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/eventTime", "2026-11-31"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/ilmd/tadori:harvestDate", "20.11.2026"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/ilmd/cbvmda:bestBeforeDate", "2026-02-30"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/errorDeclaration/declarationTime",
                         "2026-11-21 09:00"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/sensorElementList/0/sensorReport/0/time",
                         "\"11:00\""));
}

TEST(EpcisRefusalTest, KeysWithoutNamespace) {
  CheckedDocument checked = CheckDocument(ReadData("bad-unprefixed-keys.jsonld"));
  const std::string event = "/epcisBody/eventList/0";
  EXPECT_TRUE(HasProblem(checked.problems, event + "/ilmd/harvestDate",
                         "ILMD key \"harvestDate\" has no namespace prefix"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/ilmd/zz:grade",
                         "prefix \"zz\" is not declared in @context"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/myField",
                         "extension key \"myField\" has no namespace prefix"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/ex:ok/nested", "has no namespace prefix"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/readPoint/gate", "has no namespace prefix"));
  EXPECT_EQ(checked.problems.size(), 5u) << Describe(checked.problems);
}

TEST(EpcisRefusalTest, VocabularyThatIsNeitherCbvNorUri) {
  CheckedDocument checked = CheckDocument(ReadData("bad-vocabulary.jsonld"));
  const std::string event = "/epcisBody/eventList/0";
  EXPECT_TRUE(HasProblem(checked.problems, event + "/bizStep",
                         "bizStep \"harvesting\" is neither a CBV 2.0 value nor an absolute URI"));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/disposition", "\"fresh\""));
  EXPECT_TRUE(
      HasProblem(checked.problems, event + "/bizTransactionList/0/type", "\"purchase order\""));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/sourceList/0/type", "\"owner\""));
  EXPECT_TRUE(HasProblem(checked.problems, event + "/sourceList/1/source",
                         "write a tadori organisation as urn:tadori:org:"));
}

TEST(EpcisRefusalTest, EventsThatNameNoLot) {
  CheckedDocument checked = CheckDocument(ReadData("bad-no-lot.jsonld"));
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/0", "names no lot"));
}

TEST(EpcisRefusalTest, DuplicateMembersRefuseTheDocument) {
  CheckedDocument checked = CheckDocument(ReadData("bad-json.jsonld"));
  // Events are checked one by one: the problem is the event's.
  EXPECT_TRUE(HasProblem(checked.problems, "/epcisBody/eventList/0", "\"type\" appears twice"));
}

TEST(EpcisRefusalTest, OversizedEventAndBadPointerEscapes) {
  std::string big =
      R"({"type":"ObjectEvent","ex:pad":")" + std::string(kEventBytesMax, 'x') + R"("})";
  MapOutcome mapped = MapEvent(kContext, big, "/epcisBody/eventList/9");
  EXPECT_TRUE(
      HasProblem(mapped.problems, "/epcisBody/eventList/9", "one event is one transaction"));
  MapOutcome escaped = MapEvent(kContext, R"({"type":"ObjectEvent","a/b~c":1})", "/e");
  EXPECT_TRUE(HasProblem(escaped.problems, "/e/a~1b~0c", "has no namespace prefix"));
}

TEST(EpcisRefusalTest, MessagesQuoteHostileKeysOnOneLine) {
  MapOutcome mapped =
      MapEvent(kContext, R"({"type":"ObjectEvent","eventTime":"x\n","ilmd":{"ex:a\nb":"20\u2028"},)"
                         R"("bad\nkey":1})");
  ASSERT_FALSE(mapped.problems.empty());
  for (const Problem& problem : mapped.problems) {
    EXPECT_EQ(problem.message.find('\n'), std::string::npos) << problem.message;
  }
  EXPECT_TRUE(HasProblem(mapped.problems, "/bad\nkey", "has no namespace prefix"));
}

TEST(EpcisCaptureQueryTest, ReadsTheResultsBodyAndDropsRecordTime) {
  CheckedDocument checked = CheckDocument(ReadData("query-document.jsonld"));
  ASSERT_TRUE(checked.problems.empty()) << Describe(checked.problems);
  EXPECT_EQ(checked.document.kind, "EPCISQueryDocument");
  ASSERT_EQ(checked.events.size(), 1u);
  EXPECT_EQ(checked.document.events[0].pointer, "/epcisBody/queryResults/resultsBody/eventList/0");
  EXPECT_EQ(checked.events[0].kept.event_json().find("recordTime"), std::string::npos);
  EXPECT_EQ(checked.events[0].model.quantity_list(0).quantity_milli(), 5000);
}

}  // namespace
}  // namespace tadori::epcis
