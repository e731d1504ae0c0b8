/** Snowball stemmers per language (from @orama/stemmers, a maintained port of the Snowball algorithms). */
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as italian } from '@orama/stemmers/italian';
import type { Lang } from '../content/types.ts';

export const stemmers: Record<Lang, (word: string) => string> = { fr: french, de: german, it: italian };
