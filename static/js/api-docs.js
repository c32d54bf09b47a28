// The API docs page (/api/v1/docs): start Swagger UI with the settings the page carries as JSON
// (a <script type="application/json">, which the site's Content-Security-Policy allows).
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.layout = "BaseLayout";
  window.ui = SwaggerUIBundle(config);
})();
