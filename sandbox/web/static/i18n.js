// The page's own words and dates in the language chosen at the top of the page (zh_Hans,
// zh_Hant, en). What the bot says comes from the bot (its gettext catalogs), not from here.
// The first visit follows the browser's language; the choice is remembered.

export const LANGUAGES = {zh_Hans: "简体中文", zh_Hant: "繁體中文", en: "English"};

const WORDS = {
  en: {},
  zh_Hans: {
    "Language": "语言",
    "Acting as": "当前身份",
    "Acting person": "当前身份",
    "Sandbox time": "沙盒时间",
    "+1 hour": "+1 小时",
    "+1 working day": "+1 个工作日",
    "+1 week": "+1 周",
    "Go": "前往",
    "Move the clock to": "把时钟调到",
    "Chats": "聊天",
    "Choose a chat": "选择一个聊天",
    "Back to chats": "返回聊天列表",
    "Reply to": "回复",
    "Cancel reply": "取消回复",
    "Send a photo or a file": "发送照片或文件",
    "Attach": "附件",
    "Share my contact": "分享我的联系方式",
    "Share contact": "分享联系方式",
    "Message": "消息",
    "Send": "发送",
    "Reply": "回复",
    "offline": "离线",
    "Private chats with the bot": "与机器人的私聊",
    "Groups": "群组",
    "with the bot": "与机器人",
    "{n} people": "{n} 人",
    "typing…": "正在输入…",
    "bot is typing…": "机器人正在输入…",
    "private chat with the bot": "与机器人的私聊",
    "{name} is not in this chat. Act as: ": "{name} 不在这个聊天中。切换身份：",
    "This person": "此人",
    "All topics": "全部话题",
    "The bot asks for a reply": "机器人请您回复",
    "edited": "已编辑",
    "Photo": "照片",
    "Contact": "联系方式",
    "Act as a member of this chat first": "请先切换为这个聊天的成员",
    "Sandbox time moved to {time}": "沙盒时间已调到 {time}",
    "e.g. {example}": "例如 {example}",
    "not a date: {value}": "不是日期：{value}",
    "failed": "失败",
    "customer": "客户", "administrator": "管理员", "desk specialist": "服务台专员",
    "quality": "品管", "quality head": "品管负责人", "warehouse": "仓储", "sales": "销售",
    "supervisor": "主管", "person": "用户",
  },
  zh_Hant: {
    "Language": "語言",
    "Acting as": "目前身分",
    "Acting person": "目前身分",
    "Sandbox time": "沙盒時間",
    "+1 hour": "+1 小時",
    "+1 working day": "+1 個工作日",
    "+1 week": "+1 週",
    "Go": "前往",
    "Move the clock to": "把時鐘調到",
    "Chats": "聊天",
    "Choose a chat": "選擇一個聊天",
    "Back to chats": "返回聊天列表",
    "Reply to": "回覆",
    "Cancel reply": "取消回覆",
    "Send a photo or a file": "傳送照片或檔案",
    "Attach": "附件",
    "Share my contact": "分享我的聯絡資料",
    "Share contact": "分享聯絡資料",
    "Message": "訊息",
    "Send": "傳送",
    "Reply": "回覆",
    "offline": "離線",
    "Private chats with the bot": "與機器人的私聊",
    "Groups": "群組",
    "with the bot": "與機器人",
    "{n} people": "{n} 人",
    "typing…": "正在輸入…",
    "bot is typing…": "機器人正在輸入…",
    "private chat with the bot": "與機器人的私聊",
    "{name} is not in this chat. Act as: ": "{name} 不在這個聊天中。切換身分：",
    "This person": "此人",
    "All topics": "全部話題",
    "The bot asks for a reply": "機器人請您回覆",
    "edited": "已編輯",
    "Photo": "照片",
    "Contact": "聯絡資料",
    "Act as a member of this chat first": "請先切換為這個聊天的成員",
    "Sandbox time moved to {time}": "沙盒時間已調到 {time}",
    "e.g. {example}": "例如 {example}",
    "not a date: {value}": "不是日期：{value}",
    "failed": "失敗",
    "customer": "客戶", "administrator": "管理員", "desk specialist": "服務台專員",
    "quality": "品管", "quality head": "品管負責人", "warehouse": "倉儲", "sales": "銷售",
    "supervisor": "主管", "person": "使用者",
  },
};

function fromBrowser() {
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const lower = tag.toLowerCase();
    if (/^zh-(tw|hk|mo|hant)/.test(lower)) return "zh_Hant";
    if (lower.startsWith("zh")) return "zh_Hans";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

let current = LANGUAGES[localStorage.getItem("cd.lang")] ? localStorage.getItem("cd.lang") : fromBrowser();

export function lang() { return current; }

export function setLang(code) {
  if (!LANGUAGES[code]) return;
  current = code;
  localStorage.setItem("cd.lang", code);
  applyStatic();
}

// t("{n} people", {n: 3}): the page's words in the current language (English as written).
export function t(text, vars = {}) {
  const found = WORDS[current][text] ?? text;
  return found.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

// Elements carrying data-i18n (text), data-i18n-placeholder, -title or -aria-label.
export function applyStatic(root = document) {
  document.documentElement.lang = {zh_Hans: "zh-Hans", zh_Hant: "zh-Hant", en: "en"}[current];
  document.querySelector(".brand .name")?.setAttribute("data-offline", t("offline"));
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const attr of ["placeholder", "title", "aria-label"]) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
    }
  }
}

// -- dates: "Thu, 3 Dec 2026" in English, "2026年12月3日 周四" / "2026年12月3日 週四" in Chinese --

function parts(date, timeZone) {
  const locale = current === "zh_Hant" ? "zh-TW" : "zh-CN";
  const get = (options, loc = "en-GB") => new Intl.DateTimeFormat(loc, {...options, timeZone}).format(date);
  return {
    year: get({year: "numeric"}).replace(/\D/g, ""),
    month: get({month: "numeric"}).replace(/\D/g, ""),
    day: get({day: "numeric"}).replace(/\D/g, ""),
    weekday: get({weekday: "short"}, locale),
  };
}

export function formatDay(date, timeZone) {
  if (current === "en") {
    return new Intl.DateTimeFormat("en-GB", {weekday: "short", day: "numeric", month: "short",
      year: "numeric", timeZone}).format(date);
  }
  const p = parts(date, timeZone);
  return `${p.year}年${p.month}月${p.day}日 ${p.weekday}`;
}

export function formatTime(date, timeZone) {
  return new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone})
    .format(date);
}

export function formatMoment(date, timeZone) {
  return current === "en" ? `${formatDay(date, timeZone)}, ${formatTime(date, timeZone)}`
    : `${formatDay(date, timeZone)} ${formatTime(date, timeZone)}`;
}

// What the "move the clock to" field shows and accepts: 2026-12-03 09:00 in English,
// 2026年12月3日 09:00 in Chinese (both are accepted in any language).
export function formatInput(date, timeZone) {
  const p = parts(date, timeZone);
  const time = formatTime(date, timeZone);
  return current === "en" ? `${p.year}-${p.month.padStart(2, "0")}-${p.day.padStart(2, "0")} ${time}`
    : `${p.year}年${p.month}月${p.day}日 ${time}`;
}

// "2026年12月3日 9:00" or "2026-12-03 09:00" -> "2026-12-03T09:00" (wall time), or null.
export function parseInput(text) {
  const m = String(text).trim().match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*(\d{1,2})[:：](\d{2}))?$/);
  if (!m) return null;
  const two = (v) => String(v ?? 0).padStart(2, "0");
  return `${m[1]}-${two(m[2])}-${two(m[3])}T${two(m[4])}:${two(m[5])}`;
}
