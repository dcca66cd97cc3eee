#!/usr/bin/env bash
# Posts one signed bridge message to a running gridbot, as a resident would through the bridge.
# Usage: scripts/post.sh ROOM_ID TALKER_ID "text" [MSG_ID]   (env: GRIDBOT_URL, BRIDGE_SECRET)
set -euo pipefail
room="$1"; talker="$2"; text="$3"; id="${4:-m$(date +%s%N)}"
url="${GRIDBOT_URL:-http://127.0.0.1:8080}/hook/bridge"
secret="${BRIDGE_SECRET:-demo-bridge-secret}"
mentions='[]'
case "$text" in @*) mentions='["wxid_gridbot"]' ;; esac
ts=$(date +%s)
body=$(printf '{"id":"%s","room":{"id":"%s"},"talker":{"id":"%s","name":"%s"},"text":"%s","mentions":%s,"timestamp":%s}' \
  "$id" "$room" "$talker" "$talker" "$text" "$mentions" "$ts")
sig=$(printf '%s\n%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')
curl -sS -X POST "$url" -H 'Content-Type: application/json' \
  -H "X-Gridbot-Timestamp: $ts" -H "X-Gridbot-Signature: sha256=$sig" --data-binary "$body"
echo
