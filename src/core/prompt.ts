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

/** tokenizer.json's added_tokens entries (the fields that decide how text around them splits). */
interface AddedToken {
  id: number;
  content: string;
  lstrip?: boolean;
  rstrip?: boolean;
  single_word?: boolean;
  normalized?: boolean;
}

/** How to get the 错误 ids from the 正确 ids of the same record: swap one token. */
interface LabelSwap {
  correctId: number;
  wrongId: number;
  /** Tokens the template puts after the label word. */
  tailLength: number;
}

const swaps = new WeakMap<PreTrainedTokenizer, LabelSwap>();

/**
 * Let encodePair tokenize a record once instead of once per label word, where that is
 * exact: both label words are added tokens (split out before anything else, so the
 * text around them is tokenized the same whichever of the two stands there) with the
 * same stripping flags, and the template renders the two conversations alike but for
 * the label word. Our trained tokenizers add them (training/twinscore/model/tiny.py); a
 * tokenizer that does not (e.g. a hub Qwen) keeps the two full passes.
 */
export function registerLabelTokens(tokenizer: PreTrainedTokenizer, tokenizerJson: { added_tokens?: AddedToken[] }): void {
  const added = (word: string) => tokenizerJson.added_tokens?.find((t) => t.content === word);
  const [c, w] = [added(LABEL_CORRECT), added(LABEL_WRONG)];
  if (!c || !w) return;
  const flags = (t: AddedToken) => [!!t.lstrip, !!t.rstrip, !!t.single_word, t.normalized].join();
  if (flags(c) !== flags(w)) return;
  const probe = '张三，北京市朝阳区望京街道123号，联系电话：13812345678';
  const [textC, textW] = [render(tokenizer, probe, LABEL_CORRECT), render(tokenizer, probe, LABEL_WRONG)];
  const at = textC.lastIndexOf(LABEL_CORRECT);
  if (at < 0 || at !== textW.lastIndexOf(LABEL_WRONG) || textC.slice(0, at) !== textW.slice(0, at)) return;
  const tail = textC.slice(at + LABEL_CORRECT.length);
  if (tail !== textW.slice(at + LABEL_WRONG.length)) return;
  swaps.set(tokenizer, { correctId: c.id, wrongId: w.id, tailLength: tail ? tokenizer.encode(tail, { add_special_tokens: false }).length : 0 });
}

/** Whether encodePair tokenizes once for this tokenizer (registerLabelTokens found it exact). */
export function encodesPairInOnePass(tokenizer: PreTrainedTokenizer): boolean {
  return swaps.has(tokenizer);
}

/** [ids with 正确, ids with 错误] for one record: equal to two encode() calls. */
export function encodePair(tokenizer: PreTrainedTokenizer, record: string): [number[], number[]] {
  const swap = swaps.get(tokenizer);
  const idsCorrect = encode(tokenizer, record, LABEL_CORRECT);
  const at = swap ? idsCorrect.length - 1 - swap.tailLength : -1;
  if (!swap || idsCorrect[at] !== swap.correctId) return [idsCorrect, encode(tokenizer, record, LABEL_WRONG)];
  const idsWrong = idsCorrect.slice();
  idsWrong[at] = swap.wrongId;
  return [idsCorrect, idsWrong];
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
  const fits = (text: string) => encodePair(tokenizer, text).every((ids) => ids.length <= maxLength);
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
