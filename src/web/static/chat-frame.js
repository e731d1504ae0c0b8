/* Runs in the chat page when it is the widget's iframe: the frame side of the postMessage protocol
 * ({v: 1, type}), the visitor token, focus, Escape, keeping the newest message in view.
 * Talks only to the host origin the server checked against the tenant's allowlist (data-host-origin). */
(function () {
  'use strict';
  var me = document.currentScript;
  var hostOrigin = me && me.getAttribute('data-host-origin');
  var parent = window.parent;
  var token = '';
  var reported = null; // the conversation id last told to the host page
  var seen = null; // the last assistant message looked at

  var post = function (type, extra) {
    var m = { v: 1, type: type };
    for (var k in extra) m[k] = extra[k];
    parent.postMessage(m, hostOrigin);
  };
  var input = function () { return document.getElementById('chat-input'); };

  // A chat page of ours loaded in the frame stays embedded and keeps the checked host origin.
  var inFrame = function (href) {
    var url = new URL(href, location.href);
    if (url.origin == location.origin && /\/chat$/.test(url.pathname)) {
      url.searchParams.set('embed', '1');
      url.searchParams.set('host', hostOrigin);
    }
    return url.href;
  };
  // Links that would replace the host page (target=_top) open a new tab instead.
  var fixLinks = function () {
    var links = document.querySelectorAll('a[href]');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      if (a.target == '_top') { a.target = '_blank'; a.rel = 'noopener'; }
      else if (inFrame(a.href) != a.href) a.href = inFrame(a.href);
    }
  };
  var tokenInvalid = function () { token = ''; post('tokeninvalid'); };

  // The host page's stored conversation, taken up again by a form post of this frame (same origin, with
  // the token: a signed-in person's conversation opens for them only). Once: a resumed page that shows
  // no conversation found none.
  var resume = function (id) {
    var field = document.querySelector('#chat-form [name=conversationId]');
    if ((field && field.value) || /\/resume$/.test(location.pathname)) return;
    var form = document.createElement('form');
    form.method = 'post';
    form.action = location.pathname + '/resume' + location.search;
    var add = function (name, value) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    };
    add('conversationId', id);
    if (token) add('token', token);
    document.body.appendChild(form);
    form.submit();
  };

  // After every change of the chat: tell the host the conversation id and an escalation, keep focus usable.
  var update = function () {
    var field = document.querySelector('#chat-form [name=conversationId]');
    var id = field ? field.value : '';
    if (id != reported) { reported = id; post('conversation', { id: id }); }
    var replies = document.querySelectorAll('#chat-log .msg.assistant[data-kind]');
    var last = replies[replies.length - 1];
    if (last && last != seen) {
      seen = last;
      if (last.getAttribute('data-kind') == 'escalate') post('escalated');
      // Show the new turn from the visitor's words on, so a long answer is read from its start.
      var asked = document.querySelectorAll('#chat-log .msg.visitor');
      if (asked.length) asked[asked.length - 1].scrollIntoView({ block: 'start' });
    }
    // The form is swapped after each message, taking the focused field with it: give focus to the new one.
    if ((!document.activeElement || document.activeElement == document.body) && document.hasFocus() && input()) input().focus({ preventScroll: true });
    fixLinks();
  };

  if (!hostOrigin || parent == window) return; // not framed by a checked host page: a plain chat page

  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.source != parent || e.origin != hostOrigin || !m || m.v != 1) return;
    if ((m.type == 'init' || m.type == 'token') && typeof m.token == 'string') token = m.token;
    if (m.type == 'init' && typeof m.conversation == 'string' && m.conversation) resume(m.conversation);
    if (m.type == 'focus' && input()) input().focus({ preventScroll: true });
  });
  document.addEventListener('keydown', function (e) { if (e.key == 'Escape' && !e.defaultPrevented) post('close'); });
  // The token reaches the server in the posted form, never in a URL.
  document.addEventListener('htmx:configRequest', function (e) { if (token) e.detail.parameters.token = token; });
  document.addEventListener('htmx:afterSettle', update);
  document.addEventListener('help-assistant-token-invalid', tokenInvalid);
  // The server restarts a conversation that is gone (or was a signed-in person's) with HX-Redirect to the
  // plain chat page: follow it inside the frame instead.
  document.addEventListener('htmx:beforeOnLoad', function (e) {
    var xhr = e.detail.xhr, to = xhr.getResponseHeader('HX-Redirect');
    if (!to) return;
    e.preventDefault();
    if (/help-assistant-token-invalid/.test(xhr.getResponseHeader('HX-Trigger') || '')) tokenInvalid();
    location.href = inFrame(to);
  });

  // Ready at once: a message sent before htmx has loaded (static/enhance.js loads it on the first focus
  // or tap) is held and sent through htmx when it is, never as a full-page post.
  var start = function () {
    // A new conversation asked for in the frame: the host page forgets the one it keeps, before it hands
    // that one over in "init".
    if (new URLSearchParams(location.search).get('new') == '1') { reported = ''; post('conversation', { id: '' }); }
    post('ready');
    update();
    // A conversation taken up again: show where it stopped.
    window.scrollTo(0, document.documentElement.scrollHeight);
  };
  document.readyState == 'loading' ? document.addEventListener('DOMContentLoaded', start) : start();
})();
