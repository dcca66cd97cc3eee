// The Node.js peer of bench/path_bench: what a minimal webhook server in Node does with the same
// requests — verify (HMAC for the bridge; @wecom/crypto's signature for the AI bot), decrypt,
// parse, answer — and nothing stored. Usage:
//   node server.mjs PORT_FILE BRIDGE_SECRET WECOM_TOKEN WECOM_AES_KEY
// Listens on 127.0.0.1 (a free port, written to PORT_FILE) until killed.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getSignature, decrypt } = require('@wecom/crypto');
const [portFile, bridgeSecret, token, aesKey] = process.argv.slice(2);
const maxSkewS = 300;

function fresh(ts) {
  const t = Number(ts);
  return Number.isFinite(t) && Math.abs(Date.now() / 1000 - t) <= maxSkewS;
}

function bridge(req, body) {
  const ts = req.headers['x-gridbot-timestamp'] ?? '';
  const want = 'sha256=' + createHmac('sha256', bridgeSecret).update(`${ts}\n`).update(body).digest('hex');
  const got = Buffer.from(req.headers['x-gridbot-signature'] ?? '');
  if (got.length !== want.length || !timingSafeEqual(got, Buffer.from(want)) || !fresh(ts)) return [401, ''];
  const m = JSON.parse(body);
  if (typeof m.id !== 'string' || typeof m.text !== 'string' || !m.room?.id || !m.talker?.id) return [400, ''];
  return [200, '{"ok":true}'];
}

function aibot(url, body) {
  const q = url.searchParams;
  const ts = q.get('timestamp') ?? '';
  const encrypt = JSON.parse(body).encrypt;
  if (typeof encrypt !== 'string') return [400, ''];
  if (getSignature(token, ts, q.get('nonce') ?? '', encrypt) !== q.get('msg_signature') || !fresh(ts))
    return [401, ''];
  const m = JSON.parse(decrypt(aesKey, encrypt).message);
  if (typeof m.msgid !== 'string' || !m.from?.userid) return [400, ''];
  return [200, ''];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let status = 404;
    let out = '';
    try {
      const url = new URL(req.url, 'http://localhost');
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST') status = 405;
      else if (url.pathname === '/hook/bridge') [status, out] = bridge(req, body);
      else if (url.pathname === '/hook/wecom-bot') [status, out] = aibot(url, body);
    } catch {
      status = 400;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, `${server.address().port}\n`));
