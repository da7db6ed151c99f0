// Where a tool finds the nodes it talks to and how it identifies itself to them: flags, else
// environment variables, else a config file, each setting on its own.
//
//   setting          flag        environment        config file key
//   node list        --node      $TADORI_NODE       node      ("host:port,host:port")
//   CA bundle        --ca        $TADORI_CA         ca        (TLS when given)
//   client cert      --cert      $TADORI_CERT       cert
//   its private key  --cert-key  $TADORI_CERT_KEY   cert_key
//   the config file  --config    $TADORI_CONFIG     -
//
// The TLS key is not --key / $TADORI_KEY: those name the signing key of `tadori submit` and
// `tadori-loadgen`, a different key (client/key_file.h).
//
// The config file is --config, else $TADORI_CONFIG, else `.tadori.toml` in the working
// directory or the nearest parent that has one; a file named by flag or variable must exist.
// A .tadori.toml found by the search must belong to the user (or root) and be writable by no
// one else (PERMISSION_DENIED otherwise): it chooses the nodes whose answers are believed.
// `tadori network new` writes one per organisation (DIR/<org>/cli.toml):
//
//   node     = "127.0.0.1:7200,127.0.0.1:7201"
//   ca       = "../ca-bundle.pem"          # paths are relative to the file's directory
//   cert     = "client.crt"
//   cert_key = "client.key"
//
// Every key is optional; an unknown key, a value that is not a non-empty string or a TOML
// syntax error is INVALID_ARGUMENT naming the file and line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "tools/client/channel.h"
#include "tools/client/client_tls.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tadori::client {

inline constexpr std::string_view kCaEnvVar = "TADORI_CA";
inline constexpr std::string_view kCertEnvVar = "TADORI_CERT";
inline constexpr std::string_view kCertKeyEnvVar = "TADORI_CERT_KEY";
inline constexpr std::string_view kConfigEnvVar = "TADORI_CONFIG";
inline constexpr std::string_view kDefaultConfigName = ".tadori.toml";
// A config file is a few lines; a larger file is not one.
inline constexpr size_t kClientConfigBytesMax = 64 * 1024;

// The flags as given; empty means not given. (The "= {}" lets callers name only the flags
// they set: ClientFlags{.config = path}.)
struct ClientFlags {
  std::string node = {};
  std::string ca = {};
  std::string cert = {};
  std::string cert_key = {};
  std::string config = {};
};

// Adds --ca, --cert, --cert-key and --config to a tool's command line, writing into `flags`
// (which must outlive `app`'s parsing). --node is the tool's own: what a node list means
// differs from tool to tool.
void AddClientConfigFlags(CLI::App& app, ClientFlags& flags);

// The environment variables; nullptr (or empty) means unset. FromProcess reads this
// process's environment.
struct ClientEnv {
  const char* node = nullptr;
  const char* ca = nullptr;
  const char* cert = nullptr;
  const char* cert_key = nullptr;
  const char* config = nullptr;
  static ClientEnv FromProcess();
};

// One setting and where it came from ("--ca", "$TADORI_CA", "/x/cli.toml:3 (ca)").
struct ClientSetting {
  std::string value;
  std::string source;
};

// A parsed config file; paths are resolved against the file's directory.
struct ClientConfigFile {
  std::string path;
  std::optional<ClientSetting> node;
  std::optional<ClientSetting> ca;
  std::optional<ClientSetting> cert;
  std::optional<ClientSetting> cert_key;
};

// Parses config text; `path` is used in messages and to resolve relative paths.
Result<ClientConfigFile> ParseClientConfig(std::string_view text, const std::string& path);

// The config file that applies (see above), or nullopt when none does. `start_dir` is where
// the search for kDefaultConfigName begins (the working directory). NOT_FOUND when the file
// named by --config or $TADORI_CONFIG cannot be read; PERMISSION_DENIED for a found file that
// is not the user's.
Result<std::optional<ClientConfigFile>> FindClientConfig(const ClientFlags& flags,
                                                         const ClientEnv& env,
                                                         const std::string& start_dir);

// What a tool connects with.
struct ClientSetup {
  std::vector<std::string> nodes;  // from the settings, else the one default node
  ChannelOptions channel;          // channel.tls set when a CA bundle is given
  std::string config_path;         // the config file read; empty when none
  std::string node_source;         // where the node list came from; "default" when nowhere
  std::string ca_source;           // "<path> (<where it was named>)" when channel.tls is set
};

// Chooses each setting (flag > environment > config file), parses the node list
// (node_list.h) and loads the TLS files (client_tls.h). Every error names the setting's
// source; all are the user's to fix (INVALID_ARGUMENT or NOT_FOUND).
Result<ClientSetup> ResolveClientSetup(const ClientFlags& flags, const ClientEnv& env,
                                       const std::string& start_dir);

// ResolveClientSetup with this process's environment and working directory.
Result<ClientSetup> ResolveClientSetup(const ClientFlags& flags);

// What a failure to reach a node most likely means when the connection setup is the cause,
// for a line after the error; "" when `status` is not UNAVAILABLE or it says nothing about TLS:
//   plaintext, any UNAVAILABLE       the node may speak TLS, which needs --ca
//   TLS, "wrong version number"      the node speaks plaintext (tadorid --dev): leave the CA out
//   TLS, "certificate verify failed" the node's certificate does not chain to the CA bundle
std::string ConnectionHint(const ClientSetup& setup, const Status& status);

}  // namespace tadori::client
