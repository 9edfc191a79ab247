#!/usr/bin/env bash
# Install the Debian packages and npm tools the test suite talks to, when missing.
# Each line of PACKAGES is "command-that-proves-it-is-there debian-package".
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(
    "redis-server redis-server"
    "javac default-jdk-headless"
    "/usr/share/java/jackson-databind.jar libjackson2-databind-java"
    "go golang-go"
    "npm npm"
)
missing=()
for line in "${PACKAGES[@]}"; do
    read -r probe package <<<"$line"
    if [[ "$probe" == /* ]]; then
        [ -e "$probe" ] || missing+=("$package")
    else
        command -v "$probe" >/dev/null 2>&1 || missing+=("$package")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
        echo "missing system packages: ${missing[*]} (install them, or run as root)" >&2
        exit 1
    fi
fi
# The TypeScript compiler the codegen tests run, pinned, in a gitignored folder of the repo.
if [ ! -x .toolchains/typescript/node_modules/.bin/tsc ]; then
    npm install --silent --no-audit --no-fund --prefix .toolchains/typescript typescript@5.9.3
fi
