/// The console's script: sign-in, a live engine map fed by `/v1/watch` (a fetch stream, since
/// `EventSource` cannot send the key header), and the four views. Plain ES2020, no library.
/// Every value from the server reaches the page through `textContent`, never as markup.
enum ConsoleScript {
    static let source = #"""
'use strict';
(() => {
  const AUTH_STORAGE = 'bap.console.auth';
  const PAGE_SIZE = 100;
  const PHASES = ['provisioning', 'running', 'sleeping', 'stopped', 'failed', 'destroying'];
  const ACTIONS = ['provision', 'start', 'stop', 'sleep', 'wake', 'destroy', 'rotate_key', 'spec_update',
    'health_check', 'health_failed', 'auto_restart_start', 'auto_restart_success', 'auto_restart_failed',
    'auto_restart_gave_up', 'admit_denied', 'policy_register', 'policy_update', 'product_delete',
    'rotate_platform_key', 'garbage_collect', 'restart_breaker'];

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const enc = encodeURIComponent;
  const collator = new Intl.Collator('en', {numeric: true});  // user-9 before user-10

  /** An element with text children only (strings become text nodes, never markup). */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
    return node;
  }

  // ---------------------------------------------------------------- state
  let auth = null;              // {kind: 'admin' | 'platform', key}
  let products = [];            // what GET /v1/products answered
  const engines = new Map();    // engine_id -> engine resource, kept current by the watch
  const deleted = new Set();    // engine ids the watch reported deleted
  let revision = null;          // last watch event id seen (resume point)
  let watchAbort = null;
  let renderTimer = null;
  let pollTimer = null;
  let current = {name: 'signin'};
  let detail = null;            // the engine page's engine (resource), if loaded
  const table = {sort: 'product', dir: 1, page: 0};
  const requests = {};          // request name -> number of the latest one sent

  /** Numbers a view's request: answers can arrive out of order (an audit page's unfiltered
   *  first load after the filtered one asked for next), and only the latest may render. */
  function latest(name) {
    const n = (requests[name] = (requests[name] || 0) + 1);
    return () => requests[name] === n;
  }
  const onEnginePage = (product, user) => current.name === 'engine' && current.product === product && current.user === user;

  class APIError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  function headersFor(a = auth) { return a.kind === 'admin' ? {'X-Admin-Key': a.key} : {'X-Platform-Key': a.key}; }

  async function api(method, path, options = {}) {
    const headers = Object.assign({}, headersFor(options.auth || auth), options.headers || {});
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method, headers, cache: 'no-store', credentials: 'omit', signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) {
      let code = 'HTTP_' + response.status, message = response.statusText || 'Request failed';
      try { const body = await response.json(); code = body.error.code; message = body.error.message; } catch (_) { /* not the envelope */ }
      if (response.status === 401 && !options.auth) signOut('The server refused the key (it may have been rotated). Sign in again.');
      throw new APIError(response.status, code, message);
    }
    return options.text ? response.text() : response.json();
  }

  // ---------------------------------------------------------------- formatting
  function ageText(iso) {
    if (!iso) return '';
    let s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm';
    if (s < 86400) return Math.floor(s / 3600) + 'h' + (s % 3600 >= 60 && s < 36000 ? Math.floor((s % 3600) / 60) + 'm' : '');
    return Math.floor(s / 86400) + 'd';
  }
  const timeText = (iso) => iso ? new Date(iso).toLocaleString() : '';
  const readyCondition = (e) => (e.status.conditions || []).find((c) => c.type === 'Ready');
  const isReady = (e) => readyCondition(e)?.status === 'True';
  const want = (e) => e.deletion_requested_at ? 'delete' : e.spec.state;
  const keyOf = (e) => e.product + '/' + e.user_id;
  const number = (n) => Number(n).toLocaleString('en-US');
  const enginePath = (product, user) => `/v1/products/${enc(product)}/engines/${enc(user)}`;
  const engineHash = (product, user) => `#/engines/${enc(product)}/${enc(user)}`;
  const productSlug = (id) => products.find((p) => p.product_id === id)?.slug || (id ? id.slice(0, 8) : '');
  const metadataText = (m) => Object.entries(m || {}).map(([k, v]) => k + '=' + v).join(' ');

  // ---------------------------------------------------------------- sign-in
  async function tryKey(kind, key) {
    const candidate = {kind, key};
    const answer = await api('GET', '/v1/products', {auth: candidate});
    return {candidate, answer};
  }

  async function signIn(event) {
    event.preventDefault();
    const key = $('#signin-key').value.trim();
    const kind = $('input[name="kind"]:checked').value;
    const error = $('#signin-error');
    error.textContent = '';
    if (!key) { error.textContent = 'Enter a key.'; return; }
    const kinds = kind === 'auto' ? ['admin', 'platform'] : [kind];
    for (const k of kinds) {
      try {
        const {candidate, answer} = await tryKey(k, key);
        auth = candidate;
        sessionStorage.setItem(AUTH_STORAGE, JSON.stringify(auth));
        $('#signin-key').value = '';
        products = answer.products || [];
        start();
        return;
      } catch (e) {
        if (!(e instanceof APIError) || e.status !== 401) { error.textContent = 'The server did not answer: ' + e.message; return; }
      }
    }
    error.textContent = 'This key was refused.';
  }

  function signOut(message) {
    if (watchAbort) watchAbort.abort();
    watchAbort = null;
    clearInterval(pollTimer);
    pollTimer = null;
    auth = null;
    sessionStorage.removeItem(AUTH_STORAGE);
    engines.clear();
    revision = null;
    detail = null;
    $('#top').hidden = true;
    setLive('offline');
    $('#signin-error').textContent = message || '';
    show('signin');
  }

  async function start() {
    $('#top').hidden = false;
    if (!products.length) {
      try { products = (await api('GET', '/v1/products')).products || []; } catch (_) { return; }
    }
    $('#scope').textContent = auth.kind === 'admin' ? 'admin · whole fleet' : 'product ' + (products[0]?.slug || '');
    fillProductSelects();
    startWatch();
    clearInterval(pollTimer);
    pollTimer = setInterval(poll, 5000);
    route();
  }

  let productsTimer = null;
  /** A product appeared (applied after sign-in): list products again, once per second at most. */
  function refreshProducts() {
    if (productsTimer || !auth) return;
    productsTimer = setTimeout(async () => {
      try { products = (await api('GET', '/v1/products')).products || []; fillProductSelects(); } catch (_) { /* next event retries */ }
      setTimeout(() => { productsTimer = null; }, 1000);
    }, 200);
  }

  function fillProductSelects() {
    for (const id of ['#f-product', '#a-product']) {
      const select = $(id);
      const chosen = select.value;
      select.replaceChildren(el('option', {value: '', text: 'all'}), ...products.map((p) => el('option', {value: p.slug, text: p.slug})));
      select.value = chosen;
    }
    $('#a-product-label').hidden = auth.kind !== 'admin';
  }

  // ---------------------------------------------------------------- live watch
  function setLive(state) {
    const live = $('#live');
    live.className = 'live ' + (state === 'live' ? 'on' : 'off');
    live.textContent = state === 'live' ? 'live' : state;
  }

  function startWatch() {
    if (watchAbort) watchAbort.abort();
    watchAbort = new AbortController();
    watchLoop(watchAbort.signal);
  }

  async function watchLoop(signal) {
    let backoff = 500;
    while (!signal.aborted) {
      try {
        const headers = headersFor();
        if (revision !== null) headers['Last-Event-ID'] = String(revision);
        const response = await fetch('/v1/watch', {headers, signal, cache: 'no-store', credentials: 'omit'});
        if (response.status === 401) { signOut('The server refused the key (it may have been rotated). Sign in again.'); return; }
        if (response.status === 410) { resync(); continue; }
        if (!response.ok) throw new Error('watch answered ' + response.status);
        if (revision === null) engines.clear();  // A fresh snapshot follows.
        setLive('live');
        backoff = 500;
        await readEvents(response.body, signal);
      } catch (e) {
        if (signal.aborted) return;
        if (e && e.resync) { resync(); continue; }
      }
      setLive('reconnecting…');
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 10000);
    }
  }

  function resync() { revision = null; }

  async function readEvents(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    signal.addEventListener('abort', () => reader.cancel().catch(() => {}), {once: true});
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = null, event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line === '' || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let v = colon < 0 ? '' : line.slice(colon + 1);
          if (v.startsWith(' ')) v = v.slice(1);
          if (field === 'id') id = v; else if (field === 'event') event = v; else if (field === 'data') data.push(v);
        }
        try {
          if (data.length || event !== 'message') onEvent(event, id, data.join('\n'));
        } catch (e) { reader.cancel().catch(() => {}); throw e; }
      }
    }
  }

  function onEvent(event, id, data) {
    if (event === 'resync') { const e = new Error('resync'); e.resync = true; throw e; }
    if (event === 'engine') {
      const engine = JSON.parse(data);
      engines.set(engine.engine_id, engine);
      if (!products.some((p) => p.slug === engine.product)) refreshProducts();
    } else if (event === 'deleted') {
      const gone = JSON.parse(data).engine_id;
      engines.delete(gone);
      deleted.add(gone);
    }
    if (id !== null && /^\d+$/.test(id)) revision = Math.max(revision ?? 0, Number(id));
    scheduleRender();
  }

  function scheduleRender() {
    if (renderTimer) return;
    renderTimer = setTimeout(() => { renderTimer = null; renderLive(); }, 120);
  }

  function renderLive() {
    if (current.name === 'overview') renderOverviewCounts();
    else if (current.name === 'engines') renderTable();
    else if (current.name === 'engine') renderEngineLive();
  }

  // ---------------------------------------------------------------- routing
  function show(name) {
    for (const section of $$('.view')) section.hidden = section.id !== 'view-' + name;
    for (const link of $$('[data-nav]')) {
      const active = link.dataset.nav === name || (name === 'engine' && link.dataset.nav === 'engines');
      if (active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
  }

  function route() {
    if (!auth) { show('signin'); $('#signin-key').focus(); return; }
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map((p) => { try { return decodeURIComponent(p); } catch (_) { return p; } });
    const previous = current.name;
    if (parts[0] === 'engines' && parts.length >= 3) current = {name: 'engine', product: parts[1], user: parts.slice(2).join('/')};
    else if (parts[0] === 'engines') current = {name: 'engines'};
    else if (parts[0] === 'audit') current = {name: 'audit'};
    else current = {name: 'overview'};
    show(current.name);
    if (previous !== 'signin') $('#main').focus({preventScroll: true});
    if (current.name === 'overview') { renderOverviewCounts(); poll(); }
    else if (current.name === 'engines') renderTable();
    else if (current.name === 'engine') loadEngine();
    else if (current.name === 'audit') loadAudit();
  }

  // ---------------------------------------------------------------- overview
  function barRows(tbody, entries) {
    const max = Math.max(1, ...entries.map(([, n]) => n));
    tbody.replaceChildren(...entries.map(([label, n, cls]) => {
      const fill = el('span');
      fill.style.width = (100 * n / max).toFixed(1) + '%';
      return el('tr', {dataset: {label}}, el('th', {scope: 'row'}, el('span', {class: cls || '', text: label})), el('td', {class: 'bar'}, fill), el('td', {text: number(n)}));
    }));
  }

  function renderOverviewCounts() {
    const byPhase = Object.fromEntries(PHASES.map((p) => [p, 0]));
    const perProduct = new Map();
    let ready = 0;
    for (const e of engines.values()) {
      byPhase[e.status.phase] = (byPhase[e.status.phase] || 0) + 1;
      const r = isReady(e);
      if (r) ready++;
      const row = perProduct.get(e.product) || {total: 0, ready: 0, asleep: 0, failing: 0};
      row.total++; if (r) row.ready++; if (e.spec.state === 'asleep') row.asleep++; if (e.status.phase === 'failed') row.failing++;
      perProduct.set(e.product, row);
    }
    $('#ov-total').textContent = number(engines.size);
    $('#ov-ready').textContent = number(ready);
    $('#ov-failing').textContent = number(byPhase.failed);
    barRows($('#ov-phases tbody'), PHASES.map((p) => [p, byPhase[p], 'phase phase-' + p]));
    $('#ov-products tbody').replaceChildren(...[...perProduct.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([slug, r]) =>
      el('tr', {}, el('th', {scope: 'row'}, slug), el('td', {text: number(r.total)}), el('td', {text: number(r.ready)}), el('td', {text: number(r.asleep)}), el('td', {text: number(r.failing)}))));
  }

  const OUTCOME_GROUPS = [['admitted', 'Admitted'], ['rate_limited', 'Rate limited'], ['quota', 'Quota'], ['denied', 'Denied'], ['error', 'Errors']];
  function outcomeGroup(outcome) {
    if (outcome === 'admitted') return 'admitted';
    if (outcome === 'rate_limited') return 'rate_limited';
    if (outcome === 'quota_exceeded') return 'quota';
    if (outcome === 'denied' || outcome.startsWith('engine_')) return 'denied';
    return 'error';
  }
  function grouped(outcomes) {
    const g = Object.fromEntries(OUTCOME_GROUPS.map(([k]) => [k, 0]));
    for (const [outcome, n] of Object.entries(outcomes || {})) g[outcomeGroup(outcome)] += n;
    return g;
  }

  async function poll() {
    if (!auth || current.name !== 'overview') return;
    try {
      const status = await api('GET', '/status');
      const health = $('#ov-health');
      health.textContent = status.health;
      health.className = 'value pill-' + (status.health === 'ok' ? 'ok' : status.health === 'critical' ? 'bad' : 'warn');
      const breaker = status.restart_breaker || {open: false};
      const b = $('#ov-breaker');
      b.textContent = breaker.open ? 'open' : 'closed';
      b.className = 'value breaker-' + (breaker.open ? 'open' : 'closed');
      $('#ov-breaker-detail').textContent = breaker.since
        ? (breaker.open ? 'restarts held since ' : 'closed since ') + timeText(breaker.since) + (breaker.probed_engines ? ` (${breaker.failing_engines ?? 0} of ${breaker.probed_engines} probed failing)` : '')
        : 'never opened';
      const admits = await api('GET', '/v1/admit-outcomes?minutes=15');
      $('#ov-admit-window').textContent = admits.window_minutes;
      const totals = grouped(admits.totals);
      barRows($('#ov-admit-totals tbody'), OUTCOME_GROUPS.map(([k, label]) => [label, totals[k]]));
      $('#ov-admit-minutes tbody').replaceChildren(...admits.buckets.slice().reverse().map((bucket) => {
        const g = grouped(bucket.outcomes);
        return el('tr', {}, el('th', {scope: 'row', text: new Date(bucket.start).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})}),
          ...OUTCOME_GROUPS.map(([k]) => el('td', {text: g[k] ? number(g[k]) : '·'})));
      }));
    } catch (_) { /* shown as stale values; the live badge tells about the stream */ }
  }

  // ---------------------------------------------------------------- engine table
  const SORTS = {
    product: (e) => e.product, user: (e) => e.user_id, want: want, phase: (e) => e.status.phase,
    ready: (e) => (isReady(e) ? 1 : 0), restarts: (e) => e.status.restart_count || 0,
    age: (e) => -Date.parse(e.created_at), url: (e) => e.status.url || '',
  };

  function filteredEngines() {
    const product = $('#f-product').value, phase = $('#f-phase').value;
    const text = $('#f-text').value.trim().toLowerCase();
    const rows = [];
    for (const e of engines.values()) {
      if (product && e.product !== product) continue;
      if (phase && e.status.phase !== phase) continue;
      if (text && !(e.user_id.toLowerCase().includes(text) || e.product.includes(text) || (e.status.url || '').includes(text) || e.engine_id.startsWith(text))) continue;
      rows.push(e);
    }
    const key = SORTS[table.sort], dir = table.dir;
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      const c = typeof x === 'number' ? x - y : collator.compare(String(x), String(y));
      return c !== 0 ? c * dir : collator.compare(keyOf(a), keyOf(b));
    });
    return rows;
  }

  function renderTable() {
    const rows = filteredEngines();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    table.page = Math.min(table.page, pages - 1);
    const first = table.page * PAGE_SIZE;
    const slice = rows.slice(first, first + PAGE_SIZE);
    $('#engines tbody').replaceChildren(...slice.map((e) => {
      const ready = readyCondition(e);
      const readyText = ready ? (ready.status === 'True' ? 'yes' : 'no') : '–';
      return el('tr', {dataset: {key: keyOf(e), phase: e.status.phase, want: want(e)}},
        el('td', {text: e.product}),
        el('td', {}, el('a', {href: engineHash(e.product, e.user_id), text: e.user_id})),
        el('td', {text: want(e)}),
        el('td', {}, el('span', {class: 'phase phase-' + e.status.phase, text: e.status.phase})),
        el('td', {}, el('span', {class: 'pill ready-' + readyText, title: ready ? ready.reason + ': ' + ready.message : '', text: readyText})),
        el('td', {class: 'opt', text: String(e.status.restart_count || 0), title: (e.status.total_restarts || 0) + ' in total'}),
        el('td', {class: 'opt', text: ageText(e.created_at), title: timeText(e.created_at)}),
        el('td', {class: 'opt', text: e.status.url || ''}));
    }));
    for (const th of $$('#engines th[data-sort]')) {
      if (th.dataset.sort === table.sort) th.setAttribute('aria-sort', table.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    $('#engines-empty').hidden = rows.length > 0;
    const rangeText = rows.length ? `${number(first + 1)}–${number(first + slice.length)} of ${number(rows.length)}` : '0 of 0';
    const pager = $('#pager-top');
    $('.range', pager).textContent = rangeText + (rows.length !== engines.size ? ` (${number(engines.size)} in all)` : '');
    $('[data-page="prev"]', pager).disabled = table.page === 0;
    $('[data-page="next"]', pager).disabled = table.page >= pages - 1;
  }

  // ---------------------------------------------------------------- engine page
  function kvRows(tbody, pairs) {
    tbody.replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) =>
      el('tr', {}, el('th', {scope: 'row', text: k}), el('td', {text: String(v)}))));
  }

  /** Ready True and Degraded/Progressing False are good news; Unknown is a warning. */
  function conditionTone(c) {
    if (c.status === 'Unknown') return 'warn';
    const good = c.type === 'Ready' ? c.status === 'True' : c.status === 'False';
    return good ? 'ok' : (c.type === 'Progressing' ? 'warn' : 'bad');
  }

  function renderEngine(e) {
    detail = e;
    $('#view-engine').dataset.engine = keyOf(e);
    $('#en-title').textContent = e.product + ' / ' + e.user_id;
    kvRows($('#en-spec tbody'), [
      ['state', e.spec.state], ['key generation', e.spec.key_generation], ['image', e.spec.image || '(product template)'],
      ['generation', e.generation], ['engine id', e.engine_id], ['created', timeText(e.created_at)],
      ['deletion requested', e.deletion_requested_at ? timeText(e.deletion_requested_at) : ''],
      ['last activity', e.last_activity_at ? timeText(e.last_activity_at) : ''],
    ]);
    const s = e.status;
    kvRows($('#en-status tbody'), [
      ['phase', s.phase], ['observed generation', s.observed_generation], ['URL', s.url], ['restarts', `${s.restart_count} (${s.total_restarts} in total)`],
      ['last restart', timeText(s.last_restart_at)], ['next retry', timeText(s.next_retry_at)], ['last error', s.last_error],
      ['last health', timeText(s.last_health_at)], ['ready since', timeText(s.ready_since)],
      ['boot', s.boot_duration_ms !== undefined && s.boot_duration_ms !== null ? s.boot_duration_ms + ' ms' : ''], ['runtime', s.runtime_id],
    ]);
    $('#en-conditions tbody').replaceChildren(...(s.conditions || []).map((c) => el('tr', {dataset: {type: c.type}},
      el('th', {scope: 'row', text: c.type}), el('td', {}, el('span', {class: 'pill pill-' + conditionTone(c), text: c.status})),
      el('td', {text: c.reason}), el('td', {text: c.message}), el('td', {text: ageText(c.last_transition_time) + ' ago', title: timeText(c.last_transition_time)}))));
    for (const button of $$('#view-engine [data-action]')) button.disabled = !!e.deletion_requested_at;
  }

  /** Until this engine's answer is in, the page shows none of the previous engine's values and
   *  its actions are disabled (an action pressed then would have no engine to act on), and the
   *  view is aria-busy; `data-engine` names the engine shown once it is. */
  async function loadEngine() {
    const {product, user} = current;
    const fresh = latest('engine');
    const view = $('#view-engine');
    detail = null;
    view.setAttribute('aria-busy', 'true');
    delete view.dataset.engine;
    $('#en-title').textContent = product + ' / ' + user;
    $('#en-message').textContent = '';
    for (const tbody of $$('#view-engine tbody')) tbody.replaceChildren();
    $('#en-logs').textContent = '';
    for (const button of $$('#view-engine [data-action]')) button.disabled = true;
    let engine;
    try {
      engine = await api('GET', enginePath(product, user));
    } catch (e) {
      if (!fresh()) return;
      view.removeAttribute('aria-busy');
      // A product key asking for another product's engine gets 404 PRODUCT_NOT_FOUND: the same answer.
      $('#en-message').textContent = e.status === 404 ? 'This engine does not exist (any more), or this key cannot see it.' : 'Could not load: ' + e.message;
      return;
    }
    if (!fresh()) return;  // Another engine page (or this one again) was asked for meanwhile.
    renderEngine(engine);
    view.removeAttribute('aria-busy');
    loadEngineAudit();
    loadLogs();
  }

  async function loadEngineAudit() {
    const {product, user} = current;
    const fresh = latest('engine-audit');
    try {
      const answer = await api('GET', `/v1/audit?product=${enc(product)}&user=${enc(user)}&limit=25`);
      if (!fresh() || !onEnginePage(product, user)) return;
      $('#en-audit tbody').replaceChildren(...answer.entries.map((a) => el('tr', {dataset: {action: a.action}},
        el('td', {text: timeText(a.timestamp)}), el('td', {text: a.action}), el('td', {text: a.actor}), el('td', {text: metadataText(a.metadata)}))));
    } catch (e) {
      if (!fresh() || !onEnginePage(product, user)) return;
      $('#en-audit tbody').replaceChildren(el('tr', {}, el('td', {colspan: '4', text: 'Could not load: ' + e.message})));
    }
  }

  async function loadLogs() {
    const {product, user} = current;
    const fresh = latest('logs');
    const pre = $('#en-logs');
    let text;
    try {
      text = await api('GET', enginePath(product, user) + '/logs?tail=200', {text: true});
    } catch (e) {
      if (fresh() && onEnginePage(product, user)) pre.textContent = e.status === 501 ? 'This server cannot read engine logs.' : 'No logs: ' + e.message;
      return;
    }
    if (!fresh() || !onEnginePage(product, user)) return;
    pre.textContent = text || '(empty)';
    pre.scrollTop = pre.scrollHeight;
  }

  function renderEngineLive() {
    if (!detail) return;
    const live = engines.get(detail.engine_id);
    // Only newer: the watch can be behind an action's own answer, which the page shows first.
    if (live && live.revision > detail.revision) renderEngine(live);
    else if (!live && deleted.has(detail.engine_id) && !detail.gone) {
      detail.gone = true;
      $('#en-message').textContent = 'This engine has been deleted.';
      for (const button of $$('#view-engine [data-action]')) button.disabled = true;
    }
  }

  function confirmAction(text, label) {
    const dialog = $('#confirm');
    $('#confirm-text').textContent = text;
    $('#confirm-ok').textContent = label;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
      dialog.showModal();
    });
  }

  async function act(action) {
    const e = detail;
    if (!e) return;
    const name = `${e.product} / ${e.user_id}`;
    const plans = {
      sleep: [`Put ${name} to sleep? It stops; its brain is kept and an admit wakes it.`, 'Sleep', () => api('POST', enginePath(e.product, e.user_id) + '/sleep')],
      wake: [`Wake ${name}?`, 'Wake', () => api('POST', enginePath(e.product, e.user_id) + '/wake')],
      rotate: [`Rotate the key of ${name}? The engine restarts with a new key; the old key stops working.`, 'Rotate key',
        () => api('PATCH', enginePath(e.product, e.user_id), {body: {spec: {key_generation: e.spec.key_generation + 1}}, headers: {'If-Match': String(e.generation)}})],
      delete: [`Delete ${name}? Its runtime and its brain are removed. This cannot be undone.`, 'Delete', () => api('DELETE', enginePath(e.product, e.user_id))],
    };
    const [question, label, call] = plans[action];
    if (!(await confirmAction(question, label))) return;
    const message = $('#en-message');
    const here = () => detail && detail.engine_id === e.engine_id;  // Still this engine's page.
    try {
      const updated = await call();
      if (!here()) return;
      message.textContent = action === 'delete' ? 'Deletion requested; the controller removes the engine.' : `${label}: done (generation ${updated.generation}).`;
      if (updated.revision >= detail.revision) renderEngine(updated);
      loadEngineAudit();
    } catch (err) {
      if (here()) message.textContent = `${label} failed: ${err.message}`;
    }
  }

  // ---------------------------------------------------------------- audit
  async function loadAudit(event) {
    if (event) event.preventDefault();
    const params = new URLSearchParams();
    params.set('limit', $('#a-limit').value);
    if (auth.kind === 'admin' && $('#a-product').value) params.set('product', $('#a-product').value);
    if ($('#a-user').value.trim()) params.set('user', $('#a-user').value.trim());
    if ($('#a-action').value.trim()) params.set('action', $('#a-action').value.trim());
    if ($('#a-since').value) params.set('since', new Date(Date.now() - Number($('#a-since').value) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const fresh = latest('audit');
    const auditTable = $('#audit');
    auditTable.setAttribute('aria-busy', 'true');
    $('#audit-error').textContent = '';
    try {
      const answer = await api('GET', '/v1/audit?' + params.toString());
      if (!fresh()) return;  // An answer to filters since changed: the latest request renders.
      auditTable.removeAttribute('aria-busy');
      $('#audit tbody').replaceChildren(...answer.entries.map((a) => el('tr', {dataset: {action: a.action}},
        el('td', {text: timeText(a.timestamp)}), el('td', {text: productSlug(a.product_id)}),
        el('td', {}, a.user_id && a.product_id ? el('a', {href: engineHash(productSlug(a.product_id), a.user_id), text: a.user_id}) : (a.user_id || '')),
        el('td', {text: a.action}), el('td', {text: a.actor}), el('td', {text: metadataText(a.metadata)}))));
      if (!answer.entries.length) $('#audit tbody').replaceChildren(el('tr', {}, el('td', {colspan: '6', class: 'muted', text: 'No audit rows match.'})));
    } catch (e) {
      if (!fresh()) return;
      auditTable.removeAttribute('aria-busy');
      $('#audit-error').textContent = e.message;
    }
  }

  // ---------------------------------------------------------------- wiring
  function init() {
    $('#f-phase').append(...PHASES.map((p) => el('option', {value: p, text: p})));
    $('#a-actions').append(...ACTIONS.map((a) => el('option', {value: a})));
    $('#signin-form').addEventListener('submit', signIn);
    $('#signout').addEventListener('click', () => signOut(''));
    $('#filters').addEventListener('submit', (e) => e.preventDefault());
    // Both events: a <select> changed by a script or some assistive tools fires only `change`.
    for (const id of ['#f-product', '#f-phase', '#f-text']) {
      for (const type of ['input', 'change']) $(id).addEventListener(type, () => { table.page = 0; renderTable(); });
    }
    for (const th of $$('#engines th[data-sort]')) {
      $('button', th).addEventListener('click', () => {
        if (table.sort === th.dataset.sort) table.dir = -table.dir; else { table.sort = th.dataset.sort; table.dir = 1; }
        renderTable();
      });
    }
    $('#pager-top').addEventListener('click', (e) => {
      const step = e.target.dataset?.page;
      if (!step) return;
      table.page += step === 'next' ? 1 : -1;
      table.page = Math.max(0, table.page);
      renderTable();
    });
    for (const button of $$('#view-engine [data-action]')) button.addEventListener('click', () => act(button.dataset.action));
    $('#en-logs-refresh').addEventListener('click', loadLogs);
    $('#audit-filters').addEventListener('submit', loadAudit);
    document.addEventListener('keydown', (e) => {
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement?.tagName || '');
      if (e.key === '/' && !typing && current.name === 'engines') { e.preventDefault(); $('#f-text').focus(); }
    });
    window.addEventListener('hashchange', route);
    try {
      const saved = JSON.parse(sessionStorage.getItem(AUTH_STORAGE) || 'null');
      if (saved && typeof saved.key === 'string' && (saved.kind === 'admin' || saved.kind === 'platform')) auth = saved;
    } catch (_) { /* nothing saved */ }
    if (auth) start(); else route();
    setInterval(() => { if (current.name === 'engines') renderTable(); }, 15000);  // Ages move on.
  }

  document.addEventListener('DOMContentLoaded', init);
})();
"""#
}
