#include <gtest/gtest.h>

#include <string>

#include "ledger/epcis/context.h"
#include "ledger/epcis/identifiers.h"
#include "ledger/epcis/vocabulary.h"

namespace tadori::epcis {
namespace {

TEST(EpcisIdentifiersTest, Gs1CheckDigits) {
  // The quickstart's product: indicator 0, prefix 4569951, item 00001 -> check digit 0.
  EXPECT_EQ(Gs1CheckDigit("0456995100001"), '0');
  EXPECT_EQ(Gs1CheckDigit("456995110002"), '4');  // GLN of urn:epc:id:sgln:4569951.10002.0
  EXPECT_EQ(Gs1CheckDigit("0456995300002"), '5');
  EXPECT_TRUE(IsValidGtin14("04569951000010"));
  EXPECT_FALSE(IsValidGtin14("04569951000011"));
  EXPECT_FALSE(IsValidGtin14("4569951000010"));
}

TEST(EpcisIdentifiersTest, LgtinAndDigitalLinkNameTheSameLot) {
  Result<std::optional<LotClass>> urn =
      ReadLotClass("urn:epc:class:lgtin:4569951.000001.KF-SPN-261120-P1");
  ASSERT_TRUE(urn.ok()) << urn.status().message();
  ASSERT_TRUE(urn->has_value());
  EXPECT_EQ((*urn)->gtin, "04569951000010");
  EXPECT_EQ((*urn)->lot, "KF-SPN-261120-P1");
  // Any host, a resolver path before the keys, a query string: the same lot.
  Result<std::optional<LotClass>> link = ReadLotClass(
      "https://resolver.example.com/kyushu/01/04569951000010/10/KF-SPN-261120-P1?linkType=all");
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->gtin, "04569951000010");
  EXPECT_EQ((*link)->lot, "KF-SPN-261120-P1");
  // Percent-escapes are decoded; a GTIN-13 is padded.
  Result<std::optional<LotClass>> escaped =
      ReadLotClass("https://id.gs1.org/01/4569951000010/10/LOT%2F7");
  ASSERT_TRUE(escaped.ok() && escaped->has_value());
  EXPECT_EQ((*escaped)->gtin, "04569951000010");
  EXPECT_EQ((*escaped)->lot, "LOT/7");
}

TEST(EpcisIdentifiersTest, ClassesWithoutLotAndMalformedClasses) {
  EXPECT_FALSE(ReadLotClass("https://id.gs1.org/01/04569951000010")->has_value());
  EXPECT_FALSE(ReadLotClass("urn:epc:idpat:sgtin:4569951.000001.*")->has_value());
  EXPECT_FALSE(ReadLotClass("urn:example:class:1")->has_value());
  EXPECT_FALSE(ReadLotClass("https://id.gs1.org/01/04569951000011/10/L").ok());  // check digit
  EXPECT_FALSE(ReadLotClass("urn:epc:class:lgtin:4569951.0001.L").ok());         // 11 digits
  EXPECT_FALSE(ReadLotClass("urn:epc:class:lgtin:4569951.000001.").ok());        // empty lot
  EXPECT_FALSE(ReadLotClass("urn:epc:class:lgtin:4569951.000001.L%zz").ok());
}

TEST(EpcisIdentifiersTest, TadoriFormsOfWhatHasNoGs1Form) {
  Result<std::optional<LotClass>> native = ReadLotClass("urn:tadori:class:tomato%20box:L%2F1");
  ASSERT_TRUE(native.ok() && native->has_value());
  EXPECT_EQ((*native)->gtin, "tomato box");
  EXPECT_EQ((*native)->lot, "L/1");
  EXPECT_FALSE(ReadLotClass("urn:tadori:class:tomato").ok());
  EXPECT_EQ(ReadBizTransactionId("urn:tadori:bt:KF%20PO-1"), "KF PO-1");
  EXPECT_EQ(ReadBizTransactionId("urn:tadori:doc:KF-1"), "urn:tadori:doc:KF-1");
}

TEST(EpcisIdentifiersTest, LocationsAndParties) {
  EXPECT_EQ(*ReadLocationId("urn:epc:id:sgln:4569951.10001.0"), "urn:epc:id:sgln:4569951.10001.0");
  EXPECT_EQ(*ReadLocationId("https://example.com/x/414/4569951100024/254/7?q=1"),
            "https://id.gs1.org/414/4569951100024/254/7");
  EXPECT_EQ(*ReadLocationId("geo:33.59,130.40"), "geo:33.59,130.40");
  EXPECT_FALSE(ReadLocationId("https://id.gs1.org/414/4569951100025").ok());  // check digit
  EXPECT_FALSE(ReadLocationId("urn:epc:id:sgln:4569951.100.0").ok());
  EXPECT_FALSE(ReadLocationId("farm field 3").ok());
  EXPECT_EQ(*ReadPartyId("urn:tadori:org:kyushu-farm"), "kyushu-farm");
  EXPECT_EQ(*ReadPartyId("urn:epc:id:pgln:4569951.00000"), "urn:epc:id:pgln:4569951.00000");
  EXPECT_EQ(*ReadPartyId("https://id.gs1.org/417/4569951000003"),
            "https://id.gs1.org/417/4569951000003");
  Result<std::string> bare = ReadPartyId("kyushu-farm");
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("urn:tadori:org:"), std::string::npos);
  EXPECT_FALSE(ReadPartyId("urn:tadori:org:").ok());
  EXPECT_EQ(OrgPartyUri("hakata-wholesale"), "urn:tadori:org:hakata-wholesale");
  EXPECT_EQ(*LotClassUri("04569951000010", "A B"), "https://id.gs1.org/01/04569951000010/10/A%20B");
  EXPECT_FALSE(LotClassUri("not-a-gtin", "A").has_value());
}

TEST(EpcisIdentifiersTest, CanonicalDigitalLinks) {
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:id:sgtin:4569951.000001.CASE-0001"),
            "https://id.gs1.org/01/04569951000010/21/CASE-0001");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:class:lgtin:4569951.000001.L1"),
            "https://id.gs1.org/01/04569951000010/10/L1");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:idpat:sgtin:4569951.000001.*"),
            "https://id.gs1.org/01/04569951000010");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:id:sscc:4569951.0000000001"),
            "https://id.gs1.org/00/045699510000000010");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:id:sgln:4569951.10002.0"),
            "https://id.gs1.org/414/4569951100024");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:id:sgln:4569951.10002.7"),
            "https://id.gs1.org/414/4569951100024/254/7");
  EXPECT_EQ(*CanonicalDigitalLink("urn:epc:id:pgln:4569951.00000"),
            "https://id.gs1.org/417/4569951000003");
  // Only the finest level: a serial wins over a lot, the CPV goes.
  EXPECT_EQ(*CanonicalDigitalLink("http://example.com/01/04569951000010/22/V/10/L/21/S?x=1"),
            "https://id.gs1.org/01/04569951000010/21/S");
  EXPECT_FALSE(CanonicalDigitalLink("urn:epc:id:grai:4569953.00001.CRATE-9").has_value());
  EXPECT_FALSE(CanonicalDigitalLink("https://example.com/about").has_value());
}

TEST(EpcisVocabularyTest, CbvFormsBecomeShortNames) {
  Namespaces ns;
  std::vector<Problem> problems;
  ReadContext(json::Value{}, "", ns, problems);  // built-in GS1 prefixes
  for (const char* form :
       {"shipping", "cbv:BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping",
        "urn:epcglobal:cbv:bizstep:shipping"}) {
    Result<VocabularyValue> v = ReadVocabulary(Vocabulary::kBizStep, form, ns);
    ASSERT_TRUE(v.ok()) << form;
    EXPECT_EQ(v->model, "shipping") << form;
    EXPECT_EQ(v->canonical, "https://ref.gs1.org/cbv/BizStep-shipping") << form;
    EXPECT_TRUE(v->standard);
  }
  EXPECT_EQ(ReadVocabulary(Vocabulary::kBizStep, "urn:tadori:bizstep:harvesting", ns)->model,
            "harvesting");
  EXPECT_EQ(ReadVocabulary(Vocabulary::kDisposition, "cbv:Disp-in_transit", ns)->model,
            "in_transit");
  EXPECT_EQ(ReadVocabulary(Vocabulary::kSourceDestinationType,
                           "https://ref.gs1.org/cbv/SDT-owning_party", ns)
                ->model,
            "owning_party");
  Result<VocabularyValue> custom =
      ReadVocabulary(Vocabulary::kBizStep, "https://example.org/steps/washing", ns);
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->model, "https://example.org/steps/washing");
  EXPECT_FALSE(custom->standard);
  Result<VocabularyValue> bare = ReadVocabulary(Vocabulary::kBizStep, "harvesting", ns);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("neither a CBV 2.0 value nor an absolute URI"),
            std::string::npos);
  EXPECT_FALSE(ReadVocabulary(Vocabulary::kDisposition, "fresh", ns).ok());
  EXPECT_FALSE(ReadVocabulary(Vocabulary::kBizStep, "not a uri:x y", ns).ok());
  EXPECT_EQ(ExportBizStep("shipping"), "shipping");
  EXPECT_EQ(ExportBizStep("harvesting"), "urn:tadori:bizstep:harvesting");
  EXPECT_EQ(ExportDisposition("in_transit"), "in_transit");
}

}  // namespace
}  // namespace tadori::epcis
