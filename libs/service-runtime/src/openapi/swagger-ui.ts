import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';

/** Swagger UI's files (from the installed swagger-ui-dist package; nothing comes from the internet). */
export const swaggerUiDirectory = getAbsoluteFSPath();

/** The files of swagger-ui-dist the page loads, and their types; nothing else of the package is served. */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Our start script, served as a file because the page's policy allows no inline script. */
export const INITIALIZER_FILE = 'tessera-swagger-initializer.js';

export const DOCS_PATH = '/docs';
export const DOCUMENT_PATH = '/openapi.json';

/**
 * Scripts and styles only from this origin, the document fetched from it ("try it out" calls it too); Swagger UI
 * needs inline styles and data: images (its icons), and nothing else.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function docsPage(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/index.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/${INITIALIZER_FILE}" charset="UTF-8"></script>
  </body>
</html>
`;
}

/** No validator badge (it would call validator.swagger.io); keys typed into "Authorize" are not stored. */
export const initializerScript = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${DOCUMENT_PATH}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
