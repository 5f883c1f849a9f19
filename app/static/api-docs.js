/* /schema: Swagger UI (served from the installed package, same origin) reads the OpenAPI
 * schema whose address the page gives. Kept out of the page: the Content-Security-Policy
 * runs no inline script. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    // Swagger UI would otherwise send the schema's address to its public validator.
    validatorUrl: null
  });
})();
