import { events } from '../telemetry/channels.js';
import type { CacheChannelEvent, CacheProblemEvent } from '../telemetry/events.js';

/** Something a tier did that a user may want to know: a corrupt entry dropped, a failure. */
export type CacheEvent = CacheProblemEvent;

/** Published on `node:diagnostics_channel` as `chartpress:cache` (see `src/telemetry/`). */
export const cacheChannel = events.cache;

/** Publishes an event already built (one the caller also hands to `onEvent`). */
export function publish(event: CacheChannelEvent): void {
  // Telemetry nobody listens to costs nothing.
  if (cacheChannel.hasSubscribers) cacheChannel.publish(event);
}

/** Publishes the event `make` builds, building it only if someone listens. */
export function publishWith(make: () => CacheChannelEvent): void {
  if (cacheChannel.hasSubscribers) cacheChannel.publish(make());
}
