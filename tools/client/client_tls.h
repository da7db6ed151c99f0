// A client's TLS identity from files: the trust roots (a CA bundle), and optionally a client
// certificate and its key, as `tadori network new` writes them (ca-bundle.pem, client.crt,
// client.key). Read with size bounds and checked before any connection, so that a wrong file
// is named at once rather than surfacing as an opaque handshake failure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "ledger/status.h"
#include "tools/client/channel.h"

namespace tadori::client {

// A bundle of every org CA of the largest consortium fits many times over.
inline constexpr size_t kTrustRootsBytesMax = 256 * 1024;
// A certificate or key file; a leaf certificate is about 1 KiB.
inline constexpr size_t kTlsFileBytesMax = 64 * 1024;

// One file and where its path came from, for messages: "--ca", "$TADORI_CA",
// "/home/x/.tadori.toml:3 (ca)".
struct TlsFile {
  std::string path;    // empty: not given
  std::string source;  // how the user named it
};

struct ClientTlsFiles {
  TlsFile trust_roots;  // --ca
  TlsFile certificate;  // --cert
  TlsFile private_key;  // --cert-key
};

// nullopt when no file is given (plaintext). Otherwise the TLS identity, or INVALID_ARGUMENT
// naming the file and its source for: a certificate or key without trust roots (a client
// certificate is presented only over TLS), a certificate without its key or a key without its
// certificate, a bundle with no certificate or anything but certificates in it, a certificate
// or key that is not PEM, a key that is not the certificate's. A missing or unreadable file
// is NOT_FOUND, a file over its bound INVALID_ARGUMENT.
Result<std::optional<ClientTls>> LoadClientTls(const ClientTlsFiles& files);

// Checks that `pem` is one or more PEM certificates and nothing else (blank lines aside);
// INVALID_ARGUMENT otherwise, with `name` in the message.
Status CheckCertificateBundle(std::string_view name, std::string_view pem);

}  // namespace tadori::client
