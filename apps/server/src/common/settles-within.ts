/**
 * Whether `work` settles (succeeds or fails) within `ms`. Stopping waits for each outside
 * resource only so long: whatever does not close in time is named in the log and dropped.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(ok, ok), late]);
  } finally {
    clearTimeout(timer);
  }
}

function ok(): true {
  return true;
}
