// The world the browser test runs in: a stub bridge platform that records what gridbot posts into
// each group, a gridbot child process on loopback port 0 with its own store, the demo org and
// four console accounts (a grid head, a community head, a power company's controller, the
// street's admin), the command line on the same store, and signed posts of group messages as the
// bridge would send them.
import { spawn, execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO = path.resolve(here, '../../..')
export const SECRET = 'console-bridge-secret-0123'
export const API_TOKEN = 'console-api-token-0123456789'
export const ACCOUNTS = {
  grid: { name: 'sun', node: 'g1', role: 'operator', display: '孙师傅', password: 'grid-head-pass-01' },
  community: { name: 'liu', node: 'cm-mhd', role: 'operator', display: '刘书记', password: 'community-pass-01' },
  controller: { name: 'he', node: 'dep-power', role: 'controller', display: '何调度', password: 'controller-pass-01' },
  admin: { name: 'chen', node: 'st-zgl', role: 'admin', display: '陈主任', password: 'street-admin-pass-01' },
}

/** Why the test cannot run here, or ''. */
export function skipReason () {
  const bin = process.env.GRIDBOT_BIN
  if (!bin || !fs.existsSync(bin)) return 'GRIDBOT_BIN is not set or missing: console browser test skipped'
  if (!fs.existsSync(chromiumPath())) return `no Chromium at ${chromiumPath()}: console browser test skipped`
  return ''
}

export function chromiumPath () { return process.env.CHROMIUM || '/usr/bin/chromium' }

/** A bridge platform: records every post (room, text, id) and answers 200. */
export async function startStub () {
  const posts = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', c => { body += c })
    req.on('end', () => {
      try { posts.push(JSON.parse(body)) } catch {}
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"ok":true}')
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { posts, port: server.address().port, close: () => new Promise(resolve => server.close(resolve)) }
}

export async function startGridbot (dir, stubPort) {
  const config = path.join(dir, 'gridbot.json')
  fs.writeFileSync(config, JSON.stringify({
    server: { listen: '127.0.0.1', port: 0, drain_timeout_ms: 2000 },
    store: { path: path.join(dir, 'console.db') },
    outbox: { backoff_initial_ms: 100, backoff_max_ms: 500, poll_ms: 50 },
    api: { token: API_TOKEN },
    rules: { dir: path.join(REPO, 'rules') },
    console: { web_dir: path.join(REPO, 'web') },
    org: { files: [path.join(REPO, 'config/demo/org.csv')] },
    channels: [{ name: 'bridge', type: 'bridge', secret: SECRET, outbound_url: `http://127.0.0.1:${stubPort}/send`,
      bot_id: 'wxid_gridbot', rate_per_minute: 1000 }],
  }, null, 2))
  for (const a of Object.values(ACCOUNTS)) {
    execFileSync(process.env.GRIDBOT_BIN, ['user', 'add', a.name, '--node', a.node, '--role', a.role,
      '--display', a.display, '-c', config], { env: { ...process.env, GRIDBOT_PASSWORD: a.password } })
  }
  const portFile = path.join(dir, 'port')
  const logFile = path.join(dir, 'gridbot.log')
  const out = fs.openSync(logFile, 'a')
  const child = spawn(process.env.GRIDBOT_BIN, ['serve', '-c', config, '--port-file', portFile],
    { stdio: ['ignore', out, out] })
  fs.closeSync(out)
  const kill = () => { try { child.kill('SIGKILL') } catch {} }
  process.on('exit', kill)
  let exited = null
  child.on('exit', code => { exited = code })
  const end = Date.now() + 120000
  let port = 0
  while (!port) {
    if (exited !== null) throw new Error('gridbot exited:\n' + fs.readFileSync(logFile, 'utf8'))
    if (Date.now() > end) { kill(); throw new Error('gridbot did not listen in time') }
    try { port = Number(fs.readFileSync(portFile, 'utf8').trim()) || 0 } catch {}
    if (!port) await new Promise(resolve => setTimeout(resolve, 100))
  }
  const url = p => `http://127.0.0.1:${port}${p}`
  return {
    url,
    dir,
    /** `gridbot ARGS -c CONFIG` on the running server's store; its stdout. */
    cli (args, env = {}) {
      return execFileSync(process.env.GRIDBOT_BIN, [...args, '-c', config],
        { env: { ...process.env, ...env }, encoding: 'utf8' })
    },
    log: () => fs.readFileSync(logFile, 'utf8'),
    async api (p) {
      const r = await fetch(url(p), { headers: { Authorization: `Bearer ${API_TOKEN}` } })
      return { status: r.status, data: await r.json().catch(() => ({})) }
    },
    async stop () {
      process.off('exit', kill)
      if (exited !== null) return
      const done = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const t = setTimeout(kill, 10000)
      await done
      clearTimeout(t)
    },
  }
}

let seq = 0
/** Posts a group message as the bridge would (signed). */
export async function say (gridbot, room, talker, name, text) {
  const ts = String(Math.floor(Date.now() / 1000))
  const body = JSON.stringify({ id: `m${Date.now()}-${++seq}`, room: { id: room }, talker: { id: talker, name }, text, timestamp: Number(ts) })
  const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(ts + '\n' + body).digest('hex')
  const r = await fetch(gridbot.url('/hook/bridge'), { method: 'POST', body,
    headers: { 'Content-Type': 'application/json', 'X-Gridbot-Timestamp': ts, 'X-Gridbot-Signature': sig } })
  if (r.status !== 200) throw new Error(`hook answered ${r.status}: ${await r.text()}`)
}

export async function waitFor (fn, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
