/** Undo steps (stop a child, remove a temp dir) run last-registered first, on success, error or signal. */
const tasks: Array<() => Promise<void>> = [];

export function onCleanup(task: () => Promise<void>): void {
  tasks.push(task);
}

export async function cleanUp(): Promise<void> {
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    await task().catch((error: unknown) => console.error("cleanup step failed:", error));
  }
}
