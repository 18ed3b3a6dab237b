// Swagger UI for the node's own OpenAPI document; "Authorize" takes the bearer token.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
});
