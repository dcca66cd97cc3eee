// The CLI: configured by environment variables, it refuses to start without GRIDBOT_URL and
// BRIDGE_SECRET, serves on LISTEN with the puppet WECHATY_PUPPET names, and stops on SIGTERM.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { postSigned, waitFor } from './support/world.js'

const BRIDGE = fileURLToPath(new URL('../bridge.js', import.meta.url))

function run (env, cwd) {
  const child = spawn(process.execPath, [BRIDGE], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', d => { out += d })
  child.stderr.on('data', d => { out += d })
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited, out: () => out }
}

test('without GRIDBOT_URL and BRIDGE_SECRET it says what is missing and exits 2', async () => {
  const p = run({})
  const { code } = await p.exited
  assert.equal(code, 2)
  assert.match(p.out(), /set GRIDBOT_URL and BRIDGE_SECRET/)
})

test('node bridge.js with WECHATY_PUPPET=wechaty-puppet-mock serves LISTEN and stops on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wechaty-bridge-cli-'))
  const secret = 'cli-test-secret-0123456'
  const p = run({
    GRIDBOT_URL: 'http://127.0.0.1:9/hook/bridge',
    BRIDGE_SECRET: secret,
    LISTEN: '127.0.0.1:0', // the port it picks is in its start-up line
    WECHATY_PUPPET: 'wechaty-puppet-mock',
    STATE_FILE: path.join(dir, 'state.jsonl'),
  }, dir)
  try {
    const port = await waitFor(() => /outbound on http:\/\/127\.0\.0\.1:(\d+)\/send/.exec(p.out())?.[1],
      { timeoutMs: 30000, stepMs: 50, what: 'the start-up line' }).catch(e => {
      throw new Error(`${e.message}; its output:\n${p.out()}`)
    })
    const health = await waitFor(async () => {
      try { return await (await fetch(`http://127.0.0.1:${port}/healthz`)).json() } catch { return null }
    }, { timeoutMs: 20000, stepMs: 100, what: 'the CLI to listen' }).catch(e => {
      throw new Error(`${e.message}; its output:\n${p.out()}`)
    })
    assert.equal(health.ok, true)
    assert.equal(health.logged_in, false) // nobody scanned in the mock
    const send = { id: 'cli-1', room: 'r@chatroom', text: 'x', mentions: [] }
    assert.equal((await postSigned(`http://127.0.0.1:${port}/send`, send, { secret: 'wrong-secret-0123456789' })).status, 401)
    assert.equal((await postSigned(`http://127.0.0.1:${port}/send`, send, { secret })).status, 503)
    assert.ok(fs.existsSync(path.join(dir, 'state.jsonl')), 'STATE_FILE is created')
    p.child.kill('SIGTERM')
    const { code } = await p.exited
    assert.equal(code, 0, p.out())
    assert.match(p.out(), /SIGTERM: stopping/)
  } finally {
    p.child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
