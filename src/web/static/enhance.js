/* Loads htmx when the visitor first reaches for the page (a tap, a click, focus on a field), not while
 * the page loads (it is only prefetched into the cache once the page has loaded): a phone then shows and
 * scrolls the help page without parsing and running htmx first.
 * Every form works without htmx (plain GET and POST/redirect/GET), so nothing waits for it; a form sent
 * before htmx is ready is held and sent again through htmx as soon as it is, and text typed into the
 * search box meanwhile is searched then. Should htmx fail to load, the held form is sent the plain way. */
(function () {
  'use strict';
  var me = document.currentScript;
  var src = me && me.getAttribute('data-htmx');
  if (!src) return;
  var state = 'idle'; // idle → loading → ready | failed
  var held = null; // { form, submitter } sent before htmx was ready

  var enhanced = function (form) { return form && (form.hasAttribute('hx-get') || form.hasAttribute('hx-post')); };
  var resend = function () {
    if (!held) return;
    var h = held;
    held = null;
    // Pressed again, so that htmx (which notes the button a form is sent with when it is clicked) sends
    // its name and value, which the server reads (choice=…, message=…).
    if (h.submitter && h.submitter.form === h.form) h.submitter.click();
    else h.form.requestSubmit();
  };
  var done = function (ok) {
    state = ok ? 'ready' : 'failed';
    if (ok) {
      // Words typed into a live field before htmx listened: search them now (hx-trigger names this event).
      var fields = document.querySelectorAll('input[hx-trigger*="help-assistant:enhanced"]');
      for (var i = 0; i < fields.length; i++) if (fields[i].value !== fields[i].defaultValue) fields[i].dispatchEvent(new CustomEvent('help-assistant:enhanced'));
    }
    resend();
  };
  var inject = function () {
    var s = document.createElement('script');
    s.src = src;
    s.onload = function () { done(!!window.htmx); };
    s.onerror = function () { done(false); };
    document.head.appendChild(s);
  };
  var load = function () {
    // A page with nothing for htmx to do (the 404 page, the API reference) never loads it.
    if (state != 'idle' || !document.querySelector('[hx-get],[hx-post]')) return;
    state = 'loading';
    // htmx wires the page when the document is complete (injected earlier, it would wait for an event
    // that has already passed).
    if (document.readyState == 'complete') inject();
    else window.addEventListener('load', inject, { once: true });
  };

  document.addEventListener('submit', function (e) {
    if (state == 'ready' || state == 'failed' || !enhanced(e.target)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    held = { form: e.target, submitter: e.submitter || null };
    load();
  }, true);
  ['focusin', 'pointerdown', 'keydown'].forEach(function (type) { document.addEventListener(type, load, { capture: true, passive: true }); });

  // Fetched ahead into the cache once the page has loaded and the browser is idle, so that the first tap
  // finds htmx at hand. Not from the page's head: a prefetch there shares the network with what the first
  // screen needs and, in Lighthouse's model of a slow phone, draws out the load over which blocking time
  // is counted.
  var prefetch = function () {
    if (state != 'idle' || !document.querySelector('[hx-get],[hx-post]')) return;
    var l = document.createElement('link');
    l.rel = 'prefetch';
    l.as = 'script';
    l.href = src;
    document.head.appendChild(l);
  };
  // The live search names this page view (a random id, nothing else), so that the editors' log of
  // searches that found nothing tells one visitor's typing from another's.
  var tab = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  document.addEventListener('htmx:configRequest', function (e) {
    if (e.detail && /\/search(\?|$)/.test(e.detail.path || '')) e.detail.headers['X-Search-Tab'] = tab;
  });
  var idle = function () { (window.requestIdleCallback || function (f) { setTimeout(f, 1); })(prefetch, { timeout: 3000 }); };
  if (document.readyState == 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
  document.addEventListener('touchstart', load, { capture: true, passive: true });
})();
