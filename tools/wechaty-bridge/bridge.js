#!/usr/bin/env node
// A Wechaty bridge for gridbot's `bridge` channel (docs/adapters/bridge.md).
//
// Inbound:  every room message the WeChat account sees is POSTed, signed, to gridbot's
//           /hook/<channel>; retried with backoff until gridbot answers 2xx (kept in STATE_FILE,
//           so a restart resends what was not yet acknowledged).
// Outbound: an HTTP server that takes gridbot's signed sends, drops an id it has already posted
//           (ids kept in STATE_FILE) and says the text in the room.
//
// CLI:     GRIDBOT_URL=http://127.0.0.1:8080/hook/bridge BRIDGE_SECRET=... node bridge.js
// Library: createBridge({ wechaty, gridbotUrl, secret, listen, stateFile }) -> { start, stop }
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const MAX_SKEW_S = 300
// A photo gridbot shows comes inline: up to 10 MB, a third more in Base64.
export const BODY_LIMIT = 16 * 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Signatures: "sha256=" + hex(HMAC-SHA256(secret, timestamp + "\n" + body))

export function sign (secret, timestamp, body) {
  return 'sha256=' + crypto.createHmac('sha256', secret)
    .update(String(timestamp) + '\n')
    .update(body)
    .digest('hex')
}

function header (headers, name) {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/**
 * Checks a signed request the way gridbot does: the signature first (constant time), then the
 * timestamp. `body` is the raw body (Buffer or string). Returns { ok: true } or
 * { ok: false, reason: 'bad_signature' | 'stale_timestamp' }.
 */
export function verify (secret, headers, body, { nowS = Math.floor(Date.now() / 1000), maxSkewS = MAX_SKEW_S } = {}) {
  const ts = header(headers, 'X-Gridbot-Timestamp')
  const sig = header(headers, 'X-Gridbot-Signature')
  if (typeof sig !== 'string' || typeof ts !== 'string' || !/^-?\d{1,15}$/.test(ts)) {
    return { ok: false, reason: 'bad_signature' }
  }
  // Constant time whatever the length: compare fixed-size digests of both strings.
  const digest = s => crypto.createHash('sha256').update(s).digest()
  if (!crypto.timingSafeEqual(digest(sign(secret, ts, body)), digest(sig))) {
    return { ok: false, reason: 'bad_signature' }
  }
  const t = Number(ts)
  if (t < nowS - maxSkewS || t > nowS + maxSkewS) return { ok: false, reason: 'stale_timestamp' }
  return { ok: true }
}

// ---------------------------------------------------------------------------------------------
// State file: the outbound ids already posted (dedupe) and the inbound messages gridbot has not
// acknowledged yet. A journal of JSON lines, each appended and fsync'ed before the bridge answers
// or forgets anything:
//   {"s":"<outbound id>","t":<ms>}   posted into the room
//   {"p":{...inbound body...}}        to be delivered to gridbot
//   {"d":"<inbound id>"}              delivered (or given up)
// It is rewritten compactly (temp file, fsync, rename) at start and whenever it has grown to
// several times what it holds. Ids are forgotten after `retentionMs` (gridbot retries a send for
// minutes to hours, never days) or beyond `maxIds`, oldest first.

export class StateStore {
  constructor (file, { retentionMs = 7 * 24 * 3600 * 1000, maxIds = 100000 } = {}) {
    this.file = file
    this.retentionMs = retentionMs
    this.maxIds = maxIds
    this.sent = new Map() // outbound id -> ms when posted, oldest first
    this.pending = new Map() // inbound message id -> body, in arrival order
    this.fd = null
    this.lines = 0 // lines appended since the last compaction
    this.load()
    this.compact()
  }

  load () {
    if (!this.file) return
    let text
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (e) {
      if (e.code === 'ENOENT') return
      throw e
    }
    const lines = text.split('\n')
    lines.forEach((line, i) => {
      if (!line.trim()) return
      let rec
      try {
        rec = JSON.parse(line)
      } catch {
        // the last line of a run that died while appending: that record never counted
        if (i === lines.length - 1) return
        throw new Error(`${this.file}:${i + 1}: not JSON; move the file away to start afresh (ids posted before are then forgotten)`)
      }
      if (rec && typeof rec.s === 'string') {
        this.sent.delete(rec.s)
        this.sent.set(rec.s, Number(rec.t) || Date.now())
      } else if (rec && rec.p && rec.p.id !== undefined) {
        this.pending.set(String(rec.p.id), rec.p)
      } else if (rec && rec.d !== undefined) {
        this.pending.delete(String(rec.d))
      } else {
        throw new Error(`${this.file}:${i + 1}: not a state record; move the file away to start afresh`)
      }
    })
  }

  prune (now = Date.now()) {
    for (const [id, at] of this.sent) {
      if (now - at <= this.retentionMs && this.sent.size <= this.maxIds) break
      this.sent.delete(id)
    }
  }

  /** Rewrites the file with exactly what is held. */
  compact () {
    if (!this.file) return
    this.prune()
    if (this.fd !== null) { fs.closeSync(this.fd); this.fd = null }
    const out = []
    for (const [s, t] of this.sent) out.push(JSON.stringify({ s, t }))
    for (const p of this.pending.values()) out.push(JSON.stringify({ p }))
    const tmp = `${this.file}.${process.pid}.tmp`
    const fd = fs.openSync(tmp, 'w', 0o600)
    try {
      fs.writeSync(fd, out.length ? out.join('\n') + '\n' : '')
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, this.file)
    try { // make the rename itself durable
      const dfd = fs.openSync(path.dirname(this.file), 'r')
      try { fs.fsyncSync(dfd) } finally { fs.closeSync(dfd) }
    } catch { /* not every platform can fsync a directory */ }
    this.fd = fs.openSync(this.file, 'a', 0o600)
    this.lines = 0
  }

  append (rec) {
    if (!this.file) return
    if (this.fd === null) this.compact() // reopens after close()
    fs.writeSync(this.fd, JSON.stringify(rec) + '\n')
    fs.fsyncSync(this.fd)
    if (++this.lines > Math.max(1000, 2 * (this.sent.size + this.pending.size))) this.compact()
  }

  hasSent (id) { return this.sent.has(id) }
  markSent (id) {
    const t = Date.now()
    this.sent.delete(id)
    this.sent.set(id, t)
    this.append({ s: id, t })
  }

  addPending (body) {
    this.pending.set(String(body.id), body)
    this.append({ p: body })
  }

  removePending (id) {
    if (this.pending.delete(String(id))) this.append({ d: String(id) })
  }

  close () {
    if (this.fd !== null) { fs.closeSync(this.fd); this.fd = null }
  }
}

// ---------------------------------------------------------------------------------------------

const defaultLogger = {
  info: (...a) => console.log(new Date().toISOString(), ...a),
  warn: (...a) => console.warn(new Date().toISOString(), 'WARN', ...a),
  error: (...a) => console.error(new Date().toISOString(), 'ERROR', ...a),
}

const sleep = (ms, signal) => new Promise(resolve => {
  if (signal?.aborted) return resolve()
  const t = setTimeout(done, ms)
  function done () {
    clearTimeout(t)
    signal?.removeEventListener('abort', done)
    resolve()
  }
  signal?.addEventListener('abort', done, { once: true })
})

function parseListen (listen) {
  const m = /^(?:\[?([^\]]*)\]?:)?(\d{1,5})$/.exec(String(listen ?? '127.0.0.1:8090').trim())
  if (!m) throw new Error(`LISTEN "${listen}" is not host:port`)
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) }
}

function retryAfterMs (res) {
  const v = res.headers.get('retry-after')
  if (!v || !/^\d+$/.test(v.trim())) return 0
  return Math.min(Number(v), 3600) * 1000
}

function bodyError (res, status, obj, extraHeaders = {}) {
  const text = JSON.stringify(obj)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  })
  res.end(text)
}

function validId (v) {
  return (typeof v === 'string' && v.length > 0 && v.length <= 512) ||
    (typeof v === 'number' && Number.isSafeInteger(v))
}

/** Validates gridbot's outbound JSON; returns the send or a string saying what is wrong. */
export function parseSend (raw) {
  let doc
  try {
    doc = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    return 'body is not UTF-8 JSON'
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'body is not a JSON object'
  if (!validId(doc.id)) return '"id" must be a non-empty string'
  if (!validId(doc.room)) return '"room" must be a non-empty string'
  if (typeof doc.text !== 'string') return '"text" must be a string'
  const mentions = doc.mentions ?? []
  if (!Array.isArray(mentions) || !mentions.every(validId)) return '"mentions" must be an array of strings'
  if (doc.plain_text !== undefined && doc.plain_text !== null && typeof doc.plain_text !== 'string') {
    return '"plain_text" must be a string'
  }
  const media = doc.media ?? []
  if (!Array.isArray(media) || !media.every(m => m && typeof m === 'object' &&
      m.type === 'image' && typeof m.data === 'string' && m.data.length > 0)) {
    return '"media" must be an array of {"type":"image","data":<Base64>}'
  }
  return {
    id: String(doc.id),
    room: String(doc.room),
    text: doc.text,
    mentions: mentions.map(String),
    plainText: typeof doc.plain_text === 'string' ? doc.plain_text : undefined,
    media: media.map(m => ({ data: m.data, mime: String(m.mime ?? ''), sha256: String(m.sha256 ?? '') })),
  }
}

const MESSAGE_TYPE_TEXT = 7 // wechaty-puppet types.Message.Text

/**
 * The bridge. `wechaty` is a Wechaty instance (any puppet); `gridbotUrl` the channel's hook,
 * e.g. http://127.0.0.1:8080/hook/bridge; `listen` "host:port" of the outbound server (port 0
 * picks one: see address()); `stateFile` where dedupe ids and unacknowledged inbound messages
 * live (omit only in tests: then nothing survives a restart).
 */
export function createBridge ({
  wechaty,
  gridbotUrl,
  secret,
  listen = '127.0.0.1:8090',
  stateFile,
  logger = defaultLogger,
  maxSkewS = MAX_SKEW_S,
  retry = {},
  startWechaty = true,
  notLoggedInRetryAfterS = 30,
  sendTimeoutMs = 10000,
} = {}) {
  if (!wechaty) throw new Error('createBridge: wechaty is required')
  if (!gridbotUrl) throw new Error('createBridge: gridbotUrl is required')
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('createBridge: secret must be at least 16 characters (as gridbot requires)')
  }
  const backoff = {
    initialMs: 1000,
    maxMs: 5 * 60 * 1000,
    maxAttempts: Infinity,
    ...retry,
  }
  const { host, port } = parseListen(listen)
  const state = new StateStore(stateFile)
  const inflight = new Map() // outbound id -> Promise<{status, body, headers}>
  const queue = [] // inbound ids waiting to be posted, in arrival order
  let server
  let running = false
  let draining = null // Promise of the inbound loop
  let wake = null // resolves the loop's idle wait
  let abort = new AbortController()
  let startedWechaty = false

  // ------------------------------------------------------------------ inbound: WeChat -> gridbot

  async function toBody (msg) {
    const room = msg.room()
    const talker = msg.talker()
    let topic = ''
    try { topic = await room.topic() } catch { /* keep it empty */ }
    let mentions = []
    try { mentions = (await msg.mentionList()).map(c => c.id) } catch { /* none */ }
    const type = msg.type()
    const text = type === MESSAGE_TYPE_TEXT ? (msg.text() ?? '') : `[${messageTypeName(type)}]`
    const sentAt = msg.date ? msg.date() : new Date()
    return {
      id: msg.id,
      room: { id: room.id, topic },
      talker: { id: talker.id, name: talker.name() ?? '' },
      text,
      mentions,
      timestamp: Math.floor(sentAt.getTime() / 1000),
      self: msg.self(),
    }
  }

  let intake = Promise.resolve() // keeps messages in the order Wechaty emitted them
  function onMessage (msg) {
    intake = intake.then(async () => {
      try {
        if (!msg.room()) return // only room messages reach gridbot
        const body = await toBody(msg)
        state.addPending(body)
        enqueue(body.id)
      } catch (e) {
        logger.error(`inbound: message ${msg?.id} not queued: ${e.message}`)
      }
    })
    return intake
  }

  function enqueue (id) {
    queue.push(String(id))
    if (wake) { wake(); wake = null }
  }

  /** One POST; resolves to { done: true } or { done: false, waitMs } or { done: true, gaveUp }. */
  async function postOnce (body) {
    const raw = JSON.stringify(body)
    const ts = String(Math.floor(Date.now() / 1000))
    let res
    try {
      res = await fetch(gridbotUrl, {
        method: 'POST',
        body: raw,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'X-Gridbot-Timestamp': ts,
          'X-Gridbot-Signature': sign(secret, ts, raw),
        },
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(sendTimeoutMs)]),
      })
    } catch (e) {
      return { done: false, detail: `transport: ${e.cause?.code || e.name}: ${e.cause?.message || e.message}` }
    }
    const text = await res.text().catch(() => '')
    if (res.ok) return { done: true }
    const detail = `HTTP ${res.status} ${text.slice(0, 200)}`
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      return { done: false, waitMs: retryAfterMs(res), detail }
    }
    return { done: true, gaveUp: detail }
  }

  async function deliver (id) {
    const body = state.pending.get(id)
    if (!body) return
    let delay = backoff.initialMs
    for (let attempt = 1; running; attempt++) {
      const r = await postOnce(body)
      if (r.done) {
        if (r.gaveUp) logger.warn(`inbound: gridbot refused message ${id} (${r.gaveUp}); giving up`)
        state.removePending(id)
        return
      }
      if (!running) return
      if (attempt >= backoff.maxAttempts) {
        logger.error(`inbound: message ${id} not delivered after ${attempt} attempts (${r.detail}); giving up`)
        state.removePending(id)
        return
      }
      // exponential backoff with ±20% spread, at least what Retry-After asks
      const spread = delay * (0.8 + 0.4 * Math.random())
      const wait = Math.max(spread, r.waitMs || 0)
      logger.warn(`inbound: message ${id} attempt ${attempt} failed (${r.detail}); retrying in ${Math.round(wait)} ms`)
      await sleep(wait, abort.signal)
      delay = Math.min(delay * 2, backoff.maxMs)
    }
  }

  async function loop () {
    while (running) {
      const id = queue.shift()
      if (id === undefined) {
        await new Promise(resolve => { wake = resolve })
        continue
      }
      await deliver(id)
    }
  }

  // ------------------------------------------------------------------ outbound: gridbot -> WeChat

  async function say (send) {
    const room = await wechaty.Room.find({ id: send.room })
    if (!room) return { status: 404, body: { ok: false, error: `unknown room ${send.room}` } }
    let contacts = []
    if (send.mentions.length > 0 && send.plainText !== undefined) {
      const found = await Promise.all(send.mentions.map(async id => {
        try { return await wechaty.Contact.find({ id }) } catch { return undefined }
      }))
      contacts = found.filter(Boolean)
      const missing = send.mentions.filter((id, i) => !found[i])
      if (missing.length > 0) logger.warn(`outbound ${send.id}: mentions not resolved, skipped: ${missing.join(', ')}`)
    }
    if (contacts.length > 0) {
      // Wechaty prepends "@name" for each contact: plain_text is the message without them.
      await room.say(send.plainText, ...contacts)
    } else if (send.text !== '' || send.media.length === 0) {
      // text already carries the "@name"s as gridbot wrote them
      await room.say(send.text)
    }
    // A photo gridbot shows in the room (docs/adapters/bridge.md "Media out"): said as a FileBox.
    for (const m of send.media) {
      const { FileBox } = await import('file-box')
      const ext = m.mime === 'image/png' ? '.png' : m.mime === 'image/gif' ? '.gif' : m.mime === 'image/webp' ? '.webp' : '.jpg'
      await room.say(FileBox.fromBase64(m.data, (m.sha256.slice(0, 16) || 'photo') + ext))
    }
    state.markSent(send.id)
    return { status: 200, body: { ok: true } }
  }

  async function handleSend (raw) {
    const send = parseSend(raw)
    if (typeof send === 'string') return { status: 400, body: { ok: false, error: send } }
    if (state.hasSent(send.id)) return { status: 200, body: { ok: true, duplicate: true } }
    const pendingSay = inflight.get(send.id)
    if (pendingSay) return pendingSay // the same id again while it is being said: one say
    if (!wechaty.isLoggedIn) {
      return {
        status: 503,
        body: { ok: false, error: 'WeChat account not logged in' },
        headers: { 'Retry-After': String(notLoggedInRetryAfterS) },
      }
    }
    const p = say(send).catch(e => {
      logger.error(`outbound ${send.id}: say failed: ${e.message}`)
      return { status: 503, body: { ok: false, error: `say failed: ${e.message}` }, headers: { 'Retry-After': '10' } }
    }).finally(() => inflight.delete(send.id))
    inflight.set(send.id, p)
    return p
  }

  function onRequest (req, res) {
    const url = new URL(req.url, 'http://bridge')
    if (req.method === 'GET' && url.pathname === '/healthz') {
      return bodyError(res, 200, { ok: true, logged_in: Boolean(wechaty.isLoggedIn), pending_inbound: state.pending.size })
    }
    if (req.method !== 'POST') return bodyError(res, 405, { ok: false, error: 'POST only' }, { Allow: 'POST' })
    const chunks = []
    let size = 0
    let tooBig = false
    req.on('data', c => {
      size += c.length
      if (size > BODY_LIMIT) { tooBig = true; return }
      chunks.push(c)
    })
    req.on('error', () => res.destroy())
    req.on('end', async () => {
      if (tooBig) return bodyError(res, 413, { ok: false, error: 'body too large' })
      const raw = Buffer.concat(chunks)
      const v = verify(secret, req.headers, raw, { maxSkewS })
      if (!v.ok) return bodyError(res, 401, { ok: false, error: v.reason })
      try {
        const r = await handleSend(raw)
        bodyError(res, r.status, r.body, r.headers)
      } catch (e) {
        logger.error(`outbound: ${e.stack || e.message}`)
        bodyError(res, 500, { ok: false, error: 'internal error' })
      }
    })
  }

  // ------------------------------------------------------------------ lifecycle

  function onError (e) {
    logger.warn(`wechaty: ${e?.message || e}`)
  }

  async function start () {
    if (running) return
    server = http.createServer(onRequest)
    await new Promise((resolve, reject) => {
      server.once('error', reject) // e.g. EADDRINUSE: nothing else has started
      server.listen(port, host, () => { server.off('error', reject); resolve() })
    })
    running = true
    abort = new AbortController()
    state.compact() // also reopens the journal after a stop()
    wechaty.on('message', onMessage)
    wechaty.on('error', onError)
    // what the last run left unacknowledged goes first, in its order
    queue.length = 0
    for (const id of state.pending.keys()) queue.push(id)
    if (queue.length) logger.info(`inbound: resending ${queue.length} message(s) left from the last run`)
    draining = loop()
    if (startWechaty && !wechaty.state.active()) {
      await wechaty.start()
      startedWechaty = true
    }
    const a = server.address()
    logger.info(`wechaty-bridge: outbound on http://${a.address}:${a.port}/send, inbound to ${gridbotUrl}`)
  }

  async function stop () {
    if (!running) return
    running = false
    abort.abort()
    if (wake) { wake(); wake = null }
    wechaty.off('message', onMessage)
    wechaty.off('error', onError)
    // stop taking sends, let those being said finish (their answers still go out), then close
    const closed = new Promise(resolve => server.close(() => resolve()))
    server.closeIdleConnections()
    await Promise.allSettled([...inflight.values()])
    server.closeAllConnections()
    await closed
    await intake
    await draining
    state.close()
    if (startedWechaty) {
      startedWechaty = false
      await wechaty.stop()
    }
  }

  return {
    start,
    stop,
    /** { address, port } of the outbound server once started */
    address: () => server?.address(),
    state,
  }
}

const TYPE_NAMES = {
  0: 'Unknown', 1: 'Attachment', 2: 'Audio', 3: 'Contact', 4: 'ChatHistory', 5: 'Emoticon',
  6: 'Image', 7: 'Text', 8: 'Location', 9: 'MiniProgram', 10: 'GroupNote', 11: 'Transfer',
  12: 'RedEnvelope', 13: 'Recalled', 14: 'Url', 15: 'Video', 16: 'Post',
}
function messageTypeName (t) { return TYPE_NAMES[t] || `Type${t}` }

// ---------------------------------------------------------------------------------------------
// CLI

async function main () {
  const env = process.env
  const need = ['GRIDBOT_URL', 'BRIDGE_SECRET'].filter(k => !env[k])
  if (need.length) {
    console.error(`wechaty-bridge: set ${need.join(' and ')} (see README.md)`)
    process.exit(2)
  }
  const { WechatyBuilder, ScanStatus, qrcodeValueToImageUrl } = await import('wechaty')
  // WECHATY_PUPPET (and WECHATY_PUPPET_SERVICE_TOKEN etc.) are read by Wechaty itself.
  const wechaty = WechatyBuilder.build({ name: env.WECHATY_NAME || 'gridbot-bridge' })
  wechaty.on('scan', (qrcode, status) => {
    if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
      console.log(`scan to log in: ${qrcodeValueToImageUrl(qrcode)}\n  (or encode this value as a QR code: ${qrcode})`)
    }
  })
  wechaty.on('login', user => console.log(`${new Date().toISOString()} logged in as ${user.name()} (${user.id}): set gridbot's bot_id to this id`))
  wechaty.on('logout', user => console.log(`${new Date().toISOString()} logged out: ${user?.name?.() ?? ''}`))
  const bridge = createBridge({
    wechaty,
    gridbotUrl: env.GRIDBOT_URL,
    secret: env.BRIDGE_SECRET,
    listen: env.LISTEN || '127.0.0.1:8090',
    stateFile: path.resolve(env.STATE_FILE || 'wechaty-bridge-state.jsonl'),
  })
  let stopping = false
  const shutdown = async sig => {
    if (stopping) return
    stopping = true
    console.log(`${new Date().toISOString()} ${sig}: stopping`)
    const t = setTimeout(() => process.exit(1), 15000)
    t.unref()
    await bridge.stop().catch(e => console.error(e))
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  await bridge.start()
}

function isMain () {
  if (!process.argv[1]) return false
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return import.meta.url === pathToFileURL(process.argv[1]).href
  }
}

if (isMain()) {
  main().catch(e => {
    console.error(`wechaty-bridge: ${e.stack || e.message}`)
    process.exit(1)
  })
}
