// Test helpers: a Wechaty on wechaty-puppet-mock with a few contacts and rooms, a recorder of
// what each room shows, signed HTTP posts, a stub gridbot hook, free ports.
import http from 'node:http'
import net from 'node:net'
import { WechatyBuilder } from 'wechaty'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { sign } from '../../bridge.js'

export const SECRET = 'test-bridge-secret-0123'
export const FOUR_PER_EM_SPACE = '\u2005' // Wechaty's separator between "@name"s

/**
 * A mock WeChat: the bot's own account, contacts and rooms. `shown(roomId)` lists what the room
 * shows (every message posted in it, as {talkerId, text, mentionIdList}); `sent` records every
 * messageSendText call the bot made (wechaty-puppet-mock drops its mention list, so the spy keeps
 * it: that is what a real puppet turns into WeChat @-notifications).
 */
export function mockWorld ({
  self = { id: 'wxid_gridbot', name: '网格助手' },
  contacts = [],
  rooms = [],
} = {}) {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const sent = []
  const origSend = puppet.messageSendText.bind(puppet)
  puppet.messageSendText = async (conversationId, text, mentionIdList = []) => {
    sent.push({ conversationId, text, mentionIdList: [...mentionIdList] })
    return origSend(conversationId, text, mentionIdList)
  }
  // Photos the bot posted (room.say(FileBox)): the room and the FileBox's name and bytes.
  const files = []
  puppet.messageSendFile = async (conversationId, box) => {
    files.push({ conversationId, name: box.name, base64: await box.toBase64() })
  }
  const wechaty = WechatyBuilder.build({ puppet })
  const me = mocker.createContact(self)
  const people = Object.fromEntries(contacts.map(c => [c.id, mocker.createContact(c)]))
  people[me.id] = me
  const shownBy = new Map()
  const roomMocks = {}
  for (const r of rooms) {
    const { members = [], ...payload } = r
    const room = mocker.createRoom({ memberIdList: [me.id, ...members], ...payload })
    roomMocks[r.id] = room
    shownBy.set(r.id, [])
    room.on('message', m => shownBy.get(r.id).push({
      talkerId: m.payload.talkerId,
      text: m.payload.text,
      mentionIdList: m.payload.mentionIdList || [],
    }))
  }
  return {
    mocker,
    puppet,
    wechaty,
    me,
    people,
    rooms: roomMocks,
    sent,
    files,
    shown: roomId => shownBy.get(roomId) ?? [],
    /** what the bot itself posted in the room */
    botSaid: roomId => (shownBy.get(roomId) ?? []).filter(m => m.talkerId === me.id),
    login: () => mocker.login(me),
  }
}

export async function waitFor (fn, { timeoutMs = 5000, stepMs = 10, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, stepMs))
  }
}

export const nowS = () => Math.floor(Date.now() / 1000)

/** POSTs `obj` (or a raw string) to url, signed with `secret` at `ts`. */
export async function postSigned (url, obj, { secret = SECRET, ts = nowS(), headers = {} } = {}) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj)
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Gridbot-Timestamp': String(ts),
      'X-Gridbot-Signature': sign(secret, String(ts), body),
      ...(typeof obj === 'object' && obj && obj.id ? { 'Idempotency-Key': String(obj.id) } : {}),
      ...headers,
    },
  })
  return { status: res.status, headers: res.headers, body: await res.text() }
}

/** A free loopback port (bound, then released). */
export function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/**
 * A stand-in for gridbot's /hook/<channel>: records each request (raw body, headers) and answers
 * with `answer(n)` -> status for the n-th request (from 1); 200 by default.
 */
export async function stubHook ({ answer = () => 200, port = 0 } = {}) {
  const requests = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      requests.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), url: req.url })
      const st = answer(requests.length)
      res.writeHead(st, { 'Content-Type': 'application/json', ...(st === 429 ? { 'Retry-After': '0' } : {}) })
      res.end(st === 200 ? '{"ok":true}' : '{"ok":false}')
    })
  })
  await new Promise(resolve => server.listen(port, '127.0.0.1', resolve))
  return {
    requests,
    url: `http://127.0.0.1:${server.address().port}/hook/bridge`,
    port: server.address().port,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

/** A logger that keeps its lines (tests assert on them and stay quiet). */
export function memoryLogger () {
  const lines = []
  const put = level => (...a) => lines.push(`${level} ${a.join(' ')}`)
  return { lines, info: put('info'), warn: put('warn'), error: put('error') }
}

/** Occurrences of `needle` in `hay`. */
export function countOf (hay, needle) {
  let n = 0
  for (let p = hay.indexOf(needle); p !== -1; p = hay.indexOf(needle, p + needle.length)) n++
  return n
}

/** The "@name"s of a text: "@" up to a space, Wechaty's U+2005 separator or the next "@". */
export function atNames (text) {
  return [...text.matchAll(/@([^\s\u2005@，。,]+)/gu)].map(m => '@' + m[1])
}
