// Turning what the page is told into DOM: message text from Telegram's entities (the
// HTML subset bots may send), media, quotes, buttons. Everything else is escaped.
import {formatDay, formatTime, t} from "./i18n.js";

export function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => (
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

function safeUrl(url) {
  const value = String(url || "");
  return /^(https?:|tg:|mailto:|tel:)/i.test(value) ? esc(value) : "#";
}

function wrap(entity, inner, raw) {
  switch (entity.type) {
    case "bold": return `<b>${inner}</b>`;
    case "italic": return `<i>${inner}</i>`;
    case "underline": return `<u>${inner}</u>`;
    case "strikethrough": return `<s>${inner}</s>`;
    case "spoiler": return `<span class="spoiler" title="Spoiler">${inner}</span>`;
    case "code": return `<code>${inner}</code>`;
    case "pre": return `<pre><code>${inner}</code></pre>`;
    case "blockquote":
    case "expandable_blockquote": return `<blockquote>${inner}</blockquote>`;
    case "text_link": return `<a href="${safeUrl(entity.url)}" target="_blank" rel="noopener">${inner}</a>`;
    case "url": return `<a href="${safeUrl(/^[a-z]+:/i.test(raw) ? raw : "https://" + raw)}" target="_blank" rel="noopener">${inner}</a>`;
    case "email": return `<a href="mailto:${esc(raw)}">${inner}</a>`;
    case "phone_number": return `<a href="tel:${esc(raw)}">${inner}</a>`;
    case "mention": case "hashtag": case "cashtag": case "bot_command": case "text_mention":
      return `<span class="link">${inner}</span>`;
    default: return inner;
  }
}

// Entities nest (Telegram guarantees it); offsets are UTF-16 units, as JS strings are.
export function formatText(text, entities) {
  const list = (entities || []).filter((e) => e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(start, end, items) {
    let html = "";
    let pos = start;
    items.forEach((e, i) => {
      if (e.offset < pos || e.offset >= end) return; // inside an entity already written
      const stop = Math.min(e.offset + e.length, end);
      html += esc(text.slice(pos, e.offset));
      const inner = items.slice(i + 1).filter((c) => c.offset >= e.offset && c.offset + c.length <= stop);
      html += wrap(e, build(e.offset, stop, inner), text.slice(e.offset, stop));
      pos = stop;
    });
    return html + esc(text.slice(pos, end));
  }
  return build(0, text.length, list);
}

export function timeOf(seconds, timeZone) {
  if (!seconds) return "";
  return formatTime(new Date(seconds * 1000), timeZone);
}

export function dayOf(seconds, timeZone) {
  return formatDay(new Date(seconds * 1000), timeZone);
}

function media(m) {
  const md = m.media;
  if (!md) return "";
  if ((md.kind === "photo" || md.kind === "sticker") && md.url) {
    return `<a class="photo" href="${esc(md.url)}" target="_blank"><img src="${esc(md.url)}" alt="${esc(t("Photo"))}" loading="lazy"></a>`;
  }
  const icon = {voice: "🎤", audio: "🎵", video: "🎬", animation: "🎞️"}[md.kind] || "📄";
  const name = md.file_name || md.kind;
  const size = md.size ? ` · ${(md.size / 1024).toFixed(1)} KB` : "";
  const label = `<span class="file-icon">${icon}</span><span><b>${esc(name)}</b><br><span class="muted">${esc(md.mime_type || md.kind)}${size}</span></span>`;
  return md.url ? `<a class="file" href="${esc(md.url)}" target="_blank">${label}</a>` : `<div class="file">${label}</div>`;
}

function extras(m) {
  if (m.contact) {
    const c = m.contact;
    return `<div class="file"><span class="file-icon">👤</span><span><b>${esc([c.first_name, c.last_name].filter(Boolean).join(" "))}</b><br><span class="muted">${esc(c.phone_number)}</span></span></div>`;
  }
  if (m.location) {
    return `<div class="file"><span class="file-icon">📍</span><span>${m.location.latitude.toFixed(4)}, ${m.location.longitude.toFixed(4)}</span></div>`;
  }
  return "";
}

function keyboard(m) {
  if (!m.inline_keyboard || !m.inline_keyboard.length) return "";
  const rows = m.inline_keyboard.map((row) => `<div class="kb-row">${row.map((b) => {
    if (b.url) return `<a class="inline-btn" href="${safeUrl(b.url)}" target="_blank" rel="noopener">${esc(b.text)} ↗</a>`;
    const data = b.callback_data == null ? "" : ` data-data="${esc(b.callback_data)}"`;
    return `<button type="button" class="inline-btn"${data}${data ? "" : " disabled"}>${esc(b.text)}</button>`;
  }).join("")}</div>`).join("");
  return `<div class="inline-kb" data-message="${m.message_id}">${rows}</div>`;
}

// One message as an element; `me` is the acting person, `group` shows sender names.
export function messageElement(m, {me, group, timeZone}) {
  const el = document.createElement("div");
  el.dataset.id = m.message_id;
  if (m.service) {
    el.className = "msg service";
    el.innerHTML = `<span>${esc(m.service)}</span>`;
    return el;
  }
  const out = m.from.id === me;
  el.className = `msg ${out ? "out" : "in"}${m.from.is_bot ? " bot" : ""}`;
  const name = group && !out ? `<div class="sender">${esc(m.from.name)}${m.from.is_bot ? " <span class=\"tag\">bot</span>" : ""}</div>` : "";
  const quote = m.reply_to ? `<div class="quote"><b>${esc(m.reply_to.from)}</b><div>${esc(m.reply_to.text)}</div></div>` : "";
  const text = m.text ? `<div class="text">${formatText(m.text, m.entities)}</div>` : "";
  const meta = `<span class="meta">${m.edited ? esc(t("edited")) + " " : ""}${timeOf(m.date, timeZone)}</span>`;
  const prompt = m.force_reply ? `<div class="force muted">↩ ${esc(t("The bot asks for a reply"))}</div>` : "";
  el.innerHTML = `<div class="bubble">${name}${quote}${media(m)}${extras(m)}${text}${prompt}${meta}
    <button type="button" class="reply-btn" title="${esc(t("Reply"))}" aria-label="${esc(t("Reply"))}">↩</button></div>${keyboard(m)}`;
  return el;
}

export function snippet(m) {
  if (!m) return "";
  if (m.service) return m.service;
  const media = m.media ? (m.media.kind === "photo" ? `🖼 ${t("Photo")}` : `📄 ${m.media.file_name || m.media.kind}`) : "";
  const text = (m.text || "").replace(/\s+/g, " ");
  return [media, m.contact ? `👤 ${t("Contact")}` : "", text].filter(Boolean).join(" ");
}
