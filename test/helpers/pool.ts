/** Runs the tasks with at most `width` at a time (two cores, other test files beside). */
export async function pool<T>(tasks: (() => Promise<T>)[], width = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
