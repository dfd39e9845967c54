import * as z from 'zod/mini';

// Meta's response bodies as the Graph client reads them, and the small conversions every typed call
// shares (Meta's time format, epoch seconds, cursor paging). Every response is parsed with one of
// these: an unexpected body becomes `invalid_response` naming the field, never a crash further on.

const flexibleBoolean = z.union([z.boolean(), z.literal('true'), z.literal('false')]);
const nullableString = z.optional(z.nullable(z.string()));

const pagingSchema = z.optional(
  z.object({
    cursors: z.optional(z.object({ after: z.optional(z.string()) })),
    next: z.optional(z.string()),
  }),
);

export const sendResultSchema = z.object({
  recipient_id: z.optional(z.string()),
  message_id: z.string(),
  attachment_id: z.optional(z.string()),
});
export const senderActionResultSchema = z.object({ recipient_id: z.optional(z.string()) });
export const attachmentUploadSchema = z.object({ attachment_id: z.string() });
export const createdIdSchema = z.object({ id: z.string() });
export const successSchema = z.object({ success: flexibleBoolean });
/** `POST /{page}/blocked`: `{ "<psid>": true }` per person blocked. */
export const blockedSchema = z.record(z.string(), flexibleBoolean);
/** `GET /{page}/thread_owner`: `{ data: [{ thread_owner: { app_id } }] }`, app ids as strings or numbers. */
export const threadOwnerSchema = z.object({
  data: z.array(
    z.object({
      thread_owner: z.optional(
        z.object({
          app_id: z.pipe(
            z.union([z.string(), z.number()]),
            z.transform((id) => String(id)),
          ),
        }),
      ),
    }),
  ),
});
export const longLivedTokenSchema = z.object({
  access_token: z.string(),
  expires_in: z.optional(z.number()),
});

export const profileSchema = z.object({
  id: z.optional(z.string()),
  name: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  username: nullableString,
  profile_pic: nullableString,
});

export const subscribedAppsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.optional(z.string()),
      subscribed_fields: z.optional(z.array(z.union([z.string(), z.object({ name: z.string() })]))),
    }),
  ),
});

export const accountsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      access_token: z.optional(z.string()),
      tasks: z.optional(z.array(z.string())),
      picture: z.optional(z.object({ data: z.optional(z.object({ url: z.optional(z.string()) })) })),
      instagram_business_account: z.optional(
        z.object({
          id: z.string(),
          username: z.optional(z.string()),
          name: z.optional(z.string()),
          profile_picture_url: z.optional(z.string()),
        }),
      ),
    }),
  ),
  paging: pagingSchema,
});

export const debugTokenSchema = z.object({
  data: z.object({
    app_id: z.optional(z.string()),
    type: z.optional(z.string()),
    application: z.optional(z.string()),
    data_access_expires_at: z.optional(z.number()),
    expires_at: z.optional(z.number()),
    is_valid: z.boolean(),
    issued_at: z.optional(z.number()),
    profile_id: z.optional(z.string()),
    user_id: z.optional(z.string()),
    scopes: z.optional(z.array(z.string())),
    granular_scopes: z.optional(
      z.array(z.object({ scope: z.string(), target_ids: z.optional(z.array(z.string())) })),
    ),
    error: z.optional(
      z.object({
        code: z.optional(z.number()),
        message: z.optional(z.string()),
        subcode: z.optional(z.number()),
      }),
    ),
  }),
});

const participantSchema = z.object({
  id: z.string(),
  name: z.optional(z.string()),
  username: z.optional(z.string()),
});

export const conversationsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      updated_time: z.optional(z.string()),
      participants: z.optional(z.object({ data: z.array(participantSchema) })),
    }),
  ),
  paging: pagingSchema,
});

export const historyMessagesSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      created_time: z.string(),
      from: participantSchema,
      to: z.optional(z.object({ data: z.array(participantSchema) })),
      message: z.optional(z.string()),
      attachments: z.optional(
        z.object({
          data: z.array(
            z.object({
              mime_type: z.optional(z.string()),
              name: z.optional(z.string()),
              size: z.optional(z.number()),
              file_url: z.optional(z.string()),
              image_data: z.optional(z.object({ url: z.optional(z.string()) })),
              video_data: z.optional(z.object({ url: z.optional(z.string()) })),
            }),
          ),
        }),
      ),
    }),
  ),
  paging: pagingSchema,
});

/** The cursor of the next page, or null on the last one (Meta omits `next` there). */
export function nextCursor(paging: z.infer<typeof pagingSchema>): string | null {
  return paging?.next ? (paging.cursors?.after ?? null) : null;
}

/** Meta writes times as `2026-01-02T03:04:05+0000`; normalise the offset so every engine parses it. */
export function parseGraphTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(at) ? at : undefined;
}

export const epochSecondsToMs = (seconds: number | undefined): number | null =>
  seconds === undefined || seconds === 0 ? null : seconds * 1000;

/** `{ key: value }`, or `{}` when Meta sent nothing: optional fields stay absent, never `undefined`. */
export const optional = <TKey extends string, TValue>(key: TKey, value: TValue | null | undefined) =>
  (value === undefined || value === null ? {} : { [key]: value }) as { [K in TKey]?: TValue };
