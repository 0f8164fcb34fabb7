// Reads what a device says in an error body: AppResponse sends {"error_id","error_text"},
// Allegro {"error": "..."} or plain text. Anything else yields no detail.
import { redact } from './redact';

export interface ErrorDetail {
  errorId?: string;
  errorText?: string;
}

export function parseErrorBody(body: string, contentType = ''): ErrorDetail {
  const trimmed = body.trim();
  if (!trimmed) return {};
  if (trimmed.startsWith('{') || contentType.includes('json')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object') {
        const errorId = stringOf(parsed.error_id);
        const errorText = stringOf(parsed.error_text) ?? stringOf(parsed.error) ?? stringOf(parsed.message) ?? stringOf(parsed.errorMessage);
        const nested = parsed.error && typeof parsed.error === 'object' ? (parsed.error as Record<string, unknown>) : undefined;
        return clean({
          errorId: errorId ?? stringOf(nested?.error_id) ?? stringOf(nested?.code),
          errorText: errorText ?? stringOf(nested?.error_text) ?? stringOf(nested?.message),
        });
      }
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (/^<(!doctype|html)/i.test(trimmed)) {
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return title ? clean({ errorText: title }) : {};
  }
  return clean({ errorText: excerpt(trimmed, 300) });
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function clean(detail: ErrorDetail): ErrorDetail {
  return {
    ...(detail.errorId ? { errorId: redact(detail.errorId) } : {}),
    ...(detail.errorText ? { errorText: redact(detail.errorText) } : {}),
  };
}

/** The first `max` characters of a body, on one line, secrets removed. */
export function excerpt(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return redact(oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine);
}
