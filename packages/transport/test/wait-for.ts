/** Polls `condition` every `intervalMs` until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, intervalMs = 20, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
