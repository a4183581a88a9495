/* Tendril tracking snippet: <script async src="https://TENDRIL/t/tendril.js" data-site="KEY"></script>
   Page views (URL, title, referrer; UTM parameters are read from the URL), time on page, and
   clicks on outbound links and downloads, as the visitor and the visit of first-party cookies. Nothing is
   sent when the browser asks not to be tracked, nor, with data-consent="required", until the
   page calls tendril("consent", true). tendril("page") records a view in a single-page app. */
(function (w, d, n) {
  var s = d.currentScript;
  var key = s && s.getAttribute("data-site");
  if (!key || n.doNotTrack === "1" || w.doNotTrack === "1") return;
  var endpoint = s.src.replace(/\/t\/tendril\.js.*$/, "/t/collect");
  var consented = s.getAttribute("data-consent") !== "required";
  var held = [];
  var DOWNLOAD = /\.(pdf|zip|rar|7z|gz|docx?|xlsx?|pptx?|csv|epub|mp3|mp4|mov|dmg|exe)(\?|#|$)/i;
  var shown = 0, visible = 0, url = location.href;

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

  function send(events) {
    if (!consented) { held = held.concat(events); return; }
    // The visitor for two years after their last visit; the visit until 30 minutes of quiet.
    // i: this hit's own id, so a replayed copy of it is recognised and dropped.
    var body = JSON.stringify({ k: key, i: random(), v: cookie("tendril_vid", 63072000),
      s: cookie("tendril_sid", 1800), e: events });
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
      if (!consented) held = [];
    } else if (command === "page") {
      view();
    }
  };
  view();
})(window, document, navigator);
