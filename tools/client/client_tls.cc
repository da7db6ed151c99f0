#include "tools/client/client_tls.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ledger/certificates.h"
#include "ledger/files.h"
#include "ledger/openssl_owned.h"

namespace tadori::client {

namespace {

using BioPtr = OpenSslOwned<BIO, BIO_free>;
using X509Ptr = OpenSslOwned<X509, X509_free>;

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

// "<path> (<source>)", how messages name a file.
std::string Named(const TlsFile& file) {
  return file.path + " (" + file.source + ")";
}

bool ParsesAsCertificate(std::string_view block) {
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (bio == nullptr) return false;
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  return cert != nullptr;
}

Result<std::string> ReadTlsFile(const TlsFile& file, size_t bytes_max) {
  Result<std::string> text = ReadFileToString(file.path, bytes_max);
  if (!text.ok()) return text.status().WithContext(file.source);
  return text;
}

}  // namespace

Status CheckCertificateBundle(std::string_view name, std::string_view pem) {
  size_t certificates = 0;
  size_t at = 0;
  while (true) {
    const size_t begin = pem.find(kBegin, at);
    if (begin == std::string_view::npos) break;
    const size_t label_at = begin + kBegin.size();
    const size_t label_end = pem.find(kDashes, label_at);
    if (label_end == std::string_view::npos) {
      return Status::InvalidArgument(std::string(name) + " has a PEM header without its end");
    }
    const std::string_view label = pem.substr(label_at, label_end - label_at);
    if (label != "CERTIFICATE") {
      // A key or a request where trust roots belong: most likely the wrong file was given.
      return Status::InvalidArgument(std::string(name) + " holds a " + std::string(label) +
                                     ", not only CA certificates");
    }
    std::string end_line(kEnd);
    end_line += label;
    end_line += kDashes;
    const size_t end = pem.find(end_line, label_end);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument(std::string(name) + " has a certificate without its END line");
    }
    at = end + end_line.size();
    if (!ParsesAsCertificate(pem.substr(begin, at - begin))) {
      return Status::InvalidArgument(std::string(name) + ": certificate " +
                                     std::to_string(certificates + 1) + " does not parse");
    }
    ++certificates;
  }
  if (certificates == 0) {
    return Status::InvalidArgument(std::string(name) +
                                   " is not PEM: it holds no -----BEGIN CERTIFICATE----- block");
  }
  return Status::Ok();
}

Result<std::optional<ClientTls>> LoadClientTls(const ClientTlsFiles& files) {
  const bool roots = !files.trust_roots.path.empty();
  const bool cert = !files.certificate.path.empty();
  const bool key = !files.private_key.path.empty();
  if (!roots && !cert && !key) return std::optional<ClientTls>();
  if (!roots) {
    const TlsFile& given = cert ? files.certificate : files.private_key;
    return Status::InvalidArgument(
        Named(given) +
        " is a client identity, which is presented only over TLS: give the CA bundle that "
        "signs the node's certificate too (--ca, $TADORI_CA or ca in the config file)");
  }
  if (cert != key) {
    return Status::InvalidArgument(
        cert ? Named(files.certificate) +
                   " is given without its private key (--cert-key, $TADORI_CERT_KEY or "
                   "cert_key in the config file)"
             : Named(files.private_key) +
                   " is given without its certificate (--cert, $TADORI_CERT or cert in the "
                   "config file)");
  }

  ClientTls tls;
  TADORI_ASSIGN_OR_RETURN(tls.trust_roots_pem, ReadTlsFile(files.trust_roots, kTrustRootsBytesMax));
  TADORI_RETURN_IF_ERROR(CheckCertificateBundle(Named(files.trust_roots), tls.trust_roots_pem));
  if (cert) {
    TADORI_ASSIGN_OR_RETURN(tls.certificate_pem, ReadTlsFile(files.certificate, kTlsFileBytesMax));
    TADORI_ASSIGN_OR_RETURN(tls.private_key_pem, ReadTlsFile(files.private_key, kTlsFileBytesMax));
    TADORI_RETURN_IF_ERROR(CheckTlsKeyPair(Named(files.certificate), tls.certificate_pem,
                                           Named(files.private_key), tls.private_key_pem));
  }
  return std::optional<ClientTls>(std::move(tls));
}

}  // namespace tadori::client
