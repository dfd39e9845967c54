import type { DeliveryState, Message } from '../model.js';
import { compact, EMPTY, without } from './objects.js';

// Message-level effects, pure, shared by live events and by replays of effects that arrived before
// their message. Each returns the same object when it changes nothing.

/** An edit, unsend, reaction or receipt for one message. */
export type Effect =
  | { type: 'edit'; text: string; editCount: number }
  | { type: 'unsend' }
  | {
      type: 'reaction';
      action: 'react' | 'unreact';
      emoji?: string | undefined;
      name?: string | undefined;
      at: number;
    }
  | { type: 'delivery'; state: 'delivered' | 'read'; at: number };

/** Delivery states in the order they move; `failed` is off the line. */
export const rank: Record<DeliveryState, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: -1,
};

// Meta names reactions; an unreact or an Instagram reaction may come without the emoji (§2.8).
const reactionEmoji: Record<string, string> = {
  love: '❤️',
  like: '👍',
  smile: '😆',
  wow: '😮',
  sad: '😢',
  angry: '😠',
  dislike: '👎',
};

export function applyEffect(message: Message, effect: Effect, now: number): Message {
  switch (effect.type) {
    case 'edit':
      if (message.unsent || effect.editCount <= (message.editCount ?? 0)) return message;
      return { ...message, text: effect.text, editCount: effect.editCount, updatedAt: now };
    case 'unsend':
      if (message.unsent) return message;
      // The content is gone, edits included: an edit delivered after the unsend cannot bring it back.
      return { ...without(message, 'text', 'editCount'), attachments: EMPTY, unsent: true, updatedAt: now };
    case 'reaction': {
      const mine = message.reactions.find((r) => r.by === 'customer');
      // An older reaction delivered late must not undo a newer one.
      if (mine && mine.at > effect.at) return message;
      if (effect.action === 'unreact' && !mine) return message;
      const others = message.reactions.filter((r) => r.by !== 'customer');
      if (effect.action === 'unreact') {
        return { ...message, reactions: others.length ? others : EMPTY, updatedAt: now };
      }
      const emoji = effect.emoji ?? (effect.name ? reactionEmoji[effect.name] : undefined) ?? '';
      const reaction = compact({ emoji, name: effect.name, by: 'customer' as const, at: effect.at });
      return { ...message, reactions: [...others, reaction], updatedAt: now };
    }
    case 'delivery': {
      if (message.direction === 'inbound' || rank[message.delivery] < 0) return message;
      if (rank[message.delivery] >= rank[effect.state]) return message;
      const next: Message = { ...message, delivery: effect.state, updatedAt: now };
      next.deliveredAt = message.deliveredAt ?? effect.at;
      if (effect.state === 'read') next.readAt = effect.at;
      return next;
    }
  }
}
