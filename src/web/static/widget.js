/* Help assistant widget loader (no build step). Embed with
 *   <script src="https://<assistant host>/widget.js" data-tenant="acme" data-lang="fr" async></script>
 * Optional: data-token="<portal JWT>", data-topic="<FAQ category id>" (the chat opens with that topic's
 * suggestions). API: window.HelpAssistant.open(), .close(), .setLanguage(lang), .setTopic(topic),
 * .setToken(jwt), .on(event, fn), .off(event, fn); events "open", "close", "conversation", "escalated",
 * "tokeninvalid", also dispatched on window as "help-assistant:<event>". The iframe protocol is
 * postMessage {v: 1, type}, origin-checked on both sides (see src/web/static/chat-frame.js). */
(function () {
  'use strict';
  // Filled in by the server (src/web/widget.ts): tenant id -> {o: origins, d: language, c: colour, t: labels}.
  var TENANTS = "__TENANTS__";
  var W = window, D = document, LANGS = ['fr', 'de', 'it'];
  var warn = function (m) { W.console && console.warn('HelpAssistant: ' + m); };
  // Included twice: the first one serves, the second does nothing.
  if (W.HelpAssistant) return;
  var script = D.currentScript || D.querySelector('script[src*="widget.js"][data-tenant]');
  if (!script) return;
  var attr = function (n) { return script.getAttribute('data-' + n) || ''; };
  var origin = new URL(script.src, location.href).origin;
  var tenant = attr('tenant');
  var cfg = typeof TENANTS == 'object' && TENANTS.hasOwnProperty(tenant) && TENANTS[tenant];
  if (!cfg) return warn('unknown tenant "' + tenant + '" in data-tenant; no launcher shown.');
  if (location.origin != origin && cfg.o.indexOf(location.origin) < 0) {
    return warn('this page\'s origin ' + location.origin + ' is not in the embed.allowedOrigins of "' + tenant + '"; no launcher shown.');
  }
  var pick = function (l) { l = String(l || '').slice(0, 2).toLowerCase(); return LANGS.indexOf(l) < 0 ? '' : l; };
  var lang = pick(attr('lang')) || pick(D.documentElement.lang) || cfg.d;
  var token = attr('token');
  var topic = attr('topic').replace(/[^a-z0-9-]/g, '');

  // The conversation id lives in the host page's own storage (no third-party cookie); memory if storage throws.
  var KEY = 'help-assistant:' + tenant + ':conversation', memo = '';
  var load = function () { try { return localStorage.getItem(KEY) || ''; } catch (e) { return memo; } };
  var save = function (id) { memo = id; try { id ? localStorage.setItem(KEY, id) : localStorage.removeItem(KEY); } catch (e) { /* memory only */ } };

  var host = D.createElement('help-assistant');
  var root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>' +
    ':host{all:initial}*{box-sizing:border-box;font:600 16px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
    'button{cursor:pointer;color:#fff;background:' + cfg.c + ';border:2px solid #fff}' +
    'button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}' +
    '#l{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;padding:12px 18px;border-radius:99px;box-shadow:0 4px 14px rgba(0,0,0,.3)}' +
    '#p{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:400px;height:min(640px,calc(100vh - 104px));display:flex;flex-direction:column;background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.35)}' +
    '#p[hidden],#l [hidden]{display:none}' +
    '#b{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:6px 6px 6px 16px;color:#fff;background:' + cfg.c + '}' +
    '#x{width:40px;height:40px;border-radius:8px;font-size:24px;line-height:1}' +
    'iframe{flex:1;width:100%;border:0;background:#fff}' +
    // Phones: the chat takes the whole screen and the launcher, under it, leaves the tab order.
    '@media (max-width:639.98px){#p{inset:0;width:auto;height:auto;border-radius:0}#l[aria-expanded=true]{display:none}}' +
    '</style>' +
    '<div id="p" role="dialog" hidden><div id="b"><span id="h"></span><button id="x" type="button"><span aria-hidden="true">\u00d7</span></button></div></div>' +
    '<button id="l" type="button" aria-expanded="false" aria-controls="p">' +
    '<svg id="i" aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>' +
    '<span id="xi" aria-hidden="true" hidden style="font-size:22px;line-height:1">\u00d7</span><span></span></button>';
  var $ = function (id) { return root.getElementById(id); };
  var panel = $('p'), launcher = $('l'), closer = $('x'), frame = null, ready = false, isOpen = false, listeners = {};

  var labels = function () {
    var t = cfg.t[lang];
    $('h').textContent = t[0];
    // Open, the launcher is the close button (the same place, the same key).
    launcher.lastChild.textContent = isOpen ? t[1] : t[0];
    $('i')[isOpen ? 'setAttribute' : 'removeAttribute']('hidden', '');
    $('xi')[isOpen ? 'removeAttribute' : 'setAttribute']('hidden', '');
    panel.setAttribute('aria-label', t[0]);
    closer.setAttribute('aria-label', t[1]);
    if (frame) frame.title = t[0];
  };
  // The stored conversation is handed to the frame in the "init" message, never in its address: an id in
  // an address is one anyone could put into a link.
  var src = function () {
    return origin + '/' + tenant + '/' + lang + '/chat?embed=1&host=' + encodeURIComponent(location.origin) + (topic ? '&topic=' + encodeURIComponent(topic) : '');
  };
  var post = function (m) { m.v = 1; if (frame && ready) frame.contentWindow.postMessage(m, origin); };
  var emit = function (type, detail) {
    detail = detail || {};
    detail.tenant = tenant;
    (listeners[type] || []).slice().forEach(function (fn) { try { fn(detail); } catch (e) { setTimeout(function () { throw e; }); } });
    W.dispatchEvent(new CustomEvent('help-assistant:' + type, { detail: detail }));
  };
  // Focus the iframe from this page first: a cross-origin frame may not pull focus to itself.
  var focusChat = function () { if (ready) { frame.focus(); post({ type: 'focus' }); } };

  var open = function () {
    if (!frame) {
      frame = D.createElement('iframe');
      frame.src = src();
      panel.appendChild(frame);
      labels();
    }
    if (isOpen) return focusChat();
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    labels();
    focusChat();
    emit('open');
  };
  var close = function () {
    if (!isOpen) return;
    // Give focus back to the launcher only when it was in the widget, never steal it from the host page.
    var inside = D.activeElement == host;
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    labels();
    if (inside) launcher.focus();
    emit('close');
  };

  W.addEventListener('message', function (e) {
    var m = e.data;
    if (!frame || e.source != frame.contentWindow || e.origin != origin || !m || m.v != 1) return;
    if (m.type == 'ready') {
      ready = true;
      post({ type: 'init', token: token, conversation: load() });
      if (isOpen) focusChat();
    } else if (m.type == 'conversation' && typeof m.id == 'string') {
      if (m.id != load()) { save(m.id); emit('conversation', { conversationId: m.id }); }
    } else if (m.type == 'escalated') emit('escalated', { conversationId: load() });
    else if (m.type == 'close') close();
    // Forget the refused token (a reloaded frame must not get it again) until the portal sets a new one.
    else if (m.type == 'tokeninvalid') { token = ''; emit('tokeninvalid'); }
  });
  launcher.addEventListener('click', function () { isOpen ? close() : open(); });
  closer.addEventListener('click', close);
  root.addEventListener('keydown', function (e) { if (e.key == 'Escape' && isOpen) { e.stopPropagation(); close(); } });

  W.HelpAssistant = {
    version: 1,
    open: open,
    close: close,
    setLanguage: function (l) {
      l = pick(l);
      if (!l) return warn('unsupported language; use one of ' + LANGS.join(', '));
      if (l == lang) return;
      lang = l;
      labels();
      // Reload the chat in the new language; the conversation id carries the conversation over.
      if (frame) { ready = false; frame.src = src(); }
    },
    // The page's subject changed (a single-page portal): the next chat opens with its suggestions.
    setTopic: function (t) {
      t = String(t || '').replace(/[^a-z0-9-]/g, '');
      if (t == topic) return;
      topic = t;
      if (frame && !load()) { ready = false; frame.src = src(); }
    },
    setToken: function (t) { token = t || ''; post({ type: 'token', token: token }); },
    on: function (type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    off: function (type, fn) { listeners[type] = (listeners[type] || []).filter(function (f) { return f != fn; }); },
  };
  labels();
  var mount = function () { D.body.appendChild(host); };
  D.body ? mount() : D.addEventListener('DOMContentLoaded', mount);
})();
