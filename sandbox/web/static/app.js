// The sandbox web chat: every chat of the demo world, acted in as any person.
// The server streams changes (server-sent events); this file keeps them and draws the page.
import {dayOf, esc, messageElement, snippet} from "./render.js";
import {setupClock} from "./clock.js";
import {LANGUAGES, applyStatic, lang, setLang, t} from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ui = {
  people: [], bot: null, chats: new Map(), messages: new Map(), typing: new Map(),
  me: Number(localStorage.getItem("cd.person")) || 1001,
  current: Number(localStorage.getItem("cd.chat")) || null,
  topic: null, replyTo: null, dismissedPrompt: null, clock: null,
  follow: true, // keep the newest message in view, as chat apps do, until the person scrolls up
};
const timeZone = () => ui.clock?.timezone || undefined;

export function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 2500);
}

export async function post(path, body) {
  const options = body instanceof FormData ? {method: "POST", body}
    : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  const answer = await response.json().catch(() => ({ok: false, error: response.statusText}));
  if (!answer.ok) toast(answer.error || t("failed"));
  return answer;
}

// -- chats ------------------------------------------------------------------------------

function person(id) { return ui.people.find((p) => p.id === id); }

function allChats() {
  // A customer's private chat exists once they write; list it from the start anyway.
  const chats = new Map(ui.chats);
  for (const p of ui.people) {
    if ((p.role === "customer" || p.id === ui.me) && !chats.has(p.id)) {
      chats.set(p.id, {id: p.id, type: "private", title: p.name, members: [p.id], topics: [], keyboard: null});
    }
  }
  return [...chats.values()];
}

function chatOf(id) { return allChats().find((c) => c.id === id); }
function messagesOf(id) { return [...(ui.messages.get(id)?.values() || [])].filter((m) => !m.deleted).sort((a, b) => a.message_id - b.message_id); }
function initials(title) { return (title || "?").split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase(); }

function drawChatList() {
  const chats = allChats();
  const section = (title, items) => items.length ? `<h3>${title}</h3>` + items.map((c) => {
    const last = messagesOf(c.id).at(-1);
    const typing = ui.typing.get(c.id) > Date.now() ? `<i>${esc(t("typing…"))}</i>` : esc(snippet(last));
    const who = c.type === "private" ? `${esc(t(person(c.id)?.role || ""))} · ${esc(t("with the bot"))}`
      : esc(t("{n} people", {n: c.members.length}));
    return `<button type="button" class="chat-item${c.id === ui.current ? " active" : ""}" data-chat-id="${c.id}">
      <span class="avatar ${c.type === "private" ? "private" : "group"}">${esc(initials(c.title))}</span>
      <span class="chat-text"><span class="chat-name">${esc(c.title)}<span class="muted small"> ${who}</span></span>
      <span class="chat-last muted">${typing}</span></span></button>`;
  }).join("") : "";
  $("chats").innerHTML = section(esc(t("Private chats with the bot")), chats.filter((c) => c.type === "private"))
    + section(esc(t("Groups")), chats.filter((c) => c.type !== "private"));
}

function canWrite(chat) { return chat && chat.members.includes(ui.me); }

function openChat(id) {
  const chat = chatOf(id);
  if (!chat) return;
  ui.current = id;
  ui.topic = null;
  ui.replyTo = null;
  localStorage.setItem("cd.chat", String(id));
  if (!canWrite(chat)) {
    // Act as someone who is in this chat: the customer, or a staff member rather than the admin.
    const members = chat.members.filter((m) => m !== 100);
    setPerson(members[0] ?? chat.members[0], false);
  }
  $("app").className = "show-chat";
  drawAll();
}

function setPerson(id, redraw = true) {
  if (id == null) return;
  ui.me = Number(id);
  localStorage.setItem("cd.person", String(ui.me));
  $("person").value = String(ui.me);
  if (redraw) drawAll();
}

// -- the open chat ------------------------------------------------------------------------

function visibleMessages(chat) {
  return messagesOf(chat.id).filter((m) => !ui.topic || m.thread_id === ui.topic);
}

function drawHeader(chat) {
  $("chat-title").textContent = chat ? chat.title : t("Choose a chat");
  $("chat-avatar").textContent = chat ? initials(chat.title) : "";
  const typing = chat && ui.typing.get(chat.id) > Date.now();
  const names = chat ? chat.members.map((m) => person(m)?.name || m).join(", ") : "";
  $("chat-sub").innerHTML = !chat ? "" : typing ? `<i>${esc(t("bot is typing…"))}</i>`
    : chat.type === "private" ? esc(t("private chat with the bot")) : esc(names);
  const topics = $("topics");
  topics.hidden = !(chat && chat.is_forum && chat.topics.length);
  if (!topics.hidden) {
    const chip = (id, name) => `<button type="button" class="topic${ui.topic === id ? " active" : ""}" data-topic="${id ?? ""}">${esc(name)}</button>`;
    topics.innerHTML = chip(null, t("All topics")) + chat.topics.map((t) => chip(t.thread_id, t.name)).join("");
  }
}

function atBottom(box) { return box.scrollHeight - box.scrollTop - box.clientHeight < 80; }

// The newest message stays in view (also once a photo above it has loaded and grown)
// unless the person scrolled up to read older ones; a new chat opens at its end.
function followNewest() {
  const box = $("messages");
  if (ui.follow) box.scrollTop = box.scrollHeight;
}

function drawMessages(chat) {
  const box = $("messages");
  const scrolled = box.scrollTop; // redrawn in place: someone reading older messages stays there
  box.innerHTML = "";
  if (!chat) return;
  let day = "";
  for (const m of visibleMessages(chat)) {
    const d = m.date ? dayOf(m.date, timeZone()) : "";
    if (d && d !== day) {
      day = d;
      box.insertAdjacentHTML("beforeend", `<div class="day"><span>${esc(d)}</span></div>`);
    }
    box.appendChild(messageElement(m, {me: ui.me, group: chat.type !== "private", timeZone: timeZone()}));
  }
  const sameChat = box.dataset.chat === String(chat.id);
  if (!sameChat) ui.follow = true;
  if (ui.follow) followNewest(); else box.scrollTop = scrolled;
  box.dataset.chat = String(chat.id);
}

function drawBottom(chat) {
  const writable = canWrite(chat);
  $("composer").hidden = !writable;
  const note = $("not-member");
  note.hidden = !chat || writable;
  if (chat && !writable) {
    note.innerHTML = esc(t("{name} is not in this chat. Act as: ", {name: person(ui.me)?.name || t("This person")}))
      + chat.members.map((m) => `<button type="button" data-act-as="${m}">${esc(person(m)?.name || m)}</button>`).join(" ");
  }
  // The bot's reply prompt (force_reply) makes the next message an answer to it.
  const last = chat ? visibleMessages(chat).at(-1) : null;
  if (writable && last?.force_reply && !ui.replyTo && ui.dismissedPrompt !== `${chat.id}:${last.message_id}`) {
    ui.replyTo = last;
  }
  $("replybar").hidden = !(writable && ui.replyTo);
  if (ui.replyTo) {
    $("reply-name").textContent = ui.replyTo.from.name;
    $("reply-snippet").textContent = snippet(ui.replyTo).slice(0, 100);
  }
  const kb = chat && writable && chat.keyboard;
  $("keyboard").hidden = !kb;
  $("keyboard").innerHTML = kb ? kb.map((row) => `<div class="kb-row">${row.map((b) =>
    `<button type="button" class="kb-btn" data-text="${esc(b.text)}">${esc(b.text)}</button>`).join("")}</div>`).join("") : "";
}

function drawAll() {
  const chat = chatOf(ui.current);
  $("person").value = String(ui.me);
  drawChatList();
  drawHeader(chat);
  drawMessages(chat);
  drawBottom(chat);
}

// -- doing things -------------------------------------------------------------------------

function where() {
  return {user_id: ui.me, chat_id: ui.current, thread_id: ui.replyTo?.thread_id || ui.topic,
          reply_to: ui.replyTo?.message_id};
}

function sent() {
  ui.follow = true; // what one sends oneself is always shown
  followNewest();
  if (ui.replyTo) ui.dismissedPrompt = `${ui.current}:${ui.replyTo.message_id}`;
  ui.replyTo = null;
}

async function sendText() {
  const box = $("text");
  const text = box.value.trim();
  if (!text || !ui.current) return;
  const answer = await post("/chat/api/act", {action: "text", text, ...where()});
  if (answer.ok) { box.value = ""; sent(); drawBottom(chatOf(ui.current)); }
}

async function sendFile(file) {
  const form = new FormData();
  for (const [key, value] of Object.entries(where())) if (value != null) form.append(key, String(value));
  form.append("file", file, file.name);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  const answer = await post("/chat/api/upload", form);
  if (answer.ok) { $("text").value = ""; sent(); }
}

function drawPeople() {
  $("person").innerHTML = ui.people.map((p) =>
    `<option value="${p.id}">${esc(p.name)} — ${esc(t(p.role))}</option>`).join("");
  $("person").value = String(ui.me);
}

function wire() {
  $("lang").innerHTML = Object.entries(LANGUAGES).map(([code, name]) =>
    `<option value="${code}">${esc(name)}</option>`).join("");
  $("lang").value = lang();
  $("lang").addEventListener("change", (e) => {
    setLang(e.target.value);
    drawPeople();
    drawAll();
    ui.tickClock?.();
  });
  const box = $("messages");
  // Only the person's own scrolling changes whether the page follows new messages.
  box.addEventListener("scroll", () => { ui.follow = atBottom(box); });
  box.addEventListener("load", (e) => { if (e.target.tagName === "IMG") followNewest(); }, true);
  $("chats").addEventListener("click", (e) => {
    const item = e.target.closest("[data-chat-id]");
    if (item) openChat(Number(item.dataset.chatId));
  });
  $("person").addEventListener("change", (e) => setPerson(e.target.value));
  $("back").addEventListener("click", () => { $("app").className = "show-list"; });
  $("composer").addEventListener("submit", (e) => { e.preventDefault(); sendText(); });
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); sendText(); }
  });
  $("attach").addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", (e) => {
    if (e.target.files[0]) sendFile(e.target.files[0]);
    e.target.value = "";
  });
  $("contact").addEventListener("click", () => post("/chat/api/act", {action: "contact", ...where()}).then(sent));
  $("reply-cancel").addEventListener("click", () => {
    if (ui.replyTo) ui.dismissedPrompt = `${ui.current}:${ui.replyTo.message_id}`;
    ui.replyTo = null;
    drawBottom(chatOf(ui.current));
  });
  $("keyboard").addEventListener("click", (e) => {
    const button = e.target.closest(".kb-btn");
    if (button) post("/chat/api/act", {action: "reply_button", user_id: ui.me, chat_id: ui.current, text: button.dataset.text});
  });
  $("not-member").addEventListener("click", (e) => {
    const button = e.target.closest("[data-act-as]");
    if (button) setPerson(button.dataset.actAs);
  });
  $("topics").addEventListener("click", (e) => {
    const chip = e.target.closest("[data-topic]");
    if (chip) { ui.topic = chip.dataset.topic ? Number(chip.dataset.topic) : null; drawAll(); }
  });
  $("messages").addEventListener("click", async (e) => {
    const button = e.target.closest(".inline-btn[data-data]");
    if (button) {
      const message = Number(button.closest(".inline-kb").dataset.message);
      if (!canWrite(chatOf(ui.current))) { toast(t("Act as a member of this chat first")); return; }
      const answer = await post("/chat/api/act", {action: "press", user_id: ui.me, chat_id: ui.current,
                                                  message_id: message, data: button.dataset.data});
      if (answer.answer?.text) toast(answer.answer.text);
      return;
    }
    const reply = e.target.closest(".reply-btn");
    if (reply) {
      ui.replyTo = ui.messages.get(ui.current)?.get(Number(reply.closest(".msg").dataset.id)) || null;
      drawBottom(chatOf(ui.current));
      $("text").focus();
    }
  });
}

// -- live updates -------------------------------------------------------------------------

function apply(batch) {
  for (const chat of batch.chats || []) ui.chats.set(chat.id, chat);
  for (const m of batch.messages || []) {
    if (!ui.messages.has(m.chat_id)) ui.messages.set(m.chat_id, new Map());
    ui.messages.get(m.chat_id).set(m.message_id, m);
    if (m.from.is_bot) ui.typing.delete(m.chat_id); // the answer ends the typing indicator
  }
  for (const t of batch.typing || []) {
    ui.typing.set(t.chat_id, Date.now() + 5000);
    setTimeout(drawAll, 5100);
  }
  if (batch.clock) ui.clock = batch.clock;
  drawAll();
}

async function start() {
  const world = await (await fetch("/chat/api/world")).json();
  ui.people = world.people;
  ui.bot = world.bot;
  ui.clock = world.clock;
  if (!person(ui.me)) ui.me = ui.people[0]?.id;
  applyStatic();
  drawPeople();
  wire();
  ui.tickClock = setupClock(() => ui.clock, {post, toast});
  if (ui.current) openChat(ui.current); else drawAll();
  const source = new EventSource("/chat/api/events");
  source.onmessage = (e) => apply(JSON.parse(e.data));
  source.onopen = () => document.body.classList.add("live");
  source.onerror = () => document.body.classList.remove("live");
}

start();
