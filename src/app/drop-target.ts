/**
 * Svelte action for an element that takes dropped files: `use:dropTarget={(data) => ...}`.
 * It stops the browser from opening what is dropped, hands over the DataTransfer, and
 * gives the element the class `over` while something is dragged over it (style it with
 * `:global(.over)`, since the template never names the class).
 */
export function dropTarget(node: HTMLElement, onDrop: (data: DataTransfer) => void) {
  let take = onDrop;
  const over = (on: boolean) => node.classList.toggle('over', on);
  const dragover = (e: DragEvent) => {
    e.preventDefault();
    over(true);
  };
  const dragleave = () => over(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    over(false);
    if (e.dataTransfer) take(e.dataTransfer);
  };
  node.addEventListener('dragover', dragover);
  node.addEventListener('dragleave', dragleave);
  node.addEventListener('drop', drop);
  return {
    update(next: (data: DataTransfer) => void) {
      take = next;
    },
    destroy() {
      node.removeEventListener('dragover', dragover);
      node.removeEventListener('dragleave', dragleave);
      node.removeEventListener('drop', drop);
    },
  };
}
