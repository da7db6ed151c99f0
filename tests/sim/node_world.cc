#include "tests/sim/node_world.h"

#include "ledger/bytes.h"
#include "ledger/check.h"

namespace tadori::sim {

namespace {

class CrashingFile final : public leveldb::WritableFile {
 public:
  CrashingFile(leveldb::WritableFile* inner, CrashingEnv& env) : inner_(inner), env_(env) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    if (env_.RefuseWrite()) return leveldb::Status::IOError("simulated crash");
    return inner_->Append(data);
  }
  leveldb::Status Close() override { return inner_->Close(); }
  leveldb::Status Flush() override {
    if (env_.crashed()) return leveldb::Status::IOError("simulated crash");
    return inner_->Flush();
  }
  leveldb::Status Sync() override {
    if (env_.crashed()) return leveldb::Status::IOError("simulated crash");
    return inner_->Sync();
  }

 private:
  std::unique_ptr<leveldb::WritableFile> inner_;
  CrashingEnv& env_;
};

}  // namespace

bool CrashingEnv::RefuseWrite() {
  if (!crashed_ && decide_crash_ && decide_crash_()) crashed_ = true;
  return crashed_;
}

leveldb::Status CrashingEnv::NewWritableFile(const std::string& name, leveldb::WritableFile** out) {
  if (crashed_) return leveldb::Status::IOError("simulated crash");
  leveldb::WritableFile* inner = nullptr;
  leveldb::Status s = target()->NewWritableFile(name, &inner);
  if (s.ok()) *out = new CrashingFile(inner, *this);
  return s;
}

leveldb::Status CrashingEnv::NewAppendableFile(const std::string& name,
                                               leveldb::WritableFile** out) {
  if (crashed_) return leveldb::Status::IOError("simulated crash");
  leveldb::WritableFile* inner = nullptr;
  leveldb::Status s = target()->NewAppendableFile(name, &inner);
  if (s.ok()) *out = new CrashingFile(inner, *this);
  return s;
}

leveldb::Status CrashingEnv::RenameFile(const std::string& from, const std::string& to) {
  if (crashed_) return leveldb::Status::IOError("simulated crash");
  return target()->RenameFile(from, to);
}

leveldb::Status CrashingEnv::RemoveFile(const std::string& name) {
  if (crashed_) return leveldb::Status::IOError("simulated crash");
  return target()->RemoveFile(name);
}

PrivateKey SimKey(Prng& rng) {
  Bytes seed;
  for (int i = 0; i < 4; ++i) PutUint64BE(seed, rng.Next());
  Result<PrivateKey> key = PrivateKey::FromRaw(KeyType::kEd25519, seed);
  TADORI_CHECK(key.ok());
  return *key;
}

SimConsortium MakeSimConsortium(size_t nodes, Prng& rng) {
  std::vector<PrivateKey> consensus, admins;
  v1::Genesis g;
  g.set_chain_id("tadori-node-sim");
  g.set_genesis_time_ms(1'800'000'000'000);
  for (size_t i = 0; i < nodes; ++i) {
    consensus.push_back(SimKey(rng));
    admins.push_back(SimKey(rng));
    v1::Organization* org = g.add_organizations();
    org->set_id("org-" + std::to_string(i));
    org->set_name("Simulated organisation " + std::to_string(i));
    org->add_roles("producer");
    org->add_roles("regulator");
    org->add_admin_public_keys(admins.back().public_key().ToPem());
    v1::Validator* v = g.add_validators();
    v->set_id("val-" + std::to_string(i));
    v->set_org_id(org->id());
    v->set_consensus_public_key(consensus.back().public_key().ToPem());
    v->set_address("sim:" + std::to_string(i));
    v->set_weight(1);
  }
  Result<GenesisInfo> sealed = SealGenesis(g);
  TADORI_CHECK(sealed.ok());
  return SimConsortium{std::move(consensus), std::move(admins), std::move(*sealed)};
}

}  // namespace tadori::sim
