// The generated partners of a bench case, in one place: the case under mocks and the same case
// under the real CLI must declare the same stack.

/** `count` partners whose key and certificate the stack issues, as a stack's `partners` map holds them. */
export function generatedPartners(count: number): Record<string, object> {
    return Object.fromEntries(Array.from({ length: count }, (_, i) => [`partner-${i}`, {}]));
}
