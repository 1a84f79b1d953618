// The known name a typo most likely meant, for errors that name the closest valid key or field.

/** Edits (insert, delete, replace a character) from `a` to `b`, case aside. */
function editDistance(a: string, b: string): number {
    const [from, to] = [a.toLowerCase(), b.toLowerCase()];
    let previous = Array.from({ length: to.length + 1 }, (_, j) => j);
    for (let i = 1; i <= from.length; i++) {
        const current = [i];
        for (let j = 1; j <= to.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (from[i - 1] === to[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[to.length];
}

/** The name of `known` nearest to `name`: what a typo most likely meant. */
export function closestName(name: string, known: readonly string[]): string {
    return known.reduce((best, candidate) => (editDistance(name, candidate) < editDistance(name, best) ? candidate : best));
}
