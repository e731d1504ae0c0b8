/** Every schema migration, oldest first; both engines read this list (see ../migrate.ts). */
import { initial } from './001-initial.ts';
import { sharedState } from './002-shared-state.ts';
import type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [initial, sharedState];
export type { Dialect, Migration } from './types.ts';
