// tadori proof tx ID --out proof.json: asks a node for the offline proof of a committed
// transaction (Ledger.GetProof) and writes it as proof.json (tools/cli/proof_json.h).
// tadori proof verify proof.json --genesis genesis.json: checks one with no node
// (consensus/tx_proof_check.h); docs/PROOFS.md says what it proves.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "consensus/tx_proof_check.h"
#include "ledger/genesis.h"
#include "ledger/limits.h"
#include "tools/cli/commands.h"
#include "tools/cli/output_file.h"
#include "tools/cli/proof_json.h"
#include "tools/cli/selectors.h"
#include "tools/client/key_file.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

struct ProofTxOptions {
  std::string id;
  std::string out = "-";
};

struct ProofVerifyOptions {
  std::string proof_path;
  std::string genesis_path;
  bool require_result = false;
};

int RunProofTx(CliContext& ctx, const ProofTxOptions& opt) {
  Result<Hash> id = ParseTxId(opt.id);
  if (!id.ok()) return ReportUsage("proof tx", id.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::GetProofRequest request;
  request.set_tx_id(id->ToBinaryString());
  v1::TxProof proof;
  const grpc::Status rpc = nodes->CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        return stub.GetProof(&call, request, &proof);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) {
    return ReportFailure("getting the proof of transaction " + id->Hex(), client::FromGrpc(rpc));
  }
  const std::string json = TxProofToJson(proof);
  Status written = WriteOutput(opt.out, json);
  if (!written.ok()) return ReportFailure("writing the proof", written);
  if (opt.out != "-") {
    PrintLine(
        fmt::format("wrote the proof of transaction {} ({} blocks above its own, {} bytes) "
                    "to {}; check it with: tadori proof verify {} --genesis GENESIS",
                    id->Hex(), proof.commit_chain_size(), json.size(), opt.out, opt.out, opt.out));
  }
  return kExitOk;
}

std::string ResultLine(const consensus::VerifiedTxProof& v) {
  if (v.result_committed) {
    const std::string name = v.result_code <= static_cast<uint32_t>(Code::kUnauthenticated)
                                 ? std::string(CodeName(static_cast<Code>(v.result_code)))
                                 : "code " + std::to_string(v.result_code);
    return fmt::format("result {} (code {}), committed by the header of block {}", name,
                       v.result_code, v.result_block_height);
  }
  return fmt::format(
      "result NOT PROVEN: no header commits to the results of block {} (block {} skips them "
      "and result_height never decreases)",
      v.height, v.skipped_by_height);
}

int RunProofVerify(CliContext&, const ProofVerifyOptions& opt) {
  Result<std::string> genesis_text = client::ReadInputFile(opt.genesis_path, kGenesisBytesMax);
  if (!genesis_text.ok()) return ReportFailure("reading the genesis", genesis_text.status());
  Result<GenesisInfo> genesis = GenesisFromJson(*genesis_text);
  if (!genesis.ok())
    return ReportFailure("reading the genesis " + opt.genesis_path, genesis.status());
  Result<std::string> text = client::ReadInputFile(opt.proof_path, kTxProofJsonBytesMax);
  if (!text.ok()) return ReportFailure("reading the proof", text.status());
  Result<v1::TxProof> proof = TxProofFromJson(*text);
  if (!proof.ok()) return ReportFailure("verifying " + opt.proof_path, proof.status());
  Result<consensus::VerifiedTxProof> v = consensus::VerifyTxProof(*proof, *genesis);
  if (!v.ok()) return ReportFailure("verifying " + opt.proof_path, v.status());
  PrintLine(fmt::format("tx {} at height {} index {}, {}, block final: {}", v->tx_id.Hex(),
                        v->height, v->index,
                        v->result_committed ? "result " + std::to_string(v->result_code) +
                                                  (v->result_code == 0 ? " OK" : " (refused)")
                                            : "result not committed by any header",
                        v->finality));
  PrintLine(fmt::format("  block {} {} of chain {} (genesis {}), {}", v->height,
                        v->block_hash.Hex(), genesis->genesis.chain_id(), genesis->hash.ShortHex(),
                        v->bft ? "BFT certificates" : "validator signatures"));
  PrintLine(fmt::format("  payload {}, signed by {}", v->payload, v->signer));
  PrintLine("  " + ResultLine(*v));
  if (opt.require_result && !v->result_committed) {
    return ReportFailure("verifying " + opt.proof_path,
                         Status::FailedPrecondition("the proof does not prove a result "
                                                    "(--require-result)"));
  }
  return kExitOk;
}

}  // namespace

void AddProofCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* proof = app.add_subcommand("proof", "offline proofs of committed transactions");
  proof->require_subcommand(1);

  auto tx_opt = std::make_shared<ProofTxOptions>();
  CLI::App* tx = proof->add_subcommand(
      "tx", "get the proof that a transaction, its event and its result are in the chain");
  tx->add_option("ID", tx_opt->id, "transaction id (64 hex digits)")->required();
  tx->add_option("--out", tx_opt->out, "file to write proof.json to, or - for stdout (default)");
  tx->callback([tx_opt, &ctx] { ctx.exit_code = RunProofTx(ctx, *tx_opt); });

  auto verify_opt = std::make_shared<ProofVerifyOptions>();
  CLI::App* verify =
      proof->add_subcommand("verify", "check a proof.json offline against the genesis (no node)");
  verify->add_option("PROOF", verify_opt->proof_path, "proof.json, or - for standard input")
      ->required();
  verify->add_option("--genesis", verify_opt->genesis_path, "the network's genesis.json")
      ->required();
  verify->add_flag("--require-result", verify_opt->require_result,
                   "fail when the proof shows the result skipped rather than committed");
  verify->callback([verify_opt, &ctx] { ctx.exit_code = RunProofVerify(ctx, *verify_opt); });
}

}  // namespace tadori::cli
