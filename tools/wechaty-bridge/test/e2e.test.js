// End-to-end: the real gridbot binary (GRIDBOT_BIN) <-> this bridge <-> Wechaty on
// wechaty-puppet-mock. A resident reports a broken stair light in the 5栋 room; the room must get
// gridbot's acknowledgement ("工单#") with each "@name" exactly once, and the resident must be
// @-mentioned for real (Wechaty's mention list), which needs gridbot's outbound "plain_text".
//
// Between gridbot and the bridge sits a recording pass-through, so that a failure can show what
// gridbot actually sent.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createBridge } from '../bridge.js'
import { atNames, countOf, memoryLogger, mockWorld, waitFor } from './support/world.js'
import { e2eSkipReason, startGridbot } from './support/gridbot.js'

const SECRET = 'e2e-bridge-secret-0123'
const BOT = { id: 'wxid_gridbot', name: '网格助手' }
const REPORT = '5栋2单元楼道灯坏了好几天了'

const skip = e2eSkipReason()
if (skip) console.log(`wechaty-bridge e2e: ${skip}`)

/** Forwards gridbot's outbound POSTs to the bridge unchanged and keeps their bodies. */
async function recordingPassThrough () {
  let targetPort = 0 // set once the bridge listens
  const bodies = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', async () => {
      const raw = Buffer.concat(chunks)
      bodies.push(raw.toString('utf8'))
      try {
        const pass = ['content-type', 'x-gridbot-timestamp', 'x-gridbot-signature', 'idempotency-key']
        const headers = Object.fromEntries(pass.filter(h => req.headers[h]).map(h => [h, req.headers[h]]))
        const r = await fetch(`http://127.0.0.1:${targetPort}${req.url}`, { method: req.method, headers, body: raw })
        const text = await r.text()
        const out = { 'Content-Type': 'application/json' }
        if (r.headers.get('retry-after')) out['Retry-After'] = r.headers.get('retry-after')
        res.writeHead(r.status, out)
        res.end(text)
      } catch (e) {
        res.writeHead(502)
        res.end(String(e.cause?.code || e.message))
      }
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: server.address().port,
    bodies,
    target: port => { targetPort = port },
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

if (skip) test('end-to-end with the gridbot binary', { skip }, () => {})
else describe('end-to-end with the gridbot binary', { timeout: 180000 }, () => {
  let dir, world, bridge, gridbot, pass
  let ack // what the 5栋 room showed from the bot
  const gridbotLog = () => (gridbot ? '\n--- gridbot log (tail) ---\n' + gridbot.log().split('\n').slice(-30).join('\n') : '')
  const outbound = () => pass.bodies.map(b => { try { return JSON.parse(b) } catch { return { raw: b } } })

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wechaty-bridge-e2e-'))
    world = mockWorld({
      self: BOT,
      contacts: [
        { id: 'wxid_li', name: '李阿姨' },
        { id: 'wxid_b5_head', name: '谭师傅' },
        { id: 'wxid_g1_head', name: '孙师傅' },
        { id: 'wxid_g1_worker', name: '梁师傅' },
        { id: 'wxid_g1_property', name: '曾师傅' },
      ],
      rooms: [
        { id: 'b5@chatroom', topic: '5栋业主群', members: ['wxid_li', 'wxid_b5_head'] },
        { id: 'g1@chatroom', topic: '第1网格工作群', members: ['wxid_g1_head', 'wxid_g1_worker', 'wxid_g1_property'] },
      ],
    })
    pass = await recordingPassThrough()
    gridbot = await startGridbot({
      dir,
      secret: SECRET,
      outboundUrl: `http://127.0.0.1:${pass.port}/send`,
      botId: BOT.id,
    })
    bridge = createBridge({
      wechaty: world.wechaty,
      gridbotUrl: gridbot.url('/hook/bridge'),
      secret: SECRET,
      listen: '127.0.0.1:0',
      stateFile: path.join(dir, 'bridge-state.json'),
      logger: memoryLogger(),
      retry: { initialMs: 100, maxMs: 1000 },
    })
    await bridge.start()
    pass.target(bridge.address().port)
    world.login()
    await waitFor(() => world.wechaty.isLoggedIn, { what: 'the mock account to log in' })

    world.people.wxid_li.say(REPORT).to(world.rooms['b5@chatroom'])
    try {
      ack = await waitFor(() => world.botSaid('b5@chatroom').find(m => m.text.includes('工单#')),
        { timeoutMs: 60000, stepMs: 50, what: 'the acknowledgement in the 5栋 room' })
    } catch (e) {
      e.message += `\noutbound so far: ${JSON.stringify(outbound())}${gridbotLog()}`
      throw e
    }
  })

  after(async () => {
    await bridge?.stop()
    const exit = await gridbot?.stop()
    await pass?.close()
    if (exit && exit.code !== 0) console.log(`gridbot exit ${JSON.stringify(exit)}${gridbotLog()}`)
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  test('the report reached gridbot through the bridge and was stored', async () => {
    const r = await gridbot.api('/api/v1/messages?limit=100')
    assert.equal(r.status, 200)
    assert.ok(r.body.includes(REPORT), r.body)
  })

  test('the 5栋 room receives the acknowledgement (工单#), once', async () => {
    assert.ok(ack.text.includes('工单#'), ack.text)
    // settle: a second copy (a resend posted twice) or an answer to the bot's own echo would show now
    await new Promise(resolve => setTimeout(resolve, 1500))
    const acks = world.botSaid('b5@chatroom').filter(m => m.text.includes('工单#'))
    assert.equal(acks.length, 1, JSON.stringify(acks))
  })

  test('each "@name" in the acknowledgement appears exactly once', () => {
    const names = atNames(ack.text)
    assert.ok(names.includes('@李阿姨'), `the reporter is named: ${ack.text}`)
    for (const name of new Set(names)) {
      assert.equal(countOf(ack.text, name), 1, `${name} in ${JSON.stringify(ack.text)}`)
    }
  })

  test('the resident is @-mentioned for real (Wechaty mention list) — needs gridbot\'s "plain_text"', () => {
    const sentAck = world.sent.find(s => s.conversationId === 'b5@chatroom' && s.text.includes('工单#'))
    assert.ok(sentAck, 'the bridge said the acknowledgement')
    const out = outbound().find(b => b.room === 'b5@chatroom' && String(b.text).includes('工单#'))
    assert.ok(out, `gridbot posted the acknowledgement: ${JSON.stringify(outbound())}`)
    assert.deepEqual(out.mentions, ['wxid_li'], 'gridbot asks to mention the reporter')
    assert.equal(typeof out.plain_text, 'string',
      `gridbot's outbound JSON has no "plain_text" (the text without the @-mentions), so the bridge ` +
      `could only say the text as it is and WeChat does not notify 李阿姨. gridbot sent: ${JSON.stringify(out)}`)
    assert.ok(!out.plain_text.includes('@李阿姨'), `plain_text is the text without the @-mentions: ${JSON.stringify(out)}`)
    assert.deepEqual(sentAck.mentionIdList, ['wxid_li'], `said as ${JSON.stringify(sentAck)}`)
    assert.equal(countOf(sentAck.text, '@李阿姨'), 1, sentAck.text)
  })

  test('the grid room gets the relay, each "@name" once', async () => {
    const relay = await waitFor(() => world.botSaid('g1@chatroom').find(m => m.text.includes('工单#')),
      { timeoutMs: 30000, stepMs: 50, what: 'the relay in the grid room' })
    for (const name of new Set(atNames(relay.text))) {
      assert.equal(countOf(relay.text, name), 1, `${name} in ${JSON.stringify(relay.text)}`)
    }
  })

  test('gridbot records both sends delivered; the bridge holds nothing unacknowledged', async () => {
    await waitFor(async () => {
      const r = await gridbot.api('/api/v1/deliveries?limit=100&state=delivered')
      return r.status === 200 && r.body.includes('b5@chatroom') && r.body.includes('g1@chatroom')
    }, { timeoutMs: 20000, stepMs: 100, what: 'deliveries to be recorded delivered' })
    const failed = await gridbot.api('/api/v1/deliveries?limit=100&state=failed')
    assert.ok(!failed.body.includes('@chatroom'), failed.body)
    await waitFor(() => bridge.state.pending.size === 0, { timeoutMs: 10000, what: 'the inbound queue to drain' })
  })
})
