#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing: Chromium (/usr/bin/chromium) for the browser
# tests (the tests never use a downloaded browser), and python3-onnx, whose onnx.checker checks the ONNX files
# simdeep exports (run by /usr/bin/python3), and redis-server, the Redis the queue-search tests start on a loopback
# port of their own.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
/usr/bin/python3 -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
command -v redis-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing Debian's ${missing[*]} for the tests (apt-get)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
