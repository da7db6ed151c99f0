// capture_epcis_event: EPCIS 2.0 JSON-LD events mapped by the chain and applied as
// record_event applies them, captured once (by eventID and by content), with PGLN parties
// resolved through GS1 company prefixes and error declarations flagging the original.
#include <gtest/gtest.h>

#include "chaincode/index_keys.h"
#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

constexpr char kContext[] = R"(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"])";
constexpr char kGreens[] = "04569951000010";  // the farm's, not on the FTL: no KDEs needed
constexpr char kFarmSite[] = "urn:epc:id:sgln:4569951.10001.0";
constexpr char kDistributorSite[] = "urn:epc:id:sgln:4569952.20001.0";

// An LGTIN of kGreens: company prefix 4569951, indicator 0 + item reference 00001.
std::string Lgtin(const std::string& lot) {
  return "urn:epc:class:lgtin:4569951.000001." + lot;
}

struct EventSpec {
  std::string type = "ObjectEvent";
  std::string event_id;
  std::string action = "ADD";
  // Harvesting is an FSMA 204 step CBV lacks: tadori's own URN (ledger/epcis/vocabulary.h).
  std::string biz_step = "urn:tadori:bizstep:harvesting";
  std::string lot = "LOT-1";
  std::string quantity = "100";
  std::string event_time = "2026-11-20T06:30:00+09:00";
  std::string location = kFarmSite;
  std::string sources;       // JSON array members, e.g. {"type": ..., "source": ...}
  std::string destinations;  // the same for destinationList
  std::string extra;         // further members, written before the closing brace
};

std::string EventJson(const EventSpec& s) {
  std::string json = "{\"type\": \"" + s.type + "\"";
  if (!s.event_id.empty()) json += ", \"eventID\": \"" + s.event_id + "\"";
  json += ", \"eventTime\": \"" + s.event_time + "\", \"eventTimeZoneOffset\": \"+09:00\"";
  if (!s.action.empty()) json += ", \"action\": \"" + s.action + "\"";
  json += ", \"bizStep\": \"" + s.biz_step + "\"";
  json += ", \"readPoint\": {\"id\": \"" + s.location + "\"}";
  json += ", \"bizLocation\": {\"id\": \"" + s.location + "\"}";
  json += ", \"quantityList\": [{\"epcClass\": \"" + Lgtin(s.lot) +
          "\", \"quantity\": " + s.quantity + ", \"uom\": \"KGM\"}]";
  if (!s.sources.empty()) json += ", \"sourceList\": [" + s.sources + "]";
  if (!s.destinations.empty()) json += ", \"destinationList\": [" + s.destinations + "]";
  json += s.extra;
  json += "}";
  return json;
}

std::string PartyJson(const std::string& list, const std::string& type, const std::string& id) {
  const std::string member = list == "source" ? "source" : "destination";
  return "{\"type\": \"" + type + "\", \"" + member + "\": \"" + id + "\"}";
}

v1::TransactionBody CaptureBody(const std::string& event_json,
                                const std::string& context = kContext) {
  v1::TransactionBody body;
  body.mutable_capture_epcis_event()->set_context_json(context);
  body.mutable_capture_epcis_event()->set_event_json(event_json);
  return body;
}

EventSpec Harvest(const std::string& event_id, const std::string& lot = "LOT-1") {
  EventSpec s;
  s.event_id = event_id;
  s.lot = lot;
  return s;
}

EventSpec Ship(const std::string& event_id, const std::string& lot, const std::string& to_party,
               const std::string& quantity = "100") {
  EventSpec s;
  s.event_id = event_id;
  s.action = "OBSERVE";
  s.biz_step = "shipping";
  s.lot = lot;
  s.quantity = quantity;
  s.event_time = "2026-11-20T09:00:00+09:00";
  s.sources = PartyJson("source", "owning_party", "urn:tadori:org:farm");
  s.destinations = PartyJson("destination", "owning_party", to_party) + ", " +
                   PartyJson("destination", "location", kDistributorSite);
  return s;
}

EventSpec Receive(const std::string& event_id, const std::string& lot) {
  EventSpec s;
  s.event_id = event_id;
  s.action = "OBSERVE";
  s.biz_step = "receiving";
  s.lot = lot;
  s.event_time = "2026-11-20T14:00:00+09:00";
  s.location = kDistributorSite;
  s.sources = PartyJson("source", "owning_party", "urn:tadori:org:farm");
  s.destinations = PartyJson("destination", "owning_party", "urn:tadori:org:distributor");
  return s;
}

class EpcisCaptureTest : public ChaincodeTest {
 protected:
  void SetUp() override {
    ChaincodeTest::SetUp();
    ExpectOk(RunAs("farm", ProductBody(kGreens, false)));
    ExpectOk(RunAs("farm", LocationBody(kFarmSite)));
    ExpectOk(RunAs("distributor", LocationBody(kDistributorSite)));
  }

  v1::TxResult CaptureAs(const std::string& org, const EventSpec& spec) {
    return RunAs(org, CaptureBody(EventJson(spec)));
  }

  // The "e/" entry of the event at `ref` as the index holds it now (the last entry written
  // under that key wins, as in the store).
  std::optional<v1::RecordedEvent> IndexedEvent(const v1::EventRef& ref) {
    const std::string key = index_keys::Event({ref.height(), ref.index()});
    std::optional<v1::RecordedEvent> found;
    for (const auto& [k, value] : ledger_->index()) {
      if (k != key) continue;
      v1::RecordedEvent event;
      TADORI_CHECK(event.ParseFromString(value));
      found = event;
    }
    return found;
  }

  v1::EventRef CapturedRef(const std::string& event_id) {
    Result<std::optional<v1::EventRef>> ref = FindCapturedEventById(ledger_->state(), event_id);
    TADORI_CHECK(ref.ok() && ref->has_value());
    return **ref;
  }

  std::string LastTxHex() const { return ledger_->last_ctx().tx_id.Hex(); }
};

TEST_F(EpcisCaptureTest, HarvestCaptureCreatesTheLotAndKeepsTheEvent) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:harvest-1")));
  ASSERT_TRUE(LotExists("LOT-1"));
  const v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(lot.product(), kGreens);
  EXPECT_EQ(lot.created_quantity_milli(), 100'000);
  EXPECT_EQ(lot.unit(), "KGM");
  EXPECT_EQ(lot.creator_org(), "farm");
  EXPECT_EQ(Held("LOT-1", "farm"), 100'000);

  const v1::EventRef ref = CapturedRef("urn:uuid:harvest-1");
  EXPECT_EQ(ref.height(), height);
  EXPECT_EQ(ref.tx_id(), ledger_->last_ctx().tx_id.ToBinaryString());
  std::optional<v1::RecordedEvent> recorded = IndexedEvent(ref);
  ASSERT_TRUE(recorded.has_value());
  EXPECT_EQ(recorded->org_id(), "farm");
  EXPECT_EQ(recorded->cte(), "harvesting");
  ASSERT_TRUE(recorded->has_captured());
  EXPECT_EQ(recorded->captured().event_id(), "urn:uuid:harvest-1");
  EXPECT_NE(recorded->captured().event_json().find("urn:uuid:harvest-1"), std::string::npos);
  EXPECT_EQ(recorded->captured().event_hash().rfind("ni:///sha-256;", 0), 0u)
      << recorded->captured().event_hash();
  EXPECT_FALSE(recorded->has_error_declaration());
  Result<std::optional<v1::EventRef>> by_hash =
      FindCapturedEventByHash(ledger_->state(), recorded->captured().event_hash());
  ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
  EXPECT_EQ((*by_hash)->height(), height);
}

TEST_F(EpcisCaptureTest, SameEventIdTwiceIsAlreadyExistsNamingTheTx) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:harvest-1")));
  const std::string first_tx = LastTxHex();
  const uint64_t first_height = ledger_->height();
  // The same eventID with other content (another lot) is the same event captured again.
  ExpectRefused(CaptureAs("farm", Harvest("urn:uuid:harvest-1", "LOT-2")), Code::kAlreadyExists,
                "event urn:uuid:harvest-1 was captured by tx " + first_tx + " at height " +
                    std::to_string(first_height));
  EXPECT_FALSE(LotExists("LOT-2"));
}

TEST_F(EpcisCaptureTest, SameContentUnderAnotherEventIdIsAlreadyExistsByHash) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:harvest-1")));
  const std::string first_tx = LastTxHex();
  // The EPCIS event hash leaves eventID out, so the same event under a new eventID is found.
  v1::TxResult again = CaptureAs("farm", Harvest("urn:uuid:harvest-1-again"));
  ExpectRefused(again, Code::kAlreadyExists, "same content");
  EXPECT_NE(again.message().find("tx " + first_tx), std::string::npos) << again.message();
  EXPECT_FALSE(FindCapturedEventById(ledger_->state(), "urn:uuid:harvest-1-again")->has_value());
}

TEST_F(EpcisCaptureTest, ShippingAndReceivingByCaptureMoveCustody) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  ExpectOk(CaptureAs("farm", Ship("urn:uuid:s1", "LOT-1", "urn:tadori:org:distributor", "40")));
  EXPECT_EQ(Held("LOT-1", "farm"), 60'000);
  v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.in_transit_size(), 1);
  EXPECT_EQ(lot.in_transit(0).to_org(), "distributor");
  EXPECT_EQ(lot.in_transit(0).quantity_milli(), 40'000);
  EventSpec receive = Receive("urn:uuid:r1", "LOT-1");
  receive.quantity = "40";
  ExpectOk(CaptureAs("distributor", receive));
  EXPECT_EQ(Held("LOT-1", "distributor"), 40'000);
  EXPECT_EQ(Lot("LOT-1").in_transit_size(), 0);
}

TEST_F(EpcisCaptureTest, PglnPartyIsTheOrgOwningItsCompanyPrefix) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  // The distributor's SGLN claimed company prefix 4569952.
  ExpectOk(CaptureAs("farm", Ship("urn:uuid:s1", "LOT-1", "urn:epc:id:pgln:4569952.00000")));
  v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.in_transit_size(), 1);
  EXPECT_EQ(lot.in_transit(0).to_org(), "distributor");
}

TEST_F(EpcisCaptureTest, PglnPartyOfNoOrgIsNotFound) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  ExpectRefused(CaptureAs("farm", Ship("urn:uuid:s1", "LOT-1", "urn:epc:id:pgln:4569959.00000")),
                Code::kNotFound, "urn:epc:id:pgln:4569959.00000");
  EXPECT_EQ(Held("LOT-1", "farm"), 100'000);
}

TEST_F(EpcisCaptureTest, MalformedEventsAreInvalidArgumentWithAPointer) {
  ExpectRefused(RunAs("farm", CaptureBody("{\"type\": \"ObjectEvent\",")), Code::kInvalidArgument,
                "capture_epcis_event: ");
  EventSpec bad = Harvest("urn:uuid:bad-1");
  bad.quantity = "\"lots\"";
  ExpectRefused(CaptureAs("farm", bad), Code::kInvalidArgument, "/quantityList/0/quantity");
  EXPECT_FALSE(LotExists("LOT-1"));
  EXPECT_FALSE(FindCapturedEventById(ledger_->state(), "urn:uuid:bad-1")->has_value());
}

TEST_F(EpcisCaptureTest, CaptureFollowsTheRolesOfRecordEvent) {
  // Only producers and processors create lots; a distributor capturing a harvest may not.
  ExpectRefused(CaptureAs("distributor", Harvest("urn:uuid:h1")), Code::kPermissionDenied, "role");
  EXPECT_FALSE(LotExists("LOT-1"));
  // A capture's refusals name the capture, not record_event.
  v1::TxResult refused = CaptureAs("retailer", Harvest("urn:uuid:h1"));
  EXPECT_EQ(refused.message().rfind("capture_epcis_event", 0), 0u) << refused.message();
  // Shipping what the org does not hold.
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  EventSpec not_theirs = Ship("urn:uuid:s1", "LOT-1", "urn:tadori:org:retailer");
  not_theirs.sources = PartyJson("source", "owning_party", "urn:tadori:org:packer");
  ExpectRefused(CaptureAs("packer", not_theirs), Code::kPermissionDenied, "packer");
}

TEST_F(EpcisCaptureTest, CaptureFollowsTheEventTimeRules) {
  EventSpec future = Harvest("urn:uuid:h-future");
  future.event_time = "2027-01-01T00:00:00+09:00";
  ExpectRefused(CaptureAs("farm", future), Code::kInvalidArgument, "later than the block time");
  EXPECT_FALSE(LotExists("LOT-1"));
}

// ---------------------------------------------------------------- error declarations

std::string DeclarationMembers() {
  return R"(, "errorDeclaration": {"declarationTime": "2026-11-21T08:00:00+09:00",)"
         R"( "reason": "incorrect_data", "correctiveEventIDs": ["urn:uuid:h1-fixed"]})";
}

TEST_F(EpcisCaptureTest, ErrorDeclarationFlagsTheOriginalEntryAndItsLots) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  const v1::EventRef original = CapturedRef("urn:uuid:h1");
  EventSpec declaration = Harvest("urn:uuid:h1");
  declaration.extra = DeclarationMembers();
  ExpectOk(CaptureAs("farm", declaration));
  const v1::EventRef declaring = [&] {
    v1::EventRef ref;
    ref.set_height(ledger_->last_ctx().height);
    ref.set_index(ledger_->last_ctx().index);
    ref.set_tx_id(ledger_->last_ctx().tx_id.ToBinaryString());
    return ref;
  }();

  std::optional<v1::RecordedEvent> entry = IndexedEvent(original);
  ASSERT_TRUE(entry.has_value());
  ASSERT_TRUE(entry->has_error_declaration());
  EXPECT_EQ(entry->error_declaration().declared_by().SerializeAsString(),
            declaring.SerializeAsString());
  EXPECT_EQ(entry->error_declaration().declaration_time(), "2026-11-21T08:00:00+09:00");
  ASSERT_EQ(entry->error_declaration().corrective_event_ids_size(), 1);
  EXPECT_EQ(entry->error_declaration().corrective_event_ids(0), "urn:uuid:h1-fixed");
  // The rest of the entry is the original, untouched.
  EXPECT_EQ(entry->captured().event_id(), "urn:uuid:h1");
  EXPECT_EQ(entry->ref().SerializeAsString(), original.SerializeAsString());

  const v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.erroneous_events_size(), 1);
  EXPECT_EQ(lot.erroneous_events(0).SerializeAsString(), original.SerializeAsString());
  // Not applied again: custody is what the original left.
  EXPECT_EQ(Held("LOT-1", "farm"), 100'000);
  EXPECT_EQ(lot.created_quantity_milli(), 100'000);
}

TEST_F(EpcisCaptureTest, ErrorDeclarationRefusals) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  EventSpec declaration = Harvest("urn:uuid:h1");
  declaration.extra = DeclarationMembers();
  // Another org cannot declare the farm's event erroneous.
  ExpectRefused(CaptureAs("packer", declaration), Code::kPermissionDenied, "farm");
  // An eventID nobody captured.
  EventSpec unknown = Harvest("urn:uuid:never-captured");
  unknown.extra = DeclarationMembers();
  ExpectRefused(CaptureAs("farm", unknown), Code::kNotFound, "urn:uuid:never-captured");
  // Declared once; the second declaration names the first.
  ExpectOk(CaptureAs("farm", declaration));
  const std::string declaring_tx = LastTxHex();
  ExpectRefused(CaptureAs("farm", declaration), Code::kAlreadyExists, declaring_tx);
  EXPECT_EQ(Lot("LOT-1").erroneous_events_size(), 1);
}

TEST_F(EpcisCaptureTest, ErrorDeclarationDatedAfterTheBlockIsRefused) {
  ExpectOk(CaptureAs("farm", Harvest("urn:uuid:h1")));
  EventSpec declaration = Harvest("urn:uuid:h1");
  declaration.extra = R"(, "errorDeclaration": {"declarationTime": "2027-01-01T00:00:00+09:00"})";
  ExpectRefused(CaptureAs("farm", declaration), Code::kInvalidArgument, "declarationTime");
  EXPECT_EQ(Lot("LOT-1").erroneous_events_size(), 0);
}

TEST_F(EpcisCaptureTest, RecordEventCannotClaimAnEpcisEventId) {
  // Only a capture has an eventID: one written by hand would dodge the capture's checks.
  v1::EpcisEvent harvest = HarvestEvent("LOT-N");
  harvest.set_event_id("urn:uuid:h1");
  ExpectRefused(RecordAs("farm", harvest), Code::kInvalidArgument, "event_id");
  EXPECT_FALSE(LotExists("LOT-N"));
}

// ---------------------------------------------------------------- association events

TEST_F(EpcisCaptureTest, AssociationEventIsRecordedOnLotsTheOrgHolds) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-A")));
  v1::EpcisEvent association = BaseEvent(v1::ASSOCIATION_EVENT, v1::ADD, "packing");
  association.set_parent_id("urn:epc:id:grai:4569951.00001.7");
  *association.add_quantity_list() = Qty("LOT-A", 1);
  EXPECT_EQ(CriticalTrackingEvent(association), "");
  ExpectOk(RecordAs("farm", association));
  EXPECT_EQ(Held("LOT-A", "farm"), 1000);
  ExpectRefused(RecordAs("packer", association), Code::kPermissionDenied, "neither holds");
}

}  // namespace
}  // namespace tadori
