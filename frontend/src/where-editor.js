// Property conditions ("url contains /pricing") edited with clicks: the rows the segment
// builder's behaviour conditions and the scoring rule form share, as window.TendrilWhere.
//
//   row(prop, op, value, ui) → one row: property, comparison, value, remove button. ``ui`` is
//     { ops, opLabel(op), labels, remove(row) → the remove button }.
//   read(row) → [prop, op, value], the value typed as the JSON wants it (numbers for the
//     number comparisons, a list for "in", true / false for "exists"); a value the marketer did
//     not touch keeps its JSON type, so 5 stays 5 and "5" stays "5".
//
// On a page with <div data-where-editor data-input="<textarea id>" data-catalogue="<json id>">
// (the scoring rule form), the textarea holding the "where" JSON is replaced by rows: the
// textarea is hidden but stays the field the form posts, rewritten at every change. Without
// JavaScript, or with JSON the rows cannot show, the textarea is left as it is. The page hands
// over the comparisons and labels, translated, in the JSON block: this file holds no text.
(function () {
  "use strict";

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
    for (const [optionValue, label] of options) box.append(el("option", { value: optionValue, text: label }));
    if (value !== undefined && value !== null) box.value = String(value);
    return box;
  }

  // What the value input shows for a JSON value.
  function rawOf(op, value) {
    if (op === "exists") return value === false ? "false" : "true";
    if (Array.isArray(value)) return value.join(", ");
    return value === undefined || value === null ? "" : String(value);
  }

  function valueBox(op, value, ui) {
    const attrs = { "aria-label": ui.labels.value, "data-part": "value" };
    if (op === "exists") {
      return select([["true", ui.labels.is_set], ["false", ui.labels.is_not_set]], rawOf(op, value), attrs);
    }
    const box = el("input", { ...attrs, type: "text", value: rawOf(op, value) });
    if (op === "in") box.placeholder = ui.labels.in_hint;
    return box;
  }

  function row(prop, op, value, ui) {
    const line = el("div", { className: "sb-row sb-where-row", "data-type": "where" });
    line.whereOriginal = { op: op, value: value };
    const opBox = select(ui.ops.map((o) => [o, ui.opLabel(o)]), op, { "aria-label": ui.labels.operator, "data-part": "op" });
    let box = valueBox(op, value, ui);
    opBox.addEventListener("change", () => {
      const original = line.whereOriginal;
      const next = valueBox(opBox.value, opBox.value === original.op ? original.value : "", ui);
      box.replaceWith(next);
      box = next;
    });
    line.append(
      el("span", { text: ui.labels.where }),
      el("input", { type: "text", value: prop, "aria-label": ui.labels.property, "data-part": "property" }),
      opBox,
      box,
      ui.remove(line),
    );
    return line;
  }

  const NUMBER_OPS = ["lt", "lte", "gt", "gte"];

  function read(line) {
    const prop = line.querySelector('[data-part="property"]').value.trim();
    const op = line.querySelector('[data-part="op"]').value;
    const raw = line.querySelector('[data-part="value"]').value;
    const original = line.whereOriginal;
    if (original && op === original.op && raw === rawOf(op, original.value)) return [prop, op, original.value];
    if (op === "exists") return [prop, op, raw.trim() !== "false"];
    if (op === "in") return [prop, op, raw.split(",").map((v) => v.trim()).filter(Boolean)];
    // A number comparison's text that is not a number is sent as typed, for the server to
    // refuse with its message.
    if (NUMBER_OPS.includes(op) && raw.trim() !== "" && !Number.isNaN(Number(raw))) return [prop, op, Number(raw)];
    return [prop, op, raw];
  }

  window.TendrilWhere = { row: row, read: read };

  // --- the rule form: a JSON textarea replaced by rows -------------------------------------

  function rowsOf(where) {
    if (where === null) return [];
    if (typeof where !== "object" || Array.isArray(where)) return null;
    const rows = [];
    for (const [prop, ops] of Object.entries(where)) {
      if (!ops || typeof ops !== "object" || Array.isArray(ops)) return null;
      for (const [op, value] of Object.entries(ops)) rows.push([prop, op, value]);
    }
    return rows;
  }

  function attach(host) {
    const input = document.getElementById(host.dataset.input);
    const catalogue = JSON.parse(document.getElementById(host.dataset.catalogue).textContent);
    let where;
    try {
      where = input.value.trim() ? JSON.parse(input.value) : null;
    } catch {
      return; // not JSON: the marketer mends it in the textarea, where the error is shown
    }
    const start = rowsOf(where);
    if (start === null || start.some(([, op]) => !catalogue.ops.includes(op))) return;

    const list = el("div", { className: "where-rows" });
    const empty = el("p", { className: "muted small where-empty", text: catalogue.labels.empty });
    const store = () => {
      const result = {};
      for (const line of list.children) {
        const [prop, op, value] = read(line);
        if (prop) (result[prop] = result[prop] || {})[op] = value;
      }
      input.value = Object.keys(result).length ? JSON.stringify(result) : "";
      empty.hidden = list.children.length > 0;
    };
    const ui = {
      ops: catalogue.ops,
      opLabel: (op) => catalogue.words[op] || op,
      labels: catalogue.labels,
      remove: (line) => {
        const b = el("button", { type: "button", className: "link sb-remove", text: catalogue.labels.remove });
        b.addEventListener("click", () => {
          line.remove();
          store();
        });
        return b;
      },
    };
    for (const [prop, op, value] of start) list.append(row(prop, op, value, ui));
    const add = el("button", { type: "button", className: "secondary small", text: catalogue.labels.add });
    add.addEventListener("click", () => {
      const line = row("", "eq", "", ui);
      list.append(line);
      store();
      line.querySelector('[data-part="property"]').focus();
    });
    const editor = el("div", { className: "where-editor", "data-where-rows": "" }, [empty, list, el("div", { className: "sb-add" }, [add])]);
    editor.addEventListener("input", store);
    editor.addEventListener("change", store);
    input.hidden = true;
    const help = input.parentElement.querySelector("small.muted");
    if (help) help.hidden = true;
    input.after(editor);
    store();
  }

  function start() {
    for (const host of document.querySelectorAll("[data-where-editor]")) attach(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
