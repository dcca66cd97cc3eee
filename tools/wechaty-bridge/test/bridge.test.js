// Unit-level tests of the bridge: signatures, the outbound server (statuses, dedupe across a
// restart, mentions) and inbound delivery (body, retries, give-up, resend after a restart), with
// Wechaty on wechaty-puppet-mock and a stub in place of gridbot.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createBridge, parseSend, sign, verify, StateStore } from '../bridge.js'
import {
  SECRET, FOUR_PER_EM_SPACE, atNames, countOf, freePort, memoryLogger, mockWorld, nowS,
  postSigned, stubHook, waitFor,
} from './support/world.js'

const RETRY = { initialMs: 20, maxMs: 80 }
const tmpDirs = []
function tmpFile (name) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wechaty-bridge-test-'))
  tmpDirs.push(d)
  return path.join(d, name)
}
after(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }) })

const PEOPLE = [
  { id: 'wxid_li', name: '李阿姨' },
  { id: 'wxid_zhao', name: '赵大爷' },
]
const ROOMS = [
  { id: 'b5@chatroom', topic: '5栋业主群', members: ['wxid_li', 'wxid_zhao'] },
]

/** A started bridge on port 0 in front of a mock WeChat (logged in unless told otherwise). */
async function setup ({ login = true, gridbotUrl, stateFile = tmpFile('state.json'), world } = {}) {
  world ??= mockWorld({ contacts: PEOPLE, rooms: ROOMS })
  const logger = memoryLogger()
  const stub = gridbotUrl ? null : await stubHook()
  const bridge = createBridge({
    wechaty: world.wechaty,
    gridbotUrl: gridbotUrl ?? stub.url,
    secret: SECRET,
    listen: '127.0.0.1:0',
    stateFile,
    logger,
    retry: RETRY,
  })
  await bridge.start()
  if (login) {
    world.login()
    await waitFor(() => world.wechaty.isLoggedIn, { what: 'login' })
  }
  const sendUrl = `http://127.0.0.1:${bridge.address().port}/send`
  return {
    world,
    bridge,
    logger,
    stub,
    stateFile,
    sendUrl,
    async close () {
      await bridge.stop()
      await stub?.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------

describe('signatures', () => {
  const body = '{"id":"x","room":"r@chatroom","text":"hi","mentions":[]}'

  test('sign() is sha256= + hex HMAC-SHA256(secret, timestamp + "\\n" + body), as gridbot signs', () => {
    const want = 'sha256=' + crypto.createHmac('sha256', SECRET).update('1700000000\n' + body).digest('hex')
    assert.equal(sign(SECRET, '1700000000', body), want)
    assert.equal(sign(SECRET, '1700000000', Buffer.from(body)), want)
  })

  test('a good signature with a fresh timestamp passes', () => {
    const ts = String(nowS())
    const headers = { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign(SECRET, ts, body) }
    assert.deepEqual(verify(SECRET, headers, Buffer.from(body)), { ok: true })
    // 299 s either way is still inside the 300 s window
    for (const t of [nowS() - 299, nowS() + 299]) {
      const h = { 'x-gridbot-timestamp': String(t), 'x-gridbot-signature': sign(SECRET, String(t), body) }
      assert.deepEqual(verify(SECRET, h, body), { ok: true })
    }
  })

  test('a bad signature is refused: other secret, changed body, changed timestamp, garbage, missing', () => {
    const ts = String(nowS())
    const good = sign(SECRET, ts, body)
    const cases = [
      { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign('another-secret-0123456', ts, body) },
      { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': sign(SECRET, ts, body + ' ') },
      { 'x-gridbot-timestamp': String(Number(ts) - 1), 'x-gridbot-signature': good },
      { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': good.toUpperCase() },
      { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': good.slice(0, -1) },
      { 'x-gridbot-timestamp': ts, 'x-gridbot-signature': 'sha256=' },
      { 'x-gridbot-timestamp': ts },
      { 'x-gridbot-signature': good },
      { 'x-gridbot-timestamp': 'soon', 'x-gridbot-signature': good },
      {},
    ]
    for (const h of cases) assert.deepEqual(verify(SECRET, h, body), { ok: false, reason: 'bad_signature' }, JSON.stringify(h))
  })

  test('a stale or future timestamp is refused even when correctly signed', () => {
    for (const t of [nowS() - 301, nowS() + 301, 1700000000]) {
      const h = { 'x-gridbot-timestamp': String(t), 'x-gridbot-signature': sign(SECRET, String(t), body) }
      assert.deepEqual(verify(SECRET, h, body), { ok: false, reason: 'stale_timestamp' })
    }
  })
})

describe('parseSend', () => {
  test('reads gridbot\'s outbound JSON, plain_text optional', () => {
    assert.deepEqual(parseSend('{"id":"k","room":"r","text":"t","mentions":["a"],"plain_text":"p"}'),
      { id: 'k', room: 'r', text: 't', mentions: ['a'], plainText: 'p', media: [] })
    assert.deepEqual(parseSend('{"id":"k","room":"r","text":"t"}'),
      { id: 'k', room: 'r', text: 't', mentions: [], plainText: undefined, media: [] })
  })
  test('refuses what is malformed', () => {
    for (const bad of ['', 'null', '[]', '{"id":', '{"room":"r","text":"t"}', '{"id":"","room":"r","text":"t"}',
      '{"id":"k","text":"t"}', '{"id":"k","room":"r"}', '{"id":"k","room":"r","text":1}',
      '{"id":"k","room":"r","text":"t","mentions":"a"}', '{"id":"k","room":"r","text":"t","mentions":[{}]}',
      '{"id":"k","room":"r","text":"t","plain_text":5}', '{"id":"k","room":"r","text":"","media":{}}',
      '{"id":"k","room":"r","text":"","media":[{"type":"voice","data":"AA=="}]}',
      '{"id":"k","room":"r","text":"","media":[{"type":"image"}]}']) {
      assert.equal(typeof parseSend(bad), 'string', bad)
    }
    assert.equal(typeof parseSend(Buffer.from([0x7b, 0xff, 0x7d])), 'string') // not UTF-8
  })
})

describe('outbound server', () => {
  let s
  before(async () => { s = await setup() })
  after(async () => { await s.close() })

  const send = (id, extra = {}) => ({ id, room: 'b5@chatroom', text: `消息 ${id}`, mentions: [], ...extra })

  test('a signed send is said in the room and answered 200 after the say', async () => {
    const r = await postSigned(s.sendUrl, send('o-1'))
    assert.equal(r.status, 200, r.body)
    assert.deepEqual(JSON.parse(r.body), { ok: true })
    // 200 came after room.say() resolved: the room shows it already
    assert.deepEqual(s.world.botSaid('b5@chatroom').map(m => m.text), ['消息 o-1'])
  })

  test('a photo in the media list is said as a FileBox, with no empty text', async () => {
    const before = s.world.botSaid('b5@chatroom').length
    const data = Buffer.from('\xff\xd8\xff\xe0gridbot photo', 'latin1').toString('base64')
    const r = await postSigned(s.sendUrl, send('o-photo', {
      text: '', media: [{ type: 'image', mime: 'image/jpeg', size: 17, sha256: 'ab'.repeat(32), data }],
    }))
    assert.equal(r.status, 200, r.body)
    assert.deepEqual(s.world.files.at(-1), { conversationId: 'b5@chatroom', name: 'abababababababab.jpg', base64: data })
    assert.equal(s.world.botSaid('b5@chatroom').length, before, 'no text said')
  })

  test('bad signature and stale timestamp: 401, nothing said', async () => {
    const before = s.world.botSaid('b5@chatroom').length
    let r = await postSigned(s.sendUrl, send('o-bad'), { secret: 'not-the-secret-0123456' })
    assert.equal(r.status, 401)
    r = await postSigned(s.sendUrl, send('o-stale'), { ts: nowS() - 301 })
    assert.equal(r.status, 401)
    r = await postSigned(s.sendUrl, send('o-future'), { ts: nowS() + 301 })
    assert.equal(r.status, 401)
    r = await fetch(s.sendUrl, { method: 'POST', body: JSON.stringify(send('o-unsigned')) })
    assert.equal(r.status, 401)
    assert.equal(s.world.botSaid('b5@chatroom').length, before)
  })

  test('malformed (signed) bodies: 400', async () => {
    for (const bad of ['{"id": ', '[]', JSON.stringify({ room: 'b5@chatroom', text: 'x' }),
      JSON.stringify({ id: 'o-x', room: 'b5@chatroom', text: 'x', mentions: 'wxid_li' })]) {
      const r = await postSigned(s.sendUrl, bad)
      assert.equal(r.status, 400, bad)
    }
  })

  test('unknown room: 404 (gridbot records the send failed)', async () => {
    const r = await postSigned(s.sendUrl, { id: 'o-404', room: 'nosuch@chatroom', text: 'x', mentions: [] })
    assert.equal(r.status, 404, r.body)
  })

  test('a second request with an id already posted is answered 200 and not said again', async () => {
    assert.equal((await postSigned(s.sendUrl, send('o-dup'))).status, 200)
    const r = await postSigned(s.sendUrl, send('o-dup'))
    assert.equal(r.status, 200)
    assert.equal(JSON.parse(r.body).duplicate, true)
    assert.equal(s.world.botSaid('b5@chatroom').filter(m => m.text === '消息 o-dup').length, 1)
  })

  test('the same id twice at once (a retry while the first is being said): said once, both 200', async () => {
    const [a, b] = await Promise.all([postSigned(s.sendUrl, send('o-race')), postSigned(s.sendUrl, send('o-race'))])
    assert.equal(a.status, 200)
    assert.equal(b.status, 200)
    assert.equal(s.world.botSaid('b5@chatroom').filter(m => m.text === '消息 o-race').length, 1)
  })

  test('GET /healthz tells whether the account is logged in', async () => {
    const r = await fetch(s.sendUrl.replace('/send', '/healthz'))
    assert.equal(r.status, 200)
    assert.equal((await r.json()).logged_in, true)
  })
})

describe('outbound before login', () => {
  test('503 with Retry-After while the Wechaty bot is not logged in; 200 once it is', async () => {
    const s = await setup({ login: false })
    try {
      const body = { id: 'o-early', room: 'b5@chatroom', text: '早', mentions: [] }
      let r = await postSigned(s.sendUrl, body)
      assert.equal(r.status, 503)
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/)
      assert.equal(s.world.botSaid('b5@chatroom').length, 0)
      s.world.login()
      await waitFor(() => s.world.wechaty.isLoggedIn, { what: 'login' })
      r = await postSigned(s.sendUrl, body)
      assert.equal(r.status, 200)
      assert.deepEqual(s.world.botSaid('b5@chatroom').map(m => m.text), ['早'])
    } finally {
      await s.close()
    }
  })
})

describe('dedupe across a restart', () => {
  test('an id posted before the restart is answered 200 and not posted again (STATE_FILE)', async () => {
    const world = mockWorld({ contacts: PEOPLE, rooms: ROOMS })
    await world.wechaty.start()
    world.login()
    await waitFor(() => world.wechaty.isLoggedIn, { what: 'login' })
    const stub = await stubHook()
    const stateFile = tmpFile('state.json')
    const make = () => createBridge({
      wechaty: world.wechaty, gridbotUrl: stub.url, secret: SECRET, listen: '127.0.0.1:0',
      stateFile, logger: memoryLogger(), retry: RETRY,
    })
    const body = { id: 'ack:bridge:b5@chatroom:m1', room: 'b5@chatroom', text: '已登记为工单#1001', mentions: [] }
    try {
      const first = make()
      await first.start()
      const url1 = `http://127.0.0.1:${first.address().port}/send`
      assert.equal((await postSigned(url1, body)).status, 200)
      await first.stop() // the bridge process goes away after the send
      assert.ok(fs.readFileSync(stateFile, 'utf8').includes(JSON.stringify(body.id)), 'the id is in the state file')

      const second = make() // a new process reading the same STATE_FILE
      await second.start()
      const url2 = `http://127.0.0.1:${second.address().port}/send`
      const r = await postSigned(url2, body) // gridbot resends: it never saw the 200
      assert.equal(r.status, 200)
      assert.equal(JSON.parse(r.body).duplicate, true)
      assert.equal(world.botSaid('b5@chatroom').filter(m => m.text === body.text).length, 1)
      // a new id still goes through
      assert.equal((await postSigned(url2, { ...body, id: 'ack:bridge:b5@chatroom:m2' })).status, 200)
      assert.equal(world.botSaid('b5@chatroom').filter(m => m.text === body.text).length, 2)
      await second.stop()
    } finally {
      await world.wechaty.stop()
      await stub.close()
    }
  })

  test('StateStore: a journal replayed at start; ids past retention or beyond maxIds are dropped, oldest first', () => {
    const file = tmpFile('journal.json')
    const st = new StateStore(file)
    st.markSent('a')
    st.addPending({ id: 'in-1', text: 'x' })
    st.addPending({ id: 'in-2', text: 'y' })
    st.removePending('in-1')
    st.markSent('b')
    st.close()
    const again = new StateStore(file)
    assert.deepEqual([...again.sent.keys()], ['a', 'b'])
    assert.deepEqual([...again.pending.keys()], ['in-2'])
    again.close()
    // every 'posted' line is still in the file: a restart finds them all
    assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 3)

    const old = new StateStore(file, { retentionMs: 1000 })
    old.sent.set('a', Date.now() - 5000) // posted long ago
    old.compact()
    old.close()
    assert.deepEqual([...new StateStore(file).sent.keys()], ['b'])

    const small = new StateStore(tmpFile('small.json'), { maxIds: 2 })
    for (const id of ['1', '2', '3']) small.markSent(id)
    small.compact()
    assert.deepEqual([...small.sent.keys()], ['2', '3'])
    small.close()
  })

  test('StateStore: a line torn by a crash while appending is ignored; any other damage stops the start', () => {
    const torn = tmpFile('torn.json')
    fs.writeFileSync(torn, '{"s":"k1","t":1}\n{"s":"k2","t"')
    assert.deepEqual([...new StateStore(torn, { retentionMs: Infinity }).sent.keys()], ['k1'])
    const broken = tmpFile('broken.json')
    fs.writeFileSync(broken, '{"s":\n{"s":"k2","t":1}\n')
    assert.throws(() => new StateStore(broken), /broken\.json:1: not JSON/)
  })
})

describe('mentions', () => {
  let s
  before(async () => { s = await setup() })
  after(async () => { await s.close() })

  const ack = '已登记为工单#1001（公共设施），由第1网格处理，有进展会在群里告诉您。'

  test('plain_text + mentions: room.say(plain_text, contact) — "@name" shows once, a real mention', async () => {
    const r = await postSigned(s.sendUrl, {
      id: 'm-1', room: 'b5@chatroom', text: `@李阿姨 ${ack}`, mentions: ['wxid_li'], plain_text: ack,
    })
    assert.equal(r.status, 200, r.body)
    const [shown] = s.world.botSaid('b5@chatroom').slice(-1)
    assert.equal(shown.text, `@李阿姨 ${ack}`)
    assert.equal(countOf(shown.text, '@李阿姨'), 1)
    const [call] = s.world.sent.slice(-1)
    assert.deepEqual(call.mentionIdList, ['wxid_li'], 'WeChat notifies 李阿姨')
  })

  test('two mentions: each "@name" once', async () => {
    const plain = '您反映的问题已由网格长孙师傅受理。'
    const r = await postSigned(s.sendUrl, {
      id: 'm-2', room: 'b5@chatroom', text: `@李阿姨 @赵大爷 ${plain}`, mentions: ['wxid_li', 'wxid_zhao'], plain_text: plain,
    })
    assert.equal(r.status, 200, r.body)
    const [shown] = s.world.botSaid('b5@chatroom').slice(-1)
    assert.equal(shown.text, `@李阿姨${FOUR_PER_EM_SPACE}@赵大爷 ${plain}`)
    assert.equal(countOf(shown.text, '@李阿姨'), 1)
    assert.equal(countOf(shown.text, '@赵大爷'), 1)
    assert.deepEqual(s.world.sent.at(-1).mentionIdList, ['wxid_li', 'wxid_zhao'])
  })

  test('mentions without plain_text: the text is said as it is (no second "@name")', async () => {
    const text = `@李阿姨 ${ack}`
    const r = await postSigned(s.sendUrl, { id: 'm-3', room: 'b5@chatroom', text, mentions: ['wxid_li'] })
    assert.equal(r.status, 200, r.body)
    const [shown] = s.world.botSaid('b5@chatroom').slice(-1)
    assert.equal(shown.text, text)
    assert.equal(countOf(shown.text, '@李阿姨'), 1)
    assert.deepEqual(s.world.sent.at(-1).mentionIdList, [])
  })

  test('plain_text without mentions: the text is said as it is', async () => {
    const r = await postSigned(s.sendUrl, { id: 'm-4', room: 'b5@chatroom', text: '通知：今晚停水', mentions: [], plain_text: '通知：今晚停水' })
    assert.equal(r.status, 200)
    assert.equal(s.world.botSaid('b5@chatroom').at(-1).text, '通知：今晚停水')
  })

  test('a mention id that does not resolve is skipped (and logged)', async () => {
    const plain = '请两位留意。'
    const r = await postSigned(s.sendUrl, {
      id: 'm-5', room: 'b5@chatroom', text: `@李阿姨 @某人 ${plain}`, mentions: ['wxid_li', 'wxid_gone'], plain_text: plain,
    })
    assert.equal(r.status, 200, r.body)
    assert.equal(s.world.botSaid('b5@chatroom').at(-1).text, `@李阿姨 ${plain}`)
    assert.deepEqual(s.world.sent.at(-1).mentionIdList, ['wxid_li'])
    assert.ok(s.logger.lines.some(l => l.includes('m-5') && l.includes('wxid_gone')), s.logger.lines.join('\n'))
  })

  test('when no mention id resolves, the text is said as it is (the names are not lost)', async () => {
    const text = '@某人 请留意。'
    const r = await postSigned(s.sendUrl, { id: 'm-6', room: 'b5@chatroom', text, mentions: ['wxid_gone'], plain_text: '请留意。' })
    assert.equal(r.status, 200, r.body)
    assert.equal(s.world.botSaid('b5@chatroom').at(-1).text, text)
  })

  test('every message the bot said in these tests shows each "@name" at most once', () => {
    for (const m of s.world.botSaid('b5@chatroom')) {
      for (const name of new Set(atNames(m.text))) assert.equal(countOf(m.text, name), 1, m.text)
    }
  })
})

// ---------------------------------------------------------------------------------------------

describe('inbound', () => {
  test('a room message is posted signed with id, room, talker, text, mentions, timestamp, self', async () => {
    const s = await setup()
    try {
      const { world, stub } = s
      world.people.wxid_li.say('我私聊你').to(world.me) // not a room message: ignored
      world.people.wxid_li.say('@网格助手 5栋2单元楼道灯坏了', [world.me]).to(world.rooms['b5@chatroom'])
      await waitFor(() => stub.requests.length >= 1, { what: 'the hook to be called' })
      await new Promise(resolve => setTimeout(resolve, 100))
      assert.equal(stub.requests.length, 1, 'only the room message')
      const req = stub.requests[0]
      assert.equal(req.url, '/hook/bridge')
      assert.deepEqual(verify(SECRET, req.headers, req.raw), { ok: true })
      const body = JSON.parse(req.raw)
      assert.equal(typeof body.id, 'string')
      assert.deepEqual(body.room, { id: 'b5@chatroom', topic: '5栋业主群' })
      assert.deepEqual(body.talker, { id: 'wxid_li', name: '李阿姨' })
      assert.equal(body.text, '@网格助手 5栋2单元楼道灯坏了')
      assert.deepEqual(body.mentions, ['wxid_gridbot'])
      assert.ok(Math.abs(body.timestamp - nowS()) < 10)
      assert.equal(body.self, false)

      // what the bot says itself comes back with self: true
      assert.equal((await postSigned(s.sendUrl, { id: 'o-echo', room: 'b5@chatroom', text: '收到', mentions: [] })).status, 200)
      await waitFor(() => stub.requests.length >= 2, { what: 'the echo' })
      const echo = JSON.parse(stub.requests[1].raw)
      assert.equal(echo.self, true)
      assert.equal(echo.talker.id, 'wxid_gridbot')
      assert.equal(echo.text, '收到')
      assert.equal(s.bridge.state.pending.size, 0)
    } finally {
      await s.close()
    }
  })

  test('5xx and 429 are retried with the same id, re-signed with a fresh timestamp', async () => {
    const codes = [503, 500, 429, 200]
    const stub = await stubHook({ answer: n => codes[n - 1] ?? 200 })
    const s = await setup({ gridbotUrl: stub.url })
    try {
      s.world.people.wxid_zhao.say('我们5栋楼道灯也不亮了').to(s.world.rooms['b5@chatroom'])
      await waitFor(() => stub.requests.length >= 4, { what: 'four attempts' })
      await waitFor(() => s.bridge.state.pending.size === 0, { what: 'pending to clear' })
      await new Promise(resolve => setTimeout(resolve, 150))
      assert.equal(stub.requests.length, 4, 'no attempt after the 200')
      const ids = new Set(stub.requests.map(r => JSON.parse(r.raw).id))
      assert.equal(ids.size, 1)
      for (const r of stub.requests) assert.deepEqual(verify(SECRET, r.headers, r.raw), { ok: true })
      assert.ok(s.logger.lines.filter(l => l.includes('retrying')).length === 3, s.logger.lines.join('\n'))
    } finally {
      await s.close()
      await stub.close()
    }
  })

  test('a network error is retried until gridbot is up', async () => {
    const port = await freePort()
    const s = await setup({ gridbotUrl: `http://127.0.0.1:${port}/hook/bridge` })
    let stub
    try {
      s.world.people.wxid_li.say('停电了吗').to(s.world.rooms['b5@chatroom'])
      await waitFor(() => s.logger.lines.some(l => l.includes('transport')), { what: 'a failed attempt' })
      stub = await stubHook({ port })
      await waitFor(() => stub.requests.length >= 1, { what: 'delivery after gridbot came up' })
      assert.equal(JSON.parse(stub.requests[0].raw).text, '停电了吗')
      await waitFor(() => s.bridge.state.pending.size === 0, { what: 'pending to clear' })
    } finally {
      await s.close()
      await stub?.close()
    }
  })

  test('another 4xx gives up with a log line and the next message still goes', async () => {
    const stub = await stubHook({ answer: n => (n === 1 ? 400 : 200) })
    const s = await setup({ gridbotUrl: stub.url })
    try {
      const room = s.world.rooms['b5@chatroom']
      s.world.people.wxid_li.say('第一条').to(room)
      s.world.people.wxid_li.say('第二条').to(room)
      await waitFor(() => stub.requests.length >= 2, { what: 'two requests' })
      await new Promise(resolve => setTimeout(resolve, 150))
      assert.deepEqual(stub.requests.map(r => JSON.parse(r.raw).text), ['第一条', '第二条'])
      const line = s.logger.lines.find(l => l.includes('giving up'))
      assert.ok(line && line.includes('HTTP 400'), s.logger.lines.join('\n'))
      assert.equal(s.bridge.state.pending.size, 0)
    } finally {
      await s.close()
      await stub.close()
    }
  })

  test('a message gridbot has not acknowledged is resent by the next run (STATE_FILE)', async () => {
    const down = await stubHook({ answer: () => 503 })
    const stateFile = tmpFile('inbound.json')
    const world = mockWorld({ contacts: PEOPLE, rooms: ROOMS })
    await world.wechaty.start()
    world.login()
    await waitFor(() => world.wechaty.isLoggedIn, { what: 'login' })
    const opts = { wechaty: world.wechaty, secret: SECRET, listen: '127.0.0.1:0', stateFile, retry: RETRY }
    try {
      const first = createBridge({ ...opts, gridbotUrl: down.url, logger: memoryLogger() })
      await first.start()
      world.people.wxid_li.say('5栋电梯困人了').to(world.rooms['b5@chatroom'])
      await waitFor(() => down.requests.length >= 2, { what: 'attempts while gridbot is down' })
      await first.stop()
      const saved = [...new StateStore(stateFile).pending.values()]
      assert.equal(saved.length, 1)
      assert.equal(saved[0].text, '5栋电梯困人了')

      const up = await stubHook()
      const logger = memoryLogger()
      const second = createBridge({ ...opts, gridbotUrl: up.url, logger })
      await second.start()
      await waitFor(() => up.requests.length >= 1, { what: 'the resend' })
      const body = JSON.parse(up.requests[0].raw)
      assert.equal(body.id, saved[0].id)
      assert.equal(body.text, '5栋电梯困人了')
      assert.deepEqual(verify(SECRET, up.requests[0].headers, up.requests[0].raw), { ok: true })
      await waitFor(() => second.state.pending.size === 0, { what: 'pending to clear' })
      await second.stop()
      await up.close()
      assert.equal(new StateStore(stateFile).pending.size, 0)
    } finally {
      await world.wechaty.stop()
      await down.close()
    }
  })
})
