// Observer nodes: the ChainFollower over a real BFT-committed chain (tests/unit/node/
// bft_chain.h), and the ValidatorFollower streaming over real gRPC from in-process client
// APIs (LedgerService on a store): an honest validator, one that withholds blocks, and one
// that serves another chain. Plus the checks PrepareObserver makes before start.
#include "node/daemon/observer_node.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/certificates.h"
#include "ledger/client_identity.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "node/daemon/client_api.h"
#include "node/validator/chain_follower.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/node/bft_chain.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;
using testing::BftChain;
using testing::TempDir;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline = 30s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// An observer's own store, mempool and feed, at the genesis of `net`.
// With `genesis_state` given, its state instead of the genesis's own (a node that will execute
// differently from the chain).
struct Observer {
  explicit Observer(const testing::TestNetwork& net, ChainFollowerLimits limits = {},
                    std::optional<WriteSet> genesis_state = std::nullopt)
      : store(Store::Open(dir.path()).value()), feed(0) {
    TADORI_CHECK(store
                     ->InitGenesis(net.genesis, genesis_state
                                                    ? *genesis_state
                                                    : GenesisState(net.genesis_message).value())
                     .ok());
    chain = std::make_unique<ChainFollower>(*store, mempool, feed, net.genesis, limits);
    TADORI_CHECK(chain->Start().ok());
  }
  ~Observer() {
    chain.reset();
    store.reset();
  }
  TempDir dir;
  std::unique_ptr<Store> store;
  Mempool mempool;
  CommitFeed feed;
  std::unique_ptr<ChainFollower> chain;
};

v1::Block Stored(BftChain& chain, uint64_t height) {
  return chain.store().GetBlock(height).value();
}

TEST(ChainFollowerTest, AppliesOnlyProvenBlocksAndRefusesBadOnes) {
  BftChain validator;
  validator.CommitNext({validator.Tx("lot-1")});
  validator.CommitNext({validator.Tx("lot-2"), validator.Tx("lot-3")});
  validator.CommitNext();
  Observer o(validator.net());

  // Block 1 is certified but its commit proof is its child: pending.
  ChainFollower::OfferResult r = o.chain->Offer(Stored(validator, 1));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kAccepted) << r.status.ToString();
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(o.store->Height(), 0u);
  EXPECT_EQ(o.chain->verified_height(), 1u);
  EXPECT_EQ(o.chain->next_height(), 2u);

  // Block 2 in the next round proves block 1, which is executed and stored as on the validator.
  r = o.chain->Offer(Stored(validator, 2));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kAccepted) << r.status.ToString();
  EXPECT_EQ(r.applied, 1u);
  EXPECT_EQ(o.store->Height(), 1u);
  EXPECT_EQ(o.store->HeadHash(), Sha256(AsBytes(Stored(validator, 1).header())));
  EXPECT_EQ(o.store->HeadResultRoot(), validator.store().ResultRootAt(1).value());

  // The same block again: not the next height. Refused; the pending block 2 stays.
  r = o.chain->Offer(Stored(validator, 2));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kRefused);
  EXPECT_EQ(r.status.code(), Code::kFailedPrecondition) << r.status.ToString();
  EXPECT_EQ(o.chain->refused(FollowRefusal::kBadLink), 1u);
  EXPECT_EQ(o.chain->next_height(), 3u);

  // Block 3 with another network's certificate for its height and round.
  BftChain other;
  other.CommitNext();
  other.CommitNext();
  other.CommitNext();
  v1::Block forged = Stored(validator, 3);
  forged.set_certificate(Stored(other, 3).certificate());
  r = o.chain->Offer(forged);
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kRefused);
  EXPECT_EQ(r.status.code(), Code::kUnauthenticated) << r.status.ToString();
  EXPECT_EQ(o.chain->refused(FollowRefusal::kBadCertificate), 1u);

  // Bytes that are not a block.
  v1::Block junk;
  junk.set_header("not a header");
  r = o.chain->Offer(junk);
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kRefused);
  EXPECT_EQ(o.chain->refused(FollowRefusal::kMalformed), 1u);

  // The real block 3 proves block 2.
  r = o.chain->Offer(Stored(validator, 3));
  EXPECT_EQ(r.applied, 1u) << r.status.ToString();
  EXPECT_EQ(o.store->Height(), 2u);
  EXPECT_EQ(o.store->HeadResultRoot(), validator.store().ResultRootAt(2).value());
  EXPECT_EQ(o.chain->applied_blocks(), 2u);
  // The observer's state answers as the validator's: the transactions of block 2 are there.
  const DecodedBlock block2 = DecodeBlock(Stored(validator, 2)).value();
  ASSERT_EQ(block2.txs.size(), 2u);
  EXPECT_TRUE(o.store->FindTransaction(block2.txs[1].id).ok());

  // Switching sources drops the pending run: the next source starts above the committed tip.
  o.chain->Reset();
  EXPECT_EQ(o.chain->next_height(), 3u);
  EXPECT_EQ(o.chain->verified_height(), 2u);

  // A restarted follower resumes from what its store holds.
  ChainFollower again(*o.store, o.mempool, o.feed, validator.net().genesis);
  ASSERT_TRUE(again.Start().ok());
  EXPECT_EQ(again.next_height(), 3u);
  r = again.Offer(Stored(validator, 3));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kAccepted) << r.status.ToString();
}

TEST(ChainFollowerTest, PendingRunBeyondItsBoundIsDropped) {
  BftChain validator;
  validator.CommitNext();
  validator.CommitNext();
  ChainFollowerLimits limits;
  limits.pending_blocks_max = 0;  // every unproven block is one too many
  Observer o(validator.net(), limits);
  ChainFollower::OfferResult r = o.chain->Offer(Stored(validator, 1));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kDropped);
  EXPECT_EQ(o.chain->dropped_runs(), 1u);
  EXPECT_EQ(o.chain->next_height(), 1u);
  EXPECT_EQ(o.chain->pending_blocks(), 0u);
}

TEST(ChainFollowerTest, ExecutionThatDivergesFromTheChainIsALocalFailure) {
  BftChain validator;
  validator.CommitNext({validator.Tx("lot-1")});
  validator.CommitNext();
  validator.CommitNext();
  // This observer's genesis state lacks the member who signed block 1's transaction, so it
  // refuses it where the validators executed it: block 2's result claim for block 1 is not
  // what this node computed.
  Observer o(validator.net(), {}, WriteSet{});
  EXPECT_EQ(o.chain->Offer(Stored(validator, 1)).outcome, ChainFollower::Outcome::kAccepted);
  EXPECT_EQ(o.chain->Offer(Stored(validator, 2)).applied, 1u);
  ChainFollower::OfferResult r = o.chain->Offer(Stored(validator, 3));
  EXPECT_EQ(r.outcome, ChainFollower::Outcome::kFailed);
  EXPECT_EQ(r.status.code(), Code::kFailedPrecondition) << r.status.ToString();
  EXPECT_NE(r.status.message().find("this node's execution diverged from the chain's"),
            std::string::npos)
      << r.status.ToString();
  // Not the source's fault: nothing is counted as refused.
  EXPECT_EQ(o.chain->refused(FollowRefusal::kBadLink) +
                o.chain->refused(FollowRefusal::kBadCertificate) +
                o.chain->refused(FollowRefusal::kMalformed),
            0u);
  EXPECT_EQ(o.store->Height(), 1u);
}

// A validator's client API in-process: LedgerService and TraceService over `store`.
class ServedStore {
 public:
  ServedStore(Store& store, const GenesisInfo& genesis)
      : feed_(store.Height()),
        service_(LedgerServiceContext{.store = store,
                                      .mempool = mempool_,
                                      .feed = feed_,
                                      .genesis = genesis,
                                      .mode = "bft",
                                      .on_admitted = {},
                                      .fill_status = {},
                                      .access = {}}),
        trace_(store, ClientAccess{}) {
    int port = 0;
    ClientApiOptions options;
    options.bound_port = &port;
    server_ =
        StartClientApi("127.0.0.1:0", grpc::InsecureServerCredentials(), service_, trace_, options);
    TADORI_CHECK(server_ != nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  ~ServedStore() {
    feed_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + 1s);
  }
  const std::string& address() const { return address_; }
  size_t mempool_size() const { return mempool_.size(); }

 private:
  Mempool mempool_;
  CommitFeed feed_;
  LedgerService service_;
  TraceService trace_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST(ValidatorFollowerTest, FollowsPastAWithholdingAndAForeignValidator) {
  BftChain honest_chain;
  for (int i = 0; i < 4; ++i)
    honest_chain.CommitNext({honest_chain.Tx("lot-" + std::to_string(i))});
  // Same genesis, no blocks: its stream never brings one.
  TempDir empty_dir;
  std::unique_ptr<Store> empty = Store::Open(empty_dir.path()).value();
  ASSERT_TRUE(empty
                  ->InitGenesis(honest_chain.net().genesis,
                                GenesisState(honest_chain.net().genesis_message).value())
                  .ok());
  // Another network's chain: its blocks do not link to this genesis.
  BftChain foreign_chain;
  foreign_chain.CommitNext();
  foreign_chain.CommitNext();

  ServedStore withholding(*empty, honest_chain.net().genesis);
  ServedStore foreign(foreign_chain.store(), foreign_chain.net().genesis);
  ServedStore honest(honest_chain.store(), honest_chain.net().genesis);

  Observer o(honest_chain.net());
  ValidatorFollowerOptions options;
  options.addresses = {withholding.address(), foreign.address(), honest.address()};
  options.stall = 300ms;
  options.idle_backoff = 20ms;
  options.channel = [](const std::string& address) {
    return ObserverChannel(address, ObserverTls{});  // no certificate: plaintext
  };
  ValidatorFollower follower(*o.chain, options);
  follower.Start();

  // Everything but the last block, whose proof is still to come.
  ASSERT_TRUE(WaitFor([&] { return o.store->Height() == 3; })) << o.store->Height();
  EXPECT_GE(follower.switches(SourceSwitch::kStalled), 1u);
  EXPECT_GE(follower.switches(SourceSwitch::kRefused), 1u);
  EXPECT_GE(o.chain->refused(FollowRefusal::kBadLink), 1u);
  EXPECT_EQ(o.store->HeadHash(), Sha256(AsBytes(Stored(honest_chain, 3).header())));
  EXPECT_EQ(o.store->HeadResultRoot(), honest_chain.store().ResultRootAt(3).value());

  // The chain goes on; so does the observer.
  honest_chain.CommitNext();
  honest_chain.CommitNext();
  ASSERT_TRUE(WaitFor([&] { return o.store->Height() == 5; })) << o.store->Height();
  EXPECT_TRUE(follower.failure().ok());
  // It never took part: no safety state, no consensus blocks kept for a vote.
  EXPECT_FALSE(o.store->GetSafetyState().value().has_value());
  EXPECT_TRUE(o.store->PendingBlocks().value().empty());

  // A transaction relayed through the observer reaches a validator's mempool; one for
  // another chain is refused by the first validator asked and not sent further.
  const size_t before = withholding.mempool_size() + honest.mempool_size();
  DecodedTransaction tx = honest_chain.Tx("relayed");
  EXPECT_TRUE(follower.Relay(tx.envelope).ok());
  EXPECT_EQ(withholding.mempool_size() + honest.mempool_size(), before + 1);
  DecodedTransaction stranger = testing::MakeTx(honest_chain.net().admin, "another-chain", 50, "x");
  Status refused = follower.Relay(stranger.envelope);
  EXPECT_EQ(refused.code(), Code::kInvalidArgument) << refused.ToString();

  follower.Stop();
}

TEST(ValidatorFollowerTest, DivergedExecutionHaltsTheObserver) {
  BftChain chain;
  chain.CommitNext({chain.Tx("lot-1")});
  chain.CommitNext();
  chain.CommitNext();
  ServedStore honest(chain.store(), chain.net().genesis);
  Observer o(chain.net(), {}, WriteSet{});
  ValidatorFollowerOptions options;
  options.addresses = {honest.address()};
  options.stall = 300ms;
  options.idle_backoff = 20ms;
  options.channel = [](const std::string& address) {
    return ObserverChannel(address, ObserverTls{});
  };
  ValidatorFollower follower(*o.chain, options);
  follower.Start();
  ASSERT_TRUE(WaitFor([&] { return !follower.failure().ok(); }));
  EXPECT_NE(follower.failure().message().find("diverged"), std::string::npos)
      << follower.failure().ToString();
  // It stopped following: nothing more is applied, and no validator was blamed.
  EXPECT_EQ(o.store->Height(), 1u);
  EXPECT_EQ(follower.switches(SourceSwitch::kRefused), 0u);
  follower.Stop();
}

TEST(PrepareObserverTest, RefusesAValidatorIdAndForeignCertificates) {
  TempDir dir;
  testing::TestNetwork net = testing::MakeNetwork(4);
  v1::Genesis g = net.genesis_message;
  PemKeyPair ca = NewOrganizationCa("farm").value();
  g.mutable_organizations(0)->set_ca_certificate(ca.certificate_pem);
  const std::string genesis_path = dir.path() + "/genesis.json";
  std::ofstream(genesis_path) << GenesisToJson(g);

  NodeConfig config;
  config.role = NodeRole::kObserver;
  config.node_id = "audit-observer-1";
  config.data_dir = dir.path() + "/data";
  config.genesis_path = genesis_path;
  config.client_listen = "127.0.0.1:7400";
  config.follow_validators = {"127.0.0.1:7200"};
  Result<ObserverSetup> plain = PrepareObserver(config);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(plain->tls.cert_pem.empty());

  NodeConfig as_validator = config;
  as_validator.node_id = "v1";
  Status s = PrepareObserver(as_validator).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("is a validator of the genesis"), std::string::npos) << s.ToString();

  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = dir.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  };
  // Its observer certificate, issued by its organisation's CA.
  PemKeyPair observer = IssueObserverCertificate(ca, "farm", "audit-observer-1", {}, {}).value();
  config.client_tls_cert_path = write("observer.crt", observer.certificate_pem);
  config.client_tls_key_path = write("observer.key", observer.private_key_pem);
  Result<ObserverSetup> tls = PrepareObserver(config);
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  EXPECT_NE(tls->tls.trust_roots_pem.find(ca.certificate_pem), std::string::npos);

  // Another observer's certificate.
  NodeConfig renamed = config;
  renamed.node_id = "audit-observer-2";
  s = PrepareObserver(renamed).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not the observer certificate of node_id \"audit-observer-2\""),
            std::string::npos)
      << s.ToString();

  // A member's client certificate is not an observer's.
  PemKeyPair member = IssueMemberCertificate(ca, "farm", net.admin.public_key().id()).value();
  config.client_tls_cert_path = write("member.crt", member.certificate_pem);
  config.client_tls_key_path = write("member.key", member.private_key_pem);
  s = PrepareObserver(config).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("is a member certificate"), std::string::npos) << s.ToString();

  // Issued by a CA that is not in the genesis.
  PemKeyPair stranger_ca = NewOrganizationCa("farm").value();
  PemKeyPair stranger =
      IssueObserverCertificate(stranger_ca, "farm", "audit-observer-1", {}, {}).value();
  config.client_tls_cert_path = write("stranger.crt", stranger.certificate_pem);
  config.client_tls_key_path = write("stranger.key", stranger.private_key_pem);
  s = PrepareObserver(config).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("is not an observer certificate the validators accept"),
            std::string::npos)
      << s.ToString();
}

}  // namespace
}  // namespace tadori
