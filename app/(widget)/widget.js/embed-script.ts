/**
 * The script a customer's site loads with
 *   <script src="https://APP/widget.js" data-key="PUBLIC_KEY" async></script>
 * Plain ES5-level JavaScript (it runs on pages we do not control). Everything it draws
 * lives in a shadow root, so the host page's CSS and ours never touch; its only global
 * is window.SupportWidget ({ open, close, toggle }).
 *
 * The visitor's conversation token is kept here, in the host page's own (first-party)
 * localStorage, and handed to the chat frame when it asks: browsers wipe or partition
 * a third-party frame's storage, which would forget the visitor on every page. Only the
 * app's origin receives it, and only tokens from the chat frame are stored.
 * Identity verification: data-user-id and data-user-hash (hex HMAC-SHA256 of the user
 * id with the tenant's identity secret, computed on the site's server) on the tag.
 */
export const EMBED_SCRIPT = String.raw`(function () {
  "use strict";
  if (window.SupportWidget) return;
  var script = document.currentScript || document.querySelector('script[src*="/widget.js"][data-key]');
  var key = script && script.getAttribute("data-key");
  if (!key) {
    console.warn("[support-widget] Add data-key=\"YOUR_PUBLIC_KEY\" to the widget.js script tag.");
    return;
  }
  var origin = new URL(script.src, location.href).origin;
  var base = origin + "/w/" + encodeURIComponent(key);
  var STORE = "support-widget:" + key;
  var userId = script.getAttribute("data-user-id");
  var userHash = script.getAttribute("data-user-hash");
  var identity = userId && userHash ? { userId: userId, userHash: userHash } : null;
  function keptToken() {
    try {
      var kept = JSON.parse(localStorage.getItem(STORE) || "{}");
      return kept && typeof kept.token === "string" ? kept.token : null;
    } catch (error) {
      return null;
    }
  }
  function keepToken(token) {
    try {
      localStorage.setItem(STORE, JSON.stringify({ token: token }));
    } catch (error) {
      // Storage refused (private mode): the visitor starts afresh on the next page.
    }
  }
  var CHAT_ICON = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 3C6.5 3 2 6.8 2 11.5c0 2.4 1.2 4.6 3.1 6.1L4.4 21a.6.6 0 0 0 .9.6l3.9-2.2c.9.2 1.8.3 2.8.3 5.5 0 10-3.8 10-8.5S17.5 3 12 3Z"/></svg>';
  var CLOSE_ICON = '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" d="M6 6l12 12M18 6 6 18"/></svg>';
  var CSS = [
    ":host{all:initial}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border:0;border-radius:50%;padding:0;margin:0;",
    "display:flex;align-items:center;justify-content:center;cursor:pointer;background:#334155;color:#fff;",
    "box-shadow:0 6px 20px rgba(15,23,42,.3);z-index:2147483000;visibility:hidden}",
    ".launcher.ready{visibility:visible}",
    ".launcher:hover{filter:brightness(1.08)}",
    ".launcher:focus-visible{outline:3px solid #0f172a;outline-offset:3px;box-shadow:0 0 0 3px #fff}",
    ".dot{position:absolute;top:1px;right:1px;width:14px;height:14px;border-radius:50%;background:#dc2626;border:2px solid #fff}",
    ".dot[hidden],.panel[hidden]{display:none}",
    ".panel{position:fixed;right:20px;bottom:88px;width:380px;height:640px;max-height:calc(100vh - 108px);",
    "border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 16px 48px rgba(15,23,42,.28);z-index:2147483000}",
    ".panel iframe{display:block;width:100%;height:100%;border:0}",
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}",
    ":host([data-open]) .launcher{display:none}}",
    "@media (prefers-reduced-motion:no-preference){.panel{animation:sw-in .16s ease-out}}",
    "@keyframes sw-in{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}"
  ].join("");

  function textOn(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0588 ? "#ffffff" : "#0f172a";
  }

  var host = document.createElement("div");
  host.setAttribute("data-support-widget", key);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML = "<style>" + CSS + "</style>" +
    '<div class="panel" id="panel" role="dialog" aria-label="Chat" hidden></div>' +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="panel" aria-label="Open chat">' +
    CHAT_ICON + '<span class="dot" hidden></span></button>';
  var panel = root.getElementById("panel");
  var launcher = root.querySelector(".launcher");
  var dot = root.querySelector(".dot");
  var iframe = null;
  var name = "support";

  function post(type, extra) {
    var message = { source: "support-widget", type: type };
    if (extra) for (var name in extra) message[name] = extra[name];
    if (iframe && iframe.contentWindow) iframe.contentWindow.postMessage(message, origin);
  }
  function setLauncher(open) {
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.setAttribute("aria-label", (open ? "Close chat with " : "Open chat with ") + name);
    launcher.innerHTML = (open ? CLOSE_ICON : CHAT_ICON) + '<span class="dot" hidden></span>';
    dot = root.querySelector(".dot");
  }
  function open() {
    if (!iframe) {
      iframe = document.createElement("iframe");
      iframe.src = base + "?embed=1&host=" + encodeURIComponent(location.origin);
      iframe.title = "Chat with " + name;
      iframe.addEventListener("load", function () { post("open"); });
      panel.appendChild(iframe);
    }
    panel.hidden = false;
    host.setAttribute("data-open", "");
    setLauncher(true);
    iframe.focus();
    post("open");
  }
  function close(returnFocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    host.removeAttribute("data-open");
    setLauncher(false);
    if (returnFocus) launcher.focus();
  }
  function toggle() {
    if (panel.hidden) open(); else close(true);
  }

  launcher.addEventListener("click", toggle);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close(true);
  });
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !iframe || event.source !== iframe.contentWindow) return;
    var data = event.data;
    if (!data || data.source !== "support-widget") return;
    if (data.type === "close") close(true);
    if (data.type === "reply" && panel.hidden) dot.hidden = false;
    if (data.type === "hello") post("session", { session: { token: keptToken(), identity: identity } });
    if (data.type === "token" && typeof data.token === "string" && data.token.length < 4000) keepToken(data.token);
  });

  function show(branding) {
    if (branding && /^#[0-9a-f]{6}$/i.test(branding.color)) {
      launcher.style.background = branding.color;
      launcher.style.color = textOn(branding.color);
    }
    if (branding && branding.name) name = String(branding.name);
    panel.setAttribute("aria-label", "Chat with " + name);
    setLauncher(false);
    launcher.className = "launcher ready";
  }
  function mount() {
    document.body.appendChild(host);
    fetch(base + "/branding", { credentials: "omit" })
      .then(function (response) {
        if (response.status === 404) throw new Error("unknown key");
        return response.ok ? response.json() : null;
      })
      .then(show, function (error) {
        if (error && error.message === "unknown key") {
          console.warn("[support-widget] Unknown widget key " + key + "; copy the snippet again from the Control Center.");
          host.remove();
        } else {
          show(null);
        }
      });
  }

  window.SupportWidget = { open: open, close: function () { close(false); }, toggle: toggle };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
`;
