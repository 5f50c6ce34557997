// Swagger UI over /openapi.json, from the npm package swagger-ui-dist (no CDN).
if (window.SwaggerUIBundle) {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                                presets: [SwaggerUIBundle.presets.apis] });
} else {
  document.getElementById("swagger-ui").textContent =
    "Swagger UI needs the npm packages: run `make install` (npm ci in web/). The schema is at /openapi.json.";
}
