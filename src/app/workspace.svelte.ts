/**
 * The workspace's own state: which row the side panel shows, and whether the source
 * panel (file, mapping, label metrics, corrections, models) is open. Review mode drives
 * the same selection, so the table follows the record under review.
 */
class Workspace {
  /** The row the side panel shows (a click on a table row picks it). */
  selected = $state<number | null>(null);
  sourceOpen = $state(true);
}

export const workspace = new Workspace();
