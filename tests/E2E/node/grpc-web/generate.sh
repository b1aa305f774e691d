#!/usr/bin/env bash
# Generates the Connect-ES v2 code (protoc-gen-es 2, JavaScript) for the contract and google.rpc.ErrorInfo into gen/
# (gitignored); import_extension=js so that Node resolves the imports between generated files. Needs `npm ci` here first and protoc (Debian's /usr/bin/protoc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
readonly ROOT=../../../..
rm -rf gen && mkdir -p gen
protoc --plugin=protoc-gen-es=node_modules/.bin/protoc-gen-es --es_out=gen --es_opt=target=js,import_extension=js \
  -I "$ROOT/protos" -I "$ROOT/tests/Interop/protos" \
  notify/v1/notifier.proto google/api/annotations.proto google/api/http.proto google/rpc/error_details.proto
