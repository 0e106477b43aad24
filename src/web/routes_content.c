/*
 * routes_content.c — the content editor's pages (content_int.h): the route
 * table, and its script and stylesheet.  content.js draws the live preview
 * (one PNG per board from /content/preview.png, rendered by ledsign's own
 * renderer, and the warnings from /content/check.json) and reorders
 * playlists by drag and by keyboard (the ↑ ↓ buttons, or Alt+↑/↓ on an
 * item).  No inline script or style: the CSP allows neither.
 */
#include <stddef.h>

#include "web/content_int.h"
#include "web/web.h"

const struct web_route web_routes_content[] = {
	{ "GET", "/schedule", 0, WEB_ROLE_VIEWER, page_schedule, "nav.schedule" },
	{ "GET", "/schedule/why", 0, WEB_ROLE_VIEWER, page_schedule_why, NULL },
	{ "GET", "/content", 0, WEB_ROLE_VIEWER, page_content, "nav.content" },
	{ "GET", "/content/item", 0, WEB_ROLE_VIEWER, page_item, NULL },
	{ "POST", "/content/item", 0, WEB_ROLE_EDITOR, post_item, NULL },
	{ "GET", "/content/preview.png", 0, WEB_ROLE_VIEWER, item_preview_png, NULL },
	{ "GET", "/content/check.json", 0, WEB_ROLE_VIEWER, item_check_json, NULL },
	{ "GET", "/content/playlist", 0, WEB_ROLE_VIEWER, page_playlist, NULL },
	{ "POST", "/content/playlist", 0, WEB_ROLE_EDITOR, post_playlist, NULL },
	{ "POST", "/content/poster", 0, WEB_ROLE_EDITOR, post_poster, NULL },
	{ "GET", "/content/rule", 0, WEB_ROLE_VIEWER, page_rule, NULL },
	{ "POST", "/content/rule", 0, WEB_ROLE_EDITOR, post_rule, NULL },
	{ "GET", "/history", 0, WEB_ROLE_VIEWER, page_history, "nav.history" },
	{ "GET", "/history/version", 0, WEB_ROLE_VIEWER, page_version, NULL },
	{ "POST", "/history/restore", 0, WEB_ROLE_EDITOR, post_restore, NULL },
	{ "POST", "/history/adopt", 0, WEB_ROLE_EDITOR, post_adopt, NULL },
	{ NULL, NULL, 0, WEB_ROLE_PUBLIC, NULL, NULL },
};

const char content_js[] =
    "(function(){'use strict';\n"
    "function $(s,r){return (r||document).querySelector(s);}\n"
    "function $$(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s));}\n"
    /* the item editor: preview and warnings as staff type */
    "var form=$('#item-form');\n"
    "if(form){var imgs=$$('img.lp'),timer=null,t=0,scroll=false;\n"
    " function params(){var p=[];$$('.pv',form).forEach(function(el){if(el.name&&el.value!=='')"
    "p.push(encodeURIComponent(el.name)+'='+encodeURIComponent(el.value));});return p.join('&');}\n"
    " function refresh(){var q=params(),eff=form.elements.effect?form.elements.effect.value:'';"
    "scroll=eff.indexOf('scroll')===0;\n"
    "  imgs.forEach(function(img){img.src='/content/preview.png?board='+encodeURIComponent(img.getAttribute('data-board'))"
    "+'&t='+t.toFixed(1)+'&'+q;});\n"
    "  fetch('/content/check.json?'+q,{credentials:'same-origin'}).then(function(r){return r.json();}).then(function(j){"
    "var ul=$('#warnings');ul.textContent='';(j.warnings||[]).forEach(function(w){var li=document.createElement('li');"
    "li.className='is-warning';li.textContent=w;ul.appendChild(li);});}).catch(function(){});}\n"
    " form.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(refresh,250);});\n"
    " form.addEventListener('change',function(){clearTimeout(timer);timer=setTimeout(refresh,50);});\n"
    " setInterval(function(){if(!scroll)return;t+=1;imgs.forEach(function(img){"
    "img.src=img.src.replace(/([?&]t=)[0-9.]+/,'$1'+t.toFixed(1));});},1000);\n"
    " refresh();}\n"
    /* the playlist editor: drag, buttons, Alt+arrows */
    "var pl=$('#pl-items');\n"
    "if(pl){var order=$('#order'),dragged=null;\n"
    " function sync(){order.value=$$('li',pl).map(function(li){return li.getAttribute('data-entry');}).join(',');}\n"
    " pl.addEventListener('click',function(e){var b=e.target.closest('button');if(!b)return;var li=b.closest('li');"
    "if(b.classList.contains('up')&&li.previousElementSibling)pl.insertBefore(li,li.previousElementSibling);"
    "else if(b.classList.contains('down')&&li.nextElementSibling)pl.insertBefore(li.nextElementSibling,li);"
    "else if(b.classList.contains('rm')){li.remove();sync();return;}sync();b.focus();});\n"
    " pl.addEventListener('keydown',function(e){var li=e.target.closest('li');if(!li||!e.altKey)return;"
    "if(e.key==='ArrowUp'&&li.previousElementSibling)pl.insertBefore(li,li.previousElementSibling);"
    "else if(e.key==='ArrowDown'&&li.nextElementSibling)pl.insertBefore(li.nextElementSibling,li);else return;"
    "e.preventDefault();li.focus();sync();});\n"
    " pl.addEventListener('dragstart',function(e){dragged=e.target.closest('li');e.dataTransfer.effectAllowed='move';"
    "e.dataTransfer.setData('text/plain','');});\n"
    " pl.addEventListener('dragover',function(e){e.preventDefault();var li=e.target.closest('li');"
    "if(!li||!dragged||li===dragged)return;var r=li.getBoundingClientRect();"
    "pl.insertBefore(dragged,(e.clientY-r.top)>r.height/2?li.nextSibling:li);});\n"
    " pl.addEventListener('drop',function(e){e.preventDefault();sync();});\n"
    " pl.addEventListener('dragend',function(){dragged=null;sync();});\n"
    " var add=$('#add');if(add)add.addEventListener('click',function(){var s=$('#add-item'),li=document.createElement('li');"
    "li.draggable=true;li.tabIndex=0;li.setAttribute('data-entry','n:'+s.value);var sp=document.createElement('span');"
    "sp.className='nm';sp.textContent=s.value;li.appendChild(sp);['up','down','rm'].forEach(function(c,i){"
    "var b=document.createElement('button');b.type='button';b.className=c;b.textContent=['\\u2191','\\u2193','\\u2715'][i];"
    "li.appendChild(document.createTextNode(' '));li.appendChild(b);});pl.appendChild(li);sync();});\n"
    " $('#playlist-form').addEventListener('submit',sync);sync();}\n"
    "})();\n";

const char content_css[] =
    ".field-error{color:var(--bad);font-weight:600;margin:.2rem 0}\n"
    ".field-error.is-warning,.problems .is-warning{color:var(--warn)}\n"
    ".problems .is-error{color:var(--bad)}\n"
    ".editor{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}\n"
    "@media(min-width:1000px){.editor{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}\n"
    ".editor .board img{image-rendering:pixelated}\n"
    ".pl-items li{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem;"
    "margin:.25rem 0;cursor:grab;display:flex;gap:.4rem;align-items:center}\n"
    ".pl-items li .nm{flex:1}.pl-items li button{min-height:32px;padding:.1rem .5rem}\n"
    ".pl-items li:focus{outline:3px solid var(--accent)}\n"
    "pre.diff{background:#fff;border:1px solid var(--line);padding:.5rem;overflow-x:auto}\n"
    ".d-add{background:#e6ffec;color:#0a3d1a}.d-del{background:#ffebe9;color:#6e0b0b}.d-hunk{color:var(--muted)}\n"
    "svg.week a.run:hover rect,svg.week a.run:focus rect{opacity:.75}\n"
    ".conflict{border-color:var(--bad)}\n"
    ".hint{color:var(--muted)}\n"
    "td.text{max-width:30rem;word-break:break-word}\n";

const struct web_asset web_assets_content[] = {
	{ "content.js", "application/javascript; charset=utf-8", content_js },
	{ "content.css", "text/css; charset=utf-8", content_css },
	{ NULL, NULL, NULL },
};
