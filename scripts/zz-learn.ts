import { loadLibrary } from '/work/main/src/library.ts';
import { FLOWS } from '/work/main/src/flows/index.ts';
import { learnUnderstanding } from '/work/main/src/understanding/model.ts';
const r = loadLibrary({ contentDir: '/work/main/content', localesDir: '/work/main/locales' } as any); if (!r.ok) throw 1;
const times: number[] = [];
for (let i = 0; i < 7; i++) { const c = process.cpuUsage(); learnUnderstanding(r.library.content, r.library.search, FLOWS); const d = process.cpuUsage(c); times.push((d.user + d.system) / 1000); }
times.sort((a, b) => a - b);
console.log('learn cpu min', times[0].toFixed(0), 'median', times[3].toFixed(0));
