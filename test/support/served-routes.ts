import type { NestExpressApplication } from '@nestjs/platform-express';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every `METHOD /path` the Express router of a Nest app serves (Express 5), e.g. `GET /v1/apps/:appId`. */
export function servedRoutes(app: NestExpressApplication): string[] {
  const instance = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const routes = new Set<string>();
  for (const layer of instance.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return [...routes].sort();
}
