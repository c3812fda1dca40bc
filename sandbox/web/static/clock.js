// The sandbox clock: shows sandbox time (this browser's clock plus the server's offset, so
// it ticks without asking) and moves it forward.
import {formatInput, formatMoment, parseInput, t} from "./i18n.js";

const $ = (id) => document.getElementById(id);

// current() -> {offset_ms, timezone}; post/toast come from app.js (no import cycle).
export function setupClock(current, {post, toast}) {
  const now = () => new Date(Date.now() + current().offset_ms);
  const tick = () => {
    const clock = current();
    if (!clock) { $("clock").hidden = true; return; }
    $("clock-now").textContent = formatMoment(now(), clock.timezone);
    $("clock-now").title = clock.timezone;
    // The date field shows the format it takes, in the page's language.
    $("clock-to").placeholder = t("e.g. {example}", {example: formatInput(now(), clock.timezone)});
  };
  tick();
  setInterval(tick, 1000);
  const move = async (body) => {
    const answer = await post("/chat/api/clock", body);
    if (answer.ok) toast(t("Sandbox time moved to {time}", {time: formatMoment(new Date(answer.now), current()?.timezone)}));
  };
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => move({step: button.dataset.step}));
  }
  $("clock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("clock-to").value.trim(); // wall time in the organisation's zone
    if (!value) return;
    const to = parseInput(value);
    if (to) move({to}); else toast(t("not a date: {value}", {value}));
  });
  return tick;
}
