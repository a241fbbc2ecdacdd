// sourcer's page: a form over the JSON API. Every rule lives on the server; this file only
// gathers the form, asks, and shows the answer. No framework, nothing loaded from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
const HEADERS = { "Content-Type": "application/json", "X-Sourcer": "1" };
const KINDS = ["must", "any", "nice"];
const chosen = []; // {slug, name, kind, group}
// the role last opened or read: what the form does not show (title, titles, exclude, one-of
// groups, outreach) is kept from it when the form is saved or searched
let baseRole = {};

function element(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showError(id, message) {
  const box = $(id);
  box.textContent = message || "";
  box.hidden = !message;
}

async function post(url, body) {
  const response = await fetch(url, { method: "POST", headers: HEADERS, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
  return data;
}

function list(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

// -- choosing skills ------------------------------------------------------------------------

let suggestTimer = null;
let suggestions = [];
let active = -1;

function renderSuggestions() {
  const box = $("suggestions");
  box.replaceChildren(
    ...suggestions.map((s, index) =>
      element(
        "li",
        {
          role: "option",
          id: `suggestion-${index}`,
          "aria-selected": String(index === active),
          "data-slug": s.slug,
          onmousedown: (event) => { event.preventDefault(); choose(s); },
        },
        element("strong", {}, s.name),
        " ",
        element("span", { class: "hint" }, [s.category, s.matched].filter(Boolean).join(" · ")),
      ),
    ),
  );
  box.hidden = suggestions.length === 0;
  const input = $("term-input");
  input.setAttribute("aria-expanded", String(!box.hidden));
  if (active >= 0 && !box.hidden) input.setAttribute("aria-activedescendant", `suggestion-${active}`);
  else input.removeAttribute("aria-activedescendant");
}

let asked = 0;
async function suggest() {
  const mine = ++asked;
  const query = $("term-input").value.trim();
  if (!query) { suggestions = []; active = -1; renderSuggestions(); return; }
  const response = await fetch(`/api/terms?q=${encodeURIComponent(query)}`);
  const found = response.ok ? await response.json() : [];
  if (mine !== asked) return; // a later keystroke asked again
  suggestions = found;
  active = suggestions.length ? 0 : -1;
  renderSuggestions();
}

function choose(term, kind = "must") {
  if (!chosen.some((c) => c.slug === term.slug)) chosen.push({ slug: term.slug, name: term.name, kind });
  $("term-input").value = "";
  suggestions = [];
  renderSuggestions();
  renderChips();
  update();
}

function renderChips() {
  $("chips").replaceChildren(
    ...chosen.map((c, index) => {
      const select = element("select", { "aria-label": `How ${c.name} is needed`, onchange: (e) => { c.kind = e.target.value; update(); } });
      for (const kind of KINDS) {
        const option = element("option", { value: kind }, kind);
        if (kind === c.kind) option.selected = true;
        select.append(option);
      }
      return element(
        "li",
        { class: `chip ${c.kind}`, "data-slug": c.slug },
        element("span", {}, c.name),
        select,
        element("button", { type: "button", class: "remove", "aria-label": `Remove ${c.name}`, onclick: () => { chosen.splice(index, 1); if (!chosen.length) baseRole = {}; renderChips(); update(); } }, "×"),
      );
    }),
  );
}

$("term-input").addEventListener("input", () => {
  suggestions = []; // what was suggested for the old text must not be chosen for the new
  active = -1;
  asked++;
  renderSuggestions();
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(suggest, 120);
});
$("term-input").addEventListener("keydown", (event) => {
  if (event.key === "ArrowDown" && suggestions.length) { active = (active + 1) % suggestions.length; renderSuggestions(); event.preventDefault(); }
  else if (event.key === "ArrowUp" && suggestions.length) { active = (active - 1 + suggestions.length) % suggestions.length; renderSuggestions(); event.preventDefault(); }
  else if (event.key === "Enter" && active >= 0 && suggestions[active]) { choose(suggestions[active]); event.preventDefault(); }
  else if (event.key === "Escape") { suggestions = []; renderSuggestions(); }
});

// -- the search -------------------------------------------------------------------------------

function anyGroups() {
  // one-of groups as the role had them, then one group of the skills marked "any" since
  const groups = new Map();
  for (const c of chosen.filter((c) => c.kind === "any")) {
    const key = c.group ?? "new";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c.slug);
  }
  return [...groups.values()];
}

function form() {
  return {
    must: chosen.filter((c) => c.kind === "must").map((c) => c.slug),
    any: anyGroups(),
    nice: chosen.filter((c) => c.kind === "nice").map((c) => c.slug),
    keywords: list($("keywords").value),
    level: $("level").value,
    mode: $("mode").value,
    locations: list($("places").value),
    remote: $("remote").value === "remote",
    site: $("site").value.trim(),
    boards: [...document.querySelectorAll("input[name=board]:checked")].map((b) => b.value),
    titles: baseRole.titles || [],
    exclude: baseRole.exclude || [],
  };
}

const BOARD_NAMES = {};
document.querySelectorAll("input[name=board]").forEach((b) => { BOARD_NAMES[b.value] = b.parentElement.textContent.trim(); });

function card(search) {
  const title = BOARD_NAMES[search.board] || search.board;
  const part = search.parts > 1 ? ` · part ${search.part} of ${search.parts}` : "";
  const variant = search.variant ? ` · ${search.variant}` : "";
  const query = element("pre", { class: "query" }, search.query);
  const copy = element("button", { type: "button", class: "copy" }, "Copy");
  copy.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(search.query); copy.textContent = "Copied"; }
    catch { copy.textContent = "Select and copy"; }
    setTimeout(() => { copy.textContent = "Copy"; }, 1500);
  });
  const actions = element("div", { class: "row" }, copy);
  if (search.url) actions.append(element("a", { class: "button", href: search.url, target: "_blank", rel: "noopener noreferrer" }, "Open"));
  const fields = Object.entries(search.fields || {}).map(([k, v]) => element("li", {}, `${k}: ${v}`));
  const warnings = (search.warnings || []).map((w) => element("li", { class: "warning" }, w));
  return element(
    "article",
    { class: "card", "data-board": search.board, "data-part": String(search.part) },
    element("h3", {}, title + part + variant),
    query,
    fields.length ? element("ul", { class: "fields" }, ...fields) : "",
    warnings.length ? element("ul", { class: "notes" }, ...warnings) : "",
    actions,
  );
}

let updateTimer = null;
let generation = 0;
function update() {
  clearTimeout(updateTimer);
  updateTimer = setTimeout(runSearch, 150);
  const params = new URLSearchParams();
  chosen.forEach((c) => params.append("term", c.slug));
  if ($("level").value) params.set("level", $("level").value);
  for (const [id, fmt] of [["brief-html", "html"], ["brief-md", "md"]]) {
    const link = $(id);
    if (chosen.length) { params.set("format", fmt); link.href = `/brief?${params}`; link.removeAttribute("aria-disabled"); }
    else { link.href = "#"; link.setAttribute("aria-disabled", "true"); }
  }
}

async function runSearch() {
  const mine = ++generation;
  try {
    const data = await post("/api/search", form());
    if (mine !== generation) return;
    showError("search-error", "");
    $("results").replaceChildren(...data.searches.map(card));
    $("notes").replaceChildren(...data.notes.map((n) => element("li", {}, n)));
    $("explain").textContent = data.explain.join("\n");
  } catch (error) {
    if (mine !== generation) return;
    showError("search-error", error.message);
    $("results").replaceChildren();
    $("notes").replaceChildren();
    $("explain").textContent = "";
  }
}

for (const id of ["keywords", "places", "site"]) $(id).addEventListener("input", update);
for (const id of ["level", "mode", "remote"]) $(id).addEventListener("change", update);
const DEFAULT_BOARDS = ["linkedin", "google"];
document.querySelectorAll("input[name=board]").forEach((b) => b.addEventListener("change", update));

// -- roles --------------------------------------------------------------------------------

function fillForm(role) {
  baseRole = role;
  chosen.length = 0;
  for (const slug of role.must || []) chosen.push({ slug, name: slug, kind: "must" });
  (role.any || []).forEach((group, index) => {
    for (const slug of group) chosen.push({ slug, name: slug, kind: "any", group: index });
  });
  for (const slug of role.nice || []) chosen.push({ slug, name: slug, kind: "nice" });
  $("keywords").value = (role.keywords || []).join(", ");
  $("level").value = role.level || "";
  $("mode").value = role.mode || "";
  $("places").value = (role.locations || []).join(", ");
  $("remote").value = role.remote || "";
  $("site").value = role.site || "linkedin";
  const boards = role.boards && role.boards.length ? role.boards : DEFAULT_BOARDS;
  document.querySelectorAll("input[name=board]").forEach((b) => { b.checked = boards.includes(b.value); });
  renderChips();
  update();
  // names for the chips (the role holds slugs)
  chosen.forEach(async (c) => {
    const response = await fetch(`/api/terms?q=${encodeURIComponent(c.slug)}`);
    const found = response.ok ? await response.json() : [];
    const match = found.find((f) => f.slug === c.slug);
    if (match) { c.name = match.name; renderChips(); }
  });
}

function roleFromForm() {
  // the form's fields over the role it came from, so nothing the form does not show is lost
  const data = form();
  return {
    ...baseRole,
    level: data.level || null,
    locations: data.locations,
    remote: $("remote").value || null,
    must: data.must,
    any: data.any,
    nice: data.nice,
    keywords: data.keywords,
    boards: data.boards,
    mode: data.mode || null,
    site: data.site && data.site !== "linkedin" ? data.site : null,
  };
}

$("read-jd").addEventListener("click", async () => {
  try {
    const data = await post("/api/role/from-jd", { text: $("jd").value });
    showError("role-error", "");
    fillForm(data.role);
    const unknown = data.unknown.length ? ` Not in the library (kept as keywords): ${data.unknown.join(", ")}.` : "";
    $("jd-summary").textContent = data.summary + unknown;
  } catch (error) { showError("role-error", error.message); }
});

async function loadRoles(selected) {
  const response = await fetch("/api/roles");
  const roles = response.ok ? await response.json() : [];
  $("saved-roles").replaceChildren(element("option", { value: "" }, "choose…"), ...roles.map((r) => element("option", { value: r.name }, r.name)));
  if (selected) $("saved-roles").value = selected;
}

$("save-role").addEventListener("click", async () => {
  const name = $("role-name").value.trim();
  try {
    const data = await post("/api/roles", { name, role: roleFromForm(), replace: $("role-replace").checked });
    showError("role-error", "");
    $("role-status").textContent = `Saved ${data.name}.`;
    await loadRoles(data.name);
  } catch (error) { showError("role-error", error.message); }
});

$("open-role").addEventListener("click", async () => {
  const name = $("saved-roles").value;
  if (!name) return;
  const response = await fetch(`/api/roles/${encodeURIComponent(name)}`);
  const data = await response.json();
  if (!response.ok) { showError("role-error", data.error); return; }
  showError("role-error", "");
  $("role-name").value = data.name;
  fillForm(data.role);
  $("role-status").textContent = `Opened ${data.name}.`;
});

// -- lint and convert -------------------------------------------------------------------------

$("lint-run").addEventListener("click", async () => {
  const text = $("lint-text").value;
  try {
    const data = await post("/api/lint", { text, board: $("lint-board").value, to: $("lint-to").value });
    showError("lint-error", "");
    $("lint-findings").replaceChildren(
      ...data.findings.map((f) => {
        const marker = " ".repeat(Math.max(0, f.column - 1)) + "^";
        return element(
          "div",
          { class: `finding ${f.severity}`, "data-column": String(f.column) },
          element("pre", { class: "query" }, `${text}\n${marker}`),
          element("p", {}, `${f.severity} at column ${f.column}: ${f.message}${f.fix ? ` (${f.fix})` : ""}`),
        );
      }),
    );
    if (!data.findings.length) $("lint-findings").replaceChildren(element("p", { class: "ok" }, "No problems found."));
    $("lint-results").replaceChildren(...data.searches.map(card));
    $("lint-explain").textContent = data.explain.join("\n");
  } catch (error) { showError("lint-error", error.message); }
});

// -- outreach --------------------------------------------------------------------------------

function outreachForm(format) {
  const body = new FormData();
  body.set("format", format);
  body.set("template", $("template").value);
  body.set("terms", chosen.map((c) => c.slug).join(","));
  body.set("level", $("level").value);
  for (const key of ["name", "title", "company", "email"]) body.set(`sender_${key}`, $(`sender-${key}`).value);
  const file = $("csv-file").files[0];
  if (file) body.set("csv", file);
  else body.set("csv_text", $("csv-text").value);
  return body;
}

async function outreach(format) {
  const response = await fetch("/api/outreach", { method: "POST", headers: { "X-Sourcer": "1" }, body: outreachForm(format) });
  if (!response.ok) {
    const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
    const failures = data.failures ? ` ${data.failures.join(" ")}` : "";
    throw new Error(data.error + failures);
  }
  return response;
}

$("preview").addEventListener("click", async () => {
  try {
    const data = await (await outreach("json")).json();
    showError("outreach-error", "");
    const shown = data.total > data.messages.length ? [`Showing the first ${data.messages.length} of ${data.total} messages; the downloads hold them all.`] : [];
    $("outreach-warnings").replaceChildren(...[...shown, ...data.notes, ...data.warnings].map((w) => element("li", { class: "warning" }, w)));
    $("messages").replaceChildren(
      ...data.messages.map((m) =>
        element(
          "article",
          { class: "card message" },
          element("h3", {}, `Row ${m.row ?? 1} · ${m.channel} · ${m.length.body} characters`),
          m.subject ? element("p", {}, element("strong", {}, "Subject: "), m.subject) : "",
          element("pre", { class: "body" }, m.body),
        ),
      ),
    );
  } catch (error) { showError("outreach-error", error.message); }
});

async function download(format, name) {
  try {
    const blob = await (await outreach(format)).blob();
    showError("outreach-error", "");
    const link = element("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) { showError("outreach-error", error.message); }
}

$("download-csv").addEventListener("click", () => download("csv", `${$("template").value}-messages.csv`));
$("download-eml").addEventListener("click", () => download("eml", `${$("template").value}-messages.zip`));

loadRoles();
update();
