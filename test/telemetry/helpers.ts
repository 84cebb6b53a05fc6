import diagnostics from 'node:diagnostics_channel';
import { onTestFinished } from 'vitest';
import { ChannelName } from '../../src/telemetry/channels.js';

const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/** One message seen: on which channel (`chart`, or `chart:asyncEnd` for a tracing one) and a copy of it. */
export interface Seen {
  readonly on: string;
  readonly message: Record<string, unknown>;
}

/**
 * Records every message on chartpress's channels (the plain ones and each tracing sub-channel),
 * copied as it was when published; unsubscribes when the test ends (call it inside a test).
 */
export function recordChannels(): { seen: Seen[]; on(name: string): Record<string, unknown>[] } {
  const seen: Seen[] = [];
  const undo: (() => void)[] = [];
  for (const [short, name] of Object.entries(ChannelName)) {
    const subscribe = (channelName: string, on: string) => {
      const handler = (message: unknown) => seen.push({ on, message: { ...(message as object) } });
      diagnostics.subscribe(channelName, handler);
      undo.push(() => diagnostics.unsubscribe(channelName, handler));
    };
    subscribe(name, short);
    for (const phase of PHASES) subscribe(`tracing:${name}:${phase}`, `${short}:${phase}`);
  }
  onTestFinished(() => {
    for (const u of undo.splice(0)) u();
  });
  return { seen, on: (on) => seen.filter((s) => s.on === on).map((s) => s.message) };
}
