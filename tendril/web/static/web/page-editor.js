// The landing page block editor. It reads the block types the server registered (their labels
// and fields), the draft's blocks and the server's messages per block from the JSON block
// #page-editor-data (never executed, so no inline script), draws one card per block (add, edit,
// move up and down, delete), and on submit writes the blocks as JSON into the hidden input
// "blocks". A picture field uploads the chosen file at once (the API, with the page's CSRF
// token) and then chooses it. The server checks everything again and sends the page back with its messages on the
// blocks they concern; a type another app registers appears here with no change to this file.
(function () {
  "use strict";

  var source = document.getElementById("page-editor-data");
  var form = document.getElementById("page-editor-form");
  if (!source || !form) return;
  var data = JSON.parse(source.textContent);
  var types = {};
  data.types.forEach(function (type) { types[type.name] = type; });
  var labels = data.labels;
  var list = document.getElementById("block-cards");
  var empty = document.getElementById("no-blocks");
  var picker = document.getElementById("add-block-type");
  var hidden = document.getElementById("page-blocks");

  // Each block: its values (as stored) and the server's messages about it, which move with it.
  var blocks = (data.blocks || []).map(function (values, index) {
    return { values: copy(values), errors: data.errors[String(index)] || {} };
  });

  function copy(values) {
    var out = {};
    if (values && typeof values === "object") {
      Object.keys(values).forEach(function (key) { out[key] = values[key]; });
    }
    return out;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // An uploaded picture: a list of the pictures already uploaded, a thumbnail of the chosen
  // one, and a file input that uploads at once through the API and chooses what it uploaded.
  function imageInput(spec, block, id) {
    var wrap = el("div", { "class": "image-picker" });
    var input = el("select", { id: id });
    input.appendChild(el("option", { value: "" }, "—"));
    spec.choices.forEach(function (choice) {
      input.appendChild(el("option", { value: choice[0], "data-url": choice[2] || "" }, choice[1]));
    });
    var value = block.values[spec.name];
    input.value = value == null ? "" : String(value);
    input.setAttribute("data-field", spec.name);
    var thumb = el("img", { "class": "image-thumb", alt: "" });
    function showThumb() {
      var chosen = input.options[input.selectedIndex];
      var url = chosen ? chosen.getAttribute("data-url") : "";
      thumb.hidden = !url;
      if (url) thumb.src = url;
    }
    input.addEventListener("change", function () {
      block.values[spec.name] = read(spec, input);
      showThumb();
    });
    var file = el("input", {
      type: "file", id: id + "-upload", accept: "image/png,image/jpeg,image/webp,image/gif",
      "data-upload": spec.name
    });
    var label = el("label", { "for": id + "-upload", "class": "small" }, labels.upload);
    var status = el("p", { "class": "small muted", role: "status" });
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var body = new FormData();
      body.append("file", file.files[0]);
      status.textContent = labels.uploading;
      status.className = "small muted";
      fetch(data.upload_url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        return response.json().then(function (answer) { return [response.ok, answer]; });
      }).then(function (result) {
        var answer = result[1];
        if (!result[0]) throw new Error(answer.detail || labels.upload_failed);
        // Every picture field (this one and the other blocks') may now choose it.
        data.types.forEach(function (type) {
          type.fields.forEach(function (other) {
            if (other.kind === "image") other.choices.unshift([String(answer.id), answer.name, answer.url]);
          });
        });
        block.values[spec.name] = answer.id;
        draw();
        var chosen = document.getElementById(id);
        if (chosen) chosen.focus();
      }).catch(function (problem) {
        status.textContent = problem && problem.message ? problem.message : labels.upload_failed;
        status.className = "small errorlist";
        file.value = "";
      });
    });
    wrap.appendChild(input);
    wrap.appendChild(thumb);
    wrap.appendChild(label);
    wrap.appendChild(file);
    wrap.appendChild(status);
    showThumb();
    return wrap;
  }

  function fieldInput(spec, block, id) {
    if (spec.kind === "image") return imageInput(spec, block, id);
    var value = block.values[spec.name];
    var input;
    if (spec.kind === "textarea") {
      input = el("textarea", { id: id, rows: "5" });
      input.value = value == null ? "" : String(value);
    } else if (spec.kind === "choice" || spec.kind === "form" || spec.kind === "asset") {
      input = el("select", { id: id });
      if (spec.kind !== "choice" || !spec.required) input.appendChild(el("option", { value: "" }, "—"));
      spec.choices.forEach(function (choice) {
        input.appendChild(el("option", { value: choice[0] }, choice[1]));
      });
      input.value = value == null ? (spec.default || "") : String(value);
    } else {
      input = el("input", { id: id, type: "text", maxlength: String(spec.max_length) });
      if (spec.kind === "url") {
        input.setAttribute("inputmode", "url");
        input.setAttribute("spellcheck", "false");
        input.setAttribute("placeholder", "https://");
      }
      input.value = value == null ? "" : String(value);
    }
    input.setAttribute("data-field", spec.name);
    input.addEventListener("input", function () { block.values[spec.name] = read(spec, input); });
    input.addEventListener("change", function () { block.values[spec.name] = read(spec, input); });
    return input;
  }

  function read(spec, input) {
    if (spec.kind === "form" || spec.kind === "asset" || spec.kind === "image") {
      return input.value === "" ? null : parseInt(input.value, 10);
    }
    return input.value;
  }

  function card(block, index) {
    var type = types[block.values.type];
    var item = el("li", { "class": "block-card", "data-block": String(index) });
    var title = labels.block.replace("%(n)s", String(index + 1)) + " · " +
      (type ? type.label : labels.unknown);
    var head = el("div", { "class": "block-head" });
    head.appendChild(el("h3", {}, title));
    [["up", -1], ["down", 1]].forEach(function (pair) {
      var button = el("button", { type: "button", "class": "secondary", "data-move": pair[0] }, labels[pair[0]]);
      button.disabled = (pair[1] < 0 && index === 0) || (pair[1] > 0 && index === blocks.length - 1);
      button.addEventListener("click", function () { move(index, pair[1]); });
      head.appendChild(button);
    });
    var remove = el("button", { type: "button", "class": "danger", "data-remove": "" }, labels.remove);
    remove.addEventListener("click", function () { blocks.splice(index, 1); draw(); });
    head.appendChild(remove);
    item.appendChild(head);
    var general = block.errors._ || block.errors.type;
    if (general) item.appendChild(el("p", { "class": "errorlist", role: "alert" }, general));
    if (Object.keys(block.errors).length) item.classList.add("invalid");
    if (!type) return item;
    var fields = el("div", { "class": "block-fields" });
    type.fields.forEach(function (spec) {
      var id = "block-" + index + "-" + spec.name;
      var wrap = el("div", { "class": "field" + (spec.kind === "textarea" || spec.kind === "url" ? " wide" : "") });
      wrap.appendChild(el("label", { "for": id }, spec.label + (spec.required ? " *" : "")));
      wrap.appendChild(fieldInput(spec, block, id));
      if (spec.help) wrap.appendChild(el("small", { "class": "muted" }, spec.help));
      var error = block.errors[spec.name];
      if (error) {
        var errors = el("ul", { "class": "errorlist" });
        errors.appendChild(el("li", {}, error));
        wrap.appendChild(errors);
      }
      fields.appendChild(wrap);
    });
    item.appendChild(fields);
    return item;
  }

  function move(index, step) {
    var to = index + step;
    if (to < 0 || to >= blocks.length) return;
    var moved = blocks.splice(index, 1)[0];
    blocks.splice(to, 0, moved);
    draw();
    var button = list.querySelector('[data-block="' + to + '"] [data-move="' + (step < 0 ? "up" : "down") + '"]');
    if (button && !button.disabled) button.focus();
  }

  function draw() {
    list.textContent = "";
    blocks.forEach(function (block, index) { list.appendChild(card(block, index)); });
    empty.hidden = blocks.length > 0;
  }

  function add() {
    var type = types[picker.value];
    if (!type) return;
    var values = { type: type.name };
    type.fields.forEach(function (spec) {
      values[spec.name] = spec.kind === "form" || spec.kind === "asset" || spec.kind === "image"
        ? null : (spec.default || "");
    });
    blocks.push({ values: values, errors: {} });
    draw();
    var first = list.querySelector('[data-block="' + (blocks.length - 1) + '"] [data-field]');
    if (first) first.focus();
  }

  data.types.forEach(function (type) {
    picker.appendChild(el("option", { value: type.name }, type.label));
  });
  document.getElementById("add-block").addEventListener("click", add);
  form.addEventListener("submit", function () {
    hidden.value = JSON.stringify(blocks.map(function (block) { return block.values; }));
  });
  draw();
})();
