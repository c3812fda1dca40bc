// The sandbox clock: shows sandbox time (this browser's clock plus the server's offset, so
// it ticks without asking) and moves it forward.
const $ = (id) => document.getElementById(id);

function format(date, timeZone) {
  return new Intl.DateTimeFormat("en-GB", {weekday: "short", day: "numeric", month: "short",
    year: "numeric", hour: "2-digit", minute: "2-digit", timeZone}).format(date);
}

// current() -> {offset_ms, timezone}; post/toast come from app.js (no import cycle).
export function setupClock(current, {post, toast}) {
  const tick = () => {
    const clock = current();
    if (!clock) { $("clock").hidden = true; return; }
    const now = new Date(Date.now() + clock.offset_ms);
    $("clock-now").textContent = format(now, clock.timezone);
    $("clock-now").title = clock.timezone;
  };
  tick();
  setInterval(tick, 1000);
  const move = async (body) => {
    const answer = await post("/chat/api/clock", body);
    if (answer.ok) toast(`Sandbox time moved to ${format(new Date(answer.now), current()?.timezone)}`);
  };
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => move({step: button.dataset.step}));
  }
  $("clock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("clock-to").value; // wall time in the organisation's zone
    if (value) move({to: value});
  });
  return tick;
}
