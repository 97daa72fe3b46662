/**
 * The API reference: the OpenAPI document, the docs page and the problem pages. The api loads this
 * module on the first request for any of them (an esbuild chunk of its own), so the generator,
 * the recorded examples and the page renderer cost a cold start nothing.
 */
import { openApiDocument } from '../../schemas/openapi';
import { PROBLEM_TYPES } from '../../schemas/problems';
import { docsPage, problemPage, problemsIndex } from './docs';

export { docsPage, problemPage, problemsIndex, PROBLEM_TYPES };

export function buildReference(version: string) {
  const doc = openApiDocument(version);
  return { doc, json: JSON.stringify(doc), html: docsPage(doc) };
}
