// tadori keygen: a new member key in a file only its owner can read.
#include <nlohmann/json.hpp>

#include "ledger/keys.h"
#include "tools/cli/commands.h"
#include "tools/client/key_file.h"

namespace tadori::cli {

namespace {

struct KeygenOptions {
  std::string type = "p256";
  std::string out;
  bool force = false;
  bool json = false;
};

int RunKeygen(const KeygenOptions& opt) {
  Result<KeyType> type = ParseKeyType(opt.type);
  if (!type.ok()) return ReportUsage("--type", type.status());
  Result<PrivateKey> key = PrivateKey::Generate(*type);
  if (!key.ok()) return ReportFailure("generating a key", key.status());
  Status written = client::WritePrivateKeyFile(opt.out, *key, opt.force);
  if (!written.ok()) return ReportFailure("writing the key file", written);

  const PublicKey& pub = key->public_key();
  if (opt.json) {
    nlohmann::json out = {{"file", opt.out},
                          {"type", std::string(KeyTypeName(*type))},
                          {"keyId", pub.id().Hex()},
                          {"publicKeyPem", pub.ToPem()}};
    PrintLine(out.dump());
    return kExitOk;
  }
  PrintLine("wrote " + std::string(KeyTypeName(*type)) + " private key to " + opt.out +
            " (mode 0600)");
  PrintLine("key id  " + pub.id().Hex());
  PrintLine("public key (give it to your org admin to register with a registerMember payload):");
  std::string pem = pub.ToPem();
  if (!pem.empty() && pem.back() == '\n') pem.pop_back();
  PrintLine(pem);
  return kExitOk;
}

}  // namespace

void AddKeygenCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand("keygen", "generate a private key (PKCS#8 PEM, mode 0600)");
  cmd->add_option("--type", opt->type, "key type")
      ->check(CLI::IsMember({"p256", "ed25519"}))
      ->capture_default_str();
  cmd->add_option("--out", opt->out, "file to write the private key to")->required();
  cmd->add_flag("--force", opt->force, "overwrite an existing file");
  cmd->add_flag("--json", opt->json, "print the key id and public key as JSON");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunKeygen(*opt); });
}

}  // namespace tadori::cli
