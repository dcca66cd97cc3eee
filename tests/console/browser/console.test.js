// The console end to end in headless Chromium: a grid head accepts a ticket (the reporter's group
// hears it through the stub platform), a community head supervises it and exports the
// assessment, a controller approves an outage update (sent once, and a chat approval after it
// sends nothing), the street's admin previews and applies an org import and disables and enables
// an account (and the command line does too), and a grid head changes its password. Screenshots of every page at desktop and phone width go to $CONSOLE_SHOTS
// (default /tmp/console-shots).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import puppeteer from 'puppeteer-core'
import { ACCOUNTS, chromiumPath, say, skipReason, startGridbot, startStub, waitFor } from './world.js'

const SHOTS = process.env.CONSOLE_SHOTS || '/tmp/console-shots'
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844, deviceScaleFactor: 2 } }
const skip = skipReason() || false
let dir, stub, gridbot, browser, ticketNo

before(async () => {
  if (skip) return
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-console-'))
  fs.mkdirSync(SHOTS, { recursive: true })
  stub = await startStub()
  gridbot = await startGridbot(dir, stub.port)
  browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'] })
  // A resident reports in building 3's group; a crew posts an outage that waits for review.
  await say(gridbot, 'room-b3', 'wxid_res_li', '李阿姨', '报事 3栋2单元楼道灯坏了好几天了，晚上黑漆漆的')
  const t = await waitFor(async () => (await gridbot.api('/api/v1/tickets')).data.tickets?.[0], 'the ticket')
  ticketNo = t.no
  await say(gridbot, 'room-crew', 'wxid_crew_zhou', '周班长', '停电 10kV沙河线 预计19:30恢复 小区配电室开关柜故障')
  await waitFor(async () => (await gridbot.api('/api/v1/incidents/1')).data.updates?.[0]?.review === 'pending', 'the pending update')
})

after(async () => {
  if (skip) return
  await browser?.close()
  await gridbot?.stop()
  await stub?.close()
})

async function loggedIn (who) {
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  await page.setViewport(SIZES.desktop)
  await page.goto(gridbot.url('/console/'))
  await signIn(page, who)
  return { page, context }
}

async function signIn (page, who) {
  await page.waitForSelector('#login')
  const a = ACCOUNTS[who]
  await page.type('input[name=name]', a.name)
  await page.type('input[name=password]', a.password)
  await Promise.all([page.waitForSelector('#top:not([hidden])'), page.click('#login button')])
}

// Both widths of what the page shows now, as <who>-<name>-<width>.png.
async function shoot (page, who, name) {
  for (const [width, vp] of Object.entries(SIZES)) {
    await page.setViewport(vp)
    await new Promise(resolve => setTimeout(resolve, 150))
    await page.screenshot({ path: path.join(SHOTS, `${who}-${name}-${width}.png`), fullPage: true })
  }
  await page.setViewport(SIZES.desktop)
}

async function visit (page, hash, selector) {
  await page.goto(gridbot.url('/console/' + hash))
  try {
    await page.waitForSelector(selector, { timeout: 10000 })
  } catch (e) {
    throw new Error(`${hash}: no ${selector} in: ${await page.$eval('main', m => m.innerText).catch(() => '?')}`)
  }
}

const sentTo = room => stub.posts.filter(p => p.room === room)

test('the login page', { skip }, async () => {
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  await page.goto(gridbot.url('/console/'))
  await page.waitForSelector('#login')
  await shoot(page, 'anyone', 'login')
  await page.type('input[name=name]', 'sun')
  await page.type('input[name=password]', 'wrong-password-1')
  await page.click('#login button')
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '')
  assert.match(await page.$eval('#login-error', e => e.textContent), /错误/)
  await context.close()
})

test('a grid head accepts a ticket and the reporter hears it in their group', { skip }, async () => {
  const { page, context } = await loggedIn('grid')
  await visit(page, '#/board', '.ticket')
  assert.match(await page.$eval('.ticket', e => e.textContent), new RegExp(`#${ticketNo}`))
  await shoot(page, 'grid', 'board')
  await visit(page, `#/ticket/${ticketNo}`, '#action')
  await shoot(page, 'grid', 'ticket')
  const before = sentTo('room-b3').length
  await page.select('select[name=action]', 'accept')
  await page.click('#action button[type=submit]')
  await page.waitForFunction(() => /已受理/.test(document.getElementById('action-result')?.textContent || ''))
  // The reporter's building group is told, as if the grid head had typed 受理 in chat.
  const told = await waitFor(() => sentTo('room-b3').slice(before).find(p => p.text.includes(`#${ticketNo}`) && p.id.startsWith(`status:${ticketNo}:accepted`)), 'the reporter told')
  assert.ok(told.mentions.includes('wxid_res_li'))
  const t = (await gridbot.api(`/api/v1/tickets/${ticketNo}`)).data
  assert.equal(t.status, 'accepted')
  const accepted = t.history.find(e => e.kind === 'accepted')
  assert.equal(accepted.actor, 'console:sun')
  assert.equal(accepted.actor_name, '孙师傅')
  await page.waitForSelector('.timeline li')
  await shoot(page, 'grid', 'ticket-accepted')
  await visit(page, '#/health', 'h1')
  await shoot(page, 'grid', 'health')
  await visit(page, '#/org', 'table')
  await shoot(page, 'grid', 'org')
  // Without the CSRF token the same change is refused and changes nothing.
  const status = await page.evaluate(async no => (await fetch(`/console/api/tickets/${no}/actions`, {
    method: 'POST', body: JSON.stringify({ action: 'resolve', note: '已修好' }) })).status, ticketNo)
  assert.equal(status, 403)
  assert.equal((await gridbot.api(`/api/v1/tickets/${ticketNo}`)).data.status, 'accepted')
  await context.close()
})

test('a community head supervises the grid\'s ticket and exports the assessment', { skip }, async () => {
  const { page, context } = await loggedIn('community')
  await visit(page, '#/board', '.ticket')
  await visit(page, `#/ticket/${ticketNo}`, '#action')
  const before = sentTo('room-g1').length
  await page.select('select[name=action]', 'supervise')
  await page.type('textarea[name=note]', '请今天修好')
  await page.click('#action button[type=submit]')
  await page.waitForFunction(() => /督办/.test(document.getElementById('action-result')?.textContent || ''))
  // The holder (the grid) is pinged in its group.
  await waitFor(() => sentTo('room-g1').slice(before).find(p => p.text.includes(`#${ticketNo}`)), 'the grid pinged')
  assert.equal((await gridbot.api(`/api/v1/tickets/${ticketNo}`)).data.history.find(e => e.kind === 'supervised').actor, 'console:liu')
  await visit(page, '#/assessment', '.kpis')
  assert.match(await page.$eval('h1', e => e.textContent), /棉花地社区/)
  await shoot(page, 'community', 'assessment')
  const csv = await page.evaluate(async () => {
    const r = await fetch(document.getElementById('export-csv').href)
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() }
  })
  assert.equal(csv.status, 200)
  assert.match(csv.type, /text\/csv/)
  assert.match(csv.text, /棉花地社区/)
  assert.match(csv.text, /第1网格/)
  const xlsx = await page.evaluate(async () => {
    const r = await fetch(document.getElementById('export-xlsx').href)
    const b = new Uint8Array(await r.arrayBuffer())
    return { status: r.status, zip: b[0] === 0x50 && b[1] === 0x4b, size: b.length }
  })
  assert.equal(xlsx.status, 200)
  assert.ok(xlsx.zip, 'an XLSX is a zip file')
  await visit(page, '#/board', '.ticket')
  await shoot(page, 'community', 'board')
  await context.close()
})

test('a controller approves an outage update once; a chat approval after it sends nothing', { skip }, async () => {
  const { page, context } = await loggedIn('controller')
  await visit(page, '#/review', '.update')
  await shoot(page, 'controller', 'review')
  const inc = (await gridbot.api('/api/v1/incidents/1')).data
  const reachable = inc.targets.filter(t => t.reachable).length
  assert.ok(reachable > 0)
  await page.click('.update button.approve')
  await page.waitForFunction(() => /已通过/.test(document.querySelector('.update p.ok')?.textContent || ''))
  const notices = () => stub.posts.filter(p => p.id.startsWith('inc:1:u'))
  await waitFor(() => notices().length >= reachable, 'the notice in every target group')
  // The same update approved again in chat: nothing waits, nothing more is sent.
  await say(gridbot, 'room-power', 'wxid_ctrl_he', '何调度', '通过 E1')
  await waitFor(() => stub.posts.find(p => p.room === 'room-power' && /没有待审核/.test(p.text)), 'the chat answer')
  // And once more from the console: refused as already reviewed.
  const again = await page.evaluate(async () => {
    const me = await (await fetch('/console/api/me')).json()
    const r = await fetch('/console/api/incidents/1/updates/1/review', { method: 'POST',
      headers: { 'X-CSRF-Token': me.csrf }, body: JSON.stringify({ decision: 'approve' }) })
    return { status: r.status, body: await r.json() }
  })
  assert.equal(again.status, 409)
  assert.equal(again.body.result, 'not_pending')
  await new Promise(resolve => setTimeout(resolve, 500))
  const perRoom = {}
  for (const p of notices()) perRoom[p.room] = (perRoom[p.room] || 0) + 1
  assert.equal(Object.keys(perRoom).length, reachable)
  for (const [room, n] of Object.entries(perRoom)) assert.equal(n, 1, `${room} got the notice ${n} times`)
  assert.equal((await gridbot.api('/api/v1/incidents/1')).data.updates[0].reviewer, 'console:he')
  await visit(page, '#/review', 'h1')
  await shoot(page, 'controller', 'review-done')
  // A controller may not act on tickets, and the grid's ticket is outside its subtree anyway.
  const refused = await page.evaluate(async no => {
    const me = await (await fetch('/console/api/me')).json()
    const r = await fetch(`/console/api/tickets/${no}/actions`, { method: 'POST',
      headers: { 'X-CSRF-Token': me.csrf }, body: JSON.stringify({ action: 'resolve', note: 'x' }) })
    return r.status
  }, ticketNo)
  assert.equal(refused, 403)
  await context.close()
})

// The org CSV an admin uploads: 3栋 renamed, 65栋 added under the first grid.
const ORG_CSV = [
  'id,parent,level,name,households,groups,heads,feeders,transformers,dept,categories',
  'b3,g1,building,3栋（东）,51,bridge:room-b3,楼栋长:bridge:wxid_b3_head:崔师傅,10kV沙河线,棉花地1号台区,,',
  'b65,g1,building,65栋,20,bridge:room-b65,楼栋长:bridge:wxid_b65_head:严师傅,10kV沙河线,棉花地1号台区,,',
].join('\n') + '\n'

async function previewImport (page, file) {
  await visit(page, '#/org-import', '#import')
  await page.$eval('#import-result', e => e.replaceChildren())
  const input = await page.$('#import input[type=file]')
  await input.uploadFile(file)
  await page.select('#import select[name=mode]', 'merge')
  await page.click('#import button[type=submit]')
  await page.waitForSelector('#apply')
}

test('an admin previews an org import, applies it and sees the change in the org page', { skip }, async () => {
  const { page, context } = await loggedIn('admin')
  await visit(page, '#/org', '#to-import')
  await shoot(page, 'admin', 'org')
  // A bad row: the preview names its line and nothing can be applied.
  const bad = path.join(dir, 'bad.csv')
  fs.writeFileSync(bad, ORG_CSV + 'b66,g1,tower,66栋,10,,,,,,\n')
  await previewImport(page, bad)
  assert.match(await page.$eval('#import-errors', e => e.textContent), /bad\.csv:4: level "tower"/)
  assert.equal(await page.$eval('#apply', b => b.disabled), true)
  await shoot(page, 'admin', 'org-import-errors')
  // The good file: one building renamed, one added; nothing changes until 确认导入.
  const good = path.join(dir, 'org.csv')
  fs.writeFileSync(good, ORG_CSV)
  await previewImport(page, good)
  const rows = await page.$$eval('#changes tr.change', trs => trs.map(tr => tr.textContent))
  assert.equal(rows.length, 2)
  assert.match(rows[0], /修改.*3栋（东）（b3）.*名称：3栋 → 3栋（东）/)
  assert.match(rows[1], /新增.*65栋（b65）.*新增群：bridge:room-b65/)
  await shoot(page, 'admin', 'org-import-preview')
  const before = await page.evaluate(async () => (await (await fetch('/console/api/org?node=b3')).json()).nodes[0].name)
  assert.equal(before, '3栋')
  await page.click('#apply')
  await page.waitForFunction(() => /已导入/.test(document.getElementById('apply-result')?.textContent || ''))
  await shoot(page, 'admin', 'org-import-applied')
  // The running server answers from the new org at once.
  await visit(page, '#/org?node=g1', 'table')
  const org = await page.$eval('main', m => m.innerText)
  assert.match(org, /3栋（东）/)
  assert.match(org, /65栋/)
  await shoot(page, 'admin', 'org-after-import')
  // The same preview again: the org it was made on is gone.
  const again = await page.evaluate(async text => {
    const me = await (await fetch('/console/api/me')).json()
    const p = await (await fetch('/console/api/org/preview?mode=merge', { method: 'POST', headers: { 'X-CSRF-Token': me.csrf }, body: text })).json()
    await fetch('/console/api/org/apply?' + new URLSearchParams({ mode: 'merge', file_digest: p.file_digest, org_digest: p.org_digest }),
      { method: 'POST', headers: { 'X-CSRF-Token': me.csrf }, body: text })
    const stale = await fetch('/console/api/org/apply?' + new URLSearchParams({ mode: 'merge', file_digest: p.file_digest, org_digest: p.org_digest }),
      { method: 'POST', headers: { 'X-CSRF-Token': me.csrf }, body: text })
    return stale.status
  }, ORG_CSV.replace('65栋', '65号楼'))
  assert.equal(again, 409)
  await context.close()
})

test('an admin disables and enables an account, and so does the command line', { skip }, async () => {
  const grid = await loggedIn('grid')
  const { page, context } = await loggedIn('admin')
  await visit(page, '#/accounts', '#accounts')
  await shoot(page, 'admin', 'accounts')
  await page.click('tr[data-account=sun] button.disable')
  await page.waitForFunction(() => /已停用/.test(document.getElementById('account-result')?.textContent || ''))
  await page.waitForSelector('tr[data-account=sun] button.enable')
  await shoot(page, 'admin', 'accounts-disabled')
  // The grid head's open page is signed out at its next request.
  await grid.page.reload()
  await grid.page.waitForSelector('#login')
  await page.click('tr[data-account=sun] button.enable')
  await page.waitForSelector('tr[data-account=sun] button.disable')
  await signIn(grid.page, 'grid')
  // The command line on the same store: disabled at once for the running server too.
  assert.match(gridbot.cli(['user', 'disable', 'sun']), /disabled/)
  await grid.page.reload()
  await grid.page.waitForSelector('#login')
  assert.match(gridbot.cli(['user', 'enable', 'sun']), /enabled/)
  assert.match(gridbot.cli(['user', 'revoke', 'sun']), /0 token\(s\) revoked/)
  await signIn(grid.page, 'grid')
  const audit = await page.evaluate(async () => (await (await fetch('/console/api/audit?target=sun')).json()).audit.map(e => `${e.account} ${e.action}`))
  assert.deepEqual(audit.slice(0, 5), ['cli account.revoke', 'cli account.enable', 'cli account.disable', 'chen account.enable', 'chen account.disable'])
  await grid.context.close()
  await context.close()
})

test('a grid head changes their own password and signs in with the new one', { skip }, async () => {
  const { page, context } = await loggedIn('grid')
  await visit(page, '#/password', '#password')
  await shoot(page, 'grid', 'password')
  await page.type('#password input[name=current]', 'not-my-password-1')
  await page.type('#password input[name=password]', 'grid-head-pass-02')
  await page.type('#password input[name=again]', 'grid-head-pass-02')
  await page.click('#password button[type=submit]')
  await page.waitForFunction(() => /当前密码不对/.test(document.getElementById('password-result')?.textContent || ''))
  await page.$eval('#password input[name=current]', e => { e.value = '' })
  await page.type('#password input[name=current]', ACCOUNTS.grid.password)
  await page.click('#password button[type=submit]')
  await page.waitForFunction(() => /密码已修改/.test(document.getElementById('login-error')?.textContent || ''))
  await shoot(page, 'grid', 'password-changed')
  ACCOUNTS.grid.password = 'grid-head-pass-02'
  await signIn(page, 'grid')
  await visit(page, '#/board', 'h1')
  await context.close()
})
