// tadori-loadgen: offers a node, or a network's nodes, signed EPCIS harvesting events
// (record_event, each creating a lot) and reports, honestly, how many it committed and how
// fast. See stream_run.h for the default mode (a few connections, each one SubmitStream with
// many transactions in flight), run.h for the unary mode (--mode unary: one Submit in flight
// per client), run_plan.h for --count/--duration, client/node_list.h for --node,
// client/client_config.h for TLS
// (--ca, --cert, --cert-key) and the config file (--config), client/submit.h for what
// happens when a node cannot be reached, report.h for the definitions and workload.h for
// the transactions. --acked-out writes the ids of the acknowledged transactions (committed OK
// while being submitted) for a later check that they are on the chain (`tadori tx check`).
//
// Before the clock starts it registers the product it harvests (kLoadgenProductGtin), through
// the first node that answers, unless --product names one already registered; a product
// that already exists is fine.
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <grpcpp/client_context.h>
#include <CLI/CLI.hpp>

#include "ledger/limits.h"
#include "ledger/transaction.h"
#include "tools/client/client_config.h"
#include "tools/client/failover.h"
#include "tools/client/key_file.h"
#include "tools/client/node_address.h"
#include "tools/client/node_list.h"
#include "tools/client/rpc_error.h"
#include "tools/client/submit.h"
#include "tools/client/transaction_builder.h"
#include "tools/client/tx_id_list.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/run_plan.h"
#include "tools/loadgen/stream_run.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {
namespace {

constexpr int kExitLost = 1;
constexpr int kExitUsage = 2;
// Transactions stay valid for half the node's window: a long paced run does not expire
// its own tail, and a lost transaction is known dead within a bounded number of blocks.
constexpr uint64_t kValidityBlocks = kTxValidityWindowBlocks / 2;
// Attempts per submission by default: with the backoff doubling from 50 ms to 1 s, about 7 s
// of retrying, enough to ride out every node of a local network restarting at once.
constexpr int kAttemptsDefault = 12;

struct Options {
  client::ClientFlags connection;  // --node, --ca, --cert, --cert-key, --config
  std::string key_file;
  std::optional<uint64_t> count;     // --count; with --duration an upper bound
  std::optional<double> duration_s;  // --duration
  double rate = 0;
  SubmitMode mode = SubmitMode::kStream;
  size_t clients = 4;      // unary
  size_t connections = 0;  // stream; 0: one per node
  size_t in_flight = kInFlightDefault;
  bool json = false;
  uint32_t wait_timeout_ms = 10'000;
  int settle_ms = 30'000;
  bool no_verify = false;
  std::string lot_prefix;
  std::string product;  // empty: register and use kLoadgenProductGtin
  int attempts = kAttemptsDefault;
  std::string acked_out;  // empty: do not write the acknowledged ids
};

// Verifies the first transaction's signature repeatedly for about half a second.
double MeasureVerifyRate(const PrivateKey& key, const Workload& workload) {
  const Bytes message = TransactionSigningMessage(workload.ids.front());
  const std::string& sig = workload.requests.front().tx().signature();
  const PublicKey& pub = key.public_key();
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::milliseconds(500);
  size_t done = 0;
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 64; ++i, ++done) {
      if (!pub.Verify(message, AsBytes(sig)).ok()) std::abort();
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(done) / s;
}

int Fail(std::string_view what, const Status& status, int code = 1,
         const client::ClientSetup* setup = nullptr) {
  std::fprintf(stderr, "tadori-loadgen: %s\n", client::DescribeError(what, status).c_str());
  const std::string hint = setup != nullptr ? client::ConnectionHint(*setup, status) : "";
  if (!hint.empty()) std::fprintf(stderr, "tadori-loadgen: hint: %s\n", hint.c_str());
  return code;
}

// Progress for people goes to stderr with --json, so stdout stays one JSON document.
void Note(const Options& opt, const std::string& line) {
  std::fprintf(opt.json ? stderr : stdout, "%s\n", line.c_str());
  std::fflush(opt.json ? stderr : stdout);
}

// Registers the loadgen product; OK when it commits or already exists.
Status EnsureProduct(client::NodeSet& nodes, const PrivateKey& key) {
  TADORI_ASSIGN_OR_RETURN(v1::SignedTransaction tx,
                          client::PrepareTransaction(nodes, LoadgenProductPayload(), key));
  v1::SubmitRequest request;
  *request.mutable_tx() = tx;
  request.set_wait_for_commit(true);
  const client::SubmitAnswer answer = client::SubmitTransaction(nodes, request);
  if (!answer.status.ok()) return client::FromGrpc(answer.status);
  const v1::SubmitResponse& response = answer.response;
  if (!response.committed()) return Status::DeadlineExceeded("product registration not committed");
  const uint32_t code = response.result().code();
  if (code == 0 || code == static_cast<uint32_t>(Code::kAlreadyExists)) return Status::Ok();
  return client::StatusFromCode(code, response.result().message());
}

Status WriteAckedIds(const std::string& path, const std::vector<Hash>& ids) {
  const std::string text = client::FormatTxIdList(ids);
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Status::Internal(path + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    return Status::Internal(path + ": " + std::strerror(written ? errno : err));
  }
  return Status::Ok();
}

// user + system CPU this process has used so far, in seconds.
double CpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return -1;
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int Run(const Options& opt) {
  Result<client::ClientSetup> setup_or = client::ResolveClientSetup(opt.connection);
  if (!setup_or.ok()) {
    return Fail("choosing the nodes and TLS identity", setup_or.status(), kExitUsage);
  }
  const client::ClientSetup& connection = *setup_or;
  const std::vector<std::string>& nodes = connection.nodes;
  const client::ChannelOptions& channel = connection.channel;
  const bool streaming = opt.mode == SubmitMode::kStream;
  // Stream: one connection per node unless told otherwise.
  const size_t connections =
      streaming ? (opt.connections > 0 ? opt.connections : std::max<size_t>(1, nodes.size()))
                : opt.clients;
  if (connections < nodes.size()) {
    std::fprintf(stderr,
                 "tadori-loadgen: warning: %zu %s for %zu nodes; only the first %zu nodes "
                 "receive transactions\n",
                 connections, streaming ? "connections" : "clients", nodes.size(), connections);
  }
  const Result<uint64_t> planned = PlannedCount(opt.count, opt.duration_s, opt.rate);
  if (!planned.ok()) return Fail("sizing the run", planned.status(), kExitUsage);
  const uint64_t count = *planned;
  std::string key_path = opt.key_file;
  if (key_path.empty() && std::getenv(client::kKeyEnvVar) != nullptr) {
    key_path = std::getenv(client::kKeyEnvVar);
  }
  Result<PrivateKey> key = client::LoadPrivateKeyFile(key_path);
  if (!key.ok()) return Fail("loading the signing key", key.status());
  const client::FailoverPolicy policy{.attempts_max = opt.attempts};
  // The chain head and the product come from the first node that answers; the others run
  // the same chain.
  client::NodeSet setup(nodes, policy, 0, channel);
  Result<client::ChainHead> head = client::FetchChainHead(setup);
  if (!head.ok()) return Fail("fetching status", head.status(), 1, &connection);

  std::string product = opt.product;
  if (product.empty()) {
    Status registered = EnsureProduct(setup, *key);
    if (!registered.ok()) {
      return Fail(fmt::format("registering product {} (the key must belong to a producer or "
                              "processor org; or pass --product)",
                              kLoadgenProductGtin),
                  registered);
    }
    product = kLoadgenProductGtin;
  }

  std::string prefix = opt.lot_prefix;
  if (prefix.empty()) prefix = "lg-" + ToHex(NewNonce()).substr(0, 8) + "-";
  Note(opt,
       fmt::format(
           "tadori-loadgen: {}{} harvesting events (record_event) of product {} to {} "
           "(chain {}, height {}), {} mode, {} {}, rate {}",
           opt.duration_s.has_value() ? fmt::format("for {:g} s, at most ", *opt.duration_s) : "",
           count, product, client::JoinNodeList(nodes), head->chain_id, head->height,
           SubmitModeName(opt.mode), connections, streaming ? "connections" : "clients",
           opt.rate > 0 ? fmt::format("{:.1f} tx/s", opt.rate) : "unlimited"));
  // Some are signed before the clock starts; a thread of the run signs the rest ahead of the
  // senders (run.h, SigningAhead), so that a long run does not expire its own tail. Unary:
  // two chunks, a chunk ahead, as ever. Stream: up to 33,000 (about a second of signing) and
  // as many ahead while the run goes, so that a run offered more than the signing thread
  // signs a second (on cores the nodes share) goes on for seconds on what was signed
  // beforehand (run_plan.h).
  const HarvestPlan plan{&*key, prefix, product, kValidityBlocks, opt.wait_timeout_ms};
  const size_t presigned = PresignedTxs(opt.mode, opt.rate, count);
  const auto sign_start = std::chrono::steady_clock::now();
  Workload workload = UnsignedWorkload(count);
  SignHarvests(workload, 0, presigned, plan, *head);
  const double presign_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sign_start)
          .count();
  Note(opt, fmt::format("pre-signed {} of {} transactions in {:.0f} ms before the clock started{} "
                        "(lot codes {}0..{}, each valid {} blocks after the head it is signed "
                        "against)",
                        presigned, count, presign_ms,
                        presigned < count
                            ? fmt::format("; the rest are signed {} at a time ahead of the "
                                          "senders, by a thread of their own",
                                          kSignChunkTxs)
                            : "",
                        prefix, count - 1, kValidityBlocks));
  client::NodeSet head_source(nodes, policy, 0, channel);  // the signer thread's alone
  client::ChainHead signing_head = *head;
  const SigningAhead ahead{[&](Workload& w, size_t from, size_t to) {
                             Result<client::ChainHead> now = client::FetchChainHead(head_source);
                             if (now.ok()) signing_head = *now;  // else the last one known
                             SignHarvests(w, from, to, plan, signing_head);
                           },
                           presigned, SigningLeadTxs(opt.mode, opt.rate)};
  if (streaming) {
    Note(opt, fmt::format("mode: {} connection(s), each one SubmitStream with up to {} "
                          "transactions unanswered, commit wait {} ms each; latency = first send "
                          "-> committed answer; a broken stream's unanswered transactions go "
                          "again (same bytes) to the next node{}",
                          connections, opt.in_flight, opt.wait_timeout_ms,
                          nodes.size() > 1
                              ? fmt::format("; connection c starts at node c % {}", nodes.size())
                              : ""));
  } else {
    Note(opt,
         fmt::format("mode: each client has its own connection and sends one Submit at a time with "
                     "wait_for_commit=true; latency = Submit sent -> node's commit reply{}; a node "
                     "not reached gets up to {} attempts in all",
                     nodes.size() > 1
                         ? fmt::format("; client c starts at node c % {} and moves on to the next "
                                       "when its node cannot be reached",
                                       nodes.size())
                         : "",
                     setup.attempts_max()));
  }

  const double verify_per_s = MeasureVerifyRate(*key, workload);
  Note(opt, fmt::format("{} signature verify on one core: {:.0f}/s", KeyTypeName(key->type()),
                        verify_per_s));

  std::vector<TxRecord> records;
  const Pacer pacer(opt.rate);
  ErrorExamples error_examples;
  const std::chrono::nanoseconds send_window =
      opt.duration_s.has_value()
          ? std::chrono::nanoseconds(static_cast<int64_t>(*opt.duration_s * 1e9))
          : std::chrono::nanoseconds(0);
  const double cpu_before = CpuSeconds();
  const RunTiming timing =
      streaming
          ? RunStreams(nodes,
                       StreamPlan{connections, opt.in_flight, opt.wait_timeout_ms, send_window},
                       pacer, policy, workload, records, &error_examples, &ahead, channel)
          : RunClients(nodes, opt.clients, pacer, policy, workload, records, &error_examples,
                       &ahead, channel, send_window);
  const double cpu_after = CpuSeconds();
  const size_t settled = Settle(nodes, workload, records, opt.settle_ms, channel);
  if (settled > 0) {
    Note(opt, fmt::format("settled {} transaction(s) whose submission ended without a commit, "
                          "by GetTransaction",
                          settled));
  }
  if (!opt.no_verify) VerifyCommitted(nodes, workload, records, channel);
  if (!opt.acked_out.empty()) {
    Status written = WriteAckedIds(opt.acked_out, AcknowledgedIds(workload, records));
    if (!written.ok()) return Fail("writing the acknowledged ids", written);
  }

  const Tally tally = MakeTally(records, timing, opt.rate > 0);
  RunInfo info{nodes,
               std::string(SubmitModeName(opt.mode)),
               connections,
               streaming ? opt.in_flight : 1,
               opt.duration_s.value_or(0),
               cpu_before >= 0 && cpu_after >= 0 ? cpu_after - cpu_before : -1,
               opt.rate,
               kValidityBlocks,
               presign_ms,
               std::string(KeyTypeName(key->type())),
               key->public_key().id().Hex(),
               prefix,
               !opt.no_verify,
               verify_per_s,
               setup.attempts_max(),
               opt.acked_out,
               std::move(error_examples)};
  if (opt.json) {
    std::printf("%s\n", ReportJson(tally, info).dump().c_str());
  } else {
    std::printf("%s", RenderReport(tally, info).c_str());
  }
  std::fflush(stdout);
  if (tally.committed_ok + tally.late_committed_ok == 0) {
    std::fprintf(stderr,
                 "tadori-loadgen: warning: no transaction committed with an OK result; "
                 "the key must belong to a producer or processor org member or admin\n");
  }
  if (tally.lost > 0 || tally.unsent > 0 || tally.verify_failed > 0) {
    return Fail("run",
                Status::DataLoss(fmt::format("{} lost, {} unsent, {} verify failures", tally.lost,
                                             tally.unsent, tally.verify_failed)),
                kExitLost);
  }
  return 0;
}

}  // namespace
}  // namespace tadori::loadgen

int main(int argc, char** argv) {
  using tadori::loadgen::Options;
  using tadori::loadgen::SubmitMode;
  Options opt;
  CLI::App app{
      "tadori-loadgen: submit signed transactions to a tadori node and report "
      "committed throughput and submit->commit latency"};
  app.name("tadori-loadgen");
  app.add_option("--node", opt.connection.node,
                 "node address HOST:PORT, or the comma-separated nodes of one network "
                 "(connection or client c starts at node c % n and moves on when its node cannot "
                 "be reached) (default: "
                 "$TADORI_NODE, else node in the config file, else " +
                     std::string(tadori::client::kDefaultNodeAddress) + ")");
  // TLS and the client identity, as `tadori` takes them.
  tadori::client::AddClientConfigFlags(app, opt.connection);
  app.add_option("--key", opt.key_file,
                 "private key of a producer org member or admin (default: $TADORI_KEY)");
  std::string mode;
  app.add_option("--mode", mode,
                 "stream: --connections each carrying one SubmitStream with up to --in-flight "
                 "transactions unanswered; unary: --clients each with one Submit(wait_for_commit) "
                 "in flight (default: stream, or unary when only --clients is given)")
      ->check(CLI::IsMember({"stream", "unary"}));
  uint64_t count = 0;
  app.add_option("--count", count,
                 "transactions to submit; with --duration, the most to submit (default with "
                 "--duration: rate x duration, or 10,000/s x duration when the rate is unlimited)")
      ->check(CLI::Range(uint64_t{1}, tadori::loadgen::kCountMax));
  double duration_s = 0;
  app.add_option("--duration", duration_s,
                 "send for this many seconds (at --rate, else as fast as the in-flight windows "
                 "allow), then wait for the answers; --count, --duration or both are required")
      ->check(CLI::Range(0.001, tadori::loadgen::kDurationSMax));
  app.add_option("--rate", opt.rate,
                 "offered rate in tx/s across all connections or clients (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--connections", opt.connections,
                 "stream mode: connections, each one SubmitStream (default: one per node)")
      ->check(CLI::Range(size_t{1}, tadori::loadgen::kConnectionsMax));
  app.add_option("--in-flight", opt.in_flight,
                 "stream mode: transactions sent and not yet answered, at most, per connection")
      ->check(CLI::Range(size_t{1}, tadori::loadgen::kInFlightMax))
      ->capture_default_str();
  app.add_option("--clients", opt.clients,
                 "unary mode: concurrent clients, each its own connection")
      ->check(CLI::Range(size_t{1}, tadori::loadgen::kClientsMax))
      ->capture_default_str();
  app.add_option("--wait-timeout-ms", opt.wait_timeout_ms, "node-side commit wait per transaction")
      ->check(CLI::Range(1u, 60'000u))
      ->capture_default_str();
  app.add_option("--settle-ms", opt.settle_ms,
                 "how long to look for transactions whose submission ended without a commit")
      ->check(CLI::Range(0, 600'000))
      ->capture_default_str();
  app.add_option("--lot-prefix", opt.lot_prefix, "lot code prefix (default: lg-<random>-)");
  app.add_option("--product", opt.product,
                 "GTIN of a registered product to harvest (default: register and use " +
                     std::string(tadori::loadgen::kLoadgenProductGtin) + ")");
  app.add_option("--attempts", opt.attempts,
                 "Submit calls per transaction when nodes cannot be reached, the first included "
                 "(the same signed bytes each time, to the next node)")
      ->check(CLI::Range(1, tadori::client::kAttemptsMax))
      ->capture_default_str();
  app.add_option("--acked-out", opt.acked_out,
                 "write the ids of the acknowledged transactions (committed OK while being "
                 "submitted), one per line, to this file");
  app.add_flag("--no-verify", opt.no_verify,
               "skip re-reading every committed transaction with GetTransaction");
  app.add_flag("--json", opt.json, "print the report as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : tadori::loadgen::kExitUsage;
  }
  if (app.count("--count") > 0) opt.count = count;
  if (app.count("--duration") > 0) opt.duration_s = duration_s;
  std::optional<SubmitMode> asked;
  if (!mode.empty()) asked = mode == "unary" ? SubmitMode::kUnary : SubmitMode::kStream;
  const tadori::Result<SubmitMode> chosen =
      tadori::loadgen::ChosenMode(asked, app.count("--clients") > 0,
                                  app.count("--connections") > 0 || app.count("--in-flight") > 0);
  if (!chosen.ok()) {
    std::fprintf(stderr, "tadori-loadgen: %s\n", chosen.status().message().c_str());
    return tadori::loadgen::kExitUsage;
  }
  opt.mode = *chosen;
  if (!opt.count.has_value() && !opt.duration_s.has_value()) {
    std::fprintf(stderr, "tadori-loadgen: give --count, --duration, or both (see --help)\n");
    return tadori::loadgen::kExitUsage;
  }
  return tadori::loadgen::Run(opt);
}
