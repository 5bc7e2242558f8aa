// The inbox's keyboard: j/k next and previous report, o or Enter opens it, x selects it,
// a accepts its suggested category and theme, m assigns it to me, ? lists the keys.
// Without this file every action is still there: links, the bulk bar, the report page.
(function () {
  "use strict";
  const table = document.querySelector("table.inbox-table");
  const dialog = document.getElementById("shortcuts");
  if (!table || !dialog) return;
  const rows = Array.from(table.querySelectorAll("tbody tr[data-pk]"));
  const status = () => document.getElementById("messages");
  let current = -1;

  const token = (() => {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  })();

  function link(row) { return row.querySelector("td:nth-child(3) a"); }

  function go(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === current));
    const target = link(rows[current]);
    if (target) target.focus();
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function say(text) {
    const region = status();
    if (!region) return;
    const list = document.createElement("ul");
    list.className = "messages";
    const item = document.createElement("li");
    item.textContent = text;
    list.append(item);
    region.replaceChildren(list);
  }

  async function post(template, pk, fields) {
    const body = new FormData();
    Object.entries(fields).forEach(([k, v]) => body.append(k, v));
    const response = await fetch(template.replace("987654321", pk), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "HX-Request": "true", "HX-Target": "messages" },
    });
    const region = status();
    if (response.ok && region) {
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = html.getElementById("messages");
      if (fresh) region.replaceChildren(...fresh.childNodes);
    } else {
      say(response.statusText || String(response.status));
    }
    return response.ok;
  }

  async function accept(row) {
    if (await post(table.dataset.suggest, row.dataset.pk, { action: "accept_all" })) {
      const sure = row.querySelector("td:nth-child(5) .meta");
      if (sure) sure.remove();
    }
  }

  async function assignToMe(row) {
    if (await post(table.dataset.assign, row.dataset.pk, { triager: "me" })) {
      row.querySelector("td:nth-child(8)").textContent = table.dataset.me;
    }
  }

  const opener = document.getElementById("shortcuts-open");
  if (opener) {
    opener.hidden = false;
    opener.addEventListener("click", () => dialog.showModal());
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    const focused = rows.findIndex((row) => row.contains(target));
    if (focused >= 0) current = focused;
    const row = rows[current];
    switch (event.key) {
      case "j": go(current + 1); break;
      case "k": go(current < 0 ? 0 : current - 1); break;
      case "o": if (row && link(row)) link(row).click(); break;
      case "x": if (row) row.querySelector("input[type=checkbox]").click(); break;
      case "a": if (row) accept(row); break;
      case "m": if (row) assignToMe(row); break;
      case "?": dialog.showModal(); break;
      default: return;
    }
    event.preventDefault();
  });
})();
