/* Tendril tracking snippet: <script async src="https://TENDRIL/t/tendril.js" data-site="KEY"></script>
   Page views (URL, title, referrer; UTM parameters are read from the URL), time on page, and
   clicks on outbound links and downloads, as the visitor and the visit of first-party cookies. Nothing is
   sent when the browser asks not to be tracked, nor, with data-consent="required", until the
   page calls tendril("consent", true). tendril("page") records a view in a single-page app.
   A page reached from an email's tracked link identifies the browser as that contact.
   Personalisation: after each view, elements <div data-tendril-slot="KEY"> get the content Tendril
   chooses for this visitor (HTML sanitised on the server), and the site's pop-up, if one is due,
   is armed (exit intent, a delay or a scroll depth) and shows its form in an accessible dialog. */
(function (w, d, n) {
  var s = d.currentScript;
  var key = s && s.getAttribute("data-site");
  if (!key || n.doNotTrack === "1" || w.doNotTrack === "1") return;
  var base = s.src.replace(/\/t\/tendril\.js.*$/, "");
  var endpoint = base + "/t/collect";
  var consented = s.getAttribute("data-consent") !== "required";
  var held = [];
  var DOWNLOAD = /\.(pdf|zip|rar|7z|gz|docx?|xlsx?|pptx?|csv|epub|mp3|mp4|mov|dmg|exe)(\?|#|$)/i;
  var shown = 0, visible = 0, url = location.href, wanted = 0, popup, box, done;
  // Reached from an email's tracked link: the contact's signed token goes with the next hit
  // (which joins this browser to them) and out of the address bar, so it is not shared on.
  var q0 = new URLSearchParams(location.search), ct = q0.get("tendril_c") || "";
  if (ct) {
    q0.delete("tendril_c");
    history.replaceState(history.state, "", location.pathname + (q0 + "" ? "?" + q0 : "") + location.hash);
  }

  function random() {
    var bytes = new Uint8Array(16);
    w.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function cookie(name, age) {
    // The id kept in a first-party cookie, made on first use and renewed on every hit.
    var m = d.cookie.match(new RegExp("(?:^|; )" + name + "=([A-Za-z0-9_-]{8,64})"));
    var id = (m && m[1]) || random();
    d.cookie = name + "=" + id + "; path=/; max-age=" + age + "; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }

  function vid() { return cookie("tendril_vid", 63072000); }
  function sid() { return cookie("tendril_sid", 1800); }

  function send(events) {
    if (!consented) { held = held.concat(events); return; }
    // The visitor for two years after their last visit; the visit until 30 minutes of quiet.
    // i: this hit's own id, so a replayed copy of it is recognised and dropped.
    var hit = { k: key, i: random(), v: vid(), s: sid(), e: events };
    if (ct) { hit.c = ct; ct = ""; }
    var body = JSON.stringify(hit);
    // text/plain: a "simple" request, so no preflight, and sendBeacon survives the page closing.
    if (!(n.sendBeacon && n.sendBeacon(endpoint, new Blob([body], { type: "text/plain" })))) {
      fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "cors",
        credentials: "omit", headers: { "Content-Type": "text/plain" } }).catch(function () {});
    }
  }

  function view() {
    url = location.href;
    visible = 0;
    shown = d.visibilityState === "visible" ? Date.now() : 0;
    send([{ t: "page_view", u: url, ti: d.title, r: d.referrer }]);
    personalise();
  }

  // --- personalisation: slots and pop-ups ---
  function personalise() {
    if (!consented) { wanted = 1; return; }
    var slots = d.querySelectorAll("[data-tendril-slot]"), keys = [], i;
    for (i = 0; i < slots.length; i++) {
      var k = slots[i].getAttribute("data-tendril-slot");
      if (/^[a-z0-9][a-z0-9_-]{0,59}$/.test(k) && keys.indexOf(k) < 0 && keys.length < 20) keys.push(k);
    }
    var q = "?k=" + encodeURIComponent(key) + "&v=" + vid() + "&s=" + sid() + "&u=" +
      encodeURIComponent(location.href) + (keys.length ? "&sl=" + keys.join(",") : "");
    // A simple GET (no custom header): no preflight. The answer is the visitor's own, never cached.
    fetch(base + "/t/decide" + q, { mode: "cors", credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a) return;
        for (i = 0; i < slots.length; i++) {
          var html = a.slots[slots[i].getAttribute("data-tendril-slot")];
          if (typeof html === "string") slots[i].innerHTML = html; // sanitised by Tendril (nh3)
        }
        if (a.popup && !popup && !done) arm(a.popup);
      }).catch(function () {});
  }

  function post(body) {
    return fetch(base + "/t/popup", { method: "POST", mode: "cors", credentials: "omit",
      keepalive: true, headers: { "Content-Type": "text/plain" },
      body: JSON.stringify(body) }).then(function (r) { return r.json(); });
  }

  function out(e) { if (!e.relatedTarget && e.clientY <= 0) open(); }
  function scrolled() {
    var h = d.documentElement.scrollHeight - w.innerHeight;
    if (h <= 0 || 100 * w.scrollY / h >= popup.value) open();
  }
  function arm(p) {
    popup = p;
    if (p.trigger === "delay") setTimeout(open, 1000 * p.value);
    else if (p.trigger === "scroll") w.addEventListener("scroll", scrolled, { passive: true });
    else d.addEventListener("mouseout", out); // exit intent: the pointer leaves through the top
  }

  function close() {
    if (!box) return;
    box.remove(); box = null;
    d.removeEventListener("keydown", escape, true);
    if (close.from && close.from.focus) close.from.focus();
  }
  function escape(e) { if (e.key === "Escape") close(); }

  function el(tag, css, text) {
    var e = d.createElement(tag);
    e.style.cssText = css || "";
    if (text) e.textContent = text;
    return e;
  }

  function open() {
    if (!popup || box || done) return;
    var p = popup, loads = 0, q = new URLSearchParams(location.search), f = new URLSearchParams();
    d.removeEventListener("mouseout", out);
    w.removeEventListener("scroll", scrolled);
    close.from = d.activeElement;
    box = el("div", "position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.5);" +
      "display:flex;align-items:center;justify-content:center");
    box.className = "tendril-popup";
    var panel = el("div", "position:relative;background:#fff;color:#222;border-radius:8px;" +
      "width:min(480px,92vw);max-height:90vh;overflow:auto;padding:24px;font:16px sans-serif");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-label", p.headline || p.close);
    panel.tabIndex = -1;
    var x = el("button", "position:absolute;top:8px;right:8px;border:0;background:none;" +
      "font-size:24px;cursor:pointer;line-height:1", "\u00d7");
    x.type = "button";
    x.setAttribute("aria-label", p.close);
    x.onclick = close;
    panel.appendChild(x);
    if (p.headline) panel.appendChild(el("h2", "margin:0 24px 8px 0;font-size:22px", p.headline));
    if (p.text) panel.appendChild(el("p", "margin:0 0 8px", p.text));
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
      if (q.get(k)) f.set(k, q.get(k));
    });
    f.set("v", vid());
    f.set("page", location.href);
    f.set("lang", (d.documentElement.lang || "").slice(0, 2));
    var frame = el("iframe", "border:0;width:100%;height:340px");
    frame.title = p.headline || p.close;
    frame.src = p.form_url + "?" + f.toString();
    // The frame loads again after each sending of its form: ask Tendril whether it took.
    frame.onload = function () {
      if (++loads > 1) post({ k: key, v: vid(), p: p.id, a: "check" }).then(function (a) {
        if (a.converted) done = 1; // stays open on the thank-you (a coupon) until closed
      }).catch(function () {});
    };
    panel.appendChild(frame);
    box.appendChild(panel);
    box.onclick = function (e) { if (e.target === box) close(); };
    d.addEventListener("keydown", escape, true);
    d.body.appendChild(box);
    x.focus();
    post({ k: key, v: vid(), p: p.id, a: "shown" }).catch(function () {});
  }

  function left() {
    if (shown) visible += Date.now() - shown;
    shown = 0;
    // The seconds seen since the last report: a page's time is the sum of its page_left events.
    send([{ t: "page_left", u: url, s: Math.min(86400, Math.round(visible / 1000)) }]);
    visible = 0;
  }

  d.addEventListener("visibilitychange", function () {
    if (d.visibilityState === "hidden") left();
    else shown = Date.now();
  });

  d.addEventListener("click", function (e) {
    var a = e.target && e.target.closest && e.target.closest("a[href]");
    if (!a || !/^https?:$/.test(a.protocol)) return;
    var download = DOWNLOAD.test(a.pathname) || a.hasAttribute("download");
    if (download || a.host !== location.host) {
      send([{ t: "link_clicked", u: location.href, h: a.href, c: download ? "download" : "outbound" }]);
    }
  }, true);

  w.tendril = function (command, value) {
    if (command === "consent") {
      consented = !!value;
      if (consented && held.length) { var queued = held; held = []; send(queued); }
      if (consented && wanted) { wanted = 0; personalise(); }
      if (!consented) held = [];
    } else if (command === "page") {
      view();
    }
  };
  view();
})(window, document, navigator);
