// `tadori epcis check`: a valid document gets its summary and exit 0; a document with
// problems gets one "<json pointer>: <message>" line per problem and a non-zero exit; the
// file size limit and unreadable files are said clearly. Capture's extra check: an event too
// big for one transaction is a problem before anything is sent.
#include "tools/cli/epcis_check.h"

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"
#include "tools/cli/cli_context.h"

namespace tadori::cli {
namespace {

constexpr char kContext[] = R"(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",)"
                            R"({"ex":"https://example.com/epcis/"}])";

std::string Commissioning(const std::string& id, const std::string& lot) {
  return R"({"type":"ObjectEvent","eventID":")" + id +
         R"(","eventTime":"2026-11-20T06:10:00+09:00","eventTimeZoneOffset":"+09:00",)"
         R"("action":"ADD","bizStep":"commissioning","disposition":"active",)"
         R"("readPoint":{"id":"urn:epc:id:sgln:4912345.00001.0"},)"
         R"("quantityList":[{"epcClass":"urn:epc:class:lgtin:4912345.000001.)" +
         lot + R"(","quantity":1000,"uom":"KGM"}],"ex:batchNote":"kept as written"})";
}

std::string Shipping(const std::string& id, const std::string& lot) {
  return R"({"type":"ObjectEvent","eventID":")" + id +
         R"(","eventTime":"2026-11-20T08:00:00+09:00","eventTimeZoneOffset":"+09:00",)"
         R"("action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",)"
         R"("readPoint":{"id":"urn:epc:id:sgln:4912345.00001.0"},)"
         R"("quantityList":[{"epcClass":"urn:epc:class:lgtin:4912345.000001.)" +
         lot +
         R"(","quantity":250.5,"uom":"KGM"}],)"
         R"("sourceList":[{"type":"owning_party","source":"urn:tadori:org:farm"}],)"
         R"("destinationList":[{"type":"owning_party","destination":"urn:tadori:org:mill"}]})";
}

std::string Document(const std::vector<std::string>& events,
                     const std::string& context = kContext) {
  std::string list;
  for (const std::string& e : events) list += (list.empty() ? "" : ",") + e;
  return R"({"@context":)" + context +
         R"(,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-20T09:00:00+09:00",)"
         R"("epcisBody":{"eventList":[)" +
         list + "]}}";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class EpcisCheckTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(EpcisCheckTest, AValidDocumentIsSummarisedWithExitZero) {
  const std::string path =
      Write("good.json",
            Document({Commissioning("urn:uuid:00000000-0000-4000-8000-000000000001", "LOT-A"),
                      Shipping("urn:uuid:00000000-0000-4000-8000-000000000002", "LOT-A")}));
  const EpcisCheckReport report = CheckEpcisFile(path, /*json=*/false);
  EXPECT_EQ(report.exit_code, kExitOk) << report.out << report.err;
  EXPECT_EQ(report.err, "");
  EXPECT_NE(report.out.find("EPCISDocument: 2 event(s), valid and mappable"), std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("events by type: ObjectEvent 2"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("bizSteps: commissioning 1, shipping 1"), std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("lots named: 1 (LOT-A)"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("extension members kept: 1"), std::string::npos) << report.out;

  const EpcisCheckReport json = CheckEpcisFile(path, /*json=*/true);
  EXPECT_EQ(json.exit_code, kExitOk);
  const nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["valid"], true);
  EXPECT_EQ(parsed["events"], 2);
  EXPECT_EQ(parsed["eventsByType"]["ObjectEvent"], 2);
  EXPECT_EQ(parsed["lots"], nlohmann::json::array({"LOT-A"}));
}

TEST_F(EpcisCheckTest, EachProblemIsOneLineNamingItsPointerAndTheExitIsNonZero) {
  std::string bad_action = Commissioning("urn:uuid:00000000-0000-4000-8000-000000000003", "LOT-B");
  bad_action.replace(bad_action.find(R"("ADD")"), 5, R"("MOVE")");
  std::string no_time = Shipping("urn:uuid:00000000-0000-4000-8000-000000000004", "LOT-B");
  const std::string time = R"("eventTime":"2026-11-20T08:00:00+09:00",)";
  no_time.erase(no_time.find(time), time.size());
  const std::string good = Commissioning("urn:uuid:00000000-0000-4000-8000-000000000005", "LOT-C");
  const std::string path = Write("bad.json", Document({bad_action, good, no_time}));

  const EpcisCheckReport report = CheckEpcisFile(path, /*json=*/false);
  EXPECT_NE(report.exit_code, kExitOk);
  const std::vector<std::string> lines = Lines(report.out);
  ASSERT_EQ(lines.size(), 2u) << report.out;
  EXPECT_EQ(lines[0].rfind("/epcisBody/eventList/0", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("action"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("/epcisBody/eventList/2", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("eventTime"), std::string::npos) << lines[1];
  for (const std::string& line : lines) EXPECT_NE(line.find(": "), std::string::npos) << line;
  EXPECT_NE(report.err.find("2 problem(s)"), std::string::npos) << report.err;

  const EpcisCheckReport json = CheckEpcisFile(path, /*json=*/true);
  EXPECT_NE(json.exit_code, kExitOk);
  const nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["valid"], false);
  ASSERT_EQ(parsed["problems"].size(), 2u);
  EXPECT_EQ(parsed["problems"][0]["pointer"].get<std::string>().rfind("/epcisBody/eventList/0", 0),
            0u);
}

TEST_F(EpcisCheckTest, ADocumentWithoutContextIsRefused) {
  std::string doc = Document({Commissioning("urn:uuid:00000000-0000-4000-8000-000000000006", "D")});
  doc.replace(0, doc.find(R"("type":"EPCISDocument")"), "{");
  const EpcisCheckReport report = CheckEpcisFile(Write("nocontext.json", doc), false);
  EXPECT_NE(report.exit_code, kExitOk);
  EXPECT_NE(report.out.find("@context"), std::string::npos) << report.out;
}

TEST_F(EpcisCheckTest, UnreadableAndOversizedFilesAreSaidClearly) {
  const EpcisCheckReport missing = CheckEpcisFile(dir_.path() + "/absent.json", false);
  EXPECT_EQ(missing.exit_code, kExitFailure);
  EXPECT_EQ(missing.out, "");
  EXPECT_NE(missing.err.find("absent.json"), std::string::npos) << missing.err;

  const std::string big = dir_.path() + "/big.json";
  {
    std::ofstream out(big, std::ios::binary);
    out << "{";
  }
  ASSERT_EQ(::truncate(big.c_str(), static_cast<off_t>(epcis::kDocumentBytesMax + 1)), 0);
  const EpcisCheckReport oversized = CheckEpcisFile(big, false);
  EXPECT_EQ(oversized.exit_code, kExitFailure);
  EXPECT_NE(oversized.err.find(std::to_string(epcis::kDocumentBytesMax)), std::string::npos)
      << oversized.err;
}

TEST_F(EpcisCheckTest, CaptureRefusesAnEventTooBigForOneTransaction) {
  std::string big = Commissioning("urn:uuid:00000000-0000-4000-8000-000000000007", "BIG");
  big.insert(big.size() - 1, R"(,"ex:notes":")" + std::string(epcis::kEventBytesMax, 'n') + "\"");
  const std::string small = Commissioning("urn:uuid:00000000-0000-4000-8000-000000000008", "S");
  const epcis::CheckedDocument checked = epcis::CheckDocument(Document({small, big}));
  const std::vector<epcis::Problem> problems = CaptureProblems(checked);
  bool named = false;
  for (const epcis::Problem& p : problems) {
    if (p.pointer.rfind("/epcisBody/eventList/1", 0) == 0) named = true;
    EXPECT_NE(p.pointer.rfind("/epcisBody/eventList/0", 0), 0u) << p.pointer << ": " << p.message;
  }
  EXPECT_TRUE(named) << RenderEpcisProblems(problems);

  // Within the limit: no problem, and the payload carries the context and event as written.
  const epcis::CheckedDocument fine = epcis::CheckDocument(Document({small}));
  EXPECT_TRUE(CaptureProblems(fine).empty()) << RenderEpcisProblems(CaptureProblems(fine));
  ASSERT_EQ(fine.document.events.size(), 1u);
  const v1::TransactionBody body = CapturePayload(fine.document, 0);
  EXPECT_EQ(body.capture_epcis_event().context_json(), kContext);
  EXPECT_EQ(body.capture_epcis_event().event_json(), small);
}

TEST_F(EpcisCheckTest, TheSampleDocumentsCheckAsTheirNamesSay) {
  const std::string data = std::string(TADORI_SOURCE_DIR) + "/tests/data/epcis/";
  const EpcisCheckReport good = CheckEpcisFile(data + "farm-to-bistro.jsonld", false);
  EXPECT_EQ(good.exit_code, kExitOk) << good.out;
  EXPECT_NE(good.out.find("valid and mappable"), std::string::npos) << good.out;
  for (const char* name : {"bad-action.jsonld", "bad-missing-context.jsonld",
                           "bad-missing-time.jsonld", "bad-quantity.jsonld"}) {
    const EpcisCheckReport bad = CheckEpcisFile(data + name, false);
    EXPECT_EQ(bad.exit_code, kExitFailure) << name;
    const std::vector<std::string> lines = Lines(bad.out);
    EXPECT_FALSE(lines.empty()) << name;
    // Every line is "<json pointer>: <message>" (the root written "(document)").
    for (const std::string& line : lines) {
      EXPECT_TRUE(line.rfind("/", 0) == 0 || line.rfind("(document): ", 0) == 0)
          << name << ": " << line;
      EXPECT_NE(line.find(": "), std::string::npos) << name << ": " << line;
    }
  }
}

}  // namespace
}  // namespace tadori::cli
