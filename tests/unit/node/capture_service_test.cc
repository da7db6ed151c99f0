// Ledger.Capture over a real chain (TraceChain: genesis, chaincode, store): each transaction
// of a request is answered on its own. A payload other than capture_epcis_event and an event
// that does not map are INVALID_ARGUMENT before admission; an event captured before (on the
// chain, or earlier in the same request, by eventID or by content) is ALREADY_EXISTS naming
// the transaction that has it; the rest are admitted as Submit admits them. A caller with no
// identity is refused the whole call.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/limits.h"
#include "node/api/ledger_service.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;

constexpr char kContext[] = R"(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",)"
                            R"({"ex":"https://example.com/epcis/"}])";
// The GTIN-14 of urn:epc:class:lgtin:4912345.000001.*: indicator 0, prefix 4912345, item
// 00001, check digit 9.
constexpr char kCapturedGtin[] = "04912345000019";

// An ObjectEvent ADD commissioning `lot` (1000 kg) at the farm, with eventID `event_id`.
std::string CommissioningEvent(const std::string& event_id, const std::string& lot,
                               const std::string& event_time = "2026-11-20T06:10:00+09:00") {
  return R"({"type":"ObjectEvent","eventID":")" + event_id + R"(","eventTime":")" + event_time +
         R"(","eventTimeZoneOffset":"+09:00","action":"ADD","bizStep":"commissioning",)"
         R"("disposition":"active","readPoint":{"id":"urn:epc:id:sgln:4912345.00001.0"},)"
         R"("bizLocation":{"id":"urn:epc:id:sgln:4912345.00001.0"},)"
         R"("quantityList":[{"epcClass":"urn:epc:class:lgtin:4912345.000001.)" +
         lot + R"(","quantity":1000,"uom":"KGM"}],"ex:field":"kept"})";
}

v1::TransactionBody CaptureBody(const std::string& event_json) {
  v1::TransactionBody body;
  body.mutable_capture_epcis_event()->set_context_json(kContext);
  body.mutable_capture_epcis_event()->set_event_json(event_json);
  return body;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline = 10s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class CaptureServiceTest : public ::testing::Test {
 protected:
  CaptureServiceTest() {
    chain_.ExpectOk("farm", testing::RegisterProduct(kCapturedGtin, "Tomatoes, captured"));
    feed_ = std::make_unique<CommitFeed>(chain_.store().Height());
  }
  ~CaptureServiceTest() override { feed_->Shutdown(); }

  LedgerService& Service(ClientAccess access = {}) {
    service_ = std::make_unique<LedgerService>(LedgerServiceContext{
        .store = chain_.store(),
        .mempool = mempool_,
        .feed = *feed_,
        .genesis = chain_.genesis(),
        .mode = "dev",
        .on_admitted = {},
        .fill_status = {},
        .access = std::move(access),
    });
    return *service_;
  }

  // `body` signed by `org`'s admin, valid at the current head.
  v1::SignedTransaction Signed(v1::TransactionBody body, const std::string& org = "farm") {
    body.set_chain_id(testing::kChainId);
    body.set_nonce(ToString(NewNonce()));
    body.set_valid_until_height(chain_.store().Height() + 100);
    body.set_created_at_ms(testing::kBaseTimeMs);
    return SignTransaction(body, chain_.admin(org));
  }

  static std::string IdOf(const v1::SignedTransaction& tx) {
    return Sha256(AsBytes(tx.body())).ToBinaryString();
  }
  bool Pending(const v1::SignedTransaction& tx) const {
    return mempool_.Contains(Sha256(AsBytes(tx.body())));
  }

  v1::CaptureResponse Capture(const std::vector<v1::SignedTransaction>& txs,
                              grpc::Status* status_out = nullptr, bool wait = false,
                              uint32_t wait_ms = 0) {
    v1::CaptureRequest request;
    for (const auto& tx : txs) *request.add_txs() = tx;
    request.set_wait_for_commit(wait);
    request.set_wait_timeout_ms(wait_ms);
    v1::CaptureResponse response;
    grpc::Status status = service_->Capture(nullptr, &request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  testing::TraceChain chain_;
  Mempool mempool_;
  std::unique_ptr<CommitFeed> feed_;
  std::unique_ptr<LedgerService> service_;
};

TEST_F(CaptureServiceTest, APayloadOtherThanCaptureIsRefusedAndNotAdmitted) {
  Service();
  const v1::SignedTransaction harvest = Signed(testing::Harvest("farm", "lot-h", 1000, 0));
  v1::CaptureResponse response = Capture({harvest});
  ASSERT_EQ(response.outcomes_size(), 1);
  EXPECT_EQ(response.outcomes(0).code(), static_cast<uint32_t>(Code::kInvalidArgument));
  EXPECT_NE(response.outcomes(0).message().find("capture_epcis_event"), std::string::npos);
  EXPECT_EQ(response.outcomes(0).tx_id(), IdOf(harvest));
  EXPECT_FALSE(Pending(harvest));
}

TEST_F(CaptureServiceTest, AnEventThatDoesNotMapIsRefusedWithItsProblems) {
  Service();
  // No eventTime: EPCIS requires it.
  std::string event = CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000001", "L1");
  const std::string time = R"("eventTime":"2026-11-20T06:10:00+09:00",)";
  event.erase(event.find(time), time.size());
  const v1::SignedTransaction bad = Signed(CaptureBody(event));
  const v1::SignedTransaction good = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000002", "L2")));
  v1::CaptureResponse response = Capture({bad, good});
  ASSERT_EQ(response.outcomes_size(), 2);
  EXPECT_EQ(response.outcomes(0).code(), static_cast<uint32_t>(Code::kInvalidArgument));
  EXPECT_EQ(response.outcomes(0).message().rfind("the event does not map: ", 0), 0u)
      << response.outcomes(0).message();
  EXPECT_NE(response.outcomes(0).message().find("eventTime"), std::string::npos)
      << response.outcomes(0).message();
  EXPECT_FALSE(Pending(bad));
  // The other transaction of the request is answered on its own.
  EXPECT_EQ(response.outcomes(1).code(), 0u) << response.outcomes(1).message();
  EXPECT_TRUE(Pending(good));
}

TEST_F(CaptureServiceTest, TheSameEventTwiceInOneRequestNamesTheFirstTransaction) {
  Service();
  const std::string event =
      CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000003", "L3");
  const v1::SignedTransaction first = Signed(CaptureBody(event));
  const v1::SignedTransaction second = Signed(CaptureBody(event));  // another nonce, another id
  ASSERT_NE(IdOf(first), IdOf(second));
  v1::CaptureResponse response = Capture({first, second});
  ASSERT_EQ(response.outcomes_size(), 2);
  EXPECT_EQ(response.outcomes(0).code(), 0u) << response.outcomes(0).message();
  EXPECT_EQ(response.outcomes(1).code(), static_cast<uint32_t>(Code::kAlreadyExists));
  EXPECT_EQ(response.outcomes(1).original_tx_id(), IdOf(first));
  EXPECT_NE(response.outcomes(1).message().find(Sha256(AsBytes(first.body())).Hex()),
            std::string::npos)
      << response.outcomes(1).message();
  EXPECT_TRUE(Pending(first));
  EXPECT_FALSE(Pending(second));
}

TEST_F(CaptureServiceTest, TheSameContentUnderAnotherEventIdIsAlsoADuplicate) {
  Service();
  const v1::SignedTransaction first = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000004", "L4")));
  const v1::SignedTransaction renamed = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000005", "L4")));
  v1::CaptureResponse response = Capture({first, renamed});
  ASSERT_EQ(response.outcomes_size(), 2);
  EXPECT_EQ(response.outcomes(0).code(), 0u) << response.outcomes(0).message();
  EXPECT_EQ(response.outcomes(1).code(), static_cast<uint32_t>(Code::kAlreadyExists))
      << response.outcomes(1).message();
  EXPECT_EQ(response.outcomes(1).original_tx_id(), IdOf(first));
  EXPECT_NE(response.outcomes(1).message().find("same content"), std::string::npos);
}

TEST_F(CaptureServiceTest, AnEventCapturedOnTheChainNamesTheCommittedTransaction) {
  Service();
  const std::string event =
      CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000006", "L6");
  const v1::TxResult committed = chain_.Run("farm", CaptureBody(event));
  ASSERT_EQ(committed.code(), 0u) << committed.message();
  const uint64_t height = chain_.store().Height();
  const v1::Block block = testing::Must(chain_.store().GetBlock(height));
  const std::string original = IdOf(block.txs(0));

  // The same event again (a re-run of the document): ALREADY_EXISTS naming the commit.
  const v1::SignedTransaction again = Signed(CaptureBody(event));
  v1::CaptureResponse response = Capture({again});
  ASSERT_EQ(response.outcomes_size(), 1);
  EXPECT_EQ(response.outcomes(0).code(), static_cast<uint32_t>(Code::kAlreadyExists))
      << response.outcomes(0).message();
  EXPECT_EQ(response.outcomes(0).original_tx_id(), original);
  EXPECT_NE(response.outcomes(0).message().find("height " + std::to_string(height)),
            std::string::npos)
      << response.outcomes(0).message();
  EXPECT_FALSE(Pending(again));
}

// EPCIS 2.0 writes an error declaration as the erroneous event again plus errorDeclaration,
// so it has the declared event's eventID and content hash: neither makes it a duplicate.
TEST_F(CaptureServiceTest, AnErrorDeclarationRepeatingACommittedEventIsAdmitted) {
  Service();
  const std::string event =
      CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000010", "L10");
  const v1::TxResult committed = chain_.Run("farm", CaptureBody(event));
  ASSERT_EQ(committed.code(), 0u) << committed.message();

  std::string declaration = event;
  declaration.insert(declaration.size() - 1,
                     R"(,"errorDeclaration":{"declarationTime":"2026-11-20T08:00:00+09:00",)"
                     R"("reason":"incorrect_data"})");
  const v1::SignedTransaction declare = Signed(CaptureBody(declaration));
  v1::CaptureResponse response = Capture({declare});
  ASSERT_EQ(response.outcomes_size(), 1);
  EXPECT_EQ(response.outcomes(0).code(), 0u) << response.outcomes(0).message();
  EXPECT_TRUE(Pending(declare));
}

TEST_F(CaptureServiceTest, RequestsOutsideTheBoundsAreRefusedWhole) {
  Service();
  grpc::Status status;
  Capture({}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const v1::SignedTransaction tx = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000007", "L7")));
  std::vector<v1::SignedTransaction> too_many(kCaptureTxsMax + 1, tx);
  v1::CaptureResponse response = Capture(too_many, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("1000"), std::string::npos) << status.error_message();
  EXPECT_EQ(response.outcomes_size(), 0);
  EXPECT_FALSE(Pending(tx));

  Capture({tx}, &status, /*wait=*/true, kSubmitWaitMsMax + 1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(Pending(tx));
}

TEST_F(CaptureServiceTest, ACallerWithoutIdentityIsRefusedAndNothingIsAdmitted) {
  ClientAccess access;
  access.identify = [](grpc::ServerContextBase*) -> Result<ApiCaller> {
    return ApiCaller::Anonymous();
  };
  v1::Genesis genesis = chain_.genesis().genesis;
  access.policy = std::make_shared<ReadPolicy>(genesis);
  Service(std::move(access));
  const v1::SignedTransaction tx = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000008", "L8")));
  grpc::Status status;
  v1::CaptureResponse response = Capture({tx}, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_EQ(response.outcomes_size(), 0);
  EXPECT_FALSE(Pending(tx));
}

TEST_F(CaptureServiceTest, WaitingReportsEachCommitAndWhatStaysPending) {
  Service();
  const v1::SignedTransaction a = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-000000000009", "L9")));
  const v1::SignedTransaction b = Signed(
      CaptureBody(CommissioningEvent("urn:uuid:0b1e0000-0000-4000-8000-00000000000a", "LA")));
  v1::CaptureResponse response;
  std::thread caller([&] { response = Capture({a, b}, nullptr, /*wait=*/true, 1'500); });
  ASSERT_TRUE(WaitFor([&] { return Pending(a) && Pending(b); }));
  // Only `a` commits; `b` stays pending past the wait.
  v1::TxResult ok;
  const uint64_t height = chain_.store().Height() + 1;
  feed_->Publish(height, {Sha256(AsBytes(a.body()))}, {ok});
  caller.join();
  ASSERT_EQ(response.outcomes_size(), 2);
  EXPECT_EQ(response.outcomes(0).code(), 0u) << response.outcomes(0).message();
  EXPECT_TRUE(response.outcomes(0).committed());
  EXPECT_EQ(response.outcomes(0).height(), height);
  EXPECT_EQ(response.outcomes(1).code(), static_cast<uint32_t>(Code::kDeadlineExceeded));
  EXPECT_FALSE(response.outcomes(1).committed());
  EXPECT_EQ(service_->submits_waiting(), 0u);
}

}  // namespace
}  // namespace tadori
