import type { Logger } from "../logger.js";
import type { MessageHandler } from "./cache.js";

interface Entry {
  handler: MessageHandler;
}

/** Message handlers by channel. Each subscription is its own entry, so unsubscribing twice is harmless. */
export class ChannelHandlers {
  readonly #byChannel = new Map<string, Set<Entry>>();

  constructor(private readonly logger: Logger) {}

  /** `first` tells whether the channel had no handler before; `remove()` tells whether it has none after. */
  add(channel: string, handler: MessageHandler): { first: boolean; remove: () => boolean } {
    const entries = this.#byChannel.get(channel) ?? new Set<Entry>();
    const first = entries.size === 0;
    const entry = { handler };
    entries.add(entry);
    this.#byChannel.set(channel, entries);
    const remove = () => {
      if (!entries.delete(entry)) return false;
      if (entries.size > 0 || this.#byChannel.get(channel) !== entries) return false;
      this.#byChannel.delete(channel);
      return true;
    };
    return { first, remove };
  }

  dispatch(channel: string, message: string): void {
    for (const { handler } of this.#byChannel.get(channel) ?? []) {
      try {
        Promise.resolve(handler(message)).catch((err: unknown) => this.#failed(channel, err));
      } catch (err) {
        this.#failed(channel, err);
      }
    }
  }

  clear(): void {
    this.#byChannel.clear();
  }

  #failed(channel: string, err: unknown): void {
    this.logger.error({ err, channel }, "cache message handler failed");
  }
}
