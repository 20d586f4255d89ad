// The tools' tables: plain (no colours), so the text is the same in a terminal, a pipe, a CI log and a test.
import Table from "cli-table3";

/** A table of `rows` under `head`; the columns numbered in `right` are aligned right (figures). */
export function plainTable(head: string[], rows: (string | number)[][], right: number[] = []): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (right.includes(i) ? "right" : "left")),
  });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString();
}
