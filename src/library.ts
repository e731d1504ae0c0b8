/** Everything built from editor files at once (content, interface strings, search), swapped whole on reload. */
import { withTenantVars, type OfferedFlow } from './chat/offer.ts';
import { loadContent, type Fingerprints } from './content/load.ts';
import { loadLocales, type Translate } from './content/locales.ts';
import type { Content, ContentProblem } from './content/types.ts';
import { FLOWS, paramSchemas } from './flows/index.ts';
import { createSearchService, type SearchService } from './search/service.ts';
import { buildUnderstanding, type Understanding } from './understanding/model.ts';

export type Library = {
  content: Content;
  /** Interface strings; a call that names its tenant (`{ tenant: 'acme' }`) gets that tenant's words filled in. */
  t: Translate;
  search: SearchService;
  /** The understanding model learned from this content. */
  understanding: Understanding;
  /** When this library was built (ISO time), for the status page. */
  loadedAt: string;
};

export type LibraryResult =
  | { ok: true; library: Library; /** What each part was read from, so a later build can keep what did not change. */ fingerprints: Fingerprints }
  | { ok: false; problems: ContentProblem[] };

export function loadLibrary(
  dirs: { contentDir: string; localesDir: string },
  now: () => Date = () => new Date(),
  flows: Iterable<OfferedFlow> = FLOWS.values(),
): LibraryResult {
  // Each flow checks its own parameters in tenant.yaml: a wrong one keeps the last good content serving.
  const content = loadContent(dirs.contentDir, { flowParams: paramSchemas(FLOWS.values()) });
  const locales = loadLocales(dirs.localesDir);
  const problems = [...(content.ok ? [] : content.problems), ...(locales.ok ? [] : locales.problems)];
  if (!content.ok || !locales.ok) return { ok: false, problems };
  const search = createSearchService(content.content);
  return {
    ok: true,
    fingerprints: content.fingerprints,
    library: {
      content: content.content,
      t: withTenantVars(locales.t, content.content, flows),
      search,
      understanding: buildUnderstanding(content.content, search, FLOWS),
      loadedAt: now().toISOString(),
    },
  };
}
