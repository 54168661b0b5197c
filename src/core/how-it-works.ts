/**
 * The seed's method made visible for one record: the two conversations the reward model
 * reads (record + 正确, record + 错误, rendered by prompt.ts exactly as they are scored),
 * the reward of each, and the softmax that turns them into P(correct).
 */
import { LABEL_CORRECT, LABEL_WRONG, encode, fitRecord, render } from './prompt';
import type { Scorer, Verdict } from './scorer';

export interface ScoredText {
  label: typeof LABEL_CORRECT | typeof LABEL_WRONG;
  /** The chat-template text, special tokens included. */
  text: string;
  tokens: number;
  reward: number;
}

export interface HowItWorks {
  record: string;
  /** The part of the record that fits max_length (the whole record unless truncated). */
  fitted: string;
  truncated: boolean;
  correct: ScoredText;
  wrong: ScoredText;
  pCorrect: number;
  threshold: number;
  verdict: Verdict;
}

export async function howItWorks(scorer: Scorer, record: string): Promise<HowItWorks> {
  const { tokenizer, manifest } = scorer;
  const { fitted, truncated } = fitRecord(tokenizer, record, manifest.max_length);
  const [scored] = await scorer.score([record]);
  const side = (label: ScoredText['label'], reward: number): ScoredText => ({
    label,
    text: render(tokenizer, fitted, label),
    tokens: encode(tokenizer, fitted, label).length,
    reward,
  });
  return {
    record,
    fitted,
    truncated,
    correct: side(LABEL_CORRECT, scored.rewardCorrect),
    wrong: side(LABEL_WRONG, scored.rewardWrong),
    pCorrect: scored.pCorrect,
    threshold: manifest.threshold,
    verdict: scored.verdict,
  };
}
