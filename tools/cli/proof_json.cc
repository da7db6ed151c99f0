#include "tools/cli/proof_json.h"

#include <cstdint>
#include <initializer_list>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "consensus/tx_proof_check.h"
#include "ledger/bytes.h"
#include "ledger/limits.h"

namespace tadori::cli {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kFormat = "tadori-tx-proof";
// proof.json nests objects and arrays at most 5 deep (the commitChain[i].signatures[j] objects).
constexpr int kNestingMax = 5;

OrderedJson Hex(const std::string& bytes) {
  return ToHex(AsBytes(bytes));
}

OrderedJson HexList(const google::protobuf::RepeatedPtrField<std::string>& list) {
  OrderedJson out = OrderedJson::array();
  for (const std::string& b : list) out.push_back(Hex(b));
  return out;
}

OrderedJson EvidenceJson(const v1::BlockEvidence& e) {
  OrderedJson out = OrderedJson::object();
  out["header"] = Hex(e.header());
  if (!e.certificate().empty()) out["certificate"] = Hex(e.certificate());
  if (e.signatures_size() > 0) {
    OrderedJson sigs = OrderedJson::array();
    for (const v1::BlockSignature& s : e.signatures()) {
      OrderedJson sig = OrderedJson::object();
      sig["keyId"] = Hex(s.key_id());
      sig["signature"] = Hex(s.signature());
      sigs.push_back(std::move(sig));
    }
    out["signatures"] = std::move(sigs);
  }
  return out;
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("proof.json " + path + ": " + what);
}

// The deepest nesting of arrays and objects, counted without parsing, so that hostile input
// cannot make the parser recurse or allocate deeply before it is refused.
bool NestsWithin(std::string_view text, int max) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// A JSON object read key by key: each known key at most once, no other key.
class Object {
 public:
  static Result<Object> Of(const Json& value, std::string path,
                           std::initializer_list<std::string_view> keys) {
    if (!value.is_object()) return Bad(path, "not an object");
    for (const auto& [key, unused] : value.items()) {
      bool known = false;
      for (std::string_view k : keys) known = known || k == key;
      if (!known) return Bad(path, "unknown key \"" + key + "\"");
    }
    return Object(value, std::move(path));
  }

  bool Has(const char* key) const { return value_->contains(key); }
  std::string PathOf(const char* key) const { return path_ + "." + key; }

  Result<const Json*> Get(const char* key) const {
    auto it = value_->find(key);
    if (it == value_->end()) return Bad(path_, "\"" + std::string(key) + "\" is missing");
    return &*it;
  }

  Result<std::string> String(const char* key) const {
    TADORI_ASSIGN_OR_RETURN(const Json* v, Get(key));
    if (!v->is_string()) return Bad(PathOf(key), "not a string");
    return v->get<std::string>();
  }

  Result<uint32_t> Uint32(const char* key) const {
    TADORI_ASSIGN_OR_RETURN(const Json* v, Get(key));
    if (!v->is_number_unsigned() || v->get<uint64_t>() > UINT32_MAX) {
      return Bad(PathOf(key), "not an integer from 0 to 4294967295");
    }
    return static_cast<uint32_t>(v->get<uint64_t>());
  }

  // Lowercase hex, decoded to the raw bytes protobuf `bytes` fields hold.
  Result<std::string> Bytes(const char* key) const {
    TADORI_ASSIGN_OR_RETURN(const Json* v, Get(key));
    return HexValue(*v, PathOf(key));
  }

  Result<std::vector<std::string>> BytesList(const char* key) const {
    TADORI_ASSIGN_OR_RETURN(const Json* v, Get(key));
    if (!v->is_array()) return Bad(PathOf(key), "not an array");
    std::vector<std::string> out;
    for (size_t i = 0; i < v->size(); ++i) {
      TADORI_ASSIGN_OR_RETURN(std::string b,
                              HexValue((*v)[i], PathOf(key) + "[" + std::to_string(i) + "]"));
      out.push_back(std::move(b));
    }
    return out;
  }

  static Result<std::string> HexValue(const Json& v, const std::string& path) {
    if (!v.is_string()) return Bad(path, "not a string");
    const std::string& text = v.get_ref<const std::string&>();
    for (char c : text) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return Bad(path, "not lowercase hex");
      }
    }
    Result<tadori::Bytes> bytes = FromHex(text);
    if (!bytes.ok()) return Bad(path, bytes.status().message());
    return ToString(*bytes);
  }

 private:
  Object(const Json& value, std::string path) : value_(&value), path_(std::move(path)) {}
  const Json* value_;
  std::string path_;
};

Result<v1::BlockEvidence> EvidenceFrom(const Json& value, const std::string& path) {
  TADORI_ASSIGN_OR_RETURN(Object o,
                          Object::Of(value, path, {"header", "certificate", "signatures"}));
  v1::BlockEvidence e;
  TADORI_ASSIGN_OR_RETURN(*e.mutable_header(), o.Bytes("header"));
  if (o.Has("certificate")) {
    TADORI_ASSIGN_OR_RETURN(*e.mutable_certificate(), o.Bytes("certificate"));
    // Absent and empty would be two spellings of one proof.
    if (e.certificate().empty()) return Bad(o.PathOf("certificate"), "empty (leave it out)");
  }
  if (o.Has("signatures")) {
    TADORI_ASSIGN_OR_RETURN(const Json* sigs, o.Get("signatures"));
    if (!sigs->is_array() || sigs->empty()) {
      return Bad(o.PathOf("signatures"), "not a non-empty array (leave it out)");
    }
    if (sigs->size() > kBlockSignatureCountMax) {
      return Bad(o.PathOf("signatures"), "too many signatures");
    }
    for (size_t i = 0; i < sigs->size(); ++i) {
      const std::string at = o.PathOf("signatures") + "[" + std::to_string(i) + "]";
      TADORI_ASSIGN_OR_RETURN(Object s, Object::Of((*sigs)[i], at, {"keyId", "signature"}));
      v1::BlockSignature* sig = e.add_signatures();
      TADORI_ASSIGN_OR_RETURN(*sig->mutable_key_id(), s.Bytes("keyId"));
      TADORI_ASSIGN_OR_RETURN(*sig->mutable_signature(), s.Bytes("signature"));
    }
  }
  return e;
}

}  // namespace

std::string TxProofToJson(const v1::TxProof& proof) {
  OrderedJson out = OrderedJson::object();
  out["format"] = kFormat;
  out["version"] = proof.version();
  out["chainId"] = proof.chain_id();
  out["genesisHash"] = Hex(proof.genesis_hash());
  out["txId"] = Hex(proof.tx_id());
  OrderedJson tx = OrderedJson::object();
  tx["body"] = Hex(proof.tx().body());
  tx["signerKeyId"] = Hex(proof.tx().signer_key_id());
  tx["signature"] = Hex(proof.tx().signature());
  out["tx"] = std::move(tx);
  out["signerPublicKey"] = Hex(proof.signer_public_key());
  out["txIndex"] = proof.tx_index();
  out["block"] = EvidenceJson(proof.block());
  out["txPath"] = HexList(proof.tx_path());
  if (proof.has_result()) out["result"] = OrderedJson{{"code", proof.result().code()}};
  out["resultPath"] = HexList(proof.result_path());
  OrderedJson chain = OrderedJson::array();
  for (const v1::BlockEvidence& e : proof.commit_chain()) chain.push_back(EvidenceJson(e));
  out["commitChain"] = std::move(chain);
  return out.dump(2) + "\n";
}

Result<v1::TxProof> TxProofFromJson(std::string_view text) {
  if (text.size() > kTxProofJsonBytesMax) {
    return Status::InvalidArgument("proof.json is " + std::to_string(text.size()) +
                                   " bytes, more than " + std::to_string(kTxProofJsonBytesMax));
  }
  if (!NestsWithin(text, kNestingMax)) {
    return Status::InvalidArgument("proof.json nests deeper than the format does");
  }
  // Duplicate keys: the parser would keep one of them silently.
  std::vector<std::set<std::string>> keys_seen;
  std::string duplicate;
  auto callback = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_seen.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys_seen.empty()) keys_seen.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys_seen.empty() && parsed.is_string() &&
            !keys_seen.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  const Json doc = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("proof.json is not valid JSON");
  if (!duplicate.empty()) {
    return Status::InvalidArgument("proof.json has the key \"" + duplicate + "\" twice");
  }

  TADORI_ASSIGN_OR_RETURN(Object o, Object::Of(doc, "$",
                                               {"format", "version", "chainId", "genesisHash",
                                                "txId", "tx", "signerPublicKey", "txIndex", "block",
                                                "txPath", "result", "resultPath", "commitChain"}));
  TADORI_ASSIGN_OR_RETURN(std::string format, o.String("format"));
  if (format != kFormat) return Bad("$.format", "not \"" + std::string(kFormat) + "\"");
  v1::TxProof proof;
  TADORI_ASSIGN_OR_RETURN(uint32_t version, o.Uint32("version"));
  proof.set_version(version);
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_chain_id(), o.String("chainId"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_genesis_hash(), o.Bytes("genesisHash"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_tx_id(), o.Bytes("txId"));
  TADORI_ASSIGN_OR_RETURN(const Json* tx_json, o.Get("tx"));
  TADORI_ASSIGN_OR_RETURN(Object tx,
                          Object::Of(*tx_json, "$.tx", {"body", "signerKeyId", "signature"}));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_tx()->mutable_body(), tx.Bytes("body"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_tx()->mutable_signer_key_id(), tx.Bytes("signerKeyId"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_tx()->mutable_signature(), tx.Bytes("signature"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_signer_public_key(), o.Bytes("signerPublicKey"));
  TADORI_ASSIGN_OR_RETURN(uint32_t index, o.Uint32("txIndex"));
  proof.set_tx_index(index);
  TADORI_ASSIGN_OR_RETURN(const Json* block, o.Get("block"));
  TADORI_ASSIGN_OR_RETURN(*proof.mutable_block(), EvidenceFrom(*block, "$.block"));
  TADORI_ASSIGN_OR_RETURN(std::vector<std::string> tx_path, o.BytesList("txPath"));
  for (std::string& h : tx_path) proof.add_tx_path(std::move(h));
  if (o.Has("result")) {
    TADORI_ASSIGN_OR_RETURN(const Json* result_json, o.Get("result"));
    TADORI_ASSIGN_OR_RETURN(Object result, Object::Of(*result_json, "$.result", {"code"}));
    TADORI_ASSIGN_OR_RETURN(uint32_t code, result.Uint32("code"));
    proof.mutable_result()->set_code(code);
  }
  TADORI_ASSIGN_OR_RETURN(std::vector<std::string> result_path, o.BytesList("resultPath"));
  for (std::string& h : result_path) proof.add_result_path(std::move(h));
  TADORI_ASSIGN_OR_RETURN(const Json* chain, o.Get("commitChain"));
  if (!chain->is_array()) return Bad("$.commitChain", "not an array");
  if (chain->size() > consensus::kTxProofCommitChainMax) {
    return Bad("$.commitChain",
               "more than " + std::to_string(consensus::kTxProofCommitChainMax) + " blocks");
  }
  for (size_t i = 0; i < chain->size(); ++i) {
    TADORI_ASSIGN_OR_RETURN(*proof.add_commit_chain(),
                            EvidenceFrom((*chain)[i], "$.commitChain[" + std::to_string(i) + "]"));
  }
  TADORI_RETURN_IF_ERROR(consensus::CheckTxProofBounds(proof).WithContext("proof.json"));
  return proof;
}

}  // namespace tadori::cli
