#include "firmware/web/self_signed.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>

#include "hal/atomic_file.hpp"
#include "hal/storage_paths.hpp"

namespace tg::firmware::web {
namespace {

template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

Error openssl_error(const std::string& what) { return Error(Errc::internal, "OpenSSL could not " + what); }

Result<std::string> pem_of(const std::function<int(BIO*)>& write) {
  Owned<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return openssl_error("write PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return openssl_error("add the extension " + value);
  return {};
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

Result<TlsFiles> ensure_self_signed(const std::filesystem::path& dir, const std::string& host) {
  TlsFiles f{dir / "cert.pem", dir / "key.pem", false};
  std::error_code ec;
  const bool have_cert = std::filesystem::exists(f.cert, ec), have_key = std::filesystem::exists(f.key, ec);
  if (have_cert && have_key) return f;
  if (have_cert != have_key)
    return Error(Errc::invalid_argument, "the web server's certificate pair in " + dir.string() +
                                             " is incomplete; remove " + (have_cert ? f.cert : f.key).string() +
                                             " to have a new one made, or give --tls-cert/--tls-key");
  TG_CHECK(hal::create_private_directories(dir));

  Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("make a P-256 key");
  Owned<X509, X509_free> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return openssl_error("make a certificate");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return openssl_error("make a serial number");
  serial[0] &= 0x7f;  // a positive INTEGER
  Owned<BIGNUM, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return openssl_error("set the serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // a clock a little behind still accepts it
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) return openssl_error("set the public key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = "Tapegate " + host;
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1)
    return openssl_error("name the certificate");
  TG_CHECK(add_extension(cert.get(), NID_subject_alt_name,
                         (is_ip_literal(host) ? "IP:" : "DNS:") + host +
                             (host == "127.0.0.1" || host == "localhost" ? "" : ",IP:127.0.0.1")));
  TG_CHECK(add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  TG_CHECK(add_extension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  TG_CHECK(add_extension(cert.get(), NID_ext_key_usage, "serverAuth"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return openssl_error("sign the certificate");

  const std::string key_pem = TG_TRY(pem_of([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }));
  const std::string cert_pem = TG_TRY(pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }));
  // The key first: a crash between the two leaves no certificate without
  // its key (the incomplete pair is reported above).
  TG_CHECK(hal::write_file_atomic(f.key, key_pem));
  TG_CHECK(hal::write_file_atomic(f.cert, cert_pem));
  f.created = true;
  return f;
}

}  // namespace tg::firmware::web
