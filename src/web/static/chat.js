/* The chat page with htmx (on the help page and in the widget's frame): the visitor's words show at once
 * with a typing indicator, nothing can be sent twice while waiting, older choices are switched off, Enter
 * sends (Shift+Enter adds a line), and the new reply is brought into view. Without JavaScript the page
 * still works by plain form posts. */
(function () {
  'use strict';
  var log = function () { return document.getElementById('chat-log'); };
  var chatForm = function (el) { return el && el.tagName == 'FORM' && (el.id == 'chat-form' || (el.closest && el.closest('#chat-log'))); };
  var pending = []; // the echo and the indicator shown while a request runs
  var byChoice = false; // the last request came from a choice button (its button is gone: focus the reply)
  var pendingTurn = false; // a turn was asked for and has not been shown yet

  var add = function (cls, text, attrs) {
    var li = document.createElement('li');
    li.className = cls;
    li.textContent = text;
    for (var k in attrs) li.setAttribute(k, attrs[k]);
    log().appendChild(li);
    pending.push(li);
    return li;
  };
  var controls = function (selector) { return document.querySelectorAll(selector); };
  var setDisabled = function (nodes, on) { for (var i = 0; i < nodes.length; i++) nodes[i].disabled = on; };
  var clear = function () { while (pending.length) { var li = pending.pop(); if (li.parentNode) li.parentNode.removeChild(li); } };

  document.addEventListener('htmx:beforeRequest', function (e) {
    var form = e.detail.elt;
    if (!chatForm(form)) return;
    var submitter = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent && e.detail.requestConfig.triggeringEvent.submitter;
    byChoice = form.id != 'chat-form';
    pendingTurn = true;
    var text = byChoice ? (submitter ? submitter.textContent : '') : (form.elements.message ? form.elements.message.value : '');
    if (!text.trim()) return;
    // The visitor's words at once; the real turn from the server replaces them.
    add('msg visitor pending', text, { 'aria-hidden': 'true' });
    var l = log();
    add('msg assistant typing', l.getAttribute('data-typing') || '…', {}); // announced by the log, a polite live region
    // Nothing to send twice while waiting; older choices stop meaning anything once a new turn starts.
    setDisabled(controls('#chat-form button, #chat-form input, #chat-form textarea, #chat-log .msg-choices button'), true);
    pending[0].scrollIntoView({ block: 'nearest' });
  });

  // A turn lands in the log (the form that asked is swapped out, so its own events no longer reach here).
  var intoLog = function (e) { return (e.detail.target && e.detail.target.id == 'chat-log') || chatForm(e.detail.elt); };
  document.addEventListener('htmx:beforeSwap', function (e) { if (intoLog(e)) clear(); });
  document.addEventListener('htmx:afterRequest', function (e) {
    if (!chatForm(e.detail.elt)) return;
    clear();
    // A failed or empty request leaves the form as it was: usable again.
    if (!e.detail.successful || e.detail.xhr.status == 204) {
      pendingTurn = false;
      setDisabled(controls('#chat-form button, #chat-form input, #chat-form textarea'), false);
      var last = controls('#chat-log .msg-choices');
      if (last.length) setDisabled(last[last.length - 1].querySelectorAll('button'), false);
    }
  });

  document.addEventListener('htmx:afterSettle', function (e) {
    if (!intoLog(e) || !pendingTurn) return;
    pendingTurn = false;
    var asked = controls('#chat-log .msg.visitor');
    var replies = controls('#chat-log .msg.assistant[data-kind]');
    var reply = replies[replies.length - 1];
    // The turn from the visitor's words on, so a long answer is read from its start.
    if (asked.length) asked[asked.length - 1].scrollIntoView({ block: 'start' });
    // After a choice its button is gone: focus moves to the reply, read from its start. After a typed
    // message focus stays in the message box (the log is a live region and announces the reply).
    if (byChoice && reply) reply.focus({ preventScroll: true });
    else if (document.getElementById('chat-input')) document.getElementById('chat-input').focus({ preventScroll: true });
  });

  // Enter sends from the multi-line box; Shift+Enter (or an input method composing) adds a line.
  document.addEventListener('keydown', function (e) {
    var box = e.target;
    if (e.key != 'Enter' || e.shiftKey || e.isComposing || !box || box.id != 'chat-input' || box.tagName != 'TEXTAREA') return;
    e.preventDefault();
    if (box.form && box.value.trim()) box.form.requestSubmit();
  });
})();
