#!/usr/bin/env bash
# A local certificate authority and a server certificate for localhost, 127.0.0.1 and ::1, made
# with Debian's openssl: for `npm run cluster -- --tls`, the e2e tests and a local docker compose.
#
# Usage: scripts/make-local-tls.sh [DIR]      (default: .cluster/tls)
#   DIR/ca.pem          the authority: trust this one (browser, curl --cacert, NODE_EXTRA_CA_CERTS)
#   DIR/ca.key          its private key
#   DIR/localhost.pem   the server certificate nginx serves (TLS_CERT_FILE)
#   DIR/localhost.key   its private key (TLS_KEY_FILE)
#
# Run again, it keeps what is there while it stays valid for 30 more days, so an authority you
# trusted once stays trusted; it renews the server certificate (and the authority when that one
# expires too). The authority may only vouch for loopback names (X.509 name constraints): if its
# key ever leaks, trusting it exposes nothing but this machine's own addresses.
set -euo pipefail

dir=${1:-.cluster/tls}
mkdir -p "$dir"
cd "$dir"
command -v openssl >/dev/null || { echo "make-local-tls: openssl is missing (apt-get install openssl)" >&2; exit 1; }

umask 077 # private keys readable by their owner only
still_valid() { [ -s "$1" ] && openssl x509 -in "$1" -noout -checkend $((30 * 86400)) >/dev/null 2>&1; }
serial() { echo "0x$(openssl rand -hex 16)"; }

if ! still_valid ca.pem || [ ! -s ca.key ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 730 \
    -keyout ca.key -out ca.pem -set_serial "$(serial)" \
    -subj "/O=FlashFast local development/CN=FlashFast local CA ($(hostname))" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:localhost,permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:::1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF" \
    2>/dev/null
  rm -f localhost.pem # a new authority needs a new server certificate
  echo "make-local-tls: new local authority $dir/ca.pem"
fi

# A server certificate the authority did not sign (an older authority's) is renewed too.
if ! still_valid localhost.pem || ! openssl verify -CAfile ca.pem localhost.pem >/dev/null 2>&1; then
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout localhost.key -out localhost.csr -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -set_serial "$(serial)" -sha256 -days 365 \
    -out localhost.pem -extfile <(printf '%s\n' \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
      "subjectKeyIdentifier=hash" \
      "authorityKeyIdentifier=keyid") \
    2>/dev/null
  rm -f localhost.csr
  echo "make-local-tls: new certificate $dir/localhost.pem for localhost, 127.0.0.1, ::1"
fi
# The certificates are public; nginx's workers (nobody, under root) never read the keys.
chmod 644 ca.pem localhost.pem
