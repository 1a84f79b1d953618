// Every problem of a stack's config in one run: each check runs on its own, and the one-line
// messages of all that fail come back together, one a line, in one error of the caller's kind.
// Pure, so that the usage and alarm modules use it too.

/** An error class whose message is one line, or several one-line problems joined by newlines. */
export type ProblemError = new (message: string) => Error;

/**
 * Runs `check` and returns its value; when it throws a `kind`, adds that error's problems (its
 * lines) to `problems` and returns undefined. Anything else is a bug, and goes on up.
 */
function attempt<T>(kind: ProblemError, problems: string[], check: () => T): { value: T } | undefined {
    try {
        return { value: check() };
    } catch (error) {
        if (!(error instanceof kind)) {
            throw error;
        }
        problems.push(...error.message.split("\n"));
        return undefined;
    }
}

/**
 * Runs every check, each whether or not the others fail. Returns each check's value under its
 * name; when any fails, throws one `kind` whose message lists every problem, one a line, in the
 * order of `checks`.
 */
export function checkEach<T extends Record<string, () => unknown>>(kind: ProblemError, checks: T): { [K in keyof T]: ReturnType<T[K]> } {
    const problems: string[] = [];
    const values = Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, attempt(kind, problems, check)?.value]));
    if (problems.length > 0) {
        throw new kind(problems.join("\n"));
    }
    return values as { [K in keyof T]: ReturnType<T[K]> };
}

/** `checkEach` over the entries of a list: each entry checked, every entry's problem reported. */
export function checkEvery<E, T>(kind: ProblemError, list: readonly E[], check: (entry: E, index: number) => T): T[] {
    const problems: string[] = [];
    const values = list.map((entry, index) => attempt(kind, problems, () => check(entry, index)));
    if (problems.length > 0) {
        throw new kind(problems.join("\n"));
    }
    return values.map((result) => (result as { value: T }).value);
}
