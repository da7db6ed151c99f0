// Owning pointers for OpenSSL objects, each freed by its own function:
//   using PkeyPtr = OpenSslOwned<EVP_PKEY, EVP_PKEY_free>;
// The one definition for every file that calls OpenSSL directly (ledger/keys.cc,
// node/tls_identity.cc). Include only from .cc files: it needs OpenSSL's headers.
#pragma once

#include <memory>

namespace tadori {

template <auto kFree>
struct OpenSslFreer {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

template <typename T, auto kFree>
using OpenSslOwned = std::unique_ptr<T, OpenSslFreer<kFree>>;

}  // namespace tadori
