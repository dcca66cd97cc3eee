// Interop test: gridbot's WXBizMsgCrypt (through wecom_crypto_tool) against Tencent's own
// @wecom/crypto. (a) the SDK encrypts and signs, gridbot decrypts and verifies, also through the
// real AI-bot and app adapters; (b) gridbot encrypts, the SDK decrypts. Any disagreement fails.
// Usage: node interop.mjs path/to/wecom_crypto_tool   (exit 0 pass, 1 fail, 77 SDK not installed)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
let sdk;
try {
  sdk = require('@wecom/crypto');
} catch {
  console.log('SKIP: @wecom/crypto not installed (run: npm ci --prefix tests/interop/wecom)');
  process.exit(77);
}
const tool = process.argv[2];
if (!tool) {
  console.error('usage: node interop.mjs path/to/wecom_crypto_tool');
  process.exit(64);
}

let passed = 0;
const failures = [];
function check(name, got, want) {
  if (got === want) passed += 1;
  else failures.push(`${name}\n    got:  ${JSON.stringify(got)}\n    want: ${JSON.stringify(want)}`);
}
function run(args, input = '') {
  const r = spawnSync(tool, args, { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { status: `unparseable tool output: ${text.slice(0, 200)}` };
  }
}

// Official sample key and token (vector V1, docs/adapters/wecom.md "Test vectors") and a fresh
// random one.
const keys = [
  { token: 'QDG6eK', aes: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' },
  { token: 'gridbotToken42', aes: randomBytes(32).toString('base64').slice(0, 43) },
];
const messages = [
  '', 'a', '1616140317555161061', '居民反映：5栋电梯关人了！',
  JSON.stringify({ msgid: 'M1', chattype: 'group', text: { content: '@网格助手 受理 #12' } }),
  'x'.repeat(11), 'y'.repeat(12), 'z'.repeat(43), 'w'.repeat(44), '长'.repeat(700),
];
const ids = ['', 'wx5823bf96d3bd56c7', 'ww1436e0e65a779aee'];

for (const { token, aes } of keys) {
  for (const id of ids) {
    for (const msg of messages) {
      const tag = `key=${aes.slice(0, 6)} id=${JSON.stringify(id)} len=${Buffer.byteLength(msg)}`;
      // (a) SDK → gridbot
      const enc = sdk.encrypt(aes, msg, id);
      const dec = run(['decrypt', aes, id, enc]);
      check(`gridbot decrypts SDK ciphertext (${tag})`, dec.code === 0 ? dec.out : dec.err, msg);
      // (b) gridbot → SDK
      const mine = run(['encrypt', aes, id], msg);
      check(`gridbot encrypt exits 0 (${tag})`, mine.code, 0);
      let back = {};
      try {
        back = sdk.decrypt(aes, mine.out);
      } catch (e) {
        back = { message: `SDK threw: ${e.message}`, id: null };
      }
      check(`SDK decrypts gridbot ciphertext: message (${tag})`, back.message, msg);
      check(`SDK decrypts gridbot ciphertext: id (${tag})`, back.id, id);
      // Signatures agree.
      const ts = String(1700000000 + msg.length);
      const nonce = String(100000 + msg.length);
      check(`signatures agree (${tag})`, run(['sign', token, ts, nonce, enc]).out,
            sdk.getSignature(token, ts, nonce, enc));
    }
    // A ciphertext for another receive id is refused by gridbot.
    const other = sdk.encrypt(aes, 'hello', id + 'x');
    check(`gridbot refuses another receive id (${id})`, run(['decrypt', aes, id, other]).code, 2);
  }
}

// The same fixed random gives byte-identical ciphertexts (as vector D1, docs/adapters/wecom.md
// "Test vectors").
{
  const { aes } = keys[0];
  const fixed = sdk.encrypt(aes, 'hello', '', Buffer.from('aaaabbbbccccdddd'));
  check('SDK ciphertext with fixed random decrypts in gridbot', run(['decrypt', aes, '', fixed]).out,
        'hello');
}

// URL verification round trips through the real adapters.
const nowS = Math.floor(Date.now() / 1000);
const nowMs = String(nowS * 1000);
function signedTarget(token, enc, extra = '') {
  const ts = String(nowS);
  const nonce = '1372623149';
  const sig = sdk.getSignature(token, ts, nonce, enc);
  return `/hook/w?msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}${extra}`;
}
for (const { token, aes } of keys) {
  const echo = '7310946521984567321';
  const aiEcho = sdk.encrypt(aes, echo, '');
  const ai = parseJson(run(['aibot', token, aes, nowMs, 'GET',
    signedTarget(token, aiEcho, `&echostr=${encodeURIComponent(aiEcho)}`)]).out);
  check('AI-bot URL verification answers the echostr', `${ai.status} ${ai.body}`, `200 ${echo}`);
  const appEcho = sdk.encrypt(aes, echo, 'wwCORP');
  const app = parseJson(run(['app', token, aes, 'wwCORP', nowMs, 'GET',
    signedTarget(token, appEcho, `&echostr=${encodeURIComponent(appEcho)}`)]).out);
  check('app URL verification answers the echostr', `${app.status} ${app.body}`, `200 ${echo}`);
  const wrong = parseJson(run(['aibot', token + 'x', aes, nowMs, 'GET',
    signedTarget(token + 'x', aiEcho, `&echostr=${encodeURIComponent(aiEcho)}`).replace(/msg_signature=(.)/, (_, c) => `msg_signature=${c === '0' ? '1' : '0'}`)]).out);
  check('a wrong signature is 401', wrong.status, 401);

  // An AI-bot group message encrypted by the SDK becomes gridbot's InboundMessage.
  const plain = JSON.stringify({
    msgid: 'sdk-1', aibotid: 'AIB', chatid: 'wrkGRID5', chattype: 'group',
    from: { userid: 'zhangsan' }, response_url: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=r1',
    msgtype: 'text', text: { content: '@网格助手\u2005受理 #12' },
  });
  const enc = sdk.encrypt(aes, plain, '');
  const post = parseJson(run(['aibot', token, aes, nowMs, 'POST', signedTarget(token, enc)],
    JSON.stringify({ encrypt: enc })).out);
  check('AI-bot callback status', post.status, 200);
  const m = (post.messages || [])[0] || {};
  check('AI-bot callback message', JSON.stringify([m.msg_id, m.chat_id, m.sender_id, m.text, m.mentions_bot, m.reply_token]),
    JSON.stringify(['sdk-1', 'wrkGRID5', 'zhangsan', '受理 #12', true,
      'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=r1']));

  // An app text message in the XML envelope.
  const xml = '<xml><ToUserName><![CDATA[wwCORP]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName>'
    + '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[路灯坏了]]></Content>'
    + '<MsgId>987654321</MsgId><AgentID>1000002</AgentID></xml>';
  const xenc = sdk.encrypt(aes, xml, 'wwCORP');
  const env = `<xml><ToUserName><![CDATA[wwCORP]]></ToUserName><Encrypt><![CDATA[${xenc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
  const ap = parseJson(run(['app', token, aes, 'wwCORP', nowMs, 'POST', signedTarget(token, xenc)], env).out);
  const am = (ap.messages || [])[0] || {};
  check('app callback message', JSON.stringify([ap.status, am.msg_id, am.sender_id, am.text]),
    JSON.stringify([200, '987654321', 'lisi', '路灯坏了']));
}

console.log(`@wecom/crypto ${require('@wecom/crypto/package.json').version} interop: ${passed} checks passed, ${failures.length} failed`);
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
