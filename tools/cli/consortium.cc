#include "tools/cli/consortium.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "ledger/certificates.h"
#include "ledger/client_identity.h"
#include "ledger/files.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/limits.h"
#include "ledger/wall_clock.h"
#include "node/config/node_config.h"
#include "tools/client/client_config.h"
#include "tools/client/node_list.h"

namespace tadori::cli {

namespace {

namespace fs = std::filesystem;

struct OrgTemplate {
  const char* id;
  const char* name;
  const char* role;
};

// The Kyushu story's cast, in the order `--orgs N` takes them.
constexpr OrgTemplate kStoryOrgs[] = {
    {"kyushu-farm", "Kyushu Farm (九州ファーム)", "producer"},
    {"hakata-wholesale", "Hakata Wholesale (博多青果卸)", "distributor"},
    {"fukuoka-deli", "Fukuoka Deli (福岡デリ, 中食)", "processor"},
    {"tenjin-bistro", "Tenjin Bistro (天神ビストロ, 外食)", "retailer"},
    {"kyushu-coldchain", "Kyushu Cold Chain (九州コールドチェーン)", "carrier"},
    {"kyushu-iot-council", "Kyushu IoT Council (九州IoT協議会)", "municipality"},
    {"kyushu-audit", "Kyushu Audit (九州監査)", "auditor"},
    {"fukuoka-food-safety", "Fukuoka Food Safety (福岡食品衛生)", "regulator"},
};
constexpr int kStoryOrgCount = sizeof(kStoryOrgs) / sizeof(kStoryOrgs[0]);

struct OrgPlan {
  std::string id;
  std::string name;
  std::string role;
};

OrgPlan PlanOrg(int index) {
  if (index < kStoryOrgCount) {
    const OrgTemplate& t = kStoryOrgs[index];
    return {t.id, t.name, t.role};
  }
  const std::string n = std::to_string(index + 1);
  return {"org-" + n, "Organization " + n, "producer"};
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool IsDnsName(const std::string& host) {
  return !host.empty() && host.size() <= 253 && host.front() != '-' && host.front() != '.' &&
         std::all_of(host.begin(), host.end(), [](char ch) {
           return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
         });
}

std::string HostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

int ValidatorOrgs(const ConsortiumOptions& o) {
  return o.validator_orgs == 0 ? o.orgs : o.validator_orgs;
}

int ClientPort(const ConsortiumOptions& o) {
  return o.client_port == 0 ? o.base_port + 100 : o.client_port;
}

std::string PortRange(int first, int count) {
  return std::to_string(first) + ".." + std::to_string(first + count - 1);
}

// Whether ports a..a+a_count-1 and b..b+b_count-1 share one.
bool Overlap(int a, int a_count, int b, int b_count) {
  return a_count > 0 && b_count > 0 && a < b + b_count && b < a + a_count;
}

// Observer k (0-based here) takes base+300+k for clients and base+400+k for metrics: the
// validators' ranges below each hold at most kConsortiumValidatorsMax ports.
int ObserverClientPort(const ConsortiumOptions& o, int k) {
  return o.base_port + 300 + k;
}
int ObserverMetricsPort(const ConsortiumOptions& o, int k) {
  return o.base_port + 400 + k;
}

// The client ports of validators 0..total-1, which the operator may place anywhere that the
// peer and metrics ports are not (a clash would only show when the second node cannot bind).
Status CheckClientPorts(const ConsortiumOptions& o, int total) {
  if (o.client_port == 0) return Status::Ok();  // base+100.., checked with the base
  const std::string what = "--client-port " + std::to_string(o.client_port) + ": client ports " +
                           PortRange(o.client_port, total);
  if (o.client_port < 1 || o.client_port + total - 1 > 65535) {
    return Status::InvalidArgument(what + " must lie within 1..65535");
  }
  if (Overlap(o.client_port, total, o.base_port, total)) {
    return Status::InvalidArgument(what + " overlap the peer ports " +
                                   PortRange(o.base_port, total) + " (--base-port)");
  }
  if (Overlap(o.client_port, total, o.base_port + 200, total)) {
    return Status::InvalidArgument(what + " overlap the metrics ports " +
                                   PortRange(o.base_port + 200, total) + " (--base-port + 200)");
  }
  if (Overlap(o.client_port, total, ObserverClientPort(o, 0), o.observers)) {
    return Status::InvalidArgument(what + " overlap the observers' client ports " +
                                   PortRange(ObserverClientPort(o, 0), o.observers) +
                                   " (--base-port + 300)");
  }
  if (Overlap(o.client_port, total, ObserverMetricsPort(o, 0), o.observers)) {
    return Status::InvalidArgument(what + " overlap the observers' metrics ports " +
                                   PortRange(ObserverMetricsPort(o, 0), o.observers) +
                                   " (--base-port + 400)");
  }
  return Status::Ok();
}

Status CheckOptions(const ConsortiumOptions& o) {
  if (o.orgs < 1 || o.orgs > kConsortiumOrgsMax) {
    return Status::InvalidArgument("--orgs must be 1.." + std::to_string(kConsortiumOrgsMax) +
                                   ", not " + std::to_string(o.orgs));
  }
  if (o.validator_orgs < 0 || o.validator_orgs > o.orgs) {
    return Status::InvalidArgument("--validator-orgs must be 1.." + std::to_string(o.orgs) +
                                   " (--orgs), not " + std::to_string(o.validator_orgs));
  }
  if (o.validators_per_org < 1 || o.validators_per_org > kConsortiumValidatorsPerOrgMax) {
    return Status::InvalidArgument("--validators-per-org must be 1.." +
                                   std::to_string(kConsortiumValidatorsPerOrgMax) + ", not " +
                                   std::to_string(o.validators_per_org));
  }
  const int total = ValidatorOrgs(o) * o.validators_per_org;
  if (total > kConsortiumValidatorsMax) {
    return Status::InvalidArgument(
        std::to_string(total) + " validators: at most " + std::to_string(kConsortiumValidatorsMax) +
        " fit the port layout (client ports start 100 above peer ports)");
  }
  if (o.observers < 0 || o.observers > kConsortiumObserversMax) {
    return Status::InvalidArgument("--observers must be 0.." +
                                   std::to_string(kConsortiumObserversMax) + ", not " +
                                   std::to_string(o.observers));
  }
  // The highest port: the last observer's metrics port, or without observers the last
  // validator's.
  const int highest_offset = o.observers > 0 ? 400 + o.observers - 1 : 200 + total - 1;
  if (o.base_port < 1 || o.base_port + highest_offset > 65535) {
    return Status::InvalidArgument("--base-port " + std::to_string(o.base_port) +
                                   ": ports base..base+" + std::to_string(highest_offset) +
                                   " must lie within 1..65535");
  }
  TADORI_RETURN_IF_ERROR(CheckClientPorts(o, total));
  if (!IsIpAddress(o.host) && !IsDnsName(o.host)) {
    return Status::InvalidArgument("--host '" + o.host +
                                   "' is neither an IP address nor a DNS name");
  }
  if (o.chain_id.empty() || o.chain_id.size() > kChainIdBytesMax) {
    return Status::InvalidArgument("--chain-id must be 1.." + std::to_string(kChainIdBytesMax) +
                                   " bytes");
  }
  return Status::Ok();
}

// FAILED_PRECONDITION unless `dir` is absent or an empty directory.
Status CheckOutDir(const std::string& dir) {
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::Internal("checking " + dir + ": " + ec.message());
  }
  if (!fs::exists(st)) return Status::Ok();
  if (!fs::is_directory(st)) {
    return Status::FailedPrecondition(dir + " exists and is not a directory");
  }
  if (!fs::is_empty(dir, ec) || ec) {
    return Status::FailedPrecondition(
        dir +
        " exists and is not empty; refusing to mix a new consortium's keys with "
        "other files (choose a new --out)");
  }
  return Status::Ok();
}

// A file others may read (certificates, configs, the genesis); refuses to replace one.
Status WritePublicFile(const std::string& path, const std::string& contents) {
  return WriteNewFile(path, contents, 0644);
}

Status MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("creating " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

// Everything generated, before any of it touches the disk.
struct ValidatorFiles {
  ConsortiumValidator info;
  PemKeyPair tls;
  std::string consensus_key_pem;
  std::string config_toml;
};

struct ObserverFiles {
  ConsortiumObserver info;
  PemKeyPair tls;
  std::string config_toml;
};

struct OrgFiles {
  OrgPlan plan;
  PemKeyPair ca;
  std::string admin_key_pem;
  PemKeyPair member;  // the client certificate naming the admin key
  std::string cli_toml;
  std::vector<ValidatorFiles> validators;
};

// The client API address of a validator; every validator listens for clients on loopback.
std::string ClientAddress(const ConsortiumValidator& v) {
  return "127.0.0.1:" + std::to_string(v.client_port);
}

// The validators' client addresses as an organisation's client or observer tries them: its
// own validators first (the ones it trusts most, and the nearest in a real deployment), then
// the others in genesis order, at most `max` (a client's node list and an observer's follow
// list are bounded).
std::vector<std::string> OwnValidatorsFirst(const std::string& org_id,
                                            const std::vector<ConsortiumValidator>& validators,
                                            size_t max) {
  std::vector<std::string> nodes;
  for (const ConsortiumValidator& v : validators) {
    if (v.org_id == org_id) nodes.push_back(ClientAddress(v));
  }
  for (const ConsortiumValidator& v : validators) {
    if (v.org_id != org_id) nodes.push_back(ClientAddress(v));
  }
  if (nodes.size() > max) nodes.resize(max);
  return nodes;
}

// The organisation the observers belong to: the first one the read policy lets read
// everything (an auditor keeps its own verified copy), else the first validator organisation
// (which scales its own reads). IdentifyClient refuses observers of any other organisation.
const v1::Organization& ObserverOrganisation(const v1::Genesis& genesis) {
  const v1::ReadPolicy policy = EffectiveReadPolicy(genesis);
  for (const v1::Organization& org : genesis.organizations()) {
    if (OrgHasAnyRole(org, policy.read_all_roles())) return org;
  }
  return genesis.organizations(0);  // organisations [0, validator_orgs) run the validators
}

std::string RenderClientConfig(const std::string& org_id, const std::vector<std::string>& nodes) {
  std::string node_list;
  for (const std::string& n : nodes) node_list += (node_list.empty() ? "" : ",") + n;
  return "# The tadori client config of " + org_id +
         ": tadori --config <this file>, or\n"
         "# export TADORI_CONFIG=<this file>. Paths are relative to this file; client.crt\n"
         "# names the key id of admin.key, the key that signs this organisation's transactions.\n"
         "node     = \"" +
         node_list +
         "\"\n"
         "ca       = \"../ca-bundle.pem\"\n"
         "cert     = \"client.crt\"\n"
         "cert_key = \"client.key\"\n";
}

}  // namespace

Result<ConsortiumLayout> WriteConsortium(const ConsortiumOptions& options,
                                         const std::string& out_dir) {
  TADORI_RETURN_IF_ERROR(CheckOptions(options));
  TADORI_RETURN_IF_ERROR(CheckOutDir(out_dir));
  const fs::path out(out_dir);
  const int k = options.validators_per_org;

  v1::Genesis genesis;
  genesis.set_chain_id(options.chain_id);
  genesis.set_genesis_time_ms(options.genesis_time_ms != 0 ? options.genesis_time_ms
                                                           : WallClockMs());

  // The node certificate names the host the others dial, as an IP or a DNS name, and
  // 127.0.0.1, where its client API listens and clients check it.
  std::vector<std::string> cert_dns = {"localhost"};
  std::vector<std::string> cert_ips = {"127.0.0.1"};
  if (IsIpAddress(options.host)) {
    if (options.host != "127.0.0.1") cert_ips.push_back(options.host);
  } else if (options.host != "localhost") {
    cert_dns.push_back(options.host);
  }

  std::vector<OrgFiles> orgs;
  const int validator_orgs = ValidatorOrgs(options);
  for (int o = 0; o < options.orgs; ++o) {
    OrgFiles org;
    org.plan = PlanOrg(o);
    TADORI_ASSIGN_OR_RETURN(PrivateKey admin, PrivateKey::Generate(KeyType::kP256));
    org.admin_key_pem = admin.ToPem();

    v1::Organization* g = genesis.add_organizations();
    g->set_id(org.plan.id);
    g->set_name(org.plan.name);
    g->add_roles(org.plan.role);
    g->add_admin_public_keys(admin.public_key().ToPem());
    Result<PemKeyPair> ca = NewOrganizationCa(org.plan.id);
    if (!ca.ok()) return ca.status().WithContext("creating the CA of " + org.plan.id);
    org.ca = *std::move(ca);
    g->set_ca_certificate(org.ca.certificate_pem);
    Result<PemKeyPair> member =
        IssueMemberCertificate(org.ca, org.plan.id, admin.public_key().id());
    if (!member.ok()) {
      return member.status().WithContext("issuing the client certificate of " + org.plan.id);
    }
    org.member = *std::move(member);
    if (o >= validator_orgs) {  // a member: no validator
      orgs.push_back(std::move(org));
      continue;
    }

    for (int v = 0; v < k; ++v) {
      const int index = o * k + v;
      ValidatorFiles val;
      val.info.id = org.plan.id + "-" + std::to_string(v + 1);
      val.info.org_id = org.plan.id;
      val.info.peer_port = static_cast<uint16_t>(options.base_port + index);
      val.info.client_port = static_cast<uint16_t>(ClientPort(options) + index);
      val.info.metrics_port = static_cast<uint16_t>(options.base_port + 200 + index);
      val.info.peer_address = HostPort(options.host, val.info.peer_port);
      val.info.config_path = (out / org.plan.id / val.info.id / "node.toml").string();

      Result<PemKeyPair> tls =
          IssueNodeCertificate(org.ca, org.plan.id, val.info.id, cert_dns, cert_ips);
      if (!tls.ok()) return tls.status().WithContext("issuing the certificate of " + val.info.id);
      val.tls = *std::move(tls);
      TADORI_ASSIGN_OR_RETURN(PrivateKey consensus, PrivateKey::Generate(KeyType::kP256));
      val.consensus_key_pem = consensus.ToPem();

      v1::Validator* gv = genesis.add_validators();
      gv->set_id(val.info.id);
      gv->set_org_id(org.plan.id);
      gv->set_consensus_public_key(consensus.public_key().ToPem());
      gv->set_address(val.info.peer_address);
      gv->set_weight(1);
      org.validators.push_back(std::move(val));
    }
    orgs.push_back(std::move(org));
  }

  // The genesis must read back as the node will read it.
  const std::string genesis_json = GenesisToJson(genesis);
  Result<GenesisInfo> decoded = GenesisFromJson(genesis_json);
  if (!decoded.ok()) return decoded.status().WithContext("checking the new genesis");

  ConsortiumLayout layout;
  layout.genesis_path = (out / "genesis.json").string();
  layout.ca_bundle_path = (out / "ca-bundle.pem").string();
  TADORI_ASSIGN_OR_RETURN(const std::string ca_bundle, GenesisTrustRootsPem(*decoded));
  layout.genesis_hash_hex = decoded->hash.Hex();
  layout.validator_org_count = validator_orgs;

  // Configs: every validator dials every other at its genesis address.
  for (OrgFiles& org : orgs) {
    layout.org_ids.push_back(org.plan.id);
    for (ValidatorFiles& val : org.validators) {
      NodeConfig c;
      c.validator_id = val.info.id;
      c.data_dir = "data";
      c.genesis_path = "../../genesis.json";
      c.consensus_key_path = "consensus.key";
      c.peer_listen = val.info.peer_address;
      c.peer_tls_cert_path = "node.crt";
      c.peer_tls_key_path = "node.key";
      c.client_listen = ClientAddress(val.info);
      c.client_tls_cert_path = "node.crt";
      c.client_tls_key_path = "node.key";
      c.metrics_listen = "127.0.0.1:" + std::to_string(val.info.metrics_port);
      for (const v1::Validator& other : genesis.validators()) {
        if (other.id() != val.info.id) c.peers.emplace(other.id(), other.address());
      }
      val.config_toml = RenderNodeConfig(c);
      Result<NodeConfig> parsed = ParseNodeConfig(val.config_toml, val.info.config_path);
      if (!parsed.ok())
        return parsed.status().WithContext("checking the config of " + c.validator_id);
      layout.validators.push_back(val.info);
    }
  }

  // Client configs, once every validator's address is known.
  for (OrgFiles& org : orgs) {
    ConsortiumClient client;
    client.org_id = org.plan.id;
    client.certificate_path = (out / org.plan.id / "client.crt").string();
    client.key_path = (out / org.plan.id / "client.key").string();
    client.config_path = (out / org.plan.id / "cli.toml").string();
    client.nodes = OwnValidatorsFirst(org.plan.id, layout.validators, client::kNodeListMax);
    org.cli_toml = RenderClientConfig(org.plan.id, client.nodes);
    Result<client::ClientConfigFile> parsed =
        client::ParseClientConfig(org.cli_toml, client.config_path);
    if (!parsed.ok()) return parsed.status().WithContext("checking the client config");
    layout.clients.push_back(std::move(client));
  }

  // Observers, once every validator's client address is known. Each certificate must be one
  // the validators admit as an observer of its organisation.
  std::vector<ObserverFiles> observers;
  if (options.observers > 0) {
    const v1::Organization& org = ObserverOrganisation(decoded->genesis);
    const PemKeyPair* ca = nullptr;
    for (const OrgFiles& o : orgs) {
      if (o.plan.id == org.id()) ca = &o.ca;
    }
    if (ca == nullptr) return Status::Internal("no CA for the observers' " + org.id());
    // IssueObserverCertificate names localhost and the observer id itself.
    std::vector<std::string> observer_dns;
    for (const std::string& name : cert_dns) {
      if (name != "localhost") observer_dns.push_back(name);
    }
    for (int k = 0; k < options.observers; ++k) {
      ObserverFiles obs;
      obs.info.id = org.id() + "-observer-" + std::to_string(k + 1);
      obs.info.org_id = org.id();
      obs.info.client_port = static_cast<uint16_t>(ObserverClientPort(options, k));
      obs.info.metrics_port = static_cast<uint16_t>(ObserverMetricsPort(options, k));
      obs.info.config_path = (out / org.id() / obs.info.id / "node.toml").string();

      Result<PemKeyPair> tls =
          IssueObserverCertificate(*ca, org.id(), obs.info.id, observer_dns, cert_ips);
      if (!tls.ok()) return tls.status().WithContext("issuing the certificate of " + obs.info.id);
      obs.tls = *std::move(tls);
      Result<ClientIdentity> who = IdentifyClient(obs.tls.certificate_pem, *decoded);
      if (!who.ok()) return who.status().WithContext("checking the certificate of " + obs.info.id);
      if (who->kind != ClientIdentity::Kind::kObserver || who->org_id != org.id() ||
          who->node_id != obs.info.id) {
        return Status::Internal("the certificate of " + obs.info.id +
                                " does not identify it as an observer of " + org.id());
      }

      NodeConfig c;
      c.role = NodeRole::kObserver;
      c.node_id = obs.info.id;
      c.data_dir = "data";
      c.genesis_path = "../../genesis.json";
      c.client_listen = "127.0.0.1:" + std::to_string(obs.info.client_port);
      c.client_tls_cert_path = "observer.crt";
      c.client_tls_key_path = "observer.key";
      c.metrics_listen = "127.0.0.1:" + std::to_string(obs.info.metrics_port);
      c.follow_validators = OwnValidatorsFirst(org.id(), layout.validators, kFollowValidatorsMax);
      obs.config_toml = RenderNodeConfig(c);
      Result<NodeConfig> parsed = ParseNodeConfig(obs.config_toml, obs.info.config_path);
      if (!parsed.ok()) return parsed.status().WithContext("checking the config of " + c.node_id);
      layout.observers.push_back(obs.info);
      observers.push_back(std::move(obs));
    }
  }

  // Now the disk.
  TADORI_RETURN_IF_ERROR(MakeDir(out));
  TADORI_RETURN_IF_ERROR(WritePublicFile(layout.genesis_path, genesis_json));
  TADORI_RETURN_IF_ERROR(WritePublicFile(layout.ca_bundle_path, ca_bundle));
  for (const OrgFiles& org : orgs) {
    const fs::path org_dir = out / org.plan.id;
    TADORI_RETURN_IF_ERROR(MakeDir(org_dir));
    TADORI_RETURN_IF_ERROR(WritePublicFile((org_dir / "ca.crt").string(), org.ca.certificate_pem));
    TADORI_RETURN_IF_ERROR(WritePrivateFile((org_dir / "ca.key").string(), org.ca.private_key_pem));
    TADORI_RETURN_IF_ERROR(WritePrivateFile((org_dir / "admin.key").string(), org.admin_key_pem));
    TADORI_RETURN_IF_ERROR(
        WritePublicFile((org_dir / "client.crt").string(), org.member.certificate_pem));
    TADORI_RETURN_IF_ERROR(
        WritePrivateFile((org_dir / "client.key").string(), org.member.private_key_pem));
    TADORI_RETURN_IF_ERROR(WritePublicFile((org_dir / "cli.toml").string(), org.cli_toml));
    for (const ValidatorFiles& val : org.validators) {
      const fs::path dir = org_dir / val.info.id;
      TADORI_RETURN_IF_ERROR(MakeDir(dir));
      TADORI_RETURN_IF_ERROR(WritePublicFile((dir / "node.crt").string(), val.tls.certificate_pem));
      TADORI_RETURN_IF_ERROR(
          WritePrivateFile((dir / "node.key").string(), val.tls.private_key_pem));
      TADORI_RETURN_IF_ERROR(
          WritePrivateFile((dir / "consensus.key").string(), val.consensus_key_pem));
      TADORI_RETURN_IF_ERROR(WritePublicFile(val.info.config_path, val.config_toml));
    }
  }

  for (const ObserverFiles& obs : observers) {
    const fs::path dir = out / obs.info.org_id / obs.info.id;
    TADORI_RETURN_IF_ERROR(MakeDir(dir));
    TADORI_RETURN_IF_ERROR(
        WritePublicFile((dir / "observer.crt").string(), obs.tls.certificate_pem));
    TADORI_RETURN_IF_ERROR(
        WritePrivateFile((dir / "observer.key").string(), obs.tls.private_key_pem));
    TADORI_RETURN_IF_ERROR(WritePublicFile(obs.info.config_path, obs.config_toml));
  }

  // And the file as written, read back: the genesis every node will seal.
  TADORI_ASSIGN_OR_RETURN(std::string written,
                          ReadFileToString(layout.genesis_path, kGenesisBytesMax * 4));
  Result<GenesisInfo> reread = GenesisFromJson(written);
  if (!reread.ok()) return reread.status().WithContext("reading back " + layout.genesis_path);
  if (reread->hash != decoded->hash) {
    return Status::Internal(layout.genesis_path + " does not read back as the genesis written");
  }
  return layout;
}

}  // namespace tadori::cli
