// A gridbot child process for the end-to-end test, configured like tests/e2e/harness.cpp does:
// loopback, port 0 with --port-file, its own store in a temp folder, fast outbox retries, the
// repository's rules, a small org CSV and one `bridge` channel.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO = path.resolve(here, '../../../..')
export const ORG_CSV = path.resolve(here, '../fixtures/org.csv')
export const API_TOKEN = 'e2e-api-token-0123456789'

/** Why the end-to-end test cannot run here, or '' when it can. */
export function e2eSkipReason () {
  const bin = process.env.GRIDBOT_BIN
  if (!bin) return 'GRIDBOT_BIN is not set (run.sh /path/to/gridbot sets it): end-to-end test skipped'
  try {
    fs.accessSync(bin, fs.constants.X_OK)
    if (!fs.statSync(bin).isFile()) throw new Error('not a file')
  } catch {
    return `GRIDBOT_BIN=${bin} is not an executable file: end-to-end test skipped`
  }
  if (!fs.existsSync(path.join(rulesDir(), 'templates.json'))) {
    return `no rules at ${rulesDir()} (set GRIDBOT_RULES): end-to-end test skipped`
  }
  return ''
}

export function rulesDir () {
  return path.resolve(process.env.GRIDBOT_RULES || path.join(REPO, 'rules'))
}

export async function startGridbot ({ dir, secret, outboundUrl, botId, startTimeoutMs = 60000 }) {
  const config = path.join(dir, 'gridbot.json')
  const portFile = path.join(dir, 'port')
  const logFile = path.join(dir, 'gridbot.log')
  fs.writeFileSync(config, JSON.stringify({
    server: { listen: '127.0.0.1', port: 0, drain_timeout_ms: 2000 },
    store: { path: path.join(dir, 'e2e.db') },
    outbox: { backoff_initial_ms: 100, backoff_max_ms: 500, poll_ms: 50 },
    api: { token: API_TOKEN },
    rules: { dir: rulesDir() },
    org: { files: [ORG_CSV] },
    log: { level: 'info' },
    channels: [{
      name: 'bridge',
      type: 'bridge',
      secret,
      outbound_url: outboundUrl,
      bot_id: botId,
      rate_per_minute: 1000,
    }],
  }, null, 2))
  const out = fs.openSync(logFile, 'a')
  const child = spawn(process.env.GRIDBOT_BIN, ['serve', '-c', config, '--port-file', portFile], {
    stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  const killOnExit = () => { try { child.kill('SIGKILL') } catch {} }
  process.on('exit', killOnExit)
  let exited = null
  child.on('exit', (code, sig) => { exited = { code, sig } })
  const log = () => { try { return fs.readFileSync(logFile, 'utf8') } catch { return '' } }

  const end = Date.now() + startTimeoutMs
  let port = 0
  while (!port) {
    if (exited) throw new Error(`gridbot exited during start-up (${JSON.stringify(exited)}):\n${log()}`)
    if (Date.now() > end) {
      child.kill('SIGKILL')
      throw new Error(`gridbot did not listen within ${startTimeoutMs} ms:\n${log()}`)
    }
    try { port = Number(fs.readFileSync(portFile, 'utf8').trim()) || 0 } catch {}
    if (!port) await new Promise(resolve => setTimeout(resolve, 50))
  }
  const url = p => `http://127.0.0.1:${port}${p}`
  return {
    port,
    url,
    log,
    async api (p) {
      const r = await fetch(url(p), { headers: { Authorization: `Bearer ${API_TOKEN}` } })
      return { status: r.status, body: await r.text() }
    },
    async stop () {
      process.off('exit', killOnExit)
      if (exited) return exited
      const done = new Promise(resolve => child.once('exit', (code, sig) => resolve({ code, sig })))
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 10000)
      const r = await done
      clearTimeout(t)
      return r
    },
  }
}
