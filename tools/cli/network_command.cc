// tadori network new: the keys, certificates, genesis and node configs of a fresh
// consortium (see tools/cli/consortium.h), and how to start it.
#include <algorithm>
#include <memory>
#include <string>

#include "tools/cli/commands.h"
#include "tools/cli/consortium.h"

namespace tadori::cli {

namespace {

struct NetworkNewOptions {
  ConsortiumOptions consortium;
  std::string out;
};

int RunNetworkNew(const NetworkNewOptions& opt) {
  Result<ConsortiumLayout> layout = WriteConsortium(opt.consortium, opt.out);
  if (!layout.ok()) {
    if (layout.status().code() == Code::kInvalidArgument ||
        layout.status().code() == Code::kFailedPrecondition) {
      return ReportUsage("network new", layout.status());
    }
    return ReportFailure("network new", layout.status());
  }
  const ConsortiumLayout& l = *layout;
  std::string what = std::to_string(l.org_ids.size()) + " organisations";
  what += l.observers.empty() ? " and " : ", ";
  what += std::to_string(l.validators.size()) + " validators";
  if (!l.observers.empty()) {
    what += " and " + std::to_string(l.observers.size()) +
            (l.observers.size() == 1 ? " observer" : " observers");
  }
  PrintLine("wrote a consortium of " + what + " to " + opt.out);
  PrintLine("chain " + opt.consortium.chain_id + ", genesis " + l.genesis_path + " (hash " +
            l.genesis_hash_hex.substr(0, 16) + "...)");
  PrintLine("");
  PrintLine("validator                      peer                   client           metrics");
  for (const ConsortiumValidator& v : l.validators) {
    std::string row = v.id;
    row.resize(std::max<size_t>(row.size() + 1, 31), ' ');
    std::string peer = v.peer_address;
    peer.resize(std::max<size_t>(peer.size() + 1, 23), ' ');
    std::string client = "127.0.0.1:" + std::to_string(v.client_port);
    client.resize(std::max<size_t>(client.size() + 1, 17), ' ');
    PrintLine(row + peer + client + "127.0.0.1:" + std::to_string(v.metrics_port));
  }
  if (!l.observers.empty()) {
    PrintLine("");
    PrintLine("observer                       client           metrics");
    for (const ConsortiumObserver& o : l.observers) {
      std::string row = o.id;
      row.resize(std::max<size_t>(row.size() + 1, 31), ' ');
      std::string client = "127.0.0.1:" + std::to_string(o.client_port);
      client.resize(std::max<size_t>(client.size() + 1, 17), ' ');
      PrintLine(row + client + "127.0.0.1:" + std::to_string(o.metrics_port));
    }
  }
  if (l.validator_org_count < static_cast<int>(l.org_ids.size())) {
    std::string members;
    for (size_t i = static_cast<size_t>(l.validator_org_count); i < l.org_ids.size(); ++i) {
      members += (members.empty() ? "" : ", ") + l.org_ids[i];
    }
    PrintLine("");
    PrintLine("members without a validator (an admin key each; they submit through any):");
    PrintLine("  " + members);
  }
  PrintLine("");
  PrintLine("start each validator (a quorum of them must run for blocks to commit):");
  for (const ConsortiumValidator& v : l.validators) {
    PrintLine("  tadorid --config " + v.config_path);
  }
  if (!l.observers.empty()) {
    PrintLine("");
    PrintLine("start the observers of " + l.observers.front().org_id +
              " (they follow the validators, verify every block and");
    PrintLine("serve the client API, but never vote):");
    for (const ConsortiumObserver& o : l.observers) {
      PrintLine("  tadorid --config " + o.config_path);
    }
  }
  PrintLine("");
  PrintLine("clients reach the client APIs over TLS (CA bundle " + l.ca_bundle_path +
            "); each organisation has a");
  PrintLine("client certificate (client.crt, naming its admin key) and a config, cli.toml:");
  for (const ConsortiumClient& c : l.clients) PrintLine("  " + c.config_path);
  if (!l.clients.empty()) {
    PrintLine("for example, as " + l.clients.front().org_id + ":");
    PrintLine("  export TADORI_CONFIG=" + l.clients.front().config_path);
    PrintLine("  tadori status");
  }
  PrintLine("keys (*.key) are mode 0600; each organisation's admin.key signs its transactions.");
  return kExitOk;
}

}  // namespace

void AddNetworkCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* network = app.add_subcommand("network", "set up a multi-validator consortium");
  network->require_subcommand(1);
  auto opt = std::make_shared<NetworkNewOptions>();
  CLI::App* cmd = network->add_subcommand(
      "new",
      "write keys, TLS certificates, genesis.json and node.toml files for a consortium (and "
      "its observers)");
  cmd->add_option("--orgs", opt->consortium.orgs, "number of organisations")
      ->required()
      ->check(CLI::Range(1, kConsortiumOrgsMax));
  cmd->add_option("--out", opt->out, "directory to create (must not exist or be empty)")
      ->required();
  cmd->add_option("--validator-orgs", opt->consortium.validator_orgs,
                  "only the first K organisations run validators; the others are members "
                  "(admin key, no node) [default: all]")
      ->check(CLI::Range(1, kConsortiumOrgsMax));
  cmd->add_option("--validators-per-org", opt->consortium.validators_per_org,
                  "validators of each validator organisation")
      ->check(CLI::Range(1, kConsortiumValidatorsPerOrgMax))
      ->capture_default_str();
  cmd->add_option("--base-port", opt->consortium.base_port,
                  "peer port of the first validator (client +100, metrics +200; "
                  "observers' client +300, metrics +400)")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  cmd->add_option("--client-port", opt->consortium.client_port,
                  "client API port of the first validator, the others take the next ports "
                  "[default: base port + 100]")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--observers", opt->consortium.observers,
                  "observer nodes, of the first auditor or regulator organisation (else of the "
                  "first validator organisation)")
      ->check(CLI::Range(0, kConsortiumObserversMax))
      ->capture_default_str();
  cmd->add_option("--chain-id", opt->consortium.chain_id, "chain id of the genesis")
      ->capture_default_str();
  cmd->add_option("--host", opt->consortium.host,
                  "host the validators reach each other at (in the genesis and certificates)")
      ->capture_default_str();
  cmd->callback([opt, &ctx] { ctx.exit_code = RunNetworkNew(*opt); });
}

}  // namespace tadori::cli
