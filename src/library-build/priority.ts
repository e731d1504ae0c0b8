/**
 * Lowers the scheduling priority of the calling thread (a library worker), so that on a machine whose
 * cores are all busy the thread that serves visitors gets the CPU first and the build waits: a reload
 * may take a little longer, a request should not. Only the calling thread is concerned (Linux schedules
 * threads one by one; its id is read from /proc/thread-self); elsewhere nothing changes.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** A nice value of 10: about a tenth of the CPU a thread at 0 gets when both want it; all of it when the core is free. */
const NICE = 10;

/** @returns whether the priority was lowered */
export function yieldToServing(): boolean {
  // Never the serving thread itself: on Linux its thread id is the process id, which would lower them all.
  if (isMainThread) return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, NICE);
    return true;
  } catch {
    // Not Linux, or not allowed: the worker runs at the serving thread's priority, as before.
    return false;
  }
}
