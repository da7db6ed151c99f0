#include "tools/client/client_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>

#include "ledger/files.h"
#include "tools/client/node_address.h"
#include "tools/client/node_list.h"

namespace tadori::client {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kConfigKeys = {"node", "ca", "cert", "cert_key"};

std::string EnvName(std::string_view var) {
  return "$" + std::string(var);
}

const char* GetEnv(std::string_view name) {
  return std::getenv(std::string(name).c_str());
}

bool Given(const char* env_value) {
  return env_value != nullptr && env_value[0] != '\0';
}

// The flag, else the variable, else the file's setting; nullopt when none is given.
std::optional<ClientSetting> Choose(const std::string& flag, std::string_view flag_name,
                                    const char* env_value, std::string_view env_var,
                                    const std::optional<ClientSetting>& from_file) {
  if (!flag.empty()) return ClientSetting{flag, std::string(flag_name)};
  if (Given(env_value)) return ClientSetting{env_value, EnvName(env_var)};
  return from_file;
}

Result<ClientConfigFile> LoadClientConfig(const std::string& path, std::string_view source) {
  Result<std::string> text = ReadFileToString(path, kClientConfigBytesMax);
  if (!text.ok()) return text.status().WithContext(std::string(source) + " " + path);
  return ParseClientConfig(*text, path);
}

// A config file found by searching, rather than named, decides which nodes this user trusts
// and which certificate it presents, so one that someone else could have put in a parent
// directory (a shared /tmp) or could change is refused rather than obeyed.
Status CheckFoundConfigIsOurs(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound("config file " + path);
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return Status::PermissionDenied(
        "config file " + path + " belongs to user " + std::to_string(st.st_uid) +
        ", not to you; refusing to take nodes and certificates from it (name a config with "
        "--config or $TADORI_CONFIG to use it anyway)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::PermissionDenied("config file " + path +
                                    " is writable by others; refusing to take nodes and "
                                    "certificates from it (chmod go-w it, or name it with "
                                    "--config or $TADORI_CONFIG)");
  }
  return Status::Ok();
}

TlsFile TlsFileOf(const std::optional<ClientSetting>& setting) {
  if (!setting) return {};
  return TlsFile{setting->value, setting->source};
}

}  // namespace

void AddClientConfigFlags(CLI::App& app, ClientFlags& flags) {
  app.add_option("--ca", flags.ca,
                 "CA bundle (PEM) the node's certificate must chain to; connect over TLS "
                 "(default: $TADORI_CA, else ca in the config file; none: plaintext)");
  app.add_option("--cert", flags.cert,
                 "client certificate (PEM) that identifies you to the node; needs --ca "
                 "(default: $TADORI_CERT, else cert in the config file; none: anonymous)");
  app.add_option("--cert-key", flags.cert_key,
                 "private key (PEM) of --cert; not the signing key of --key (default: "
                 "$TADORI_CERT_KEY, else cert_key in the config file)");
  app.add_option("--config", flags.config,
                 "client config file (TOML: node, ca, cert, cert_key; paths relative to it) "
                 "(default: $TADORI_CONFIG, else .tadori.toml in this directory or the nearest "
                 "parent)");
}

ClientEnv ClientEnv::FromProcess() {
  ClientEnv env;
  env.node = GetEnv(kNodeEnvVar);
  env.ca = GetEnv(kCaEnvVar);
  env.cert = GetEnv(kCertEnvVar);
  env.cert_key = GetEnv(kCertKeyEnvVar);
  env.config = GetEnv(kConfigEnvVar);
  return env;
}

Result<ClientConfigFile> ParseClientConfig(std::string_view text, const std::string& path) {
  // toml++ reports syntax errors by exception; they end here, as a Status.
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) +
                                   ": TOML syntax: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }

  ClientConfigFile config;
  config.path = path;
  const fs::path dir = fs::path(path).parent_path();
  for (auto&& [key, value] : root) {
    const std::string name(key.str());
    const std::string where = path + ":" + std::to_string(value.source().begin.line);
    if (std::find(kConfigKeys.begin(), kConfigKeys.end(), name) == kConfigKeys.end()) {
      // `key` is what the TLS key would be called but for the signing key's --key.
      const std::string hint = name == "key" ? "; the certificate's TLS key is cert_key" : "";
      return Status::InvalidArgument(where + ": unknown key '" + name +
                                     "' (a tadori client config has node, ca, cert, cert_key" +
                                     hint + ")");
    }
    const toml::value<std::string>* text_value = value.as_string();
    if (text_value == nullptr || text_value->get().empty()) {
      return Status::InvalidArgument(where + ": " + name + " must be a non-empty string");
    }
    ClientSetting setting{text_value->get(), where + " (" + name + ")"};
    if (name == "node") {
      config.node = std::move(setting);
      continue;
    }
    // A path is relative to the file, so that a directory of files can move as a whole.
    const fs::path p(setting.value);
    if (p.is_relative()) setting.value = (dir / p).lexically_normal().string();
    if (name == "ca") {
      config.ca = std::move(setting);
    } else if (name == "cert") {
      config.cert = std::move(setting);
    } else {
      config.cert_key = std::move(setting);
    }
  }
  return config;
}

Result<std::optional<ClientConfigFile>> FindClientConfig(const ClientFlags& flags,
                                                         const ClientEnv& env,
                                                         const std::string& start_dir) {
  if (!flags.config.empty()) {
    TADORI_ASSIGN_OR_RETURN(ClientConfigFile file, LoadClientConfig(flags.config, "--config"));
    return std::optional<ClientConfigFile>(std::move(file));
  }
  if (Given(env.config)) {
    TADORI_ASSIGN_OR_RETURN(ClientConfigFile file,
                            LoadClientConfig(env.config, EnvName(kConfigEnvVar)));
    return std::optional<ClientConfigFile>(std::move(file));
  }
  std::error_code ec;
  fs::path dir = fs::absolute(start_dir, ec);
  if (ec) return std::optional<ClientConfigFile>();
  while (true) {
    const fs::path candidate = dir / kDefaultConfigName;
    if (fs::is_regular_file(candidate, ec)) {
      TADORI_RETURN_IF_ERROR(CheckFoundConfigIsOurs(candidate.string()));
      TADORI_ASSIGN_OR_RETURN(ClientConfigFile file,
                              LoadClientConfig(candidate.string(), "config file"));
      return std::optional<ClientConfigFile>(std::move(file));
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return std::optional<ClientConfigFile>();
}

Result<ClientSetup> ResolveClientSetup(const ClientFlags& flags, const ClientEnv& env,
                                       const std::string& start_dir) {
  TADORI_ASSIGN_OR_RETURN(std::optional<ClientConfigFile> file,
                          FindClientConfig(flags, env, start_dir));
  const ClientConfigFile none;
  const ClientConfigFile& config = file ? *file : none;

  ClientSetup setup;
  setup.config_path = config.path;
  const std::optional<ClientSetting> node =
      Choose(flags.node, "--node", env.node, kNodeEnvVar, config.node);
  if (node) {
    Result<std::vector<std::string>> nodes = ParseNodeList(node->value);
    if (!nodes.ok()) return nodes.status().WithContext(node->source);
    setup.nodes = *std::move(nodes);
    setup.node_source = node->source;
  } else {
    setup.nodes = {std::string(kDefaultNodeAddress)};
    setup.node_source = "default";
  }

  ClientTlsFiles tls_files;
  tls_files.trust_roots = TlsFileOf(Choose(flags.ca, "--ca", env.ca, kCaEnvVar, config.ca));
  tls_files.certificate =
      TlsFileOf(Choose(flags.cert, "--cert", env.cert, kCertEnvVar, config.cert));
  tls_files.private_key = TlsFileOf(
      Choose(flags.cert_key, "--cert-key", env.cert_key, kCertKeyEnvVar, config.cert_key));
  TADORI_ASSIGN_OR_RETURN(setup.channel.tls, LoadClientTls(tls_files));
  if (setup.channel.tls) {
    setup.ca_source = tls_files.trust_roots.path + " (" + tls_files.trust_roots.source + ")";
  }
  return setup;
}

Result<ClientSetup> ResolveClientSetup(const ClientFlags& flags) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  return ResolveClientSetup(flags, ClientEnv::FromProcess(), ec ? std::string(".") : cwd.string());
}

std::string ConnectionHint(const ClientSetup& setup, const Status& status) {
  if (status.code() != Code::kUnavailable) return "";
  if (!setup.channel.tls) {
    return "no CA bundle was given, so the connection was plaintext; a node whose client API "
           "uses TLS needs --ca (or $TADORI_CA, or a config file: --config, $TADORI_CONFIG, "
           ".tadori.toml)";
  }
  // OpenSSL's words, as gRPC passes them on.
  if (status.message().find("wrong version number") != std::string::npos) {
    return "the node answered without TLS (as tadorid --dev does) but the CA bundle " +
           setup.ca_source + " asks for TLS; leave it out for a plaintext node";
  }
  if (status.message().find("certificate verify failed") != std::string::npos) {
    return "the node's certificate is not signed by a CA of " + setup.ca_source +
           ": is it the bundle of this node's network?";
  }
  return "";
}

}  // namespace tadori::client
