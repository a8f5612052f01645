/* Idle sign-out warning. The server signs a session out after data-idle-seconds without a
 * request (unionplan.idle); this shows a warning data-idle-warning-seconds before, whose 继续使用
 * pings data-keepalive-url. Any request the page makes (htmx, fetch, XHR — e.g. the report
 * workspace's autosave) counts as activity, in every open tab (shared through localStorage).
 * When the time is up the page reloads and the server sends it to the sign-in page. */
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "", 10);
  var warn = parseInt(body.getAttribute("data-idle-warning-seconds") || "", 10);
  var keepaliveUrl = body.getAttribute("data-keepalive-url");
  var dialog = document.getElementById("idle-warning");
  if (!idle || !keepaliveUrl || !dialog) return;
  warn = Math.min(warn || 60, Math.floor(idle / 2));
  var STORE = "unionplan-last-activity";
  var last = Date.now();
  var shown = false;
  var leaving = false;

  function span(seconds) {
    return seconds % 60 === 0 ? seconds / 60 + " 分钟" : seconds + " 秒";
  }

  function touch() {
    last = Date.now();
    try { window.localStorage.setItem(STORE, String(last)); } catch (e) { /* private mode */ }
    if (shown) hide();
  }

  function lastActivity() {
    var shared = 0;
    try { shared = parseInt(window.localStorage.getItem(STORE) || "0", 10) || 0; } catch (e) { /* ignore */ }
    return Math.max(last, shared);
  }

  function modal() {
    return window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(dialog) : null;
  }

  function show() {
    shown = true;
    var text = dialog.querySelector("[data-idle-text]");
    if (text) text.textContent = "您已 " + span(idle - warn) + "未操作，" + span(warn) + "后将自动退出。";
    var m = modal();
    if (m) m.show(); else dialog.hidden = false;
  }

  function hide() {
    shown = false;
    var m = modal();
    if (m) m.hide(); else dialog.hidden = true;
  }

  function leave() {
    if (leaving) return;
    leaving = true;
    // A plain GET of this page: the server sees the idle session, signs it out and redirects to
    // the sign-in page with the reason (a second later than the server's limit, for clock skew).
    window.location.assign(window.location.href);
  }

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function keepAlive() {
    var request = new XMLHttpRequest();
    request.open("POST", keepaliveUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.addEventListener("load", function () {
      if (request.status !== 204) leave();
    });
    request.send();
  }

  // Every request to the server is activity: htmx, fetch and XMLHttpRequest.
  document.addEventListener("htmx:afterRequest", touch);
  if (window.fetch) {
    var fetch = window.fetch;
    window.fetch = function () {
      return fetch.apply(this, arguments).then(function (response) { touch(); return response; });
    };
  }
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    this.addEventListener("loadend", touch);
    return send.apply(this, arguments);
  };

  dialog.addEventListener("click", function (event) {
    if (event.target.closest("[data-idle-continue]")) keepAlive();
  });

  touch();
  window.setInterval(function () {
    var elapsed = (Date.now() - lastActivity()) / 1000;
    if (elapsed >= idle + 1) leave();
    else if (elapsed >= idle - warn && !shown) show();
    else if (elapsed < idle - warn && shown) hide();
  }, 500);
})();
