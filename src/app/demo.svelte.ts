/**
 * The one-click demo (issue 7): the built-in sample of generated records with known labels
 * (public/samples/demo.csv: record, label, error_class) goes through exactly the path a
 * user's file takes (audit.open, the column mapping, audit.start); LabelledSummary then
 * shows which kinds of error the model catches.
 */
import { audit } from './audit.svelte';
import { t } from './locale.svelte';

export const DEMO_FILE = 'demo.csv';

class DemoState {
  error = $state<string | null>(null);
  loading = $state(false);

  /** Fetch the sample and hand it to the audit as if the user had dropped it. */
  async start() {
    this.error = null;
    this.loading = true;
    try {
      const response = await fetch(new URL(`samples/${DEMO_FILE}`, document.baseURI));
      if (!response.ok) throw new Error(`samples/${DEMO_FILE}: HTTP ${response.status}`);
      const file = new File([await response.blob()], DEMO_FILE, { type: 'text/csv' });
      if (await audit.open(file)) await audit.start();
    } catch (e) {
      this.error = t('demo.failed', { why: (e as Error).message });
    } finally {
      this.loading = false;
    }
  }
}

export const demo = new DemoState();
