/**
 * A long table's body, virtualised (@tanstack/react-virtual: only the rows in view are in the
 * DOM, so 5,000 migrations scroll smoothly) and one Tab stop (roving tabindex: the active row
 * has tabIndex 0, the others -1; ↑/↓, PageUp/PageDown, Home/End move, Enter selects).
 *
 * The scroll container is the `scrollRef` element (give it a max-height and overflow: auto).
 */
import { memo, useEffect, useRef, type ReactNode, type RefObject, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface VirtualRowsProps<T> {
  rows: T[];
  scrollRef: RefObject<HTMLElement | null>;
  /** index of the active row (the one Tab lands on); -1 → the first */
  activeIndex: number;
  onActivate(index: number): void;
  rowKey(row: T): string;
  /** renders the row's cells */
  cells(row: T, index: number): ReactNode;
  rowProps?(row: T, index: number): Record<string, unknown>;
  columns: number;
  rowHeight?: number;
  /** the id prefix of each row (`${idPrefix}${index}`) */
  idPrefix: string;
}

export function VirtualRows<T>({ rows, scrollRef, activeIndex, onActivate, rowKey, cells, rowProps, columns, rowHeight = 37, idPrefix }: VirtualRowsProps<T>) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer returns unmemoised functions; this component is not memoised either
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 10, initialRect: { width: 800, height: 900 } });
  const active = activeIndex >= 0 && activeIndex < rows.length ? activeIndex : 0;
  const wantFocus = useRef<number | null>(null);

  // after a keyboard move, focus the new active row once it is rendered
  useEffect(() => {
    if (wantFocus.current === null) return;
    const el = document.getElementById(`${idPrefix}${wantFocus.current}`);
    if (el) {
      el.focus({ preventScroll: false });
      wantFocus.current = null;
    }
  });

  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    wantFocus.current = next;
    v.scrollToIndex(next, { align: 'auto' });
    onActivate(next);
  };

  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 1);
    const map: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: rows.length - 1 };
    const to = map[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  };

  const items = v.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = v.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <tbody onKeyDown={onKey}>
      {padTop > 0 ? (
        <tr aria-hidden="true" className="vpad">
          <td colSpan={columns} style={{ height: padTop }} />
        </tr>
      ) : null}
      {items.map((it) => (
        <VirtualRow key={rowKey(rows[it.index]!)} row={rows[it.index]!} index={it.index} active={it.index === active} id={`${idPrefix}${it.index}`} onActivate={onActivate} cells={cells} rowProps={rowProps} />
      ))}
      {padBottom > 0 ? (
        <tr aria-hidden="true" className="vpad">
          <td colSpan={columns} style={{ height: padBottom }} />
        </tr>
      ) : null}
    </tbody>
  );
}

interface VirtualRowProps<T> {
  row: T;
  index: number;
  active: boolean;
  id: string;
  onActivate(index: number): void;
  cells(row: T, index: number): ReactNode;
  rowProps?: ((row: T, index: number) => Record<string, unknown>) | undefined;
}

/**
 * One row, memoised: a scroll re-renders the window (the virtualizer's state changes), and the
 * rows already in view keep their props (same row, same callbacks from a parent that did not
 * re-render), so only the rows scrolled into view render. A parent re-render (selection, new
 * data) passes new callbacks and so renders every row in view, as it must.
 */
const VirtualRow = memo(function VirtualRow<T>({ row, index, active, id, onActivate, cells, rowProps }: VirtualRowProps<T>) {
  return (
    <tr
      id={id}
      aria-rowindex={index + 2}
      tabIndex={active ? 0 : -1}
      onClick={() => onActivate(index)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onActivate(index);
        }
      }}
      {...(rowProps?.(row, index) ?? {})}
    >
      {cells(row, index)}
    </tr>
  );
}) as <T>(props: VirtualRowProps<T>) => ReactNode;
