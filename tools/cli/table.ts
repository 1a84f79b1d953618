// One plain-text table printer for the tools that print tables: verify's and the smoke run's
// checks, and the bench's figures.

export type Cell = string | number | undefined;

export interface TableLayout {
    /** Per column; "left" by default. The last column, when left-aligned, is not padded. */
    readonly align?: readonly ("left" | "right")[];
    /** A line of dashes under the header. */
    readonly rule?: boolean;
}

/** The header and rows in columns two spaces apart; an undefined cell is empty. */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[], layout: TableLayout = {}): string {
    const cells = [header, ...rows.map((row) => header.map((_, i) => (row[i] === undefined ? "" : String(row[i]))))];
    const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    const last = header.length - 1;
    const line = (row: readonly string[]) => row.map((cell, i) => {
        if (layout.align?.[i] === "right") {
            return cell.padStart(widths[i]);
        }
        return i === last ? cell : cell.padEnd(widths[i]);
    }).join("  ");
    const rule = layout.rule ? [widths.map((width) => "-".repeat(width)).join("  ")] : [];
    return [line(cells[0]), ...rule, ...cells.slice(1).map(line)].join("\n");
}
