// Starts Swagger UI on /api/docs from our own static files: no CDN (offline installs), no
// inline script (the Content-Security-Policy allows none). The settings come from the page.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.getAttribute("data-csrf-token");
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  config.layout = "BaseLayout";
  // A signed-in browser calls the API with its session, which needs the CSRF token on writes.
  config.requestInterceptor = function (request) {
    if (csrfToken) request.headers["X-CSRFToken"] = csrfToken;
    return request;
  };
  window.SwaggerUIBundle(config);
})();
