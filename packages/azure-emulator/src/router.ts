// Matches a method + normalised path against the route table. Paths are never parsed with
// `new URL(path, base)`: a role-assignment scope sent as `//subscriptions/...` would be read
// as a host name.
import { normalizeArmPath } from './ids.ts';
import type { Route, RouteMatch } from './pipeline.ts';

export interface SplitUrl {
  rawPath: string;
  path: string;
  query: URLSearchParams;
}

export function splitRequestUrl(url: string): SplitUrl {
  const questionMark = url.indexOf('?');
  const rawPath = questionMark === -1 ? url : url.slice(0, questionMark);
  const query = new URLSearchParams(questionMark === -1 ? '' : url.slice(questionMark + 1));
  const decoded = rawPath
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
  return { rawPath, path: normalizeArmPath(decoded), query };
}

export type RouteLookup = { match: RouteMatch } | { allowedMethods: string[] } | undefined;

export class Router {
  private readonly routes: Route[] = [];

  add(...routes: Route[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** The first route whose pattern and method match; otherwise the methods the path allows (for a 405). */
  lookup(method: string, path: string): RouteLookup {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { match: { route, params: { ...(found.groups ?? {}) } } };
    }
    return allowed.length > 0 ? { allowedMethods: allowed } : undefined;
  }
}

/**
 * Builds an anchored, case-insensitive pattern from a template such as
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}`. `{name}` matches one segment;
 * `{name*}` matches one or more segments (a scope).
 */
export function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[a-zA-Z]+\*?\})/)
    .map((part) => {
      const placeholder = /^\{([a-zA-Z]+)(\*?)\}$/.exec(part);
      if (!placeholder) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return placeholder[2] ? `(?<${placeholder[1]}>.+?)` : `(?<${placeholder[1]}>[^/]+)`;
    })
    .join('');
  return new RegExp(`^${source}$`, 'i');
}
