// Renders the chart with the real helm binary and gives the objects by kind and name.
import { parseAllDocuments } from 'yaml';
import { helmTemplate, packagingTools } from '../../../support/packaging-tools.ts';

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export async function renderChart(values: Record<string, string> = {}): Promise<RenderedObject[]> {
  const { helm } = await packagingTools();
  const text = await helmTemplate(helm, values);
  return parseAllDocuments(text)
    .map((document) => document.toJS() as RenderedObject | null)
    .filter((object): object is RenderedObject => object !== null);
}

export function ofKind(objects: RenderedObject[], kind: string): RenderedObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    const names = ofKind(objects, kind).map((object) => object.metadata.name);
    throw new Error(`no ${kind} named ${name}; rendered ${kind}s: ${names.join(', ') || 'none'}`);
  }
  return found;
}
