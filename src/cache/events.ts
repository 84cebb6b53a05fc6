import diagnostics from 'node:diagnostics_channel';
import type { TierName } from './store.js';

/** Something a tier did that a user may want to know: a corrupt entry dropped, a failure. */
export type CacheEvent =
  | { readonly type: 'corrupt'; readonly tier: TierName; readonly key: string; readonly reason: string }
  | { readonly type: 'error'; readonly tier: TierName; readonly key: string; readonly error: unknown };

/** Published on `node:diagnostics_channel` as `chartpress:cache`. */
export const cacheChannel = diagnostics.channel('chartpress:cache');

export function publish(event: CacheEvent): void {
  // Telemetry nobody listens to costs nothing.
  if (cacheChannel.hasSubscribers) cacheChannel.publish(event);
}
