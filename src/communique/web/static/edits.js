// Corrections from the event and actor pages (communique serve --allow-edits).
// The token stays in this tab's sessionStorage and travels in the Authorization header of
// each write, never in a cookie; answers are shown as text (no HTML is built from them).
(() => {
  "use strict";
  const panel = document.querySelector("[data-edit-panel]");
  if (!panel) return;
  const TOKEN = "communique-token";
  const EDITOR = "communique-editor";
  const field = (name) => panel.querySelector(`.edit-credentials [name=${name}]`);
  const status = panel.querySelector(".edit-status");
  const token = field("token");
  const by = field("by");
  token.value = sessionStorage.getItem(TOKEN) || "";
  by.value = sessionStorage.getItem(EDITOR) || "";
  token.addEventListener("change", () => sessionStorage.setItem(TOKEN, token.value.trim()));
  by.addEventListener("change", () => sessionStorage.setItem(EDITOR, by.value.trim()));
  panel.querySelector(".edit-credentials").addEventListener("submit", (event) => event.preventDefault());

  function say(message, failed) {
    status.textContent = message;
    status.classList.toggle("error-box", Boolean(failed));
  }

  function signed(body) {
    const out = Object.assign({}, body);
    if (by.value.trim()) out.by = by.value.trim();
    const note = field("note").value.trim();
    if (note) out.note = note;
    return out;
  }

  async function send(method, url, body) {
    const secret = token.value.trim();
    if (!secret) {
      say("Enter the token the server printed at start-up (or $COMMUNIQUE_TOKEN).", true);
      token.focus();
      return null;
    }
    sessionStorage.setItem(TOKEN, secret);
    say("Saving…");
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(signed(body || {})),
        credentials: "same-origin",
      });
    } catch (error) {
      say(`The server did not answer: ${error}`, true);
      return null;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const why = typeof data.detail === "string" ? data.detail : response.statusText;
      say(response.status === 401 ? `Token refused: ${why}` : `Not saved (${response.status}): ${why}`, true);
      return null;
    }
    return data;
  }

  const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
  const changed = (input) => (input.tagName === "SELECT"
    ? !input.options[input.selectedIndex].defaultSelected : input.value !== input.defaultValue);

  function on(selector, type, handler) {
    const element = panel.querySelector(selector);
    if (element) element.addEventListener(type, (event) => { event.preventDefault(); handler(element); });
  }

  if (panel.dataset.editPanel === "event") {
    const id = encodeURIComponent(panel.dataset.eventId);
    const base = `/api/events/${id}`;
    on("#confirm-event", "click", async () => {
      if (await send("POST", `${base}/confirm`)) window.location.reload();
    });
    on("#delete-event", "click", async () => {
      if (!window.confirm("Delete this event? It disappears from listings and exports.")) return;
      if (await send("DELETE", base)) window.location.assign("/events");
    });
    on("#edit-event-form", "submit", async (form) => {
      const body = {};
      const get = (name) => form.elements[name];
      if (changed(get("type"))) body.type = get("type").value;
      if (changed(get("mode"))) body.mode = get("mode").value.trim() || null;
      if (changed(get("date"))) body.date = get("date").value.trim() || null;
      if (changed(get("location")) || changed(get("location_country"))) {
        const name = get("location").value.trim();
        const country = get("location_country").value.trim();
        body.location = name ? Object.assign({ name }, country ? { country } : {}) : null;
      }
      for (const side of ["source", "target"]) {
        if (changed(get(side))) body[side] = list(get(side).value);
      }
      if (!Object.keys(body).length) {
        say("Nothing changed.", true);
        return;
      }
      if (await send("PATCH", base, body)) window.location.reload();
    });
  } else {
    const id = panel.dataset.actorId.split("/").map(encodeURIComponent).join("/");
    const base = `/api/actors/${id}`;
    const open = (actorId) => window.location.assign(`/actors/${actorId.split("/").map(encodeURIComponent).join("/")}`);
    on("#edit-actor-form", "submit", async (form) => {
      const body = {};
      for (const name of ["name", "country", "sector"]) {
        const input = form.elements[name];
        if (changed(input) && input.value.trim()) body[name] = input.value.trim();
      }
      if (!Object.keys(body).length) {
        say("Nothing changed.", true);
        return;
      }
      if (await send("PATCH", base, body)) window.location.reload();
    });
    on("#merge-actor-form", "submit", async (form) => {
      const done = await send("POST", `${base}/merge`, { into: form.elements.into.value.trim() });
      if (done) open(done.actor_id);
    });
    on("#split-actor-form", "submit", async (form) => {
      const body = { doc: form.elements.doc.value.trim() };
      if (form.elements.new_id.value.trim()) body.new_id = form.elements.new_id.value.trim();
      const done = await send("POST", `${base}/split`, body);
      if (done) open(done.actor_id);
    });
  }

  // The log of this event or actor, as text.
  const history = panel.querySelector(".edit-history");
  if (history) {
    fetch(history.dataset.src, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { events: [], actors: [] }))
      .then((log) => {
        const entries = [...log.events, ...log.actors].sort((a, b) => String(a.made_at).localeCompare(String(b.made_at)));
        for (const c of entries) {
          const what = c.fields && c.fields.length ? `${c.action} (${c.fields.join(", ")})`
            : c.field ? `${c.action} ${c.field} → ${c.value}` : c.target_id ? `${c.action} → ${c.target_id}` : c.action;
          const item = document.createElement("li");
          item.textContent = `${String(c.made_at).slice(0, 16).replace("T", " ")} · ${c.made_by || "?"} · ${what}`
            + (c.note ? ` · “${c.note}”` : "");
          history.appendChild(item);
        }
        if (!entries.length) {
          const item = document.createElement("li");
          item.className = "muted";
          item.textContent = "No correction yet.";
          history.appendChild(item);
        }
      })
      .catch(() => {});
  }
})();
