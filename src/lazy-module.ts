/**
 * A module imported on first use. Later calls share the first import's promise, so a hot path
 * pays the dynamic `import()` (its resolution, and a round trip to any loader hooks) once; a
 * failed import is tried again on the next call.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
}
