/*
 * assets.c — the console's stylesheet and script, served under /static/
 * by ledsign itself (no CDN: a campus LAN may have no internet).  Plain
 * CSS and plain JavaScript as C strings: no build step, and the binary is
 * the whole console.  No inline script anywhere: the Content-Security-
 * Policy (server.c) allows scripts from /static/ only.
 *
 * console.js: the board wall's live updates (EventSource on /wall/events,
 * one JSON message per board change: its picture version, state, reason,
 * item and rule) and the CSRF header for scripts' POSTs.
 */
#include <stddef.h>

#include "web/web.h"

static const char console_css[] =
    ":root{--bg:#f4f5f7;--fg:#1b1d21;--muted:#5d6470;--card:#fff;--line:#d9dce1;--accent:#0b5cad;"
    "--ok:#1f7a34;--warn:#a15c00;--bad:#b3261e}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.45 system-ui,\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",sans-serif;"
    "background:var(--bg);color:var(--fg)}\n"
    "header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.5rem 1rem;"
    "background:#1b2a3a;color:#fff}\n"
    "header.top a{color:#dfe9f5;text-decoration:none}\n"
    "header.top a.here{color:#fff;font-weight:600;border-bottom:2px solid #fff}\n"
    ".brand{font-weight:700}\n"
    "nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}\n"
    ".who{margin-left:auto;display:flex;gap:.75rem;align-items:center}\n"
    "form.inline{display:inline}\n"
    "main{padding:1rem;max-width:1400px;margin:0 auto}\n"
    "h1{font-size:1.4rem;margin:.25rem 0 1rem}\n"
    "h2{font-size:1.15rem;margin:1.25rem 0 .5rem}\n"
    "button,.button{font:inherit;padding:.55rem 1rem;border-radius:6px;border:1px solid var(--line);"
    "background:var(--card);color:var(--fg);cursor:pointer;min-height:44px}\n"
    "button.primary{background:var(--accent);border-color:var(--accent);color:#fff}\n"
    "button.danger{background:var(--bad);border-color:var(--bad);color:#fff}\n"
    "header.top button{min-height:0;padding:.2rem .6rem;background:transparent;color:#dfe9f5;border-color:#50667d}\n"
    "label{display:block;margin:.6rem 0 .2rem;font-weight:600}\n"
    "input[type=text],input[type=password],textarea,select{font:inherit;width:100%;max-width:36rem;"
    "padding:.5rem;border:1px solid var(--line);border-radius:6px;background:#fff}\n"
    "textarea{min-height:5rem}\n"
    ".checks label{display:inline-flex;gap:.3rem;font-weight:400;margin:.2rem 1rem .2rem 0;min-height:32px;align-items:center}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}\n"
    ".error{color:var(--bad);font-weight:600}\n"
    ".notice{color:var(--ok);font-weight:600}\n"
    "table{border-collapse:collapse;width:100%;background:var(--card)}\n"
    "th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}\n"
    ".scroll{overflow-x:auto}\n"
    ".group{margin:0 0 1.25rem}\n"
    ".boards{display:flex;flex-wrap:wrap;gap:.75rem}\n"
    ".board{background:#111;color:#ddd;border-radius:8px;padding:.5rem;max-width:100%;margin:0}\n"
    ".board img{display:block;max-width:100%;height:auto;image-rendering:pixelated;background:#000}\n"
    ".board .name{font-weight:700;color:#fff}\n"
    ".board .meta{font-size:.85rem;color:#bbb;word-break:break-word}\n"
    ".st{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;margin-left:.4rem}\n"
    ".st-online{background:var(--ok);color:#fff}.st-stalled{background:var(--warn);color:#fff}\n"
    ".st-offline,.st-connecting{background:var(--bad);color:#fff}\n"
    ".live{font-size:.85rem;color:var(--muted)}.live.lost{color:var(--bad)}\n"
    ".preview{background:#111;padding:.5rem;border-radius:8px;display:inline-block;max-width:100%}\n"
    ".preview img{max-width:100%;height:auto}.preview figcaption{color:#ddd}\n"
    ".lvl-emergency{color:var(--bad);font-weight:700}.lvl-warning{color:var(--warn);font-weight:700}\n"
    ".alerttext{white-space:pre-wrap;word-break:break-word}\n"
    "@media (max-width:600px){main{padding:.6rem}header.top{padding:.5rem}.who{margin-left:0}"
    "td,th{padding:.35rem .3rem;font-size:.9rem}.hide-narrow{display:none}button{width:100%;margin:.25rem 0}"
    "header.top button{width:auto;margin:0}}\n";

static const char console_js[] =
    "'use strict';\n"
    "(function () {\n"
    "  function csrf() {\n"
    "    var m = document.querySelector('meta[name=\"csrf-token\"]');\n"
    "    return m ? m.getAttribute('content') : '';\n"
    "  }\n"
    "  window.ledsignCsrf = csrf;\n"
    "  /* the board wall: one message per change; the picture's URL carries its version */\n"
    "  function wall(root) {\n"
    "    var status = document.getElementById('live');\n"
    "    var es = new EventSource('/wall/events');\n"
    "    es.addEventListener('board', function (ev) {\n"
    "      var b = JSON.parse(ev.data);\n"
    "      var el = root.querySelector('[data-board=\"' + CSS.escape(b.name) + '\"]');\n"
    "      if (!el) { return; }\n"
    "      var img = el.querySelector('img');\n"
    "      if (img && b.v !== undefined && img.getAttribute('data-v') !== String(b.v)) {\n"
    "        img.setAttribute('data-v', String(b.v));\n"
    "        img.src = '/wall/board/' + encodeURIComponent(b.name) + '.png?v=' + b.v;\n"
    "      }\n"
    "      var st = el.querySelector('.st');\n"
    "      if (st) { st.textContent = b.state_text; st.className = 'st st-' + b.state; }\n"
    "      el.setAttribute('data-state', b.state);\n"
    "      var f = ['item', 'rule', 'reason'];\n"
    "      for (var i = 0; i < f.length; i++) {\n"
    "        var t = el.querySelector('.' + f[i]);\n"
    "        if (t) { t.textContent = b[f[i]] || ''; }\n"
    "      }\n"
    "    });\n"
    "    es.addEventListener('open', function () {\n"
    "      if (status) { status.className = 'live'; status.textContent = status.getAttribute('data-live'); }\n"
    "    });\n"
    "    es.addEventListener('error', function () {\n"
    "      if (status) { status.className = 'live lost'; status.textContent = status.getAttribute('data-lost'); }\n"
    "    });\n"
    "  }\n"
    "  document.addEventListener('DOMContentLoaded', function () {\n"
    "    var w = document.getElementById('wall');\n"
    "    if (w) { wall(w); }\n"
    "  });\n"
    "})();\n";

const struct web_asset web_assets_core[] = {
	{ "console.css", "text/css; charset=utf-8", console_css },
	{ "console.js", "text/javascript; charset=utf-8", console_js },
	{ NULL, NULL, NULL },
};
