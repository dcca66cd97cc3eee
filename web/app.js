// The console's page script: hash routes, one fetch helper (session cookie + CSRF header), and
// DOM built with textContent only (no HTML from data). No build step, no library.
'use strict'

const state = { me: null, route: 0 }
// A page's data that comes back after the user has moved on: dropped, never drawn over the page
// now shown.
class Stale extends Error {}
const LEVELS = { street: '街道', community: '社区', district: '片区', grid: '网格',
  building: '楼栋', department: '部门' }
const ROLES = { viewer: '查看', operator: '办理', controller: '调度审核', admin: '管理员' }
const ACTIONS = [['accept', '受理'], ['transfer', '转办'], ['escalate', '上报'],
  ['return', '退回'], ['resolve', '办结'], ['supervise', '督办']]
const CATEGORIES = { water: '供水', power: '供电', gas: '燃气', leak: '房屋渗漏', elevator: '电梯',
  facility: '公共设施', sanitation: '环境卫生', noise: '噪音扰民', parking: '停车交通',
  safety: '治安安全', fire: '消防', falling: '高空抛物坠物', dispute: '邻里纠纷',
  property: '物业与产权', road: '道路市政', greening: '园林绿化', vendor: '占道经营',
  care: '关爱帮扶', other: '其他' }
const STATUSES = { open: '未办结', all: '全部', new: '待受理', accepted: '已受理',
  transferred: '已转办', escalated: '已上报', returned: '已退回', resolved: '已办结',
  confirmed: '已确认', reopened: '已重新打开', closed: '已关闭' }
const EVENTS = { created: '登记', merged: '合并', relayed: '转送', refused: '未执行', accepted: '受理',
  transferred: '转办', escalated: '上报', returned: '退回', resolved: '办结', supervised: '督办',
  reopened: '重新打开', confirmed: '确认', closed: '关闭', warned: '预警', missed: '超时' }
const CLOCK_STATES = { pending: '计时中', warned: '已预警', missed: '已超时', done: '已结束' }
const MEDIA_KINDS = { image: '照片', voice: '语音', file: '文件' }
const MEDIA_STATES = { pending: '下载中', failed: '未能下载', expired: '已过保存期' }
const DELIVERY = { pending: '待发', delivered: '已送达', failed: '失败', disabled: '停用',
  superseded: '已替换', awaiting: '待确认' }

function h (tag, attrs, ...kids) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k === 'class') el.className = v
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : v)
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)))
  }
  return el
}

function time (ms) {
  if (!ms) return '—'
  const d = new Date(ms)
  const p = n => String(n).padStart(2, '0')
  return `${d.getMonth() + 1}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
function pct (v) { return v === null || v === undefined ? '—' : `${v}%` }
function options (map, chosen) {
  return Object.entries(map).map(([v, t]) => h('option', { value: v, selected: v === chosen }, t))
}

// body: an object sent as JSON; raw: a File sent as its bytes (an org CSV, checked as UTF-8 by
// the server, so a GBK file is refused rather than garbled).
async function api (path, { method = 'GET', body, raw } = {}) {
  const route = state.route
  const headers = {}
  if (method !== 'GET') {
    headers['Content-Type'] = raw ? 'text/csv' : 'application/json'
    if (state.me) headers['X-CSRF-Token'] = state.me.csrf
  }
  const r = await fetch('/console/api/' + path, {
    method, headers, body: raw || (body ? JSON.stringify(body) : undefined), credentials: 'same-origin'
  })
  let data = {}
  try { data = await r.json() } catch {}
  if (r.status === 401 && path !== 'login') {
    state.me = null
    showLogin()
    throw new Error('未登录')
  }
  if (method === 'GET' && route !== state.route) throw new Stale()
  return { status: r.status, data }
}

const main = () => document.getElementById('main')
function page (...kids) { main().replaceChildren(...kids.flat(2).filter(k => k !== null && k !== undefined && k !== false)) }

function showLogin () {
  document.getElementById('top').hidden = true
  const form = document.getElementById('login-tpl').content.cloneNode(true)
  page(form)
  document.getElementById('login').addEventListener('submit', async e => {
    e.preventDefault()
    const f = new FormData(e.target)
    const r = await api('login', { method: 'POST', body: { name: f.get('name'), password: f.get('password') } })
    if (r.status === 200) {
      state.me = r.data
      if (!location.hash || location.hash === '#/login') location.hash = '#/board'
      route()
    } else {
      document.getElementById('login-error').className = 'error'
      document.getElementById('login-error').textContent =
        r.status === 429 ? '失败次数过多，请稍后再试' : '账号或密码错误'
    }
  })
}

// The board: tickets of the subtree, overdue and about-to-miss first.
async function board (params) {
  const q = new URLSearchParams(params)
  const r = await api('tickets?' + q)
  const form = h('form', { class: 'card filters', id: 'filters' },
    h('label', {}, '状态', h('select', { name: 'status' }, options(STATUSES, params.status || 'open'))),
    h('label', {}, '类别', h('select', { name: 'category' }, h('option', { value: '' }, '全部'), options(CATEGORIES, params.category))),
    h('label', {}, '层级', h('select', { name: 'level' }, h('option', { value: '' }, '全部'),
      options({ building: '楼栋', grid: '网格', district: '片区', community: '社区', street: '街道' }, params.level))),
    h('label', {}, '搜索', h('input', { name: 'q', value: params.q || '', placeholder: '单号、内容、楼栋' })),
    h('button', { type: 'submit', class: 'primary' }, '筛选'))
  form.addEventListener('submit', e => {
    e.preventDefault()
    const f = new URLSearchParams(new FormData(form))
    for (const [k, v] of [...f]) if (!v) f.delete(k)
    location.hash = '#/board?' + f
  })
  const list = (r.data.tickets || []).map(t => h('li', {},
    h('a', { class: `card ticket ${t.due}`, href: `#/ticket/${t.no}` },
      h('div', { class: 'row' },
        h('span', { class: 'no' }, `#${t.no}`),
        h('span', { class: 'tag' }, t.status_label),
        h('span', { class: 'tag' }, t.category_label),
        h('span', { class: 'tag' }, t.tier_label),
        t.urgent && h('span', { class: 'tag red' }, '紧急'),
        t.supervised && h('span', { class: 'tag orange' }, '督办'),
        t.due === 'overdue' && h('span', { class: 'tag red' }, '已超时'),
        t.due === 'soon' && h('span', { class: 'tag orange' }, '即将超时')),
      h('p', { class: 'text' }, t.text),
      h('div', { class: 'row muted' }, h('span', {}, t.origin_name), h('span', {}, '办理：' + t.holder_name),
        h('span', {}, `反映人 ${t.reporters}`), h('span', {}, '期限 ' + time(t.next_due_ms))))))
  page(h('h1', {}, `工单 · ${r.data.node_name || ''}`), form,
    list.length ? h('ul', { class: 'tickets' }, list) : h('p', { class: 'card muted' }, '没有符合条件的工单'))
}

async function ticket (no) {
  const r = await api('tickets/' + no)
  if (r.status !== 200) return page(h('p', { class: 'card error' }, '没有找到这个工单'))
  const { ticket: t, reporters, media = [], history, deadlines, messages } = r.data
  const may = state.me.role === 'operator' || state.me.role === 'admin'
  const result = h('p', { class: 'result', id: 'action-result' })
  let actionForm = null
  if (may) {
    const target = h('input', { name: 'target', placeholder: '转给：物业 / 供电 / 供水 …' })
    actionForm = h('form', { class: 'card actions', id: 'action' },
      h('h2', {}, '办理'),
      h('div', { class: 'row' },
        h('label', {}, '操作', h('select', { name: 'action' }, ACTIONS.map(([v, l]) => h('option', { value: v }, l)))),
        h('label', {}, '转办对象', target)),
      h('label', {}, '说明', h('textarea', { name: 'note', rows: 2 })),
      h('button', { type: 'submit', class: 'primary' }, '提交'), result)
    actionForm.addEventListener('submit', async e => {
      e.preventDefault()
      const f = new FormData(actionForm)
      const res = await api(`tickets/${no}/actions`, { method: 'POST',
        body: { action: f.get('action'), note: f.get('note'), target: f.get('target') } })
      result.className = res.status === 200 ? 'ok' : 'error'
      result.textContent = res.data.answer || res.data.detail || '失败'
      const here = location.hash
      if (res.status === 200) setTimeout(() => location.hash === here && ticket(no).then(() => {
        const again = document.getElementById('action-result')
        if (again) { again.className = 'ok'; again.textContent = res.data.answer }
      }), 300)
    })
  }
  page(
    h('h1', {}, `工单 #${t.no}`),
    h('div', { class: 'card' },
      h('div', { class: 'row' }, h('span', { class: 'tag' }, t.status_label), h('span', { class: 'tag' }, t.category_label),
        h('span', { class: 'tag' }, t.tier_label), t.urgent && h('span', { class: 'tag red' }, '紧急'),
        t.supervised && h('span', { class: 'tag orange' }, '督办')),
      h('p', { class: 'text' }, t.text),
      h('div', { class: 'row muted' }, h('span', {}, '来自 ' + t.origin_name), h('span', {}, '办理：' + t.holder_name),
        h('span', {}, '创建 ' + time(t.created_ms)))),
    actionForm,
    media.length > 0 && h('h2', {}, '照片和附件'),
    media.length > 0 && h('div', { class: 'card row media' }, media.map(m =>
      m.url && m.type === 'image' && m.state === 'stored'
        ? h('a', { href: m.url, target: '_blank', rel: 'noopener' }, h('img', { class: 'thumb', src: m.url, alt: '照片', loading: 'lazy' }))
        : m.url ? h('a', { href: m.url, target: '_blank', rel: 'noopener' }, MEDIA_KINDS[m.type] || m.type)
          : h('span', { class: 'muted' }, (MEDIA_KINDS[m.type] || m.type) + (MEDIA_STATES[m.state] ? '（' + MEDIA_STATES[m.state] + '）' : '')))),
    h('h2', {}, '反映人'),
    h('div', { class: 'card' }, reporters.map(p => h('div', { class: 'row' }, h('span', {}, p.name), h('span', { class: 'muted' }, p.group), h('span', { class: 'muted' }, time(p.joined_ms))))),
    h('h2', {}, '期限'),
    h('div', { class: 'card scroll' }, h('table', {}, h('tr', {}, h('th', {}, '时限'), h('th', {}, '责任单位'), h('th', {}, '到期'), h('th', {}, '状态')),
      deadlines.map(d => h('tr', {}, h('td', {}, d.clock_label), h('td', {}, d.holder), h('td', {}, time(d.due_ms)), h('td', {}, CLOCK_STATES[d.state] || d.state))))),
    h('h2', {}, '办理记录'),
    h('ul', { class: 'card timeline' }, history.map(e => h('li', {},
      h('div', { class: 'row muted' }, h('span', {}, time(e.at_ms)), h('span', {}, e.actor_name), h('span', { class: 'tag' }, EVENTS[e.kind] || e.kind_label)),
      e.detail && h('div', {}, e.detail)))),
    h('h2', {}, '群消息'),
    h('ul', { class: 'card timeline' }, messages.map(m => h('li', { class: m.outgoing ? 'msg out' : 'msg' },
      h('div', { class: 'row muted' }, h('span', {}, time(m.at_ms)), h('span', {}, m.outgoing ? '机器人' : m.who),
        m.outgoing && h('span', { class: 'tag' }, DELIVERY[m.state] || m.state)),
      h('div', { class: 'text' }, m.text)))))
}

// The review queue: updates waiting for a controller.
async function review () {
  const r = await api('incidents?pending=1')
  const may = state.me.role === 'controller' || state.me.role === 'admin'
  const cards = (r.data.incidents || []).map(i => h('div', { class: 'card' },
    h('div', { class: 'row' }, h('span', { class: 'no' }, i.label), h('span', { class: 'tag red' }, i.kind_label),
      h('span', {}, i.scope)),
    h('div', { class: 'row muted' }, h('span', {}, `影响 ${i.reachable_groups}/${i.groups} 个群`),
      h('span', {}, `${i.households} 户`), h('span', {}, `关联报事 ${i.linked_reports}`),
      i.expected_restore && h('span', {}, '预计恢复 ' + i.expected_restore)),
    i.updates.filter(u => u.review === 'pending').map(u => {
      const reason = h('input', { name: 'reason', placeholder: '驳回原因' })
      const out = h('p', {})
      const decide = async decision => {
        const res = await api(`incidents/${i.no}/updates/${u.id}/review`, { method: 'POST', body: { decision, reason: reason.value } })
        out.className = res.status === 200 ? 'ok' : 'error'
        out.textContent = res.status === 200
          ? (decision === 'approve' ? `已通过，发往 ${res.data.groups} 个群` : '已驳回')
          : ({ not_pending: '这条已被审核过', need_reason: '请写驳回原因' }[res.data.result] || res.data.detail || '失败')
        if (res.status === 200) setTimeout(() => location.hash.startsWith('#/review') && review(), 800)
      }
      return h('div', { class: 'card update', 'data-update': u.id },
        h('div', { class: 'row muted' }, h('span', { class: 'tag' }, u.kind_label), h('span', {}, u.author), h('span', {}, time(u.created_ms))),
        h('p', { class: 'text' }, u.text),
        u.photo_url && h('p', {}, h('a', { href: u.photo_url, target: '_blank', rel: 'noopener noreferrer' }, '查看照片')),
        may && h('div', { class: 'row' },
          h('button', { type: 'button', class: 'primary approve', onclick: () => decide('approve') }, '通过'),
          reason,
          h('button', { type: 'button', class: 'danger reject', onclick: () => decide('reject') }, '驳回')),
        out)
    })))
  page(h('h1', {}, '待审核的停电/突发通知'), cards.length ? cards : h('p', { class: 'card muted' }, '没有待审核的通知'))
}

// Assessment: rates of a node and period, its children, categories and weeks; CSV/XLSX.
async function assessment (params) {
  const q = new URLSearchParams(params)
  const r = await api('assessment?' + q)
  const d = r.data
  if (r.status !== 200) return page(h('p', { class: 'card error' }, d.detail || '无法统计'))
  const form = h('form', { class: 'card filters' },
    h('label', {}, '从', h('input', { type: 'date', name: 'from', value: params.from || d.from_date })),
    h('label', {}, '到', h('input', { type: 'date', name: 'to', value: params.to || d.to_date })),
    h('button', { type: 'submit', class: 'primary' }, '统计'))
  form.addEventListener('submit', e => {
    e.preventDefault()
    const f = new URLSearchParams(new FormData(form))
    if (params.node) f.set('node', params.node)
    location.hash = '#/assessment?' + f
  })
  const t = d.total
  const kpi = (label, v) => h('div', { class: 'card kpi' }, h('div', { class: 'muted' }, label), h('div', { class: 'v' }, v))
  const rows = list => list.map(f => h('tr', {},
    h('td', {}, f.level && f.level !== 'building' && f.level !== 'department'
      ? h('a', { href: `#/assessment?node=${encodeURIComponent(f.key)}&from=${d.from_date}&to=${d.to_date}` }, f.name) : f.name),
    h('td', {}, f.received), h('td', {}, pct(f.response_rate)), h('td', {}, pct(f.resolve_rate)),
    h('td', {}, pct(f.satisfaction_rate)), h('td', {}, pct(f.met_rate)),
    h('td', {}, f.median_accept_h ?? '—'), h('td', {}, f.median_resolve_h ?? '—')))
  const head = h('tr', {}, ['名称', '收到', '响应率', '解决率', '满意率', '按时率', '受理中位(时)', '办结中位(时)'].map(x => h('th', {}, x)))
  const table = (title, list) => [h('h2', {}, title), h('div', { class: 'card scroll' }, h('table', {}, head.cloneNode(true), rows(list)))]
  const max = Math.max(1, ...d.weeks.map(w => w.received))
  const weeks = d.weeks.map(w => {
    const bar = h('div', { class: 'bar' })
    bar.style.width = `${(100 * w.received / max).toFixed(0)}%`
    return h('tr', {}, h('td', {}, w.name), h('td', {}, w.received), h('td', { class: 'barcell' }, bar), h('td', {}, pct(w.resolve_rate)))
  })
  const link = fmt => { const x = new URLSearchParams(params); return `/console/api/assessment.${fmt}?${x}` }
  page(h('h1', {}, `考核 · ${t.name}`), form,
    h('div', { class: 'kpis' }, kpi('收到', t.received), kpi('响应率', pct(t.response_rate)), kpi('解决率', pct(t.resolve_rate)),
      kpi('满意率', pct(t.satisfaction_rate)), kpi('按时率', pct(t.met_rate)), kpi('办结中位(时)', t.median_resolve_h ?? '—')),
    h('p', {}, h('a', { href: link('csv'), id: 'export-csv' }, '导出 CSV'), ' · ', h('a', { href: link('xlsx'), id: 'export-xlsx' }, '导出 Excel')),
    table('下级对比', d.children), table('按网格', d.grids), table('按类别', d.categories),
    h('h2', {}, '按周趋势'),
    h('div', { class: 'card scroll' }, h('table', {}, h('tr', {}, h('th', {}, '周起'), h('th', {}, '收到'), h('th', {}, ''), h('th', {}, '解决率')), weeks)))
}

async function health () {
  const r = await api('health')
  const d = r.data
  page(h('h1', {}, '消息投递'),
    h('div', { class: 'kpis' }, h('div', { class: 'card kpi' }, h('div', { class: 'muted' }, '最早待发'), h('div', { class: 'v' }, time(d.oldest_pending_ms)))),
    h('div', { class: 'card scroll' }, h('table', {},
      h('tr', {}, ['群', '待发', '失败', '停用', '待确认', '最早待发', '原因'].map(x => h('th', {}, x))),
      d.destinations.map(x => h('tr', {}, h('td', {}, x.name), h('td', {}, x.pending), h('td', {}, x.failed),
        h('td', {}, x.disabled), h('td', {}, x.awaiting), h('td', {}, time(x.oldest_pending_ms)), h('td', {}, x.last_error))))),
    d.destinations.length ? null : h('p', { class: 'muted' }, '没有积压或失败的消息'))
}

async function org (params) {
  const r = await api('org?' + new URLSearchParams(params))
  if (r.status !== 200) return page(h('p', { class: 'card error' }, '无权查看'))
  const admin = state.me.role === 'admin'
  page(admin && h('p', { class: 'right' }, h('a', { class: 'button', href: '#/org-import', id: 'to-import' }, '导入组织表')),
    ...r.data.nodes.map(n => h('div', {},
    h('p', { class: 'muted' }, [...n.path].reverse().map(p => [h('a', { href: `#/org?node=${encodeURIComponent(p.id)}` }, p.name), ' › '])),
    h('h1', {}, `${n.name}（${LEVELS[n.level] || n.level}）`),
    h('div', { class: 'card' }, h('div', {}, '负责人：', n.heads.map(x => `${x.name}（${x.role}）`).join('、') || '—'),
      h('div', { class: 'muted' }, `工作群 ${n.groups.length} 个`, n.households ? ` · ${n.households} 户` : '')),
    h('h2', {}, '下级'),
    h('div', { class: 'card scroll' }, h('table', {}, h('tr', {}, ['名称', '层级', '下级', '群', '负责人'].map(x => h('th', {}, x))),
      n.children.map(c => h('tr', {}, h('td', {}, h('a', { href: `#/org?node=${encodeURIComponent(c.id)}` }, c.name)),
        h('td', {}, LEVELS[c.level] || c.level), h('td', {}, c.children), h('td', {}, c.groups), h('td', {}, c.heads))))))))
}

const AUDIT = { login: '登录', logout: '退出', 'account.add': '添加账号', 'account.disable': '停用账号',
  'account.enable': '启用账号', 'account.password': '修改密码', 'account.revoke': '吊销令牌', 'org.import': '导入组织表',
  'incident.approve': '审核通过', 'incident.reject': '审核驳回', ...Object.fromEntries(ACTIONS.map(([v, l]) => ['ticket.' + v, l])) }
const CHANGE_KINDS = { added: '新增', changed: '修改', removed: '删除' }
const COLUMNS = { id: '编号', parent: '上级', level: '层级', name: '名称', households: '户数', groups: '工作群',
  heads: '负责人', feeders: '线路', transformers: '台区', dept: '部门简称', categories: '类别' }

// Org import: upload a CSV, see what would change (nothing is written), then apply exactly that.
function orgImport () {
  const out = h('div', { id: 'import-result' })
  const form = h('form', { class: 'card filters', id: 'import' },
    h('label', {}, '组织表（CSV，UTF-8）', h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true })),
    h('label', {}, '方式', h('select', { name: 'mode' },
      h('option', { value: 'merge' }, '合并：新增和修改，不删除'),
      h('option', { value: 'replace' }, '替换：本辖区内表中没有的节点删除'))),
    h('button', { type: 'submit', class: 'primary' }, '预览'))
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const file = form.elements.file.files[0]
    if (!file) return
    const mode = form.elements.mode.value
    const q = new URLSearchParams({ mode, name: file.name })
    const r = await api('org/preview?' + q, { method: 'POST', raw: file })
    out.replaceChildren(...preview(r, file, mode).filter(Boolean))
  })
  page(h('h1', {}, '导入组织表'),
    h('p', { class: 'muted' }, '格式同 gridbot org import（docs/org-csv.md）。先预览，确认无误后再导入；预览不会改动任何数据。'),
    form, out)
}

function preview (r, file, mode) {
  const d = r.data
  if (r.status === 413) return [h('p', { class: 'card error' }, '文件太大：' + d.detail)]
  if (r.status !== 200 && r.status !== 422) {
    return [h('p', { class: 'card error' }, d.error === 'not_utf8'
      ? '文件不是 UTF-8 编码：请在 Excel 中另存为「CSV UTF-8」后再试' : (d.detail || '无法预览'))]
  }
  const items = (label, list, cls) => list.length ? h('div', { class: cls }, label + '：' + list.join('；')) : null
  const rows = d.changes.map(c => h('tr', { class: 'change ' + c.kind },
    h('td', {}, h('span', { class: 'tag ' + (c.kind === 'removed' ? 'red' : c.kind === 'added' ? 'green' : 'orange') }, CHANGE_KINDS[c.kind])),
    h('td', {}, `${c.name}（${c.id}）`), h('td', {}, LEVELS[c.level] || c.level), h('td', {}, c.line || '—'),
    h('td', { class: 'wrap' },
      c.fields.filter(f => f.column !== 'groups' && f.column !== 'heads').map(f =>
        h('div', {}, `${COLUMNS[f.column] || f.column}：${f.before || '（空）'} → ${f.after || '（空）'}`)),
      items('新增群', c.groups_added, 'ok'), items('移除群', c.groups_removed, 'error'),
      items('新增负责人', c.heads_added, 'ok'), items('移除负责人', c.heads_removed, 'error'))))
  const total = d.added + d.changed + d.removed
  const result = h('p', { id: 'apply-result' })
  const apply = h('button', { type: 'button', class: 'primary', id: 'apply', disabled: !d.valid || total === 0 }, '确认导入')
  apply.addEventListener('click', async () => {
    apply.disabled = true
    const q = new URLSearchParams({ mode, name: file.name, file_digest: d.file_digest, org_digest: d.org_digest })
    const res = await api('org/apply?' + q, { method: 'POST', raw: file })
    if (res.status === 200) {
      result.className = 'ok'
      result.textContent = `已导入：新增 ${d.added}，修改 ${d.changed}，删除 ${d.removed}`
      return
    }
    result.className = 'error'
    result.textContent = res.status === 409 ? '预览之后组织已被改动，请重新预览' : (res.data.detail || (res.data.errors || []).join('；') || '导入失败')
  })
  return [
    h('h2', {}, '预览'),
    h('div', { class: 'kpis' }, [['新增', d.added], ['修改', d.changed], ['删除', d.removed], ['导入后节点', d.nodes_after]].map(([l, v]) =>
      h('div', { class: 'card kpi' }, h('div', { class: 'muted' }, l), h('div', { class: 'v' }, v)))),
    d.errors.length ? h('div', { class: 'card', id: 'import-errors' }, h('h2', {}, '错误（未导入）'),
      h('ul', {}, d.errors.map(e => h('li', { class: 'error' }, e)))) : null,
    d.warnings.length ? h('div', { class: 'card' }, h('h2', {}, '提醒'), h('ul', {}, d.warnings.map(e => h('li', {}, e)))) : null,
    rows.length ? h('div', { class: 'card scroll' }, h('table', { id: 'changes' },
      h('tr', {}, ['操作', '节点', '层级', '行', '变更'].map(x => h('th', {}, x))), rows)) : null,
    d.listed < total ? h('p', { class: 'muted' }, `只列出前 ${d.listed} 项，共 ${total} 项`) : null,
    d.valid && total === 0 ? h('p', { class: 'card muted' }, '没有需要改动的内容') : null,
    h('div', { class: 'card' }, apply, result)]
}

// Accounts of the subtree (admins): add, disable/enable, reset a password, revoke API tokens;
// the audit log below.
async function accounts () {
  const [r, log] = await Promise.all([api('accounts'), api('audit')])
  if (r.status !== 200) return page(h('p', { class: 'card error' }, '只有管理员可以管理账号'))
  const note = h('p', { id: 'account-result' })
  const done = (res, ok) => {
    note.className = res.status === 200 || res.status === 201 ? 'ok' : 'error'
    note.textContent = res.status === 200 || res.status === 201 ? ok : (res.data.detail || '失败')
    if (res.status === 200 || res.status === 201) setTimeout(() => location.hash === '#/accounts' && accounts().then(() => {
      const again = document.getElementById('account-result')
      if (again) { again.className = 'ok'; again.textContent = ok }
    }), 300)
  }
  const act = (what, name, extra = {}) => api('accounts/' + what, { method: 'POST', body: { name, ...extra } })
  const rows = r.data.accounts.map(a => {
    const self = a.name === state.me.name
    const pw = h('input', { type: 'password', name: 'password', placeholder: '新密码（至少10位）', autocomplete: 'new-password' })
    return h('tr', { 'data-account': a.name },
      h('td', {}, a.name), h('td', {}, a.display_name), h('td', {}, a.node_name), h('td', {}, ROLES[a.role] || a.role),
      h('td', {}, a.disabled ? h('span', { class: 'tag red' }, '已停用') : h('span', { class: 'tag' }, '正常')),
      h('td', { class: 'row' },
        self ? h('span', { class: 'muted' }, '（本人）') : h('button', { type: 'button', class: a.disabled ? 'enable' : 'danger disable',
          onclick: async () => done(await act(a.disabled ? 'enable' : 'disable', a.name), `${a.name} 已${a.disabled ? '启用' : '停用'}`) },
        a.disabled ? '启用' : '停用'),
        !self && pw,
        !self && h('button', { type: 'button', class: 'reset', onclick: async () => done(await act('password', a.name, { password: pw.value }), `${a.name} 的密码已重置，其登录已失效`) }, '重置密码'),
        h('button', { type: 'button', class: 'revoke', onclick: async () => {
          const res = await act('revoke', a.name)
          done(res, `${a.name} 的 API 令牌已吊销 ${res.data.tokens_revoked ?? 0} 个`)
        } }, '吊销令牌')))
  })
  const add = h('form', { class: 'card filters', id: 'add-account' },
    h('label', {}, '账号', h('input', { name: 'name', required: true })),
    h('label', {}, '姓名', h('input', { name: 'display_name' })),
    h('label', {}, '节点编号', h('input', { name: 'node', required: true, value: state.me.node })),
    h('label', {}, '角色', h('select', { name: 'role' }, options(ROLES, 'viewer'))),
    h('label', {}, '初始密码', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, '添加'))
  add.addEventListener('submit', async e => {
    e.preventDefault()
    const body = Object.fromEntries(new FormData(add))
    done(await api('accounts', { method: 'POST', body }), `已添加 ${body.name}`)
  })
  page(h('h1', {}, '账号'), note,
    h('div', { class: 'card scroll' }, h('table', { id: 'accounts' },
      h('tr', {}, ['账号', '姓名', '节点', '角色', '状态', '操作'].map(x => h('th', {}, x))), rows)),
    h('h2', {}, '添加账号'), add,
    h('h2', {}, '操作记录'),
    h('div', { class: 'card scroll' }, h('table', {},
      h('tr', {}, ['时间', '账号', '操作', '对象', '结果', '地址'].map(x => h('th', {}, x))),
      (log.data.audit || []).slice(0, 50).map(e => h('tr', {}, h('td', {}, time(e.at_ms)), h('td', {}, e.account),
        h('td', {}, AUDIT[e.action] || e.action), h('td', {}, e.target), h('td', {}, e.result), h('td', {}, e.address))))))
}

// Everyone's own password: the current one, then the new one twice. Every session of the
// account ends with the change, so the page signs in again.
function password () {
  const result = h('p', { id: 'password-result' })
  const form = h('form', { class: 'card login', id: 'password' },
    h('h1', {}, '修改密码'),
    h('label', {}, '当前密码', h('input', { name: 'current', type: 'password', autocomplete: 'current-password', required: true })),
    h('label', {}, '新密码（至少10位）', h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 })),
    h('label', {}, '再输一次', h('input', { name: 'again', type: 'password', autocomplete: 'new-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, '修改'), result)
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const f = new FormData(form)
    result.className = 'error'
    if (f.get('password') !== f.get('again')) { result.textContent = '两次输入的新密码不一致'; return }
    const r = await api('password', { method: 'POST', body: { current: f.get('current'), password: f.get('password') } })
    if (r.status === 200) {
      state.me = null
      showLogin()
      const msg = document.getElementById('login-error')
      msg.className = 'ok'
      msg.textContent = '密码已修改，请用新密码登录'
      return
    }
    result.textContent = r.data.error === 'wrong_password' ? '当前密码不对'
      : r.status === 429 ? '错误次数过多，请稍后再试' : (r.data.detail || '修改失败')
  })
  page(form)
}

async function route () {
  const mine = ++state.route
  if (!state.me) {
    const r = await api('me').catch(() => null)
    if (!r || r.status !== 200) return
    state.me = r.data
  }
  const top = document.getElementById('top')
  top.hidden = false
  document.getElementById('who').textContent =
    `${state.me.display_name} · ${state.me.node_name} · ${ROLES[state.me.role] || state.me.role}`
  const [path, query] = (location.hash.slice(1) || '/board').split('?')
  const params = Object.fromEntries(new URLSearchParams(query || ''))
  const parts = path.split('/').filter(Boolean)
  document.getElementById('nav-accounts').hidden = state.me.role !== 'admin'
  const section = { ticket: 'board', 'org-import': 'org' }[parts[0]] || parts[0]
  for (const a of top.querySelectorAll('nav a')) a.classList.toggle('on', a.dataset.page === section)
  try {
    if (parts[0] === 'ticket') return await ticket(Number(parts[1]))
    if (parts[0] === 'review') return await review()
    if (parts[0] === 'assessment') return await assessment(params)
    if (parts[0] === 'health') return await health()
    if (parts[0] === 'org') return await org(params)
    if (parts[0] === 'org-import') return orgImport()
    if (parts[0] === 'accounts') return await accounts()
    if (parts[0] === 'password') return password()
    return await board(params)
  } catch (e) {
    if (state.me && !(e instanceof Stale) && mine === state.route) page(h('p', { class: 'card error' }, '出错了：' + e.message))
  }
}

document.getElementById('logout').addEventListener('click', async () => {
  await api('logout', { method: 'POST' }).catch(() => {})
  state.me = null
  location.hash = '#/login'
  showLogin()
})
window.addEventListener('hashchange', route)
route()
