// The segment builder (only the segment new/edit page loads this file).
//
// It edits a segment's filter, the JSON of API.md "Segments", with clicks: groups (all / any /
// none of), field conditions and behaviour conditions. The page's hidden input always holds
// the filter the form posts; every change tells the preview (htmx, debounced in its
// hx-trigger) to count again. The page hands over, in the #segment-catalogue JSON, the fields
// with their operators, the event types and every label, translated: this file holds no text.
// A refused part comes back as a JSON path (all[1].where.url.contains); each element knows
// its own path (data-path), so the message is shown at the condition it is about.
(function () {
  "use strict";

  const root = document.getElementById("segment-builder");
  if (!root) return;
  const catalogue = JSON.parse(document.getElementById("segment-catalogue").textContent);
  const L = catalogue.labels;
  const input = document.getElementById(root.dataset.input);
  const preview = document.getElementById("segment-preview");
  const fields = new Map(catalogue.fields.map((f) => [f.value, f]));
  const opLabel = (op) => catalogue.ops[op] || (op === "exists" ? L.is_set : op);

  // --- small DOM helpers ------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("data-") || key.startsWith("aria-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  function select(options, value, attrs) {
    const box = el("select", attrs);
    for (const [optionValue, label] of options) {
      box.append(el("option", { value: optionValue, text: label }));
    }
    if (value !== undefined && value !== null) box.value = String(value);
    return box;
  }

  function button(label, onClick, className) {
    const b = el("button", { type: "button", className: className || "secondary small", text: label });
    b.addEventListener("click", () => {
      onClick();
      changed();
    });
    return b;
  }

  function removable(node) {
    return button(L.remove, () => node.remove(), "link sb-remove");
  }

  const errorSlot = () => el("p", { className: "error sb-error", hidden: true });
  const ownChild = (node, selector) => node.querySelector(`:scope > ${selector}`);

  // --- rendering a filter -----------------------------------------------------------------

  function groupParts(node) {
    if (Array.isArray(node.all)) return ["all", node.all];
    if (Array.isArray(node.any)) return ["any", node.any];
    if (node.not) return ["none", Array.isArray(node.not.any) ? node.not.any : [node.not]];
    return ["all", [node]];
  }

  function renderNode(node) {
    if (node.all || node.any || node.not) return renderGroup(node, false);
    if ("event" in node) return renderEvent(node);
    if ("segment" in node) return renderSegment(node);
    return renderField(node);
  }

  function renderGroup(node, top) {
    const [mode, items] = groupParts(node);
    const group = el("div", { className: "sb-group", "data-type": "group" });
    const list = el("div", { className: "sb-items" });
    const modes = [["all", L.all], ["any", L.any], ["none", L.none]];
    group.append(
      el("div", { className: "sb-head" }, [
        select(modes, mode, { "aria-label": L.group, "data-part": "mode" }),
        top ? null : removable(group),
      ]),
      list,
      errorSlot(),
      el("div", { className: "sb-add" }, [
        button(L.add_field, () => list.append(renderField(newField()))),
        button(L.add_event, () => list.append(renderEvent(newEvent()))),
        button(L.add_group, () => list.append(renderGroup({ all: [newField()] }, false))),
      ]),
    );
    for (const item of items) list.append(renderNode(item));
    return group;
  }

  function newField() {
    const first = catalogue.fields[0];
    return { field: first.value, op: first.ops[0], value: "" };
  }

  function newEvent() {
    const events = catalogue.events;
    return { event: events.includes("page_view") ? "page_view" : events[0] };
  }

  function renderField(node) {
    const condition = el("div", { className: "sb-condition", "data-type": "field" });
    const options = catalogue.fields.map((f) => [f.value, f.label]);
    if (!fields.has(node.field)) options.push([node.field, node.field]);
    const fieldBox = select(options, node.field, { "aria-label": L.field, "data-part": "field" });
    const opValue = el("span", { className: "sb-op-value" });
    const redraw = (op, value) => {
      const field = fields.get(fieldBox.value) || { kind: "text", ops: catalogue.where_ops };
      const chosen = field.ops.includes(op) ? op : field.ops[0];
      const opBox = select(
        field.ops.map((o) => [o, opLabel(o)]),
        chosen,
        { "aria-label": L.operator, "data-part": "op" },
      );
      opBox.addEventListener("change", () => redraw(opBox.value, ""));
      opValue.replaceChildren(opBox, valueInput(field, chosen, value));
    };
    fieldBox.addEventListener("change", () => redraw("", ""));
    redraw(node.op, node.op === "exists" ? node.value !== false : node.value);
    condition.append(
      el("div", { className: "sb-row" }, [fieldBox, opValue, removable(condition)]),
      errorSlot(),
    );
    return condition;
  }

  function valueInput(field, op, value) {
    const attrs = { "aria-label": L.value, "data-part": "value" };
    if (op === "exists") {
      return select([["true", L.is_set], ["false", L.is_not_set]], value === false ? "false" : "true", attrs);
    }
    if (field.choices) {
      const box = select(field.choices, op === "in" ? null : value, { ...attrs, multiple: op === "in" });
      if (op === "in") {
        const wanted = (Array.isArray(value) ? value : []).map(String);
        for (const option of box.options) option.selected = wanted.includes(option.value);
      }
      return box;
    }
    if (field.kind === "boolean") {
      return select([["true", L.yes], ["false", L.no]], value === false ? "false" : "true", attrs);
    }
    const shown = Array.isArray(value) ? value.join(", ") : value ?? "";
    const text = el("input", { ...attrs, type: "text", value: String(shown) });
    if (op === "in") text.placeholder = L.in_hint;
    else if (field.kind === "date") text.placeholder = L.date_hint;
    else if (field.kind === "number") text.inputMode = "decimal";
    return text;
  }

  function renderSegment(node) {
    const condition = el("div", { className: "sb-condition", "data-type": "segment" });
    const options = catalogue.segments.map(([id, name]) => [String(id), name]);
    condition.append(
      el("div", { className: "sb-row" }, [
        el("span", { text: L.in_segment }),
        select(options, node.segment, { "aria-label": L.in_segment, "data-part": "segment" }),
        removable(condition),
      ]),
      errorSlot(),
    );
    return condition;
  }

  function renderEvent(node) {
    const condition = el("div", { className: "sb-condition", "data-type": "event" });
    const events = catalogue.events.map((e) => [e, e]);
    if (!catalogue.events.includes(node.event)) events.push([node.event, node.event]);
    const where = el("div", { className: "sb-where" });
    for (const [prop, ops] of Object.entries(node.where || {})) {
      for (const [op, value] of Object.entries(ops)) where.append(whereRow(prop, op, value));
    }
    const [countOp, countN] = Object.entries(node.count || { gte: 1 })[0];
    const [amount, unit] = spanParts(node.within);
    const units = [["", L.any_time], ["H", L.hours], ["D", L.days], ["W", L.weeks]];
    if (unit && !units.some(([u]) => u === unit)) units.push([unit, unit]);
    condition.append(
      el("div", { className: "sb-row" }, [
        el("span", { text: L.event }),
        select(events, node.event, { "aria-label": L.event, "data-part": "event" }),
        select(catalogue.count_ops.map((o) => [o, opLabel(o)]), countOp, { "aria-label": L.times, "data-part": "count" }),
        el("input", { type: "number", min: "0", value: String(countN), className: "sb-narrow", "aria-label": L.times, "data-part": "count-n" }),
        el("span", { text: L.times }),
        el("span", { text: L.within }),
        el("input", { type: "number", min: "1", value: amount, className: "sb-narrow", "aria-label": L.within, "data-part": "within" }),
        select(units, unit, { "aria-label": L.within, "data-part": "within-unit" }),
        removable(condition),
      ]),
      where,
      el("div", { className: "sb-add" }, [button(L.add_where, () => where.append(whereRow("url", "contains", "")))]),
      errorSlot(),
    );
    return condition;
  }

  // A behaviour condition's property rows are the ones the scoring rule form edits too
  // (where-editor.js, loaded before this file).
  const whereUi = { ops: catalogue.where_ops, opLabel, labels: L, remove: removable };
  const whereRow = (prop, op, value) => TendrilWhere.row(prop, op, value, whereUi);

  // "P30D" → ["30", "D"]; "PT12H" → ["12", "H"]; anything else the builder did not write is
  // kept as it is, as its own unit.
  function spanParts(span) {
    if (!span) return ["", ""];
    const match = /^P(?:(\d+)([WD])|T(\d+)H)$/.exec(span);
    if (!match) return ["", span];
    return match[1] ? [match[1], match[2]] : [match[3], "H"];
  }

  // --- reading the filter back, and giving each element its JSON path ---------------------

  const part = (node, name) => node.querySelector(`:scope > .sb-row [data-part="${name}"]`);
  const join = (path, key) => (path ? `${path}.${key}` : key);

  function readGroup(group, path) {
    group.dataset.path = path;
    const mode = ownChild(group, ".sb-head").querySelector('[data-part="mode"]').value;
    const key = mode === "none" ? "any" : mode;
    const base = mode === "none" ? join(path, "not") : path;
    const items = [...ownChild(group, ".sb-items").children].map((child, i) =>
      readNode(child, `${join(base, key)}[${i}]`),
    );
    return mode === "none" ? { not: { any: items } } : { [key]: items };
  }

  function readNode(node, path) {
    const type = node.dataset.type;
    if (type === "group") return readGroup(node, path);
    node.dataset.path = path;
    if (type === "event") return readEvent(node, path);
    if (type === "segment") return { segment: Number(part(node, "segment").value) };
    return readField(node);
  }

  function readField(node) {
    const name = part(node, "field").value;
    const field = fields.get(name) || { kind: "text" };
    const op = part(node, "op").value;
    const box = part(node, "value");
    if (op === "exists") return { field: name, op, value: box.value === "true" };
    let value;
    if (box.multiple) value = [...box.selectedOptions].map((o) => typed(field, o.value));
    else if (op === "in") value = box.value.split(",").map((v) => v.trim()).filter(Boolean).map((v) => typed(field, v));
    else value = typed(field, box.value);
    return { field: name, op, value };
  }

  // Numbers and ids as JSON numbers, yes/no as booleans; a number field's text that is not a
  // number is sent as typed, for the service to refuse at its path.
  function typed(field, raw) {
    if (field.kind === "boolean") return raw === "true";
    if ((field.kind === "number" || field.kind === "id") && raw.trim() !== "" && !Number.isNaN(Number(raw))) {
      return Number(raw);
    }
    return raw;
  }

  function readEvent(node, path) {
    const filter = { event: part(node, "event").value };
    const where = {};
    for (const row of ownChild(node, ".sb-where").children) {
      const [prop, op, value] = TendrilWhere.read(row);
      row.dataset.path = `${join(path, "where")}.${prop}.${op}`;
      (where[prop] = where[prop] || {})[op] = value;
    }
    if (Object.keys(where).length) filter.where = where;
    const countOp = part(node, "count").value;
    const countN = part(node, "count-n").value;
    const n = countN.trim() === "" || Number.isNaN(Number(countN)) ? countN : Number(countN);
    if (!(countOp === "gte" && n === 1)) filter.count = { [countOp]: n };
    const amount = part(node, "within").value.trim();
    const unit = part(node, "within-unit").value;
    if (unit && !["H", "D", "W"].includes(unit)) filter.within = unit;
    else if (unit && amount) filter.within = unit === "H" ? `PT${amount}H` : `P${amount}${unit}`;
    return filter;
  }

  // --- errors at their condition ----------------------------------------------------------

  function clearErrors() {
    for (const slot of root.querySelectorAll(".sb-error")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const bad of root.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
    for (const bad of root.querySelectorAll(".sb-invalid")) bad.classList.remove("sb-invalid");
  }

  function covers(owner, path) {
    return owner === "" || path === owner || path.startsWith(`${owner}.`) || path.startsWith(`${owner}[`);
  }

  function showError(path, message) {
    let best = root.querySelector(".sb-group");
    for (const node of root.querySelectorAll("[data-path]")) {
      if (covers(node.dataset.path, path) && node.dataset.path.length >= best.dataset.path.length) best = node;
    }
    let owner = best;
    if (best.dataset.type === "where") {
      const box = best.querySelector('[data-part="value"]');
      if (box) box.setAttribute("aria-invalid", "true");
      owner = best.closest(".sb-condition");
    } else {
      const key = path.slice(best.dataset.path.length).replace(/^\./, "").split(/[.[]/)[0];
      const box = key && part(best, key);
      if (box) box.setAttribute("aria-invalid", "true");
    }
    owner.classList.add("sb-invalid");
    const slot = ownChild(owner, ".sb-error");
    slot.textContent = message;
    slot.hidden = false;
  }

  // --- wiring -----------------------------------------------------------------------------

  // An empty builder posts no filter: the preview then asks for a condition instead of
  // refusing an empty group, and saving says the segment needs a filter.
  function store() {
    const top = root.querySelector(".sb-group");
    const filter = readGroup(top, "");
    input.value = ownChild(top, ".sb-items").children.length ? JSON.stringify(filter) : "";
  }

  function changed() {
    store();
    clearErrors();
    if (preview) htmx.trigger(preview, "segment-changed");
  }

  let initial;
  try {
    initial = input.value ? JSON.parse(input.value) : null;
  } catch {
    initial = null;
  }
  root.append(renderGroup(initial && Object.keys(initial).length ? initial : { all: [] }, true));
  store();
  if (root.dataset.error) showError(root.dataset.errorPath || "", root.dataset.error);

  root.addEventListener("change", changed);
  root.addEventListener("input", changed);
  if (preview) {
    preview.addEventListener("htmx:afterSwap", () => {
      const refused = preview.querySelector("[data-error-path]");
      if (refused && refused.dataset.errorPath) showError(refused.dataset.errorPath, refused.textContent.trim());
    });
  }
})();
