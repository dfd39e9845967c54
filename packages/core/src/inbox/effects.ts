import * as z from 'zod/mini';
import { isDeliveryAdvance } from '../deliveryRank.js';
import type { Message } from '../model.js';
import { compact, EMPTY, without } from './objects.js';

// Message-level effects, pure, shared by live events and by replays of effects that arrived before
// their message. Each returns the same object when it changes nothing.

/** An edit, unsend, reaction or receipt for one message; a shared store keeps those that wait. */
export const messageEffectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('edit'), text: z.string(), editCount: z.number() }),
  z.object({ type: z.literal('unsend') }),
  z.object({
    type: z.literal('reaction'),
    action: z.enum(['react', 'unreact']),
    emoji: z.optional(z.string()),
    name: z.optional(z.string()),
    at: z.number(),
  }),
  z.object({ type: z.literal('delivery'), state: z.enum(['delivered', 'read']), at: z.number() }),
]);
export type MessageEffect = z.infer<typeof messageEffectSchema>;
/** The inbox's name for it. */
export type Effect = MessageEffect;

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
      // A pending message has not gone out: a watermark it falls under was raised by what was sent
      // before it (the earlier part of a reply), and marking it would hide its failure if Meta refuses it.
      if (
        message.direction === 'inbound' ||
        message.delivery === 'pending' ||
        !isDeliveryAdvance(message.delivery, effect.state)
      )
        return message;
      const next: Message = { ...message, delivery: effect.state, updatedAt: now };
      next.deliveredAt = message.deliveredAt ?? effect.at;
      if (effect.state === 'read') next.readAt = effect.at;
      return next;
    }
  }
}
