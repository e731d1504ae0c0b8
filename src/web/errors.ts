/** The one error type of the HTTP layer: a status, a contract error code and values for the message. */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'unknown_tenant'
  | 'unsupported_language'
  | 'missing_query'
  | 'invalid_parameter'
  | 'invalid_body'
  | 'not_found'
  | 'internal_error'
  | 'payload_too_large'
  | 'message_too_long'
  | 'message_empty'
  | 'unknown_conversation'
  | 'rate_limited'
  | 'invalid_token'
  | 'forbidden_origin'
  | 'csrf'
  | 'sign_in_required'
  | 'unknown_action'
  | 'action_rejected'
  | 'backend_unavailable'
  | 'unsupported_media_type'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_progress'
  | 'storage_unavailable'
  | 'not_ready';

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    readonly vars: Record<string, string | number> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message: code });
  }
}
