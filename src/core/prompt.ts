/**
 * The one place (TypeScript side) that says what text the reward model reads.
 *
 * Twin of training/twinscore/prompt.py: a record is scored as a two-turn conversation,
 * the record as the user turn and a label word as the assistant turn, rendered by the
 * model's own chat template (from tokenizer_config.json). parity.json, written by the
 * Python exporter, holds both sides to the same texts and token ids.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';

export const PROMPT_FORMAT_VERSION = 1;
export const LABEL_CORRECT = '正确';
export const LABEL_WRONG = '错误';
export const LABEL_WORDS = [LABEL_CORRECT, LABEL_WRONG] as const;
export type LabelWord = (typeof LABEL_WORDS)[number];

export interface Message {
  content: string;
  role: 'user' | 'assistant';
}

/** The conversation for one record and one label word, keys in the seed's order. */
export function messages(record: string, label: LabelWord): Message[] {
  return [
    { content: record, role: 'user' },
    { content: label, role: 'assistant' },
  ];
}

export function render(tokenizer: PreTrainedTokenizer, record: string, label: LabelWord): string {
  return tokenizer.apply_chat_template(messages(record, label), { tokenize: false }) as string;
}

export function encode(tokenizer: PreTrainedTokenizer, record: string, label: LabelWord): number[] {
  // The template already holds every special token; the tokenizer must add none.
  return tokenizer.encode(render(tokenizer, record, label), { add_special_tokens: false });
}

/**
 * Cut the record (never the template or label) so both sequences fit maxLength.
 * Same binary search over code points as fit_record in prompt.py, so both sides cut
 * at the same place.
 */
export function fitRecord(
  tokenizer: PreTrainedTokenizer,
  record: string,
  maxLength: number,
): { fitted: string; truncated: boolean } {
  const fits = (text: string) => LABEL_WORDS.every((label) => encode(tokenizer, text, label).length <= maxLength);
  if (fits(record)) return { fitted: record, truncated: false };
  if (!fits('')) throw new Error(`max_length ${maxLength} is too small to hold the prompt template itself`);
  const chars = Array.from(record); // code points, as Python slices
  let lo = 0;
  let hi = chars.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(chars.slice(0, mid).join(''))) lo = mid;
    else hi = mid;
  }
  return { fitted: chars.slice(0, lo).join(''), truncated: true };
}
